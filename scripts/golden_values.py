#!/usr/bin/env python3
"""Compute golden values for K_F, MLE and TwoNN with an implementation independent of the Swift code.

Usage (from the repository root):
    python3 -m venv /tmp/golden-venv
    /tmp/golden-venv/bin/pip install -r scripts/requirements-golden.txt
    /tmp/golden-venv/bin/python scripts/golden_values.py

Writes to Tests/EstimatorsTests/Golden/ (override with --output):
    synthetic_blobs.f32, synthetic_blobs.manifest.json, synthetic_blobs.golden.json
    uniform_cube_d5.f32, uniform_cube_d5.manifest.json, uniform_cube_d5.golden.json
    kermany_mini.manifest.json, kermany_mini.golden.json   (pixels are decoded from fixtures/kermany-cxr-mini)

Definitions implemented here, with all integer arithmetic modulo 2^64:
    mix64(z) = z3 where z1 = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9, z2 = (z1 ^ (z1 >> 27)) * 0x94D049BB133111EB,
               z3 = z2 ^ (z2 >> 31)
    streamKey(seed, stream, run) = mix64(mix64(seed ^ stream) + run), stream K_F = 0x4B46, ID = 0x4944
    rank(checksum, key) = mix64(checksum ^ key)
    sample(pool, m, key) = the m members of the ascending pool with the smallest (rank, position in pool)
    K_F = 1 / min ||x_j - x_k||_2 over all pairs (j in side-0 sample, k in side-1 sample), float64 distances
          of the float32 data, pairs at distance exactly 0 skipped and counted
    MLE (Levina and Bickel 2004, with the MacKay-Ghahramani average over points):
          m_inv(x) = 1/(k-2) * sum_{j=1}^{k-1} log(T_k(x) / T_j(x)), d = 1 / mean_x m_inv(x); also 1/(k-1)
    TwoNN (Facco et al. 2017, doi:10.1038/s41598-017-11873-y): mu_i = T_2/T_1 sorted ascending,
          F_i = i/n, keep the n_keep smallest, d = sum(x*y) / sum(x*x) with x = log(mu), y = -log(1 - F)
T_j(x) is the distance from x to its j-th nearest other sample point (exact float64, distance 0 excluded).
"""

import argparse
import hashlib
import json
import math
import platform
import sys
from pathlib import Path

import numpy as np

MASK64 = (1 << 64) - 1
STREAM_KF = 0x4B46
STREAM_ID = 0x4944
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
KNN_K = 20
DISCARD_FRACTION = 0.1
COMMAND = "/tmp/golden-venv/bin/python scripts/golden_values.py"


# Hashing and deterministic sampling.

def mix64(z: int) -> int:
    """Apply the SplitMix64 finaliser to a 64-bit integer."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def stream_key(seed: int, stream: int, run: int) -> int:
    """Return mix64((mix64(seed ^ stream) + run) mod 2^64)."""
    return mix64((mix64(seed ^ stream) + run) & MASK64)


def fnv1a64(data: bytes) -> int:
    """Return the 64-bit FNV-1a hash of `data`."""
    value = FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * FNV_PRIME) & MASK64
    return value


def sample(pool: list[int], m: int, key: int, checksums: list[int]) -> list[int]:
    """Return, in ascending order, the m pool members with the smallest (rank, position in pool)."""
    ranked = sorted(range(len(pool)), key=lambda position: (mix64(checksums[pool[position]] ^ key), position))
    return sorted(pool[position] for position in ranked[:m])


def balanced_samples(sides: tuple[list[int], list[int]], per_side: int, key: int, checksums: list[int]):
    """Sample m = min(per_side, n_side0, n_side1) points from each side with the same key."""
    m = min(per_side, len(sides[0]), len(sides[1]))
    return sample(sides[0], m, key, checksums), sample(sides[1], m, key, checksums)


# Distances and estimators.

def distances_to(points: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Return float64 Euclidean distances from `row` to each row of `points` (sum of squared differences)."""
    difference = points.astype(np.float64) - row.astype(np.float64)
    return np.sqrt(np.einsum("ij,ij->i", difference, difference))


