#!/usr/bin/env python3
"""Copy a deterministic 300-image subset of the 224x224 Kermany chest X-ray set.

Usage:
    python3 scripts/make_kermany_mini.py SOURCE_DIR fixtures/kermany-cxr-mini

SOURCE_DIR is the 224x224 copy with train/{NORMAL,PNEUMONIA}, test/{NORMAL,PNEUMONIA}
and labels.csv. For each diagnosis (normal, bacteria, virus) the script takes the
first 85 train images and the first 15 test images in ascending order of
SHA-1(relative path as UTF-8, e.g. "train/NORMAL/IM-0115-0001.jpeg") as a hex
string. Files are copied byte for byte. The matching rows of labels.csv are
written in their source order, with the same header.

Only the Python standard library is needed.
"""

import csv
import hashlib
import shutil
import sys
from pathlib import Path

PER_SPLIT = {"train": 85, "test": 15}
DIAGNOSES = ("normal", "bacteria", "virus")


def selection_key(relative_path: str) -> str:
    """Return the SHA-1 hex digest that orders candidates."""
    return hashlib.sha1(relative_path.encode("utf-8")).hexdigest()


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: make_kermany_mini.py SOURCE_DIR DEST_DIR", file=sys.stderr)
        return 64

    source = Path(sys.argv[1])
    dest = Path(sys.argv[2])
    labels_path = source / "labels.csv"
    if not labels_path.is_file():
        print(f"error: labels file not found: {labels_path}", file=sys.stderr)
        return 1

    with labels_path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)

    # Group candidate rows by (split, diagnosis) and keep the smallest keys.
    chosen = set()
    for split, count in PER_SPLIT.items():
        for diagnosis in DIAGNOSES:
            candidates = [row[0] for row in rows if row[1] == split and row[2] == diagnosis]
            if len(candidates) < count:
                print(
                    f"error: {labels_path} has only {len(candidates)} {split}/{diagnosis} rows, need {count}; "
                    "pass the full 224x224 set as SOURCE_DIR",
                    file=sys.stderr,
                )
                return 1
            candidates.sort(key=selection_key)
            chosen.update(candidates[:count])

    for relative in sorted(chosen):
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target)

    with (dest / "labels.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(row for row in rows if row[0] in chosen)

    print(f"copied {len(chosen)} images to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
