"""Peer for one K_F run: numpy float32 cross-block GEMM with exact float64 refinement.

K_F = 1 / min over pairs (a in the first N rows, b in the rest) of ||a - b||_2. The screen is
d2 = ||a||^2 + ||b||^2 - 2 a.b with one float32 GEMM (numpy's OpenBLAS). Every pair whose d2 lies
within a rounding slack of the smallest d2 is recomputed as sum((a - b)^2) in float64, and the
smallest exact value wins. The slack, 8 sqrt(D) u (max ||a||^2 + max ||b||^2) with u = 2^-24, is
a probabilistic rounding bound (errors that add like a random walk), not a proven one.
The timed part starts with the matrix in memory and covers norms, GEMM, minimum and refinement.

Usage: python peer_kf.py FILE.f32 --negatives N   (shape from FILE.f32.json)
Prints one JSON line: k_f, distance, candidates, seconds.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np


def load(path: str) -> np.ndarray:
    with open(path + ".json") as sidecar:
        shape = json.load(sidecar)
    return np.fromfile(path, dtype="<f4").reshape(shape["rows"], shape["columns"])


def closest_cross_pair(a: np.ndarray, b: np.ndarray) -> tuple[float, int, int, int]:
    norms_a = np.einsum("ij,ij->i", a, a)
    norms_b = np.einsum("ij,ij->i", b, b)
    squared = norms_a[:, None] + norms_b[None, :] - 2.0 * (a @ b.T)
    smallest = float(squared.min())

    slack = 8.0 * np.sqrt(a.shape[1]) * 2.0**-24 * (float(norms_a.max()) + float(norms_b.max()))
    rows, columns = np.nonzero(squared <= smallest + slack)
    best, best_pair = np.inf, (-1, -1)
    for i, j in zip(rows, columns):
        difference = a[i].astype(np.float64) - b[j].astype(np.float64)
        exact = float(difference @ difference)
        if exact < best:
            best, best_pair = exact, (int(i), int(j))
    return float(np.sqrt(best)), best_pair[0], best_pair[1], len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="numpy peer for one K_F run")
    parser.add_argument("vectors")
    parser.add_argument("--negatives", type=int, required=True)
    arguments = parser.parse_args()
    matrix = load(arguments.vectors)
    a, b = matrix[: arguments.negatives], matrix[arguments.negatives :]

    start = time.perf_counter()
    distance, i, j, candidates = closest_cross_pair(a, b)
    seconds = time.perf_counter() - start

    print(json.dumps({
        "workload": "kf", "k_f": 1.0 / distance if distance > 0 else float("inf"), "distance": distance,
        "pair": [i, arguments.negatives + j], "candidates": candidates, "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
