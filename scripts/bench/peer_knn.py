"""Peers for exact k nearest neighbours of every row of a float32 matrix.

--method numpy: rows in blocks of 1,000; one float32 GEMM per block gives
  d2 = ||x||^2 + ||y||^2 - 2 x.y, the point itself is excluded, np.argpartition keeps the k + 8
  smallest candidates, and those are recomputed in float64 and sorted. The 8 extra candidates
  absorb float32 rounding near the k-th distance in practice; this is not a proof of exactness.
--method sklearn: sklearn.neighbors.NearestNeighbors(algorithm="brute"), kneighbors() without a
  query, which leaves out each point itself.
The timed part starts with the matrix in memory.

Usage: python peer_knn.py FILE.f32 --k K --method numpy|sklearn   (shape from FILE.f32.json)
Prints one JSON line: distance_sum (all k distances of all rows), first_neighbor_distance_sum, seconds.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

BLOCK_ROWS = 1000
EXTRA_CANDIDATES = 8


def load(path: str) -> np.ndarray:
    with open(path + ".json") as sidecar:
        shape = json.load(sidecar)
    return np.fromfile(path, dtype="<f4").reshape(shape["rows"], shape["columns"])


def numpy_knn(x: np.ndarray, k: int) -> np.ndarray:
    n = x.shape[0]
    norms = np.einsum("ij,ij->i", x, x)
    keep = min(n - 1, k + EXTRA_CANDIDATES)
    result = np.empty((n, k))
    for start in range(0, n, BLOCK_ROWS):
        end = min(n, start + BLOCK_ROWS)
        squared = norms[start:end, None] + norms[None, :] - 2.0 * (x[start:end] @ x.T)
        squared[np.arange(end - start), np.arange(start, end)] = np.inf
        candidates = np.argpartition(squared, keep - 1, axis=1)[:, :keep]
        for row in range(end - start):
            difference = x[candidates[row]].astype(np.float64) - x[start + row].astype(np.float64)
            exact = np.sqrt(np.einsum("ij,ij->i", difference, difference))
            result[start + row] = np.sort(exact)[:k]
    return result


def sklearn_knn(x: np.ndarray, k: int) -> np.ndarray:
    from sklearn.neighbors import NearestNeighbors

    distances, _ = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x).kneighbors()
    return distances


def main() -> None:
    parser = argparse.ArgumentParser(description="numpy and scikit-learn peers for exact k-NN")
    parser.add_argument("vectors")
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--method", choices=["numpy", "sklearn"], required=True)
    arguments = parser.parse_args()
    x = load(arguments.vectors)
    search = numpy_knn if arguments.method == "numpy" else sklearn_knn

    start = time.perf_counter()
    distances = search(x, arguments.k)
    seconds = time.perf_counter() - start

    print(json.dumps({
        "workload": "knn", "method": arguments.method, "k": arguments.k,
        "distance_sum": float(distances.sum()), "first_neighbor_distance_sum": float(distances[:, 0].sum()),
        "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
