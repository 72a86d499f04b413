#!/usr/bin/env python3
"""Compare an IntrinsicAudit JSON report with the JSON of an independent Python audit of the same folder.

Usage:
    python3 scripts/compare_with_peer.py OURS.json PEER.json [--map OURS_TASK=PEER_TASK ...]
                                         [--id-tolerance 0.05] [--ours-wall S] [--peer-wall S] [--title TEXT]

OURS.json is the output of `intrinsic-audit audit FOLDER --format json`. PEER.json is the output of a Python
audit that stores, per task, `side0`/`side1` class lists, `K_F.summary` (mean, ci95, ci95_halfwidth over its
runs), `K_F.M`, and `ID` (`N`, `mle_k20`, `twonn_discard10`), plus `duplicates.n_removed` and `timings_s`.

Tasks are matched by the two sets of classes on either side, regardless of name or side order, so our
`bacteria_vs_normal` matches the peer's `normal_vs_bacteria`. Tasks from a label table have no class names
(their classes read `column=1` and `column=0`), so they need `--map`.

The two programs draw different random samples, so their per-run K_F values differ. A task agrees when:
    - both used the same K_F sample size M and the same intrinsic-dimension sample size N;
    - K_F: the two 95% intervals of the mean overlap, i.e. |mean_ours - mean_peer| <= h_ours + h_peer for
      symmetric intervals with half-widths h (both programs report t intervals over their runs), widened by a
      rounding allowance of 1e-4 * |mean_peer|. Two infinite values (a label conflict) also agree. The
      allowance matters when every run takes every image of a small task, so both intervals have width 0.
      On fixtures/kermany-cxr-mini the two means then differ by up to 2e-6 relative, because the
      preprocessed pixel values of the two programs differ by rounding;
    - MLE and TwoNN each: |ours - peer| <= tolerance * |peer| (default 5%), or the peer's value lies inside our
      95% bootstrap interval.
The tables also show the stricter check "each mean inside the other's interval" for information.

Prints Markdown to standard output. Exit status: 0 when every task agrees, 1 when a task disagrees or has no
counterpart (the failing tasks are named on standard error), 2 for unreadable input or an invalid --map.
"""

import argparse
import json
import math
import sys


