"""Growth curves of scripts/bench/run.sh: power-law fits and the log-log plot.

A curve is a mapping size -> list of times. The fit is t = a * n^b by least squares on
(log n, log median t) over every size with a measurement; b is the growth exponent (1 for linear
cost, 2 for quadratic). Fewer than two sizes give no exponent.
"""
from __future__ import annotations

import math
import statistics

import numpy as np

Curve = dict[int, list[float]]


def medians(curve: Curve) -> list[tuple[int, float]]:
    """(size, median time) pairs in ascending size."""
    return [(size, statistics.median(times)) for size, times in sorted(curve.items()) if times]


def exponent(curve: Curve) -> float | None:
    """Slope b of log t = log a + b log n, or None with fewer than two sizes."""
    points = medians(curve)
    if len(points) < 2:
        return None
    sizes = np.log([size for size, _ in points])
    times = np.log([time for _, time in points])
    slope, _ = np.polyfit(sizes, times, 1)
    return float(slope)


def describe(curve: Curve) -> str:
    value = exponent(curve)
    return "no fit (fewer than two sizes)" if value is None else f"{value:.2f}"


def plot(panels: list[tuple[str, str, dict[str, Curve]]], path: str) -> bool:
    """Draws one log-log panel per (title, x label, {side: curve}) and saves a PNG.

    Each side's legend entry carries its fitted exponent. Returns False when matplotlib is
    missing or no panel has data, so the caller can say that no plot was written.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    drawn = [panel for panel in panels if any(medians(curve) for curve in panel[2].values())]
    if not drawn:
        return False

    figure, axes = plt.subplots(1, len(drawn), figsize=(4.6 * len(drawn), 4.0), squeeze=False)
    for axis, (title, xlabel, curves) in zip(axes[0], drawn):
        for (side, curve), marker in zip(curves.items(), "os^D"):
            points = medians(curve)
            if not points:
                continue
            value = exponent(curve)
            label = side if value is None else f"{side} (exponent {value:.2f})"
            axis.plot([p[0] for p in points], [p[1] for p in points], marker=marker, label=label)
            for size, times in sorted(curve.items()):
                if len(times) > 1:
                    axis.vlines(size, min(times), max(times), colors=axis.lines[-1].get_color(), alpha=0.5)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel(xlabel)
        axis.set_ylabel("wall time (s), median; bars: min-max")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def ratio_text(ours: float, peer: float) -> str:
    return "" if peer <= 0 or math.isnan(peer) else f"{ours / peer:.2f}"
