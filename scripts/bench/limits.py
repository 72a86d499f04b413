"""Fixed text and per-workload analysis of docs/benchmarks.md, for scripts/bench/report.py.

Every number in the generated text comes from the measurements of the same run. The fixed
sentences describe how the workloads and the programs work, not how fast they were.
"""
from __future__ import annotations

import os
import re
import statistics

GIB = 1024**3


def introduction(started: str) -> list[str]:
    return [
        "Speed and memory of IntrinsicAudit measured side by side with the Python tools a user would pick "
        "instead, in one run of one command. Shared machines are noisy, so the page reports medians, ranges "
        "and ratios of runs made side by side, never a single absolute time. The comparison of the audit's "
        "values with the independent Python audit is in [peer-comparison.md](peer-comparison.md).",
        "",
        "Command, from the repository root (`PEERS_DIR` holds `peer_audit.py`, `common.py` and `peak_fma.c`):",
        "",
        "```sh",
        "OPENBLAS_CORETYPE=Haswell make bench DATA=/path/to/kermany-cxr224 PEERS=PEERS_DIR",
        "# the same: OPENBLAS_CORETYPE=Haswell scripts/bench/run.sh /path/to/kermany-cxr224 PEERS_DIR",
        "```",
        "",
        "It creates `.venv-bench` when missing (numpy, scipy, scikit-learn, scikit-dimension, Pillow, "
        "threadpoolctl, torch 2.13, matplotlib), builds the release binaries, runs every workload and rewrites "
        "the generated part of this page and `docs/benchmark-growth.png`. The header of `scripts/bench/run.sh` "
        "lists the settings (`BENCH_RUNS`, `BENCH_SKIP=P7`, the growth sizes and others). Raw measurements "
        "and profiles stay in `results/bench/`.",
        "",
        "How it measures: `prepare_inputs.py` decodes the folder with numpy and Pillow (BT.601 grey, box "
        "filter, per-image min–max in float32). P1 gets 1,000 images at 224 × 224 (500 `NORMAL`, 500 "
        "pneumonia). P2 gets 10,000 images at 64 × 64: the distinct images of the folder, then copies with "
        "Gaussian noise of σ = 0.01. For each workload every side runs once as a warm-up, then the sides "
        "alternate run by run. `intrinsic-audit bench kf|knn|decode` times only the computation (no file "
        "reading for P1 and P2), and the Python peers time the same part with `time.perf_counter`. Whole "
        "audits are timed as wall clock by `/usr/bin/time`, which also gives the peak RSS. P5 calls the "
        "`neuralnet-bench` executable and `scripts/pytorch_reference.py --bench` once per repeat. Both time "
        "only the training steps (forward, backward, Adam) on the same synthetic 64 × 64 images. Every side "
        "uses 2 threads or 2 processes. P1, P2, P4 and P5 run in two passes: `as-set` keeps the caller's "
        "OpenBLAS variables, `unset` removes `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE`.",
        "",
        f"This page was generated from the run that started {started}.",
        "",
    ]


def growth_introduction() -> list[str]:
    return [
        "Time against problem size on log-log axes, ours and the peer alternating at every size. The exponent "
        "b is the least-squares slope of log(median time) against log(size), so t ∝ size^b over the measured "
        "range. The K_F and k-NN points at M = 1000 and N = 10,000 are the P1 and P2 runs of the first pass. "
        "The audit curve runs on hard-linked prefixes of the augmented folder of P7. The peer audit runs only "
        "up to the sizes where its float32 image matrix and N × N Gram matrix fit, and our point at the P7 "
        "size is added when that audit completed at 224 px. Growth runs have no warm-up.",
        "",
    ]


