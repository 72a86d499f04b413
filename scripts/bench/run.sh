#!/usr/bin/env bash
# Benchmarks IntrinsicAudit against Python peers, side by side, and regenerates docs/benchmarks.md
# and docs/benchmark-growth.png from one run.
#
# Usage: scripts/bench/run.sh DATA_PATH PEERS_DIR     (or: make bench DATA=... PEERS=...)
#   DATA_PATH  the Kermany chest X-ray folder (NORMAL and PNEUMONIA folders, JPEG files)
#   PEERS_DIR  folder with peer_audit.py, common.py and peak_fma.c (default: $INTRINSIC_AUDIT_PEERS)
# Environment (counts are per side; every workload gets one warm-up run per side first):
#   BENCH_PYTHON      Python for the peers (default: .venv-bench/bin/python, created when missing
#                     by scripts/bench/make_venv.sh)
#   BENCH_BINARY      our release binary (default: built with swift build -c release)
#   BENCH_NEURALNET_BENCH  the neuralnet-bench executable for P5 (default: built likewise)
#   BENCH_SCRATCH     swift build scratch path (default .build)
#   BENCH_RUNS        timed runs of P1-P3 (default 5)
#   BENCH_SLOW_RUNS   timed runs of P4 and P5 and rounds of P6 (default 3)
#   BENCH_WORKLOADS   what to run (default "P1 P2 P3 P4 P5 P6 P7 growth")
#   BENCH_SKIP        workloads left out of BENCH_WORKLOADS, e.g. "P7" for a run without the
#                     100,000-image folder
#   BENCH_GROWTH_RUNS rounds of the K_F and k-NN growth curves (default 3; no warm-up)
#   BENCH_GROWTH_AUDIT_RUNS  rounds of the audit growth curve (default 2; no warm-up)
#   BENCH_KF_SIZES, BENCH_KNN_SIZES, BENCH_AUDIT_SIZES: sizes of the growth curves besides those
#                     of P1 and P2 (defaults "250 500 2000", "2500 5000 20000", "1000 2500 5000 10000")
#   BENCH_AUDIT_OURS_SIZES   audit sizes measured for ours only, e.g. "25000" (default none)
#   BENCH_SCALE_IMAGES       images of the P7 folder (default 100000)
#   BENCH_SCALE_TIMEOUT      limit of each P7 audit in seconds (default 900)
#   BENCH_TRAIN_IMAGES, BENCH_TRAIN_EPOCHS   P5 training set and epochs per run (default 1000, 2)
#   BENCH_DEADLINE    a time `date -d` reads (e.g. "01:55 UTC"); workloads not started by then are
#                     skipped and noted, and P7's timeout is cut to end a minute before it
#   BENCH_OUT         folder for raw measurements and profiles (default results/bench)
#   BENCH_DOC         the page to write (default docs/benchmarks.md)
#
# Workloads (ours and the peer alternate, run by run; every side uses 2 threads or processes):
#   P1 one K_F run, M = 1000 at 224 x 224, against numpy (peer_kf.py) and the FP32 FMA roofline
#   P2 exact k-NN, k = 20, N = 10,000 at 64 x 64, against numpy and scikit-learn brute force
#   P3 decode + resize of 1,000 JPEG files to 224 and 64 against Pillow with 2 processes
#   P4 the whole audit of DATA_PATH (fresh database each run) against peer_audit.py --gram float32
#   P5 training throughput of SmallResNet and SmallVGG, batch 32, against PyTorch on the CPU
#   P6 re-audit after adding 1% new images: command line with a warm database, and the daemon
#   P7 peak RSS of our whole audit: of DATA_PATH (from P4), and of 100,000 augmented images at
#      224 and 64 px
#   growth: K_F time against M, k-NN time against N, audit time against image count
# P1, P2, P4 and P5 run twice: with the caller's environment, then with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (skipped when neither is set).
set -euo pipefail
cd "$(dirname "$0")/../.."

