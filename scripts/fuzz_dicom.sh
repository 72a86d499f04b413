#!/usr/bin/env bash
# Builds the libFuzzer target Fuzz/dicom_fuzzer.cpp over the CDicom shim with AddressSanitizer
# and runs it for DURATION seconds (default 60), seeded with the DICOM test fixtures.
#
# Usage: scripts/fuzz_dicom.sh [DURATION_SECONDS] [WORK_DIR]
# WORK_DIR (default /tmp/ia-dicom-fuzz) receives the binary, the growing corpus and any crash
# files (crash-*, leak-*, oom-*). Needs clang++ with -fsanitize=fuzzer (the Swift toolchain's
# clang has it) and the packages of scripts/install-deps.sh. Not part of CI: it runs until the
# duration ends and uses one core.
set -euo pipefail

duration="${1:-60}"
work="${2:-/tmp/ia-dicom-fuzz}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work/corpus"

clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined \
  -I "$root/Sources/CDicom/include" -I "$root/Sources/CDicom" \
  "$root/Fuzz/dicom_fuzzer.cpp" "$root"/Sources/CDicom/*.cpp \
  -ldcmjpeg -ldcmjpls -ldcmimgle -ldcmdata -loflog -lofstd -lopenjp2 \
  -o "$work/dicom_fuzzer"

cp "$root"/Tests/DICOMTests/Resources/*.dcm "$root/Tests/DICOMTests/Resources/DICOMDIR" "$work/corpus/"
cd "$work"
# DCMTK allocates an element's declared length before it finds the data too short, so inputs
# that declare gigabytes are out-of-memory reports, not memory errors: fork mode skips them.
# Leak checking is off because DCMTK 3.6.7 loses directory-record objects when a DICOMDIR fails
# to parse (indirect leaks only, none from this shim).
ASAN_OPTIONS=detect_leaks=0 ./dicom_fuzzer -max_total_time="$duration" -fork=1 -ignore_ooms=1 -detect_leaks=0 -rss_limit_mb=2048 \
  -malloc_limit_mb=1024 -max_len=300000 \
  -timeout=10 corpus