def scale_section(results) -> list[str]:
    records = [r for resolution in (224, 64) for r in results.records.get(("as-set", f"P7 ours {resolution}"), [])]
    if not records:
        return []
    lines = ["## P7: a folder of augmented images", "",
             "The folder is written once by `scripts/bench/augment_folder.py` from the data folder's images. "
             "Each copy gets a random horizontal flip, a crop of 88–100% of each side resized back, and a "
             "brightness factor in [0.85, 1.15], drawn from a generator seeded by its index. It keeps its source "
             "folder and file name, so labels still apply. The audit starts with an empty database, under a "
             "timeout, and the folder is deleted at the end of the run.", "",
             "| resolution | images | outcome | wall time | peak RSS | feature matrix (2 bytes per pixel) | "
             "images in the feature cache at the end | stages (s) |",
             "|---|---|---|---|---|---|---|---|"]
    for record in records:
        matrix = record["images"] * record["resolution"] ** 2 * 2
        stages = ", ".join(f"{k[6:]} {v:.1f}" for k, v in record.items() if k.startswith("stage_")) or "–"
        seconds = f"{record['seconds']:.0f} s" if "seconds" in record else "–"
        rss = f"{record['max_rss_kb'] / 1024**2:.2f} GiB" if record.get("max_rss_kb") is not None else "–"
        cached = f"{record['cached_images']:,}" if "cached_images" in record else "–"
        lines.append(f"| {record['resolution']} px | {record['images']:,} | {record['outcome']} | {seconds} | {rss} | "
                     f"{matrix / GIB:.2f} GiB | {cached} | {stages} |")
        if record.get("message"):
            lines.append(f"| | | message: {record['message'].replace('|', '/')} | | | | | |")
    for record in records:
        if record.get("exit") == 0 or "cached_images" not in record or "seconds" not in record:
            continue
        cached, total = record["cached_images"], record["images"]
        if cached < total:
            lines += ["", f"At {record['resolution']} px the audit was stopped while decoding: {cached:,} of {total:,} "
                      f"images were in the feature cache after {record['seconds']:.0f} s "
                      f"({cached / record['seconds']:.0f} images/s including the cache writes)."]
        else:
            lines += ["", f"At {record['resolution']} px every image had been decoded and cached, so the audit was "
                      "stopped in a later stage (screening, near-duplicate search or the tasks)."]
    lines += ["", "The audit keeps every image in memory as 2 bytes per pixel (224² · 2 B = 98 KiB per image), so "
              "its peak RSS grows linearly with the image count. It rejects a folder whose matrix would need "
              "more than 80% of the memory the kernel reports as available. With `--gram float32` the peer keeps "
              "every image as float32 (4 bytes per pixel) plus an N × N float32 Gram matrix, 18.7 GiB and 37.3 GiB at "
              "100,000 images at 224 px, so it was not run on this folder.", ""]
    return lines


def training_section(results) -> list[str]:
    lines = []
    for pass_name in results.passes:
        for model in ("resnet", "vgg"):
            ours = results.series(pass_name, f"P5 ours {model}", "images_per_second")
            torch = results.series(pass_name, f"P5 PyTorch {model}", "images_per_second")
            if ours and torch:
                lines.append(f"| {model} | {pass_name} | {len(ours)} | {statistics.median(ours):,.0f} | "
                             f"{statistics.median(torch):,.0f} | {statistics.median(ours) / statistics.median(torch):.2f} |")
    if not lines:
        return []
    sample = next(r for (_, label), records in results.records.items() if label.startswith("P5 ") for r in records)
    return ["## P5: training throughput", "",
            f"Images per second over the training steps of {sample.get('epochs', '?')} epoch(s) of "
            f"{sample.get('images', '?'):,} synthetic 64 × 64 images per repeat (settings `BENCH_TRAIN_IMAGES`, "
            "`BENCH_TRAIN_EPOCHS`), batch 32, 2 threads, each repeat from a new model.", "",
            "| model | pass | repeats | ours (median img/s) | PyTorch | ratio |", "|---|---|---|---|---|---|"] + lines + [""]


def profile_lines(out: str, name: str) -> list[str]:
    """Formats the perf stat summary and the top of the sampling profile of one workload, if recorded."""
    lines = []
    stat_path = os.path.join(out, f"perf-stat-{name}.txt")
    if os.path.exists(stat_path):
        text = open(stat_path).read()
        cpus = re.search(r"([\d.,]+)\s+msec task-clock.*?#\s+([\d.]+) CPUs utilized", text)
        elapsed = re.search(r"([\d.]+) seconds time elapsed", text)
        if cpus and elapsed:
            lines.append(f"`perf stat` of one run: {float(cpus.group(1).replace(',', '')) / 1e3:.1f} s task-clock in "
                         f"{float(elapsed.group(1)):.1f} s wall, so {cpus.group(2)} of the 2 cores were busy on average.")
    profile_path = os.path.join(out, f"profile-{name}.txt")
    if os.path.exists(profile_path):
        top = [line.rstrip() for line in open(profile_path) if line.strip()][:12]
        if top:
            lines += ["", "`perf record -F 499` (cpu-clock samples; self time by shared object and symbol):", "",
                      "```"] + [re.sub(r"\s{2,}", "  ", re.sub(r"(\s+-)+$", "", line.strip()))[:140] for line in top] + ["```"]
    return lines


def stage_medians(results, pass_name: str, label: str) -> dict[str, float]:
    stages: dict[str, list[float]] = {}
    for record in results.records.get((pass_name, label), []):
        for key, value in record.items():
            if key.startswith("stage_") and isinstance(value, (int, float)):
                stages.setdefault(key[6:], []).append(float(value))
    return {name: statistics.median(values) for name, values in stages.items()}


def stage_text(stages: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:.2f} s" for name, value in stages.items())


