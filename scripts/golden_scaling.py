#!/usr/bin/env python3
"""Writes golden values for the Scaling tests with scipy.optimize.curve_fit (method='lm', MINPACK lmdif) and
scipy.stats.kendalltau.

Command (from the repository root, with numpy and scipy installed):
    /tmp/torch-venv/bin/python scripts/golden_scaling.py > Tests/ScalingTests/Golden/scaling_golden.json

The input data are fixed in this file, so the output changes only with scipy's results.
"""
import json
import sys

import numpy as np
import scipy
from scipy.optimize import curve_fit
from scipy.stats import kendalltau

# Global fit: (n, k_f, d_data, loss) per observation.
GLOBAL = [
    (100, 2.0, 12.0, 0.92), (400, 2.0, 12.0, 0.78), (1600, 2.0, 12.0, 0.71),
    (100, 5.0, 20.0, 2.60), (400, 5.0, 20.0, 2.31), (1600, 5.0, 20.0, 2.18),
    (100, 0.8, 8.0, 0.25), (400, 0.8, 8.0, 0.20), (1600, 0.8, 8.0, 0.15),
]

# Learning curve: (n, mean loss, standard deviation over seeds, seeds).
CURVE = [
    (50, 0.690, 0.030, 3), (100, 0.560, 0.025, 3), (200, 0.470, 0.020, 3),
    (400, 0.410, 0.015, 3), (800, 0.372, 0.012, 3), (1600, 0.350, 0.010, 3),
]

KENDALL = [
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [0.3, 0.1, 0.4, 0.6, 0.5, 0.9]),
    ([1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0], [0.2, 0.1, 0.3, 0.3, 0.5, 0.4, 0.6]),
]


def global_fit(with_sharpness):
    n = np.array([row[0] for row in GLOBAL], dtype=float)
    k = np.array([row[1] for row in GLOBAL])
    d = np.array([row[2] for row in GLOBAL])
    loss = np.array([row[3] for row in GLOBAL])
    x = np.log(n) / d
    offset = np.log(k) if with_sharpness else np.zeros_like(k)

    def model(index, log_a, b):
        index = index.astype(int)
        return log_a + offset[index] - b * x[index]

    params, covariance = curve_fit(model, np.arange(len(n)), np.log(loss), p0=[0.0, 0.0], method="lm")
    residuals = np.log(loss) - model(np.arange(len(n)), *params)
    return {
        "a": float(np.exp(params[0])), "b": float(params[1]),
        "se_log_a": float(np.sqrt(covariance[0, 0])), "se_b": float(np.sqrt(covariance[1, 1])),
        "rss": float(residuals @ residuals),
    }


def curve(with_asymptote):
    n = np.array([row[0] for row in CURVE], dtype=float)
    mean = np.array([row[1] for row in CURVE])
    sd = np.array([row[2] for row in CURVE])
    seeds = np.array([row[3] for row in CURVE])
    sigma = sd / np.sqrt(seeds)

    if with_asymptote:
        def model(size, log_c, beta, floor):
            return np.exp(log_c - beta * np.log(size)) + floor
        start = [0.5, 0.5, 0.1]
    else:
        def model(size, log_c, beta):
            return np.exp(log_c - beta * np.log(size))
        start = [0.5, 0.5]

    params, covariance = curve_fit(model, n, mean, p0=start, sigma=sigma, absolute_sigma=False, method="lm")
    return {"params": [float(value) for value in params],
            "se": [float(value) for value in np.sqrt(np.diag(covariance))]}


def main():
    result = {
        "scipy_version": scipy.__version__,
        "global": {
            "observations": [list(row) for row in GLOBAL],
            "model_a": global_fit(True), "model_b": global_fit(False),
        },
        "curve": {
            "points": [list(row) for row in CURVE],
            "power_law": curve(False), "with_asymptote": curve(True),
        },
        "kendall": [],
    }
    for x, y in KENDALL:
        test = kendalltau(x, y)
        result["kendall"].append({"x": x, "y": y, "tau": float(test.statistic), "p": float(test.pvalue)})
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