def load_json(path):
    """Read one JSON file, exiting with status 2 and the path when it is missing or invalid."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        print(f"error: cannot read JSON from {path}: {error}. Check that the audit finished and wrote it.",
              file=sys.stderr)
        sys.exit(2)


def class_key(side_a, side_b):
    """Order-free key of a binary task: the set of its two class sets."""
    return frozenset([frozenset(side_a), frozenset(side_b)])


def as_float(value):
    """Convert a JSON number to float. Infinity and null (how a non-finite value may be written) become inf."""
    if value is None:
        return math.inf
    return float(value)


def format_number(value, digits=5):
    if value is None:
        return "n/a"
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}g}"


def format_interval(mean, interval, digits=5):
    if interval is None:
        return format_number(mean, digits)
    low, high = interval
    return f"{format_number(mean, digits)} [{format_number(low, digits)}, {format_number(high, digits)}]"


def parse_mapping(pairs):
    """Turn ['ours=peer', ...] into a dict, rejecting entries without exactly one '='."""
    mapping = {}
    for pair in pairs:
        if pair.count("=") != 1 or pair.startswith("=") or pair.endswith("="):
            print(f"error: invalid --map value {pair!r}; expected OURS_TASK=PEER_TASK, e.g. "
                  "viral_vs_normal=normal_vs_virus", file=sys.stderr)
            sys.exit(2)
        ours, peer = pair.split("=")
        mapping[ours] = peer
    return mapping


def find_peer_task(task, peer_tasks, mapping):
    """Return (peer name, reason) for one of our tasks: the --map entry first, then the same class sets.

    Among peer tasks with the same class sets, one with the same name is preferred, then one that is not an
    alias (`same_as` empty) of another.
    """
    name = task["name"]
    if name in mapping:
        target = mapping[name]
        if target not in peer_tasks:
            return None, f"--map names peer task {target!r}, which the peer did not report"
        return target, "--map"

    key = class_key(task.get("positive_classes", []), task.get("negative_classes", []))
    candidates = [peer_name for peer_name, entry in peer_tasks.items()
                  if class_key(entry["side0"], entry["side1"]) == key]
    if not candidates:
        return None, (f"no peer task splits the classes {sorted(task.get('positive_classes', []))} vs "
                      f"{sorted(task.get('negative_classes', []))}; pass --map {name}=PEER_TASK")
    if name in candidates:
        return name, "classes"
    originals = [peer_name for peer_name in candidates if not peer_tasks[peer_name].get("same_as")]
    return (originals or candidates)[0], "classes"


ROUNDING_ALLOWANCE = 1e-4


def compare_label_sharpness(ours, peer):
    """Return (agrees, strict, normalised gap) for K_F. The gap is |delta| / (h_ours + h_peer + allowance)."""
    ours_mean = as_float(ours.get("mean"))
    peer_mean = as_float(peer["mean"])
    if math.isinf(ours_mean) or math.isinf(peer_mean):
        both = math.isinf(ours_mean) and math.isinf(peer_mean)
        return both, both, None

    ours_low, ours_high = (as_float(v) for v in ours["ci95"])
    peer_low, peer_high = (as_float(v) for v in peer["ci95"])
    allowance = ROUNDING_ALLOWANCE * abs(peer_mean)
    agrees = ours_low - allowance <= peer_high and peer_low - allowance <= ours_high
    strict = (ours_low - allowance <= peer_mean <= ours_high + allowance
              and peer_low - allowance <= ours_mean <= peer_high + allowance)
    width = (ours_high - ours_low) / 2 + (peer_high - peer_low) / 2 + allowance
    if width > 0:
        gap = abs(ours_mean - peer_mean) / width
    elif ours_mean == peer_mean:
        gap = 0.0
    else:
        gap = math.inf
    return agrees, strict, gap


def compare_dimension(ours_estimate, peer_value, tolerance):
    """Return (agrees, relative difference) for one d_data estimate, by the rule in the module docstring."""
    if ours_estimate is None or peer_value is None:
        return False, None
    ours_value = as_float(ours_estimate.get("value"))
    relative = (ours_value - peer_value) / abs(peer_value) if peer_value else math.inf
    inside = False
    interval = ours_estimate.get("ci95")
    if interval is not None:
        inside = as_float(interval[0]) <= peer_value <= as_float(interval[1])
    return abs(relative) <= tolerance or inside, relative


def compare_task(task, peer_name, peer_entry, tolerance):
    """Build one result row: the values of both sides, the checks and the reasons of any failure."""
    sharpness = task["label_sharpness"]
    dimension = task.get("intrinsic_dimension") or {}
    peer_kf = peer_entry.get("K_F")
    peer_id = peer_entry.get("ID") or {}
    row = {"name": task["name"], "peer": peer_name, "failures": [], "sharpness": sharpness, "peer_kf": peer_kf,
           "dimension": dimension, "peer_id": peer_id}

    if peer_kf is None:
        row["failures"].append(f"the peer skipped {peer_name}: {peer_entry.get('skipped', 'no K_F')}")
        return row

    if sharpness.get("samples") != peer_kf["M"]:
        row["failures"].append(f"K_F sample sizes differ (ours M={sharpness.get('samples')}, peer "
                               f"M={peer_kf['M']}); rerun ours with --samples {peer_kf['M']}")
    agrees, strict, gap = compare_label_sharpness(sharpness, peer_kf["summary"])
    row.update(kf_agrees=agrees, kf_strict=strict, kf_gap=gap)
    if not agrees and gap is None:
        row["failures"].append("K_F is infinite on one side only (a label conflict that the other did not find)")
    elif not agrees:
        row["failures"].append("K_F intervals do not overlap")

    if dimension.get("samples") != peer_id.get("N"):
        row["failures"].append(f"ID sample sizes differ (ours N={dimension.get('samples')}, peer "
                               f"N={peer_id.get('N')})")
    for estimator, peer_key in (("mle", "mle_k20"), ("twonn", "twonn_discard10")):
        ok, relative = compare_dimension(dimension.get(estimator), peer_id.get(peer_key), tolerance)
        row[f"{estimator}_agrees"] = ok
        row[f"{estimator}_relative"] = relative
        if not ok:
            row["failures"].append(f"{estimator.upper()} differs by more than {tolerance:.0%} and the peer's "
                                   "value is outside our interval")
    return row


def yes_no(flag):
    return "yes" if flag else "**no**"


def print_task_table(rows):
    print("| task (ours) | peer task | K_F ours mean [95% CI] | K_F peer mean [95% CI] | K_F gap "
          "| K_F agrees | strict | MLE ours [CI] | MLE peer | ΔMLE | TwoNN ours [CI] | TwoNN peer | ΔTwoNN "
          "| d_data agrees |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        if row["peer"] is None or row["peer_kf"] is None:
            print(f"| {row['name']} | {row['peer'] or 'none'} | "
                  + " | ".join(["n/a"] * 12) + " |")
            continue
        sharpness, peer_summary = row["sharpness"], row["peer_kf"]["summary"]
        mle, twonn = row["dimension"].get("mle") or {}, row["dimension"].get("twonn") or {}
        cells = [
            row["name"], row["peer"],
            format_interval(as_float(sharpness.get("mean")), sharpness.get("ci95")),
            format_interval(peer_summary["mean"], peer_summary["ci95"]),
            format_number(row["kf_gap"], 2), yes_no(row["kf_agrees"]), "yes" if row["kf_strict"] else "no",
            format_interval(mle.get("value"), mle.get("ci95"), 4), format_number(row["peer_id"].get("mle_k20"), 4),
            format_percent(row["mle_relative"]),
            format_interval(twonn.get("value"), twonn.get("ci95"), 4),
            format_number(row["peer_id"].get("twonn_discard10"), 4), format_percent(row["twonn_relative"]),
            yes_no(row["mle_agrees"] and row["twonn_agrees"]),
        ]
        print("| " + " | ".join(cells) + " |")


def format_percent(relative):
    if relative is None:
        return "n/a"
    return f"{relative:+.1%}"


def print_dataset_table(ours, peer, rows):
    duplicates = ours["dataset"].get("duplicates", {})
    peer_duplicates = peer.get("duplicates", {})
    print("| | ours | peer |")
    print("|---|---|---|")
    print(f"| images found / decoded | {ours['dataset'].get('images')} / {ours['dataset'].get('decoded')} "
          f"| {peer['files']['n_files']} / {peer['files']['n_decoded']} |")
    print(f"| labelled | {ours['dataset'].get('labelled')} | {sum(peer['files'].get('per_class', {}).values())} |")
    print(f"| duplicates removed | {duplicates.get('images_removed')} | {peer_duplicates.get('n_removed')} |")
    print(f"| duplicate groups | {len(duplicates.get('groups', []))} | {peer_duplicates.get('n_groups')} |")
    print(f"| constant images | {len(ours['dataset'].get('constant_images', []))} "
          f"| {peer['files'].get('n_constant_images')} |")
    print(f"| K_F runs x M per task | {ours['parameters'].get('runs')} x {ours['parameters'].get('samples')} "
          f"| {peer['constants']['kf_runs']} x {2 * peer['constants']['kf_per_side']} |")
    print(f"| ID sample N, k | {ours['parameters'].get('id_samples')}, {ours['parameters'].get('neighbors')} "
          f"| {2 * peer['constants']['id_per_side']}, {peer['constants']['k_mle']} |")

    ours_conflicts, peer_conflicts = [], []
    for row in rows:
        ours_count = len(row["sharpness"].get("conflicts", []))
        if ours_count:
            ours_conflicts.append(f"{row['name']} {ours_count}")
        peer_count = peer.get("conflicts", {}).get(row["peer"], {}).get("n", 0) if row["peer"] else 0
        if peer_count:
            peer_conflicts.append(f"{row['peer']} {peer_count}")
    print(f"| label conflicts | {', '.join(ours_conflicts) or 'none'} | {', '.join(peer_conflicts) or 'none'} |")


def print_timings(ours, peer, ours_wall, peer_wall):
    ours_timings = ours.get("timings", {})
    peer_timings = peer.get("timings_s", {})
    print("| program | stages (s) | total (s) | wall clock (s) |")
    print("|---|---|---|---|")
    for label, timings, wall in (("ours", ours_timings, ours_wall), ("peer", peer_timings, peer_wall)):
        stages = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in timings.items() if stage != "total")
        total = timings.get("total")
        print(f"| {label} | {stages} | {format_number(total, 4)} | {format_number(wall, 4)} |")

    if ours_timings.get("total") and peer_timings.get("total"):
        print(f"\nRatio of reported totals, ours / peer: {ours_timings['total'] / peer_timings['total']:.2f}.")
    if ours_wall and peer_wall:
        print(f"Ratio of wall clock times, ours / peer: {ours_wall / peer_wall:.2f}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ours", help="JSON report of intrinsic-audit audit --format json")
    parser.add_argument("peer", help="JSON written by the Python peer audit")
    parser.add_argument("--map", action="append", default=[], metavar="OURS_TASK=PEER_TASK",
                        help="match one of our tasks to a peer task by name (repeatable)")
    parser.add_argument("--id-tolerance", type=float, default=0.05,
                        help="relative tolerance for MLE and TwoNN (default 0.05)")
    parser.add_argument("--ours-wall", type=float, help="wall clock seconds of our audit, measured outside")
    parser.add_argument("--peer-wall", type=float, help="wall clock seconds of the peer audit, measured outside")
    parser.add_argument("--title", default="IntrinsicAudit vs peer", help="heading of the Markdown output")
    args = parser.parse_args()

    ours = load_json(args.ours)
    peer = load_json(args.peer)
    mapping = parse_mapping(args.map)
    peer_tasks = peer.get("tasks", {})

    rows = []
    for task in sorted(ours.get("tasks", []), key=lambda t: (t.get("rank", 0), t["name"])):
        peer_name, reason = find_peer_task(task, peer_tasks, mapping)
        if peer_name is None:
            rows.append({"name": task["name"], "peer": None, "peer_kf": None, "sharpness": task["label_sharpness"],
                         "failures": [reason]})
            continue
        rows.append(compare_task(task, peer_name, peer_tasks[peer_name], args.id_tolerance))

    print(f"## {args.title}\n")
    print(f"Ours: `{args.ours}` ({ours['dataset'].get('label_source')}). Peer: `{args.peer}`.\n")
    print("K_F agrees when the two 95% intervals overlap (|Δmean| <= h_ours + h_peer + 1e-4 |mean_peer|, "
          "h = half-width, the last term a rounding allowance); 'K_F gap' is |Δmean| divided by that right-hand side, "
          "so it is at most 1 when they agree. "
          "'strict' means each mean lies inside the other's interval. d_data agrees when MLE and TwoNN are each "
          f"within {args.id_tolerance:.0%} of the peer's value or the peer's value lies inside our bootstrap "
          "interval. Δ columns are (ours - peer) / peer.\n")
    print_task_table(rows)
    print()
    print_dataset_table(ours, peer, rows)
    print()
    print_timings(ours, peer, args.ours_wall, args.peer_wall)

    matched = {row["peer"] for row in rows if row["peer"]}
    unmatched_peer = [name for name in peer_tasks if name not in matched]
    if unmatched_peer:
        print(f"\nPeer tasks with no counterpart here: {', '.join(unmatched_peer)}.")

    failing = [row for row in rows if row["failures"]]
    if not rows:
        print(f"error: {args.ours} contains no tasks; check that the audit found labelled images.",
              file=sys.stderr)
        sys.exit(1)
    if failing:
        print("\nResult: " + "; ".join(f"{row['name']}: {', '.join(row['failures'])}" for row in failing) + ".")
        for row in failing:
            print(f"disagreement: {row['name']}: {'; '.join(row['failures'])}", file=sys.stderr)
        sys.exit(1)
    print(f"\nResult: all {len(rows)} tasks agree.")


if __name__ == "__main__":
    main()
