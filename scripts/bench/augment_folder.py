"""Grow an image folder by augmentation, for the large-folder audit and the audit growth curve.

generate SOURCE OUT COUNT [--processes P]
    Writes COUNT augmented copies of SOURCE's JPEG and PNG files into OUT. Image i starts from
    source file perm[i mod n], where perm is a seeded permutation of the n sorted source paths,
    so every prefix 0..N-1 is a random sample with about the folder's class proportions. Each
    copy gets, from a generator seeded by i alone:
      - a horizontal flip with probability 1/2;
      - a crop of 88-100% of each side at a random offset (a shift of up to 12%), resized back to
        the source size with a bilinear filter;
      - a brightness factor in [0.85, 1.15] (PIL.ImageEnhance.Brightness);
    and is saved as grey JPEG, quality 90, at OUT/<source folder>/aug-<i:06d>-<source name>.jpeg.
    The source folder and name are kept, so folder classes and filename rules (for example
    "bacteria" and "virus" in Kermany file names) still label the copy. The output is
    deterministic for a given source folder and COUNT. Files that already exist are kept, so a
    second call with a larger COUNT adds only the new images.

subset AUGMENTED OUT N
    Hard-links images 0..N-1 of AUGMENTED into OUT with the same relative paths (same file
    system needed), giving a folder of N images without copying pixels.

Usage: python augment_folder.py generate SOURCE OUT COUNT [--processes P]
       python augment_folder.py subset AUGMENTED OUT N
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from multiprocessing import Pool

import numpy as np
from PIL import Image, ImageEnhance

EXTENSIONS = (".jpg", ".jpeg", ".png")
PERMUTATION_SEED = 20261205
CHUNK = 500
NAME = re.compile(r"^aug-(\d{6})-")


def list_images(root: str) -> list[str]:
    """Relative paths of the visible JPEG and PNG files under root, sorted."""
    paths = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(s for s in subfolders if not s.startswith("."))
        for name in sorted(names):
            if name.lower().endswith(EXTENSIONS) and not name.startswith("."):
                paths.append(os.path.relpath(os.path.join(folder, name), root))
    return paths


def target_path(out: str, index: int, relative: str) -> str:
    folder, name = os.path.split(relative)
    stem = os.path.splitext(name)[0]
    return os.path.join(out, folder, f"aug-{index:06d}-{stem}.jpeg")


def augment(source: str, index: int) -> Image.Image:
    """Applies the flip, crop-and-resize and brightness change of image `index`."""
    generator = np.random.default_rng([PERMUTATION_SEED, index])
    with Image.open(source) as opened:
        image = opened.convert("L")
    width, height = image.size

    if generator.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)

    crop_width = max(1, round(width * generator.uniform(0.88, 1.0)))
    crop_height = max(1, round(height * generator.uniform(0.88, 1.0)))
    left = int(generator.integers(0, width - crop_width + 1))
    top = int(generator.integers(0, height - crop_height + 1))
    image = image.crop((left, top, left + crop_width, top + crop_height))
    image = image.resize((width, height), Image.Resampling.BILINEAR)

    return ImageEnhance.Brightness(image).enhance(generator.uniform(0.85, 1.15))


def write_chunk(job: tuple[str, str, list[tuple[int, str]]]) -> int:
    """Writes the images of one chunk; returns how many were new. Each file is written under a
    dot name and renamed, so an interrupted run leaves no truncated JPEG behind."""
    source_root, out, items = job
    written = 0
    for index, relative in items:
        target = target_path(out, index, relative)
        if os.path.exists(target):
            continue
        hidden = os.path.join(os.path.dirname(target), "." + os.path.basename(target))
        augment(os.path.join(source_root, relative), index).save(hidden, format="JPEG", quality=90)
        os.rename(hidden, target)
        written += 1
    return written


def generate(source: str, out: str, count: int, processes: int) -> None:
    sources = list_images(source)
    if not sources:
        sys.exit(f"error: no .jpg, .jpeg or .png file under {source}; pass a folder of images")
    order = np.random.default_rng(PERMUTATION_SEED).permutation(len(sources))
    items = [(index, sources[order[index % len(sources)]]) for index in range(count)]
    for folder in sorted({os.path.dirname(relative) for _, relative in items}):
        os.makedirs(os.path.join(out, folder), exist_ok=True)

    jobs = [(source, out, items[start:start + CHUNK]) for start in range(0, count, CHUNK)]
    with Pool(processes) as pool:
        written = sum(pool.imap_unordered(write_chunk, jobs))
    print(f"{out}: {count} augmented images of {len(sources)} sources ({written} new)")


def subset(augmented: str, out: str, count: int) -> None:
    linked = 0
    for relative in list_images(augmented):
        match = NAME.match(os.path.basename(relative))
        if match is None or int(match.group(1)) >= count:
            continue
        target = os.path.join(out, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            os.link(os.path.join(augmented, relative), target)
        linked += 1
    if linked != count:
        sys.exit(f"error: {augmented} holds {linked} of images 0..{count - 1}; generate at least {count} images first")
    print(f"{out}: {count} images linked from {augmented}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Grow an image folder by augmentation.")
    commands = parser.add_subparsers(dest="command", required=True)
    generating = commands.add_parser("generate", help="write COUNT augmented images")
    generating.add_argument("source")
    generating.add_argument("out")
    generating.add_argument("count", type=int)
    generating.add_argument("--processes", type=int, default=2, help="worker processes (default 2)")
    linking = commands.add_parser("subset", help="hard-link the first N augmented images")
    linking.add_argument("augmented")
    linking.add_argument("out")
    linking.add_argument("count", type=int)
    arguments = parser.parse_args()

    if arguments.count < 1:
        sys.exit(f"error: invalid image count {arguments.count}; pass a positive number")
    if arguments.command == "generate":
        generate(arguments.source, arguments.out, arguments.count, max(1, arguments.processes))
    else:
        subset(arguments.augmented, arguments.out, arguments.count)


if __name__ == "__main__":
    main()
