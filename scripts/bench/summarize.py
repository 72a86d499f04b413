"""Summarize the measurements of run.sh as Markdown tables.

Input: a file of tab-separated lines "PASS<TAB>LABEL<TAB>JSON", where JSON has "seconds" (and
"images_per_second" for decoding, "max_rss_kb" for whole audits). Prints, per pass, the median
and min-max of each label, then the ratios of medians against each goal.

Usage: python summarize.py RESULTS.tsv [FMA_GFLOPS]
"""
from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict

# (numerator label, denominator label, quantity, goal text)
RATIOS = [
    ("P1 ours", "P1 numpy", "seconds", "<= 1.0"),
    ("P2 ours", "P2 numpy", "seconds", "<= 1.0"),
    ("P2 ours", "P2 scikit-learn", "seconds", "<= 0.5"),
    ("P3 ours 224", "P3 Pillow 224", "images_per_second", ">= 2.0 (throughput)"),
    ("P3 ours 64", "P3 Pillow 64", "images_per_second", ">= 2.0 (throughput)"),
    ("P4 ours", "P4 peer", "seconds", "<= 0.2"),
    ("P6 CLI re-audit", "P6 first audit", "seconds", "<= 0.1"),
    ("P6 daemon re-audit", "P6 first audit", "seconds", "<= 0.1"),
    ("P6 daemon audit without session", "P6 first audit", "seconds", "(no goal: first audit after daemon start)"),
]
# Flops of the brute-force cross block of P1: 2 x 500 x 500 x 224^2.
P1_FLOPS = 2 * 500 * 500 * 224 * 224


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python summarize.py RESULTS.tsv [FMA_GFLOPS]")
    peak = float(sys.argv[2]) if len(sys.argv) == 3 and sys.argv[2] else None
    values: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    passes: list[str] = []
    for line in open(sys.argv[1]):
        if not line.strip():
            continue
        pass_name, label, text = line.rstrip("\n").split("\t", 2)
        if pass_name not in passes:
            passes.append(pass_name)
        for key, value in json.loads(text).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                values[(pass_name, label)][key].append(float(value))

    for pass_name in passes:
        print(f"\n### Pass: {pass_name}\n")
        print("| workload | runs | median | min-max | unit |")
        print("|---|---|---|---|---|")
        for (name, label), fields in values.items():
            if name != pass_name:
                continue
            for key, unit in (("seconds", "s"), ("images_per_second", "images/s"), ("max_rss_kb", "KiB peak RSS")):
                series = fields.get(key)
                if series:
                    print(f"| {label} | {len(series)} | {statistics.median(series):.4g} | {min(series):.4g}-{max(series):.4g} | {unit} |")

        print("\n| ratio of medians | value | goal |")
        print("|---|---|---|")
        for numerator, denominator, key, goal in RATIOS:
            top = values.get((pass_name, numerator), {}).get(key)
            bottom = values.get((pass_name, denominator), {}).get(key)
            if top and bottom:
                ratio = statistics.median(top) / statistics.median(bottom)
                print(f"| {numerator} / {denominator} ({key}) | {ratio:.3f} | {goal} |")
        ours = values.get((pass_name, "P1 ours"), {}).get("seconds")
        if ours and peak:
            roofline = P1_FLOPS / (peak * 1e9)
            print(f"| P1 ours / FMA roofline of the brute-force block ({roofline * 1e3:.1f} ms at {peak:.0f} GFLOP/s) | {statistics.median(ours) / roofline:.3f} | <= 1.3 |")


if __name__ == "__main__":
    main()
