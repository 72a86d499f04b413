"""Add new images to a dataset copy for the re-audit workload of run.sh.

Copies COUNT randomly chosen JPEG files of FOLDER (seeded by TAG) with Gaussian noise (sigma 2
grey levels) as new files in the same subfolders, named "added-TAG-NNN-<original name>" so that
filename rules still see the original label. Each file is written under a dot name and renamed
into place, so a watching daemon gets one IN_MOVED_TO event per complete file.

Usage: python add_images.py FOLDER COUNT TAG
"""
from __future__ import annotations

import os
import sys
import zlib

import numpy as np
from PIL import Image


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit("usage: python add_images.py FOLDER COUNT TAG")
    folder, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    originals = sorted(
        os.path.join(root, name) for root, _, names in os.walk(folder) for name in names
        if name.lower().endswith((".jpg", ".jpeg")) and not name.startswith(("added-", "."))
    )
    generator = np.random.default_rng(zlib.crc32(tag.encode()))
    for number, index in enumerate(generator.choice(len(originals), size=count, replace=False)):
        source = originals[index]
        with Image.open(source) as image:
            values = np.asarray(image.convert("L"), dtype=np.float32)
        noisy = np.clip(values + generator.normal(0, 2, size=values.shape), 0, 255).astype(np.uint8)
        directory, name = os.path.split(source)
        target = os.path.join(directory, f"added-{tag}-{number:03d}-{name}")
        hidden = os.path.join(directory, "." + os.path.basename(target))
        Image.fromarray(noisy).save(hidden, format="JPEG", quality=95)
        os.rename(hidden, target)


if __name__ == "__main__":
    main()
