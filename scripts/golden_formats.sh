#!/usr/bin/env bash
# Golden comparisons over whole sample folders: every DICOM frame pydicom decodes
# (scripts/golden_dicom.py, DICOMTests.SampleFolderTests) and every NIfTI slice nibabel loads
# (scripts/golden_containers.py --nifti-folder, DatasetsTests.NIfTISampleFolderTests).
# Prints the counts per status and exits 1 when a frame or slice differs.
#
# Usage: scripts/golden_formats.sh DICOM_FOLDER NIFTI_FOLDER
#
# Optional environment:
#   PYTHON        interpreter with numpy, pydicom 3 and nibabel 5 (default python3)
#   OUT_DIR       folder for the golden JSON files and the per-file reports (default: a temporary folder)
#   SWIFT_SCRATCH scratch path of the debug test build (default /tmp/build-golden-formats)
set -euo pipefail

[[ $# -eq 2 ]] || { echo "Usage: $0 DICOM_FOLDER NIFTI_FOLDER" >&2; exit 64; }
dicom=$(cd "$1" 2>/dev/null && pwd) || { echo "Error: DICOM folder not found: $1" >&2; exit 64; }
nifti=$(cd "$2" 2>/dev/null && pwd) || { echo "Error: NIfTI folder not found: $2" >&2; exit 64; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
out=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/golden-formats.XXXXXX")}
scratch=${SWIFT_SCRATCH:-/tmp/build-golden-formats}
mkdir -p "$out"
"$python" -c "import numpy, pydicom, nibabel" || { echo "Error: $python cannot import numpy, pydicom and nibabel." >&2; exit 64; }

"$python" "$repo/scripts/golden_dicom.py" "$dicom" "$out/dicom-golden.json"
"$python" "$repo/scripts/golden_containers.py" --nifti-folder "$nifti" "$out/nifti-golden.json"

status=0
cd "$repo"
IA_DICOM_SAMPLES="$dicom" IA_DICOM_GOLDEN="$out/dicom-golden.json" IA_DICOM_REPORT="$out/dicom-report.tsv" \
    swift test --scratch-path "$scratch" -j 2 --filter DICOMTests.SampleFolderTests > "$out/dicom-test.log" 2>&1 || status=1
IA_NIFTI_SAMPLES="$nifti" IA_NIFTI_GOLDEN="$out/nifti-golden.json" IA_NIFTI_REPORT="$out/nifti-report.tsv" \
    swift test --scratch-path "$scratch" -j 2 --filter DatasetsTests.NIfTISampleFolderTests > "$out/nifti-test.log" 2>&1 || status=1

for kind in dicom nifti; do
    if [[ -f "$out/$kind-report.tsv" ]]; then
        echo "$kind: files or frames per status (first word of the second column):"
        cut -f2 "$out/$kind-report.tsv" | awk '{ print $1 }' | sort | uniq -c
    else
        echo "$kind: no report; see $out/$kind-test.log" >&2
        status=1
    fi
done
echo "reports in $out"
exit $status
