"""Prepare the inputs of scripts/bench/run.sh from an image folder.

Writes, into OUT_DIR:
  kf224.f32 (+ .json)   1,000 images at 224 x 224: 500 from folders named NORMAL, then 500 from the
                        other folders (in path order), for one K_F run with M = 1000
  knn64.f32 (+ .json)   10,000 distinct images at 64 x 64 for the exact k-NN workload; when the
                        folder has fewer, they are repeated with Gaussian noise (sigma 0.01 before
                        the min-max step, seeded) so that no two rows are identical
  decode/               symbolic links to the first 1,000 JPEG files, for the decode workload
  kf224-M<M>.f32        for each M of --kf-sizes: M / 2 images from folders named NORMAL, then
                        M / 2 from the others, at 224 x 224 (the K_F growth curve)
  knn64-N<N>.f32        for each N of --knn-sizes: the first N rows of the k-NN sequence above,
                        continued with more noisy copies when N exceeds 10,000 (the k-NN growth curve)

Preprocessing matches IntrinsicAudit's defaults: Pillow 'L' (ITU-R BT.601 luma), box filter
(area averaging) to PX x PX, then (v - min) / (max - min) per image in float32; a constant image
becomes zeros. Matrices are little-endian float32, row-major; the .json sidecar gives the shape.

Usage: python prepare_inputs.py DATA_PATH OUT_DIR [--kf-sizes M,M,...] [--knn-sizes N,N,...]
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
from PIL import Image

EXTENSIONS = (".jpg", ".jpeg", ".png")


def list_images(root: str) -> list[str]:
    paths = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        paths += [os.path.join(folder, n) for n in sorted(names) if n.lower().endswith(EXTENSIONS) and not n.startswith(".")]
    return paths


def preprocess(path: str, side: int) -> np.ndarray:
    with Image.open(path) as image:
        grey = image.convert("L")
        if grey.size != (side, side):
            grey = grey.resize((side, side), Image.BOX)
        values = np.asarray(grey, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    if high == low:
        return np.zeros(side * side, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32).ravel()


def write_matrix(path: str, rows: np.ndarray) -> None:
    rows.astype("<f4").tofile(path)
    with open(path + ".json", "w") as sidecar:
        json.dump({"rows": int(rows.shape[0]), "columns": int(rows.shape[1])}, sidecar)


def sizes(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()]
    if any(value < 2 for value in values):
        raise argparse.ArgumentTypeError(f"invalid size list '{text}'; use comma-separated counts of at least 2")
    return values


def knn_rows(paths: list[str], count: int) -> np.ndarray:
    """Builds the k-NN rows at 64 px: the distinct images of the folder (at most 10,000), then noisy copies.

    Rows that are bit-identical to an earlier row are dropped, because the peers return such
    copies as neighbours at distance 0 while IntrinsicAudit counts and skips them. Noise blocks
    are drawn whole and cut afterwards, so every prefix of a longer sequence equals the shorter one.
    """
    base = np.stack([preprocess(p, 64) for p in paths[:10000]])
    _, first = np.unique(base, axis=0, return_index=True)
    base = base[np.sort(first)]
    rows = [base]
    generator = np.random.default_rng(20261204)
    while sum(len(r) for r in rows) < count:
        noisy = base + generator.normal(0, 0.01, size=base.shape).astype(np.float32)
        low = noisy.min(axis=1, keepdims=True)
        high = noisy.max(axis=1, keepdims=True)
        rows.append(((noisy - low) / (high - low)).astype(np.float32))
    return np.concatenate(rows)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description="Prepare the inputs of scripts/bench/run.sh.")
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--kf-sizes", type=sizes, default=[], help="sample sizes M of the K_F growth curve, even numbers")
    parser.add_argument("--knn-sizes", type=sizes, default=[], help="row counts N of the k-NN growth curve")
    arguments = parser.parse_args()
    root, out = arguments.data, arguments.out
    os.makedirs(out, exist_ok=True)
    paths = list_images(root)
    if len(paths) < 1000:
        sys.exit(f"error: {root} holds {len(paths)} JPEG/PNG images; the benchmark needs at least 1,000")

    # P1: 500 + 500 for one K_F run at 224 px, and M / 2 + M / 2 for the growth curve.
    normal = [p for p in paths if "normal" in os.path.basename(os.path.dirname(p)).lower()]
    normal_set = set(normal)
    other = [p for p in paths if p not in normal_set]
    half = max([500] + [m // 2 for m in arguments.kf_sizes])
    if len(normal) < half or len(other) < half:
        sys.exit(f"error: {root} has {len(normal)} images in NORMAL folders and {len(other)} others; "
                 f"K_F sizes up to {2 * half} need {half} of each; pass smaller --kf-sizes")
    normal_rows = np.stack([preprocess(p, 224) for p in normal[:half]])
    other_rows = np.stack([preprocess(p, 224) for p in other[:half]])
    write_matrix(os.path.join(out, "kf224.f32"), np.concatenate([normal_rows[:500], other_rows[:500]]))
    for m in arguments.kf_sizes:
        write_matrix(os.path.join(out, f"kf224-M{m}.f32"), np.concatenate([normal_rows[:m // 2], other_rows[:m // 2]]))

    # P2: 10,000 rows at 64 px, and the first N rows of the same sequence for the growth curve.
    sequence = knn_rows(paths, max([10000] + arguments.knn_sizes))
    write_matrix(os.path.join(out, "knn64.f32"), sequence[:10000])
    for n in arguments.knn_sizes:
        write_matrix(os.path.join(out, f"knn64-N{n}.f32"), sequence[:n])

    # P3: 1,000 real JPEG files in one flat folder.
    decode = os.path.join(out, "decode")
    os.makedirs(decode, exist_ok=True)
    jpegs = [p for p in paths if p.lower().endswith((".jpg", ".jpeg"))][:1000]
    for index, path in enumerate(jpegs):
        link = os.path.join(decode, f"{index:04d}.jpeg")
        if not os.path.lexists(link):
            os.symlink(os.path.abspath(path), link)
    print(f"prepared 1000 x 224^2, 10000 x 64^2, {len(jpegs)} decode files and "
          f"{len(arguments.kf_sizes) + len(arguments.knn_sizes)} growth matrices in {out}")


if __name__ == "__main__":
    main()
