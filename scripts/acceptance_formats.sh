#!/usr/bin/env bash
# Acceptance run of the medical and container formats. It audits a DICOM sample folder, an MNI
# NIfTI template with its grey-matter mask, two MedMNIST .npz files and Fashion-MNIST (IDX) with
# a release binary and a fresh database. It checks each report, prints a summary table, and then
# runs the golden comparisons of scripts/golden_formats.sh.
#
# Usage: scripts/acceptance_formats.sh DATA_ROOT
#
# DATA_ROOT contains (read only):
#   dicom-samples/    DICOM files and CATALOG.csv (columns path, transfer_syntax_uid, modality, frames, ...)
#   nifti-samples/    nilearn_bundled/mni_icbm152_{t1,gm}_tal_nlin_sym_09a_converted.nii.gz and other NIfTI files
#   pneumoniamnist/   pneumoniamnist_reconstructed.npz, and partial copies under source/ (excluded)
#   breastmnist/      breastmnist.npz
#   fashion-mnist/    {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#
# Optional environment:
#   INTRINSIC_AUDIT  release binary (default .build/release/intrinsic-audit; build it with
#                    `swift build -c release --product intrinsic-audit`)
#   PYTHON           interpreter with numpy, pydicom 3 and nibabel 5 for the golden values (default python3)
#   OUT_DIR          folder that receives the JSON reports, the label table, the logs and summary.md
#   SKIP_GOLDEN=1    skip the golden comparisons
#   SWIFT_SCRATCH    scratch path of the debug test build the golden comparisons use
#   KEEP_WORK=1      keep the temporary work folder
#
# Exit status: 0 when every audit and check passes, 1 when one fails, 64 for usage errors.
set -euo pipefail

usage() {
    echo "Usage: $0 DATA_ROOT" >&2
    exit 64
}

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

now() {
    date +%s.%N
}