def kf_run(data: np.ndarray, side0: list[int], side1: list[int]) -> dict:
    """Return K_F = 1 / min distance over all cross pairs, the closest pair and the skipped zero pairs."""
    best = (math.inf, -1, -1)
    zero_pairs = 0
    block1 = data[side1]
    for j in side0:
        distances = distances_to(block1, data[j])
        zero_pairs += int(np.count_nonzero(distances == 0.0))
        distances = np.where(distances == 0.0, np.inf, distances)
        position = int(np.argmin(distances))
        if distances[position] < best[0]:
            best = (float(distances[position]), j, side1[position])
    min_distance, first, second = best
    return {
        "kf": 1.0 / min_distance,
        "min_distance": min_distance,
        "pair": [first, second],
        "zero_distance_pairs_skipped": zero_pairs,
    }


def knn_distances(data: np.ndarray, indices: list[int], k: int) -> np.ndarray:
    """Return T_1..T_k for each sample point among the other sample points, zero distances excluded."""
    block = data[indices]
    result = np.empty((len(indices), k))
    for row in range(len(indices)):
        distances = distances_to(block, block[row])
        distances[row] = np.inf
        distances = np.sort(distances[distances > 0.0])
        if len(distances) < k:
            raise ValueError(f"point {indices[row]} has {len(distances)} non-zero neighbours, need k = {k}")
        result[row] = distances[:k]
    return result


def mle(knn: np.ndarray) -> dict:
    """Return the MLE with MacKay-Ghahramani averaging for the (k-2) and (k-1) divisors."""
    k = knn.shape[1]
    log_sums = np.log(knn[:, k - 1 : k] / knn[:, : k - 1]).sum(axis=1)
    return {
        "k": k,
        "d_divisor_k_minus_2": 1.0 / float(np.mean(log_sums / (k - 2))),
        "d_divisor_k_minus_1": 1.0 / float(np.mean(log_sums / (k - 1))),
    }


