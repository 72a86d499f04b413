#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with the address sanitizer and runs each container reader
# for SECONDS seconds (default 60), starting from the files in fixtures/containers. Not run in CI.
#
# Usage: scripts/fuzz_readers.sh [SECONDS] [READER...]   (readers: IDX NPY NPZ NIfTI; default all)
# Findings (crash-*, oom-*, timeout-* files) are written to /tmp/intrinsic-audit-fuzz/<reader>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
readers=("$@")
if [ ${#readers[@]} -eq 0 ]; then
  readers=(IDX NPY NPZ NIfTI)
fi
scratch="${FUZZ_SCRATCH:-/tmp/build-fuzz}"
work="/tmp/intrinsic-audit-fuzz"

# lld from the Swift toolchain links these; ld.gold (GNU binutils 2.40) stops with an internal
# error in format_file_lineno on the sanitizer build.
swift build --package-path fuzz --scratch-path "$scratch" -c release -j 2 \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld

for reader in "${readers[@]}"; do
  corpus="$work/$reader/corpus"
  mkdir -p "$corpus"
  case "$reader" in
    IDX) seeds=(fixtures/containers/*ubyte*) ;;
    NPY) seeds=(fixtures/containers/*.npy) ;;
    NPZ) seeds=(fixtures/containers/*.npz) ;;
    NIfTI) seeds=(fixtures/containers/*.nii*) ;;
    *) echo "unknown reader '$reader'; use IDX, NPY, NPZ or NIfTI" >&2; exit 64 ;;
  esac
  for seed in "${seeds[@]}"; do
    [ -f "$seed" ] && cp "$seed" "$corpus/"
  done
  echo "fuzzing $reader for $seconds s" >&2
  # rss_limit_mb: readers may allocate up to the declared sizes of a small input's data.
  (cd "$work/$reader" && "$scratch/release/${reader}Fuzzer" corpus -max_total_time="$seconds" \
    -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1)
done