[[ $# -eq 1 ]] || usage
data=$(cd "$1" 2>/dev/null && pwd) || { echo "Error: DATA_ROOT not found: $1" >&2; exit 64; }
for folder in dicom-samples nifti-samples pneumoniamnist breastmnist fashion-mnist; do
    [[ -d "$data/$folder" ]] || { echo "Error: $data/$folder not found; DATA_ROOT must contain it." >&2; exit 64; }
done
[[ -f "$data/dicom-samples/CATALOG.csv" ]] || { echo "Error: $data/dicom-samples/CATALOG.csv not found." >&2; exit 64; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
binary=${INTRINSIC_AUDIT:-$repo/.build/release/intrinsic-audit}
[[ -x "$binary" ]] || {
    echo "Error: no binary at $binary; run 'swift build -c release --product intrinsic-audit' or set INTRINSIC_AUDIT." >&2
    exit 64
}

work=$(mktemp -d "${TMPDIR:-/tmp}/acceptance-formats.XXXXXX")
if [[ "${KEEP_WORK:-0}" != 1 ]]; then
    trap 'rm -rf "$work"' EXIT
fi
export XDG_DATA_HOME="$work/xdg"
database="$work/audit.sqlite"
failures=0
summary="$work/summary.tsv"
printf 'dataset\timages\tdecoded\ttasks\ttop task\tK_F\tseconds\n' > "$summary"

# Runs one audit and appends its summary row. Arguments: NAME FOLDER [AUDIT OPTIONS...]
# The report must have a ranked task, unless UNRANKED_OK=1 is set for the call (then the row
# shows why the first task has no K_F).
audit() {
    local name=$1 folder=$2
    shift 2
    local start report="$work/$name.json"
    start=$(now)
    echo "auditing $name ($folder)" >&2
    if ! "$binary" audit "$folder" --db "$database" --format json "$@" > "$report" 2> "$work/$name.log"; then
        fail "audit of $name exited with an error; last lines of $work/$name.log:"
        tail -20 "$work/$name.log" >&2
        return
    fi
    local seconds
    seconds=$(awk -v start="$start" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }')
    UNRANKED_OK=${UNRANKED_OK:-0} "$python" - "$report" "$name" "$seconds" >> "$summary" <<'EOF' || fail "report of $name has no ranked task list"
import json, os, sys
report = json.load(open(sys.argv[1]))
tasks = [t for t in report["tasks"] if t.get("rank") is not None]
if report["status"] != "done" or not report["tasks"] or (not tasks and os.environ["UNRANKED_OK"] != "1"):
    sys.exit(f"status {report['status']}, {len(tasks)} ranked tasks")
dataset = report["dataset"]
if tasks:
    top = min(tasks, key=lambda t: t["rank"])
    name, kf = top["name"], top["label_sharpness"]["mean"]
    kf = "n/a" if kf is None else format(kf, ".4g")
else:
    name, kf = report["tasks"][0]["name"] + " (not ranked)", "n/a: " + report["tasks"][0]["label_sharpness"]["reason"]
print(f"{sys.argv[2]}\t{dataset['images']}\t{dataset['decoded']}\t{len(report['tasks'])}\t{name}\t{kf}\t{sys.argv[3]}")
EOF
}

# Runs a check script over a report: python CHECK_NAME REPORT, with the code on stdin.
check() {
    local name=$1 report="$work/$2.json"
    [[ -s "$report" ]] || return 0
    "$python" - "$report" || fail "$name"
}

# 1. DICOM: CT against MR from the catalogue, every frame of a multi-frame file listed by its path.
"$python" - "$data/dicom-samples/CATALOG.csv" > "$work/dicom-labels.csv" <<'EOF'
import csv, sys
writer = csv.writer(sys.stdout, lineterminator="\n")
writer.writerow(["path", "modality"])
for row in csv.DictReader(open(sys.argv[1], newline="")):
    if row["modality"] not in ("CT", "MR") or row["has_pixels"] != "1":
        continue
    frames = int(row["frames"] or 1)
    paths = [row["path"]] if frames <= 1 else [f"{row['path']}#frame={k}" for k in range(frames)]
    for path in paths:
        writer.writerow([path, row["modality"]])
EOF
echo '{"labels": {"class_column": "modality"}}' > "$work/dicom-config.json"
audit dicom "$data/dicom-samples" --labels "$work/dicom-labels.csv" --config "$work/dicom-config.json" --resolution 64
check "DICOM: unsupported transfer syntaxes and non-image objects reported with reasons" dicom <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
dataset = report["dataset"]
skipped = dataset["unreadable"] + dataset["rejected_paths"]
text = "\n".join(f"{item['path']}: {item['reason']}" for item in skipped)
errors = []
for uid in ("1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.8.1"):
    if uid not in text:
        errors.append(f"transfer syntax {uid} not reported")
if not any("pixel data" in item["reason"].lower() for item in skipped):
    errors.append("no object without pixel data reported")
if any(not item["reason"].strip() for item in skipped):
    errors.append("a skipped file has an empty reason")
if dataset["decoded"] < dataset["images"] // 2:
    errors.append(f"only {dataset['decoded']} of {dataset['images']} images decoded")
if "ct_vs_mr" not in [task["name"] for task in report["tasks"]]:
    errors.append("task ct_vs_mr missing")
print(f"DICOM: {len(dataset['unreadable'])} unreadable, {len(dataset['rejected_paths'])} rejected", file=sys.stderr)
if errors:
    sys.exit("; ".join(errors) + "\n" + text)
EOF

# 2. NIfTI: the MNI T1 template, labelled by its grey-matter map above probability 0.5 (127.5 of 255).
mkdir -p "$work/nifti"
for kind in t1 gm; do
    cp "$data/nifti-samples/nilearn_bundled/mni_icbm152_${kind}_tal_nlin_sym_09a_converted.nii.gz" "$work/nifti/"
done
echo '{"scan": {"nifti_mask_pattern": "_t1_", "nifti_mask_replacement": "_gm_", "nifti_mask_threshold": 127.5}}' > "$work/nifti-config.json"
# The 31 negative slices (158 to 188, above the head) are all zero, so they are exact duplicates
# of the blank slices 155 to 157. Duplicate removal keeps slice 155, which lies within the
# negative margin and is unlabelled, so the task has no negative image and is not ranked.
UNRANKED_OK=1 audit nifti "$work/nifti" --config "$work/nifti-config.json" --resolution 64
check "NIfTI: 189 slices, task mask with 152 positive and 31 negative (blank) slices" nifti <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
task = next((t for t in report["tasks"] if t["name"] == "mask"), None)
if report["dataset"]["images"] != 189 or task is None or (task["positives"], task["negatives"]) != (152, 31):
    sys.exit(f"images {report['dataset']['images']}, task {task and (task['positives'], task['negatives'])}")
blank = {f"mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz#slice={k}" for k in range(155, 189)}
if set(report["dataset"]["constant_images"]) != blank:
    sys.exit(f"constant slices differ from 155 to 188: {sorted(report['dataset']['constant_images'])}")
if task["rank"] is None and "negative side has no image" not in task["label_sharpness"]["reason"]:
    sys.exit(f"task mask unranked for another reason: {task['label_sharpness']['reason']}")
EOF

# 2b. The same template with the mask above probability 0.99 (252.5 of 255). Only slices with
# near-certain grey matter are positive, so the slices 5 or more away include non-blank slices
# below the cortex band, and the task is ranked.
mkdir -p "$work/nifti-strict"
cp "$work/nifti/"*.nii.gz "$work/nifti-strict/"
echo '{"scan": {"nifti_mask_pattern": "_t1_", "nifti_mask_replacement": "_gm_", "nifti_mask_threshold": 252.5}}' > "$work/nifti-strict-config.json"
audit nifti-strict "$work/nifti-strict" --config "$work/nifti-strict-config.json" --resolution 64
check "NIfTI (mask above 0.99): task mask ranked with both sides non-blank" nifti-strict <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
task = next((t for t in report["tasks"] if t["name"] == "mask"), None)
if task is None or task["rank"] is None or task["label_sharpness"]["mean"] is None:
    sys.exit(f"task mask not ranked: {task and task['label_sharpness']['reason']}")
if min(task["positives"], task["negatives"]) < 20:
    sys.exit(f"task mask has {task['positives']} positive and {task['negatives']} negative slices")
print(f"NIfTI (0.99): {task['positives']} positive, {task['negatives']} negative slices, K_F {task['label_sharpness']['mean']:.4g}", file=sys.stderr)
EOF

# 3. MedMNIST .npz files at their native 28 pixels.
echo '{"labels": {"class_names": ["normal", "pneumonia"]}, "scan": {"exclude": ["source/*"]}}' > "$work/pneumoniamnist-config.json"
audit pneumoniamnist "$data/pneumoniamnist" --config "$work/pneumoniamnist-config.json" --resolution 28
echo '{"labels": {"class_names": ["malignant", "normal-benign"]}}' > "$work/breastmnist-config.json"
audit breastmnist "$data/breastmnist" --config "$work/breastmnist-config.json" --resolution 28
check "PneumoniaMNIST: 5,856 images, nothing from source/" pneumoniamnist <<'EOF'
import json, sys
dataset = json.load(open(sys.argv[1]))["dataset"]
if dataset["images"] != 5856 or dataset["classes"].keys() != {"normal", "pneumonia"}:
    sys.exit(f"images {dataset['images']}, classes {dataset['classes']}")
EOF

# 4. Fashion-MNIST IDX, T-shirt/top against Shirt.
cat > "$work/fashion-config.json" <<'EOF'
{"preprocessing": {"resolution": 28},
 "labels": {"class_names": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]}}
EOF
audit fashion-mnist "$data/fashion-mnist" --config "$work/fashion-config.json" --tasks 'shirt_vs_t-shirt-top'

# Summary table (Markdown).
"$python" - "$summary" > "$work/summary.md" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter="\t"))
print("| " + " | ".join(rows[0]) + " |")
print("|" + "---|" * len(rows[0]))
for row in rows[1:]:
    print("| " + " | ".join(row) + " |")
EOF
cat "$work/summary.md"

# 5. Golden comparisons over the whole sample folders.
if [[ "${SKIP_GOLDEN:-0}" != 1 ]]; then
    if ! PYTHON="$python" OUT_DIR="$work/golden" "$repo/scripts/golden_formats.sh" "$data/dicom-samples" "$data/nifti-samples"; then
        fail "golden comparisons (see $work/golden)"
    fi
fi

if [[ -n "${OUT_DIR:-}" ]]; then
    mkdir -p "$OUT_DIR"
    cp -r "$work"/*.json "$work"/*.log "$work"/*.csv "$work"/summary.* "$OUT_DIR"/
    [[ -d "$work/golden" ]] && cp -r "$work/golden" "$OUT_DIR"/
fi
if [[ $failures -gt 0 ]]; then
    echo "acceptance_formats: $failures check(s) failed" >&2
    exit 1
fi
echo "acceptance_formats: every audit and check passed" >&2
