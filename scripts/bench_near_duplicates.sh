#!/usr/bin/env bash
# Measures what the near-duplicate search adds to an audit: runs the audit of DATA_PATH with the
# search off (threshold_factor 0) and on (the default 0.2), alternately, ROUNDS times each after a
# warm-up, from a warm feature cache, and prints the median and range of the near-duplicate stage
# and of the whole audit.
#
# Usage: scripts/bench_near_duplicates.sh DATA_PATH [CONFIG_JSON] [ROUNDS]
#   CONFIG_JSON: label rules for DATA_PATH (for the Kermany folder: fixtures/kermany-cxr-mini/audit.json)
set -euo pipefail
cd "$(dirname "$0")/.."

data=${1:?usage: scripts/bench_near_duplicates.sh DATA_PATH [CONFIG_JSON] [ROUNDS]}
config=${2:-}
rounds=${3:-5}
binary=.build/release/intrinsic-audit
[ -x "$binary" ] || swift build -c release >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for factor in 0 0.2; do
  python3 - "$config" "$factor" "$work/config-$factor.json" <<'PY'
import json, sys
source, factor, target = sys.argv[1], float(sys.argv[2]), sys.argv[3]
config = json.load(open(source)) if source else {}
config.setdefault("near_duplicates", {})["threshold_factor"] = factor
config.setdefault("label_sharpness", {})["samples"] = 1000
json.dump(config, open(target, "w"))
PY
done

run() {
  "$binary" audit "$data" --db "$work/audit.sqlite" --config "$work/config-$1.json" --format json > "$work/report.json"
  python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['timings']; print(t.get('near_duplicates', 0), t['total'])" "$work/report.json"
}

run 0.2 > /dev/null   # warm-up: fills the feature cache
: > "$work/off.txt"; : > "$work/on.txt"
for _ in $(seq "$rounds"); do
  run 0 >> "$work/off.txt"
  run 0.2 >> "$work/on.txt"
done

python3 - "$work/off.txt" "$work/on.txt" <<'PY'
import statistics, sys
def load(path):
    rows = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
    return [r[0] for r in rows], [r[1] for r in rows]
off_stage, off_total = load(sys.argv[1])
on_stage, on_total = load(sys.argv[2])
def describe(values):
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"
print(f"rounds: {len(on_total)} each, alternating, warm cache")
print(f"audit without near-duplicate search: {describe(off_total)}")
print(f"audit with near-duplicate search:    {describe(on_total)}")
print(f"near-duplicate stage alone:          {describe(on_stage)}")
print(f"ratio of medians with/without:       {statistics.median(on_total) / statistics.median(off_total):.3f}")
PY