def two_nn(knn: np.ndarray) -> dict:
    """Return TwoNN for the "fraction" (floor(0.9 n)) and "largest" (n - 1) discard rules."""
    mu = np.sort(knn[:, 1] / knn[:, 0])
    n = len(mu)
    empirical_cdf = np.arange(1, n + 1) / n
    result = {"n": n}
    for rule, n_keep in (("fraction", (n * 9) // 10), ("largest", n - 1)):
        x = np.log(mu[:n_keep])
        y = -np.log(1.0 - empirical_cdf[:n_keep])
        result[rule] = {"n_keep": n_keep, "d": float(np.sum(x * y) / np.sum(x * x))}
    return result


def kf_summary(values: list[float]) -> dict:
    """Return mean, sample std (ddof 1), 95% t interval, min and max of the per-run K_F."""
    from scipy import stats

    runs = np.array(values)
    mean = float(np.mean(runs))
    std = float(np.std(runs, ddof=1))
    quantile = float(stats.t.ppf(0.975, len(runs) - 1))
    half_width = quantile * std / math.sqrt(len(runs))
    return {
        "runs": len(runs), "mean": mean, "std_ddof1": std, "t_0975": quantile,
        "ci95_low": mean - half_width, "ci95_high": mean + half_width,
        "min": float(np.min(runs)), "max": float(np.max(runs)),
    }


def skdim_cross_check(data: np.ndarray, indices: list[int], knn: np.ndarray) -> dict:
    """Run scikit-dimension on the same points (as float64) and on our own neighbour distances."""
    import warnings

    import skdim

    points = data[indices].astype(np.float64)
    order = np.argsort(knn, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "twonn_discard_fraction_0.1": float(skdim.id.TwoNN(discard_fraction=DISCARD_FRACTION).fit(points).dimension_),
            "twonn_discard_fraction_0.1_on_our_T1_T2": float(
                skdim.id.TwoNN(discard_fraction=DISCARD_FRACTION, dist=True).fit(knn[:, :2]).dimension_
            ),
            "mle_comb_mle_unbiased_false": float(skdim.id.MLE().fit(points, n_neighbors=KNN_K, comb="mle").dimension_),
            "mle_comb_mle_unbiased_true": float(
                skdim.id.MLE(unbiased=True).fit(points, n_neighbors=KNN_K, comb="mle").dimension_
            ),
            "mle_comb_mle_unbiased_false_on_our_knn": float(
                skdim.id.MLE().fit(points, precomputed_knn_arrays=(knn, order), comb="mle").dimension_
            ),
            "mle_comb_mean_unbiased_false": float(skdim.id.MLE().fit(points, n_neighbors=KNN_K, comb="mean").dimension_),
        }


def id_block(data: np.ndarray, indices: list[int]) -> dict:
    """Return MLE, TwoNN and the scikit-dimension values for one set of points."""
    knn = knn_distances(data, indices, KNN_K)
    return {"n": len(indices), "mle": mle(knn), "twonn": two_nn(knn), "skdim": skdim_cross_check(data, indices, knn)}


# Golden values for one labelling task.

def task_goldens(data, checksums, sides, seed, runs, kf_per_side, id_per_side, describe=None) -> dict:
    """Return per-run K_F, its summary and MLE/TwoNN on the balanced ID sample of one two-sided task."""
    kf_runs = []
    for run in range(runs):
        key = stream_key(seed, STREAM_KF, run)
        side0, side1 = balanced_samples(sides, kf_per_side, key, checksums)
        entry = {"run": run, "key": str(key), "m_per_side": len(side0)}
        entry.update(kf_run(data, side0, side1))
        if describe is not None:
            entry["pair_paths"] = [describe(index) for index in entry["pair"]]
        entry["sample_side0"] = side0
        entry["sample_side1"] = side1
        kf_runs.append(entry)

    id_key = stream_key(seed, STREAM_ID, 0)
    id_side0, id_side1 = balanced_samples(sides, id_per_side, id_key, checksums)
    id_indices = sorted(id_side0 + id_side1)

    return {
        "side_sizes": [len(sides[0]), len(sides[1])],
        "kf": {
            "seed": seed, "stream": STREAM_KF, "per_side": kf_per_side,
            "runs": kf_runs, "summary": kf_summary([entry["kf"] for entry in kf_runs]),
        },
        "id": {
            "seed": seed, "stream": STREAM_ID, "run": 0, "key": str(id_key), "per_side": id_per_side,
            "m_per_side": len(id_side0), "indices": id_indices, **id_block(data, id_indices),
        },
    }


# Data sets.

def synthetic_blobs() -> tuple[np.ndarray, list[int], str]:
    """Return 600 float32 points in 64 dims: two overlapping Gaussian clusters of 300, labels 0 and 1."""
    rng = np.random.default_rng(12345)
    labels = rng.permutation(np.repeat([0, 1], 300))
    direction = rng.standard_normal(64)
    direction /= np.linalg.norm(direction)
    # Centres 3 apart: the classes overlap, and the five K_F runs of the golden differ (with centres
    # 2 apart the same closest pair lands in all five samples, which would not test the per-run keys).
    centres = np.stack([-1.5 * direction, 1.5 * direction])
    points = centres[labels] + rng.standard_normal((600, 64))
    generation = (
        "rng = numpy.random.default_rng(12345); labels = rng.permutation(repeat([0, 1], 300)); "
        "u = rng.standard_normal(64), u /= ||u||; point i = (-1.5 u if label 0 else +1.5 u) + rng.standard_normal((600, 64))[i], "
        "computed in float64 and stored as float32 (centres 3 apart, unit variance per coordinate)"
    )
    return points.astype(np.float32), [int(label) for label in labels], generation


def uniform_cube_d5() -> tuple[np.ndarray, list[int], str]:
    """Return 2000 float32 points uniform in [0,1]^5, mapped into 40 dims by orthonormal columns."""
    rng = np.random.default_rng(777)
    cube = rng.random((2000, 5))
    basis, _ = np.linalg.qr(rng.standard_normal((40, 5)))
    generation = (
        "rng = numpy.random.default_rng(777); c = rng.random((2000, 5)); Q = numpy.linalg.qr(rng.standard_normal((40, 5)))[0] "
        "(40x5, orthonormal columns); points = c @ Q.T in float64, stored as float32; all labels 0"
    )
    return (cube @ basis.T).astype(np.float32), [0] * 2000, generation


def grey_quantised(rgb: np.ndarray) -> np.ndarray:
    """Convert HxWx3 uint8 RGB to min-max scaled grey, quantised to multiples of 1/65535, as float32.

    grey = (0.299 R + 0.587 G) + 0.114 B in float64, v = (grey - min) / (max - min) (all 0 if max == min),
    q = floor(v * 65535 + 0.5) / 65535 in float64, then rounded to float32.
    """
    channels = rgb.astype(np.float64)
    grey = (0.299 * channels[:, :, 0] + 0.587 * channels[:, :, 1]) + 0.114 * channels[:, :, 2]
    low, high = grey.min(), grey.max()
    scaled = np.zeros_like(grey) if high == low else (grey - low) / (high - low)
    return (np.floor(scaled * 65535.0 + 0.5) / 65535.0).astype(np.float32).reshape(-1)


def kermany_mini(fixture: Path) -> tuple[np.ndarray, list[str], list[int], list[str], list[dict]]:
    """Decode the fixture JPEGs in ascending path order and return data, paths, checksums, labels, per-image sums."""
    from PIL import Image

    paths = sorted(str(path.relative_to(fixture)) for path in fixture.glob("*/*/*.jpeg"))
    if not paths:
        raise FileNotFoundError(f"no JPEG files found under {fixture}/SPLIT/CLASS/: pass --fixtures with the kermany-cxr-mini folder")

    rows, checksums, labels, sums = [], [], [], []
    for relative in paths:
        raw = (fixture / relative).read_bytes()
        image = Image.open(fixture / relative)
        if image.mode != "RGB" or image.size != (224, 224):
            raise ValueError(f"{relative}: expected 224x224 RGB, got {image.size} {image.mode}")
        rgb = np.asarray(image)
        grey = grey_quantised(rgb)

        folder = relative.split("/")[1]
        name = relative.split("/")[2]
        if folder == "NORMAL":
            label = "normal"
        elif "bacteria" in name:
            label = "bacteria"
        elif "virus" in name:
            label = "virus"
        else:
            raise ValueError(f"{relative}: pneumonia image matches neither 'bacteria' nor 'virus'")

        rows.append(grey)
        checksums.append(fnv1a64(raw))
        labels.append(label)
        sums.append({"rgb_sample_sum": int(rgb.astype(np.int64).sum()), "grey_sum": float(grey.astype(np.float64).sum())})
    return np.stack(rows), paths, checksums, labels, sums


# Output.

def versions() -> dict:
    """Return the versions of Python and of the packages that produced the values."""
    from importlib.metadata import version

    import PIL.features

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": version("scipy"),
        "scikit-dimension": version("scikit-dimension"),
        "scikit-learn": version("scikit-learn"),
        "pillow": version("pillow"),
        "libjpeg_turbo_in_pillow": PIL.features.version("libjpeg_turbo"),
    }


def write_json(path: Path, document: dict) -> None:
    """Write `document` as indented JSON. Python's float repr round-trips every double exactly."""
    path.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def write_points(output: Path, name: str, data: np.ndarray, labels: list, checksums: list[int], generation: str) -> None:
    """Write NAME.f32 (row-major little-endian float32) and NAME.manifest.json."""
    data_path = output / f"{name}.f32"
    data_path.write_bytes(data.astype("<f4").tobytes())
    print(f"wrote {data_path} ({data_path.stat().st_size} bytes)")
    write_json(output / f"{name}.manifest.json", {
        "command": COMMAND,
        "name": name,
        "data_file": data_path.name,
        "n": int(data.shape[0]),
        "dim": int(data.shape[1]),
        "dtype": "float32",
        "byte_order": "little",
        "layout": "row-major: point i is the dim floats starting at byte i * dim * 4",
        "checksum_rule": "FNV-1a 64 (offset 0xcbf29ce484222325, prime 0x100000001b3) of the point's dim * 4 float32 bytes",
        "generation": generation,
        "labels": labels,
        "checksums": [str(value) for value in checksums],
    })


def fnv_checksums(data: np.ndarray) -> list[int]:
    """Return FNV-1a 64 of each row's little-endian float32 bytes."""
    return [fnv1a64(row.astype("<f4").tobytes()) for row in data]


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="Write golden K_F, MLE and TwoNN values and their input data.")
    parser.add_argument("--output", type=Path, default=root / "Tests/EstimatorsTests/Golden", help="output folder")
    parser.add_argument("--fixtures", type=Path, default=root / "fixtures/kermany-cxr-mini", help="kermany-cxr-mini folder")
    arguments = parser.parse_args()
    arguments.output.mkdir(parents=True, exist_ok=True)
    package_versions = versions()

    hash_examples = {
        "mix64": {str(z): str(mix64(z)) for z in (0, 1, 0x4B46, MASK64)},
        "stream_key_seed0_kf": [str(stream_key(0, STREAM_KF, run)) for run in range(5)],
        "stream_key_seed0_id_run0": str(stream_key(0, STREAM_ID, 0)),
        "fnv1a64": {"": str(fnv1a64(b"")), "a": str(fnv1a64(b"a")), "foobar": str(fnv1a64(b"foobar"))},
    }

    # 1. synthetic_blobs: K_F runs and the balanced ID sample.
    data, labels, generation = synthetic_blobs()
    checksums = fnv_checksums(data)
    write_points(arguments.output, "synthetic_blobs", data, labels, checksums, generation)
    sides = ([i for i, label in enumerate(labels) if label == 0], [i for i, label in enumerate(labels) if label == 1])
    write_json(arguments.output / "synthetic_blobs.golden.json", {
        "command": COMMAND,
        "data": "synthetic_blobs.manifest.json",
        "versions": package_versions,
        "hash_examples": hash_examples,
        "sides": "side 0 = label 0, side 1 = label 1; pair = [side-0 index, side-1 index]",
        "task": task_goldens(data, checksums, sides, seed=0, runs=5, kf_per_side=200, id_per_side=250),
    })

    # 2. uniform_cube_d5: MLE and TwoNN on all points.
    data, labels, generation = uniform_cube_d5()
    checksums = fnv_checksums(data)
    write_points(arguments.output, "uniform_cube_d5", data, labels, checksums, generation)
    write_json(arguments.output / "uniform_cube_d5.golden.json", {
        "command": COMMAND,
        "data": "uniform_cube_d5.manifest.json",
        "versions": package_versions,
        "true_dimension": 5,
        "id_all_points": id_block(data, list(range(len(data)))),
    })

    # 3. kermany_mini: decoded fixture images, two tasks.
    data, paths, checksums, labels, sums = kermany_mini(arguments.fixtures)
    fixture_name = "fixtures/kermany-cxr-mini"
    write_json(arguments.output / "kermany_mini.manifest.json", {
        "command": COMMAND,
        "name": "kermany_mini",
        "fixture": fixture_name,
        "n": len(paths),
        "dim": int(data.shape[1]),
        "point_order": "ascending byte order of the path relative to the fixture folder",
        "decoding": (
            "Pillow decode of the JPEG to 224x224 RGB uint8; grey = (0.299 R + 0.587 G) + 0.114 B in float64; "
            "v = (grey - min) / (max - min) per image; q = floor(v * 65535 + 0.5) / 65535 rounded to float32; "
            "row-major pixels, 50176 values"
        ),
        "checksum_rule": "FNV-1a 64 (offset 0xcbf29ce484222325, prime 0x100000001b3) of the file bytes",
        "paths": paths,
        "labels": labels,
        "checksums": [str(value) for value in checksums],
        "per_image_sums": sums,
    })
    by_label = {name: [i for i, label in enumerate(labels) if label == name] for name in ("normal", "bacteria", "virus")}
    tasks = {
        "bacteria_vs_normal": (by_label["normal"], by_label["bacteria"]),
        "pneumonia": (by_label["normal"], sorted(by_label["bacteria"] + by_label["virus"])),
    }
    write_json(arguments.output / "kermany_mini.golden.json", {
        "command": COMMAND,
        "data": "kermany_mini.manifest.json",
        "fixture": fixture_name,
        "versions": package_versions,
        "relative_tolerance": 0.02,
        "sides": "side 0 = negative (normal), side 1 = positive; pair = [side-0 index, side-1 index]",
        "tasks": {
            "bacteria_vs_normal": {"positive": ["bacteria"], "negative": ["normal"]},
            "pneumonia": {"positive": ["bacteria", "virus"], "negative": ["normal"]},
        },
        "results": {
            name: task_goldens(data, checksums, sides, seed=0, runs=5, kf_per_side=50, id_per_side=100,
                               describe=lambda index: paths[index])
            for name, sides in tasks.items()
        },
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