EXPLANATIONS = {
    "P1": "The K_F run screens at a lower resolution and measures only the candidate pairs exactly, so it "
          "is compared with the ideal brute-force GEMM time. The raw measurements give the count of exact "
          "evaluations, that is, how many pairs the screen let through.",
    "P2": "Our search screens every pair on 32 × 32 block averages and measures the candidates whose lower "
          "bound can still beat the k-th distance exactly in float64. Its cost is the screening GEMM plus "
          "the exact evaluations (the median count is below). The 0.5 goal asks for twice the speed of "
          "scikit-learn's brute-force search.",
    "P3": "At 224 px the files need no resizing, so the 224 row compares JPEG decoders and per-image "
          "overhead. At 64 px both sides let libjpeg decode at 1/2 scale (112 px) before area averaging. "
          "Both sides call libjpeg-turbo for the decoding itself, so a 2× lead would have to come from the "
          "work around the decoder; the profile below shows how the time splits.",
    "P4": "Stage times of the audits (medians of the first pass; ours from the JSON report's `timings`, the "
          "peer's from its `timings_s`) show where the time goes.",
    "P5": "Both sides run the same layers on the same batch; the profile shows how much of our time is in "
          "the convolution GEMMs and how much in the element-wise layers around them.",
    "P6": "The command line keeps no audit in memory between runs: a re-audit reads and checksums every file, "
          "reuses cached vectors, and recomputes the screening projection, the near-duplicate search and "
          "every task. The daemon keeps an audit session and updates it, so its time is the better measure "
          "of the incremental cost.",
    "P7": "The feature matrix of every image stays in memory (2 bytes per pixel) for the whole audit, so "
          "peak RSS is about N · resolution² · 2 bytes plus the working buffers; see the P7 section.",
}
PROFILES = {"P2": ["p2"], "P3": ["p3-64"], "P4": ["p4"], "P5": ["p5-resnet", "p5-vgg"]}


def missed_section(results, missed: list[tuple[str, str]], out: str) -> list[str]:
    if not missed:
        return ["## Goals", "", "Every goal with both sides measured was met in this run.", ""]
    lines = ["## Where a goal is missed, and what limits it", ""]
    first = results.passes[0] if results.passes else "as-set"
    for workload in dict.fromkeys(workload for workload, _ in missed):
        lines += [f"### {workload}", ""]
        lines += [f"- {text}" for name, text in missed if name == workload] + [""]
        lines.append(EXPLANATIONS[workload])
        if workload == "P2":
            counts = results.series(first, "P2 ours", "exact_evaluations")
            if counts:
                lines[-1] += f" Exact distance evaluations in P2: {statistics.median(counts):,.0f} for 10,000 points."
        if workload == "P4":
            ours, peer = stage_medians(results, first, "P4 ours"), stage_medians(results, first, "P4 peer")
            if ours:
                lines[-1] += f" Ours: {stage_text(ours)}."
            if peer:
                lines[-1] += f" Peer: {stage_text(peer)}."
        if workload == "P5":
            lines[-1] += " " + scheduler_text(out)
        if workload == "P7":
            lines[-1] += " " + scale_growth_text(results, first)
        if workload == "P6":
            first_audit = results.series(first, "P6 first audit", "seconds")
            if first_audit:
                lines[-1] += f" The first audit of the copy took {statistics.median(first_audit):.2f} s."
        for name in PROFILES.get(workload, []):
            profile = profile_lines(out, name)
            if profile:
                lines += ["", f"Profile `{name}` (our side):", ""] + profile
        lines.append("")
    return lines


def scheduler_text(out: str) -> str:
    """States the share of profile samples in the kernel's scheduler, for the training profiles."""
    shares = []
    for name in PROFILES["P5"]:
        path = os.path.join(out, f"profile-{name}.txt")
        if os.path.exists(path):
            total = sum(float(line.split("%")[0]) for line in open(path)
                        if "sched" in line and line.strip()[:1].isdigit())
            shares.append(f"{total:.0f}% in `{name}`")
    if not shares:
        return ""
    return ("Samples in scheduler symbols (`__schedule`, `sched_yield` and its system call, listed lines only): "
            + ", ".join(shares) + ". Threads that call `sched_yield` while they wait for work show up there. "
            "The profiles cover the whole process, including model set-up and the synthetic input generation.")


def scale_growth_text(results, pass_name: str) -> str:
    """Compares the stage times of the largest audit growth point with the P7 audit at 224 px."""
    p7 = [r for r in results.records.get((pass_name, "P7 ours 224"), []) if r.get("exit") == 0]
    growth_points = [r for r in results.records.get((pass_name, "growth audit ours"), []) if "size" in r]
    if not p7 or not growth_points:
        return ""
    large, small = p7[0], max(growth_points, key=lambda r: r["size"])
    factor = large["images"] / small["size"]
    parts = []
    for stage in ("decode", "near_duplicates", "tasks"):
        before, after = small.get(f"stage_{stage}"), large.get(f"stage_{stage}")
        if before and after:
            parts.append(f"{stage} {before:.1f} s → {after:.1f} s (× {after / before:.0f})")
    return (f"From {small['size']:,} to {large['images']:,} images at 224 px (× {factor:.0f}) the stages grew: "
            + "; ".join(parts) + ". A stage that grows with the square of the image count grows × "
            f"{factor ** 2:.0f} over this step.")


def raw_section(path: str) -> list[str]:
    with open(path) as raw:
        text = raw.read().rstrip("\n")
    return ["## Raw measurements", "", "<details><summary>pass, workload, JSON of every timed run</summary>", "",
            "```", text, "```", "", "</details>", ""]
