"""Peer for decoding: Pillow decode + resize of every JPEG/PNG file of a folder, 2 processes.

Per file: Image.open, draft("L", (PX, PX)) for JPEG (libjpeg DCT scaling by 1/2, 1/4 or 1/8 to
the smallest size that stays >= PX; no effect when the file is already that small), convert("L"),
resize to PX x PX with the box filter (area averaging), then per-image min-max to float32.
The process pool is started before the clock starts; pool.map with chunks of 25 files.

Usage: python peer_decode.py FOLDER --resolution PX [--processes P]
Prints one JSON line: images, seconds, images_per_second, pixel_sum.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import time
from functools import partial

import numpy as np
from PIL import Image


def preprocess(path: str, side: int) -> float:
    with Image.open(path) as image:
        if image.format == "JPEG":
            image.draft("L", (side, side))
        grey = image.convert("L")
        if grey.size != (side, side):
            grey = grey.resize((side, side), Image.BOX)
        values = np.asarray(grey, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    if high == low:
        return 0.0
    return float(((values - low) / (high - low)).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description="Pillow decode peer")
    parser.add_argument("folder")
    parser.add_argument("--resolution", type=int, required=True)
    parser.add_argument("--processes", type=int, default=2)
    arguments = parser.parse_args()
    paths = sorted(
        os.path.join(arguments.folder, name) for name in os.listdir(arguments.folder)
        if name.lower().endswith((".jpg", ".jpeg", ".png"))
    )

    with multiprocessing.get_context("fork").Pool(arguments.processes) as pool:
        pool.map(abs, range(arguments.processes))
        start = time.perf_counter()
        sums = pool.map(partial(preprocess, side=arguments.resolution), paths, chunksize=25)
        seconds = time.perf_counter() - start

    print(json.dumps({
        "workload": "decode", "images": len(paths), "resolution": arguments.resolution,
        "processes": arguments.processes, "pixel_sum": float(sum(sums)), "seconds": seconds,
        "images_per_second": len(paths) / seconds,
    }))


if __name__ == "__main__":
    main()