usage="usage: scripts/bench/run.sh DATA_PATH PEERS_DIR"
[ $# -ge 1 ] && [ -n "$1" ] || { echo "Error: missing DATA_PATH; $usage" >&2; exit 64; }
[ -d "$1" ] || { echo "Error: data folder $1 not found; $usage" >&2; exit 64; }
data=$(realpath "$1")
peers=${2:-${INTRINSIC_AUDIT_PEERS:-}}
[ -n "$peers" ] || { echo "Error: no peer folder; pass PEERS_DIR or set INTRINSIC_AUDIT_PEERS" >&2; exit 64; }
for file in peer_audit.py common.py peak_fma.c; do
  [ -f "$peers/$file" ] || { echo "Error: $peers/$file not found; PEERS_DIR must hold the peer programs" >&2; exit 64; }
done

runs=${BENCH_RUNS:-5}
slow_runs=${BENCH_SLOW_RUNS:-3}
growth_runs=${BENCH_GROWTH_RUNS:-3}
growth_audit_runs=${BENCH_GROWTH_AUDIT_RUNS:-2}
workloads=" ${BENCH_WORKLOADS:-P1 P2 P3 P4 P5 P6 P7 growth} "
for skipped in ${BENCH_SKIP:-}; do workloads=${workloads// $skipped / }; done
kf_sizes=${BENCH_KF_SIZES:-250 500 2000}
knn_sizes=${BENCH_KNN_SIZES:-2500 5000 20000}
audit_sizes=${BENCH_AUDIT_SIZES:-1000 2500 5000 10000}
audit_ours_sizes=${BENCH_AUDIT_OURS_SIZES:-}
scale_images=${BENCH_SCALE_IMAGES:-100000}
scale_timeout=${BENCH_SCALE_TIMEOUT:-900}
train_images=${BENCH_TRAIN_IMAGES:-1000}
train_epochs=${BENCH_TRAIN_EPOCHS:-2}
scratch=${BENCH_SCRATCH:-.build}
out=${BENCH_OUT:-results/bench}
doc=${BENCH_DOC:-docs/benchmarks.md}
deadline=
if [ -n "${BENCH_DEADLINE:-}" ]; then
  deadline=$(date -d "$BENCH_DEADLINE" +%s) \
    || { echo "Error: invalid BENCH_DEADLINE '$BENCH_DEADLINE'; use a time date -d reads, e.g. '01:55 UTC'" >&2; exit 64; }
fi
bench=$(pwd)/scripts/bench
audit_config=$(pwd)/fixtures/kermany-cxr-mini/audit.json
source "$bench/lib.sh"
source "$bench/workloads.sh"
source "$bench/scale.sh"
source "$bench/profile.sh"

# --- Python, binaries, work folders ---------------------------------------------------------
if [ -n "${BENCH_PYTHON:-}" ]; then
  python=$BENCH_PYTHON
else
  "$bench/make_venv.sh" .venv-bench
  python=$(pwd)/.venv-bench/bin/python
fi

if [ -n "${BENCH_BINARY:-}" ]; then
  binary=$(realpath "$BENCH_BINARY")
else
  log "building intrinsic-audit (release)"
  swift build -c release --scratch-path "$scratch" -j 2 --product intrinsic-audit >&2
  binary=$(realpath "$scratch/release/intrinsic-audit")
fi
neuralnet_bench=
if wanted P5; then
  if [ -n "${BENCH_NEURALNET_BENCH:-}" ]; then
    neuralnet_bench=$(realpath "$BENCH_NEURALNET_BENCH")
  elif log "building neuralnet-bench (release)" \
      && swift build -c release --scratch-path "$scratch" -j 2 --product neuralnet-bench >&2; then
    neuralnet_bench=$(realpath "$scratch/release/neuralnet-bench")
  else
    log "neuralnet-bench did not build, so P5 is skipped"
  fi
fi

mkdir -p "$out"
rm -f "$out"/perf-stat-*.txt "$out"/profile-*.txt
results=$out/results.tsv
notes=$out/notes.md
machine=$out/machine.md
: > "$results"
: > "$notes"
work=$(mktemp -d "${TMPDIR:-/tmp}/intrinsic-audit-bench.XXXXXX")
daemon_pid=
pass=as-set
started_at=$(date -u '+%Y-%m-%d %H:%M UTC')

# finish: stops the daemon, writes the page from whatever was measured (also after a failure
# or an interrupt, marked as partial) and removes the work folder.
finish() {
  local status=$?
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2> /dev/null || true; fi
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$machine"
  if [ -s "$results" ]; then
    local partial=()
    [ "$status" = 0 ] || partial=(--partial "the run stopped early (exit status $status)")
    "$python" "$bench/report.py" "$out" "$doc" "$(dirname "$doc")/benchmark-growth.png" --started "$started_at" "${partial[@]}" \
      || echo "Error: writing $doc failed; the measurements are in $results" >&2
  fi
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 143' TERM INT

# --- Machine and versions -------------------------------------------------------------------
log "recording the machine"
{
  echo "- date: $started_at; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- busiest processes at the start (%CPU, name): $(ps -eo pcpu=,comm= --sort=-pcpu | head -4 | awk '{printf "%s%s %s", sep, $1, $2; sep="; "}')"
  echo "- data: $(basename "$data"), $(find "$data" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | wc -l) JPEG and PNG files"
  echo "- cores: $(nproc) (\`nproc\`); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "- ours: \`$("$binary" --version)\`, release build of $(git describe --always --dirty 2> /dev/null || echo 'an unknown commit'), $(swift --version 2> /dev/null | head -1)"
  echo "- system OpenBLAS (ours): $(dpkg-query -W -f '${Version}' libopenblas0-pthread 2> /dev/null || echo unknown)"
  echo "- settings: BENCH_RUNS=$runs, BENCH_SLOW_RUNS=$slow_runs, BENCH_GROWTH_RUNS=$growth_runs, BENCH_GROWTH_AUDIT_RUNS=$growth_audit_runs, workloads:$workloads(each after one warm-up run per side, growth curves without), P7: $scale_images images, timeout $scale_timeout s, deadline ${BENCH_DEADLINE:-none}"
  echo "- OpenBLAS settings as set: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)}, OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-(unset)}, OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS-(unset)}"
  "$python" - <<'PY'
import platform, numpy, scipy, sklearn, PIL, torch
print(f"- peers: Python {platform.python_version()}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
      f"scikit-learn {sklearn.__version__}, Pillow {PIL.__version__}, torch {torch.__version__}")
PY
} > "$machine"

blas_report() {
  in_pass "$python" - "$pass" >> "$machine" <<'PY'
import sys
import numpy, sklearn.neighbors  # noqa: F401  (loads the BLAS libraries)
from threadpoolctl import threadpool_info
kernels = sorted({f"{i.get('prefix')} {i.get('version')} {i.get('architecture')} x{i.get('num_threads')}"
                  for i in threadpool_info() if i.get("user_api") == "blas"})
print(f"- OpenBLAS of numpy and scipy, pass {sys.argv[1]} (threadpoolctl): " + "; ".join(kernels))
PY
}
blas_report

# --- Inputs ---------------------------------------------------------------------------------
log "preparing inputs"
growth_arguments=()
if wanted growth; then
  growth_arguments=(--kf-sizes "${kf_sizes// /,}" --knn-sizes "${knn_sizes// /,}")
fi
"$python" "$bench/prepare_inputs.py" "$data" "$work/inputs" "${growth_arguments[@]}" >&2
cp -r "$peers" "$work/peers"
chmod -R u+w "$work/peers"
"$python" - "$audit_config" "$work/audit-1000.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config.setdefault("label_sharpness", {})["samples"] = 1000
json.dump(config, open(sys.argv[2], "w"))
PY

# --- FMA roofline ---------------------------------------------------------------------------
if wanted P1; then
  log "FMA roofline"
  gcc -O3 -march=native -pthread "$peers/peak_fma.c" -o "$work/peak_fma"
  "$work/peak_fma" > "$work/fma.txt"
  awk '/threads=2/ { for (i = 1; i <= NF; i++) if ($i == "GFLOPs_median") print $(i + 1) }' "$work/fma.txt" \
    | sort -g | tail -1 > "$out/fma-gflops.txt"
  echo "- FP32 FMA probe (2 threads, median GFLOP/s): $(awk '/threads=2/ {print $1 "=" $4}' "$work/fma.txt" | paste -sd' ')" >> "$machine"
fi

# --- Workloads ------------------------------------------------------------------------------
note "load average before the first pass: $(cut -d' ' -f1-3 /proc/loadavg)"
blas_workloads
if due P3; then
  log "P3"
  alternate "$runs" "P3 ours 224" p3_ours_224 "P3 Pillow 224" p3_pillow_224 "P3 ours 64" p3_ours_64 "P3 Pillow 64" p3_pillow_64
fi
if due P6; then p6_workload; fi

profile_workloads
if due growth; then
  note "load average before the growth curves: $(cut -d' ' -f1-3 /proc/loadavg)"
  growth_kernels
fi
if due P7 || due growth; then
  note "load average before the augmented-folder workloads: $(cut -d' ' -f1-3 /proc/loadavg)"
  scale_workloads
fi

# The pass without the OpenBLAS variables comes last: it repeats workloads already measured, so
# it is the part a deadline should cut first.
if [ -z "${OPENBLAS_CORETYPE+x}${OPENBLAS_L2_SIZE+x}" ]; then
  note "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE were not set, so the second pass would repeat the first and was skipped"
elif wanted P1 || wanted P2 || wanted P4 || wanted P5; then
  pass=unset
  note "load average before the pass with the OpenBLAS variables unset: $(cut -d' ' -f1-3 /proc/loadavg)"
  blas_report
  blas_workloads
  pass=as-set
fi

log "done; writing $doc"
