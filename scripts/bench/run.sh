#!/usr/bin/env bash
# Benchmarks IntrinsicAudit against Python peers, side by side, on one image folder.
#
# Usage: scripts/bench/run.sh DATA_PATH [PEERS_DIR]
#   PEERS_DIR  folder with peer_audit.py, common.py and peak_fma.c (default: $INTRINSIC_AUDIT_PEERS)
# Environment:
#   BENCH_PYTHON      Python with numpy, scikit-learn, Pillow, threadpoolctl (default: python3)
#   BENCH_BINARY      release binary (default: .build/release/intrinsic-audit; built when missing)
#   BENCH_RUNS        timed runs per side of P1-P3 (default 5; one warm-up run each comes first)
#   BENCH_SLOW_RUNS   timed runs per side of P4 and rounds of P6 (default 3)
#   BENCH_WORKLOADS   which workloads to run (default "P1 P2 P3 P4 P6"; P7 comes with P4)
#
# Workloads (ours and the peer alternate, run by run):
#   P1 one K_F run, M = 1000 at 224 x 224, against numpy (peer_kf.py) and the FP32 FMA roofline
#   P2 exact k-NN, k = 20, N = 10,000 at 64 x 64, against numpy and scikit-learn brute force
#   P3 decode + resize of 1,000 JPEG files to 224 and 64, 2 threads against Pillow with 2 processes
#   P4 the whole audit of DATA_PATH (fresh database each run) against peer_audit.py --gram float32
#   P6 re-audit after adding 1% new images: CLI with a warm database, and the watch daemon
#   P7 peak RSS of our whole audit (from the P4 runs)
# P1, P2 and P4 run twice: with the caller's environment, then with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (skipped when neither is set). Results go to standard output as Markdown.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage="usage: scripts/bench/run.sh DATA_PATH [PEERS_DIR]"
data=$(realpath "${1:?$usage}")
peers=${2:-${INTRINSIC_AUDIT_PEERS:-}}
[ -n "$peers" ] || { echo "Error: no peer folder; pass PEERS_DIR or set INTRINSIC_AUDIT_PEERS" >&2; exit 64; }
for file in peer_audit.py common.py peak_fma.c; do
  [ -f "$peers/$file" ] || { echo "Error: $peers/$file not found; PEERS_DIR must hold the peer programs" >&2; exit 64; }
done
python=${BENCH_PYTHON:-python3}
binary=${BENCH_BINARY:-.build/release/intrinsic-audit}
runs=${BENCH_RUNS:-5}
slow_runs=${BENCH_SLOW_RUNS:-3}
workloads=" ${BENCH_WORKLOADS:-P1 P2 P3 P4 P6} "
[ -x "$binary" ] || swift build -c release -j 2 >&2
binary=$(realpath "$binary")
bench=$(pwd)/scripts/bench
audit_config=$(pwd)/fixtures/kermany-cxr-mini/audit.json

work=$(mktemp -d)
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
results=$work/results.tsv
: > "$results"
pass=as-set

wanted() { [[ "$workloads" == *" $1 "* ]]; }

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# Runs "$@" in the current pass's environment.
in_pass() {
  if [ "$pass" = unset ]; then env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@"; else "$@"; fi
}

# record LABEL JSON: appends one measurement of the current pass.
record() { printf '%s\t%s\t%s\n' "$pass" "$1" "$2" >> "$results"; }

# alternate N LABEL1 FUNCTION1 LABEL2 FUNCTION2 ...: one warm-up run of each function, then N
# rounds in which every function runs once, in order. Each function prints one JSON line.
alternate() {
  local count=$1; shift
  local pairs=("$@") index round
  for ((index = 0; index < ${#pairs[@]}; index += 2)); do "${pairs[index + 1]}" > /dev/null; done
  for ((round = 1; round <= count; round++)); do
    for ((index = 0; index < ${#pairs[@]}; index += 2)); do
      record "${pairs[index]}" "$("${pairs[index + 1]}")"
    done
  done
}

# timed COMMAND...: wall time and peak RSS of a command in the current pass, as a JSON line.
timed() {
  in_pass /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > /dev/null 2> "$work/stderr.txt" \
    || { cat "$work/stderr.txt" >&2; return 1; }
  read -r seconds rss < "$work/time.txt"
  echo "{\"seconds\": $seconds, \"max_rss_kb\": $rss}"
}

# --- Machine and versions -------------------------------------------------------------------
{
  echo "## Machine"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "- ours: $("$binary" --version), commit $(git rev-parse --short HEAD), $(swift --version 2>/dev/null | head -1)"
  echo "- system OpenBLAS (ours): $(dpkg-query -W -f '${Version}' libopenblas0-pthread 2>/dev/null || echo unknown)"
  echo "- OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-(unset)} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS-(unset)}"
  "$python" - <<'PY'
import platform, numpy, sklearn, PIL
print(f"- peers: Python {platform.python_version()}, numpy {numpy.__version__}, scikit-learn {sklearn.__version__}, Pillow {PIL.__version__}")
PY
} 

blas_report() {
  in_pass "$python" - <<'PY'
try:
    import numpy, sklearn.neighbors  # noqa: F401  (loads the BLAS libraries)
    from threadpoolctl import threadpool_info
    kernels = sorted({f"{i.get('prefix')} {i.get('version')} {i.get('architecture')} x{i.get('num_threads')}" for i in threadpool_info() if i.get("user_api") == "blas"})
    print("- numpy/scipy OpenBLAS (threadpoolctl): " + "; ".join(kernels))
except ImportError:
    print("- threadpoolctl not installed: OpenBLAS kernel not recorded")
PY
}
echo "- pass as-set:"; blas_report

# --- Inputs ---------------------------------------------------------------------------------
log "preparing inputs"
"$python" "$bench/prepare_inputs.py" "$data" "$work/inputs" >&2
cp -r "$peers" "$work/peers"
chmod -R u+w "$work/peers"
"$python" - "$audit_config" "$work/audit-1000.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config.setdefault("label_sharpness", {})["samples"] = 1000
json.dump(config, open(sys.argv[2], "w"))
PY

# --- FMA roofline ---------------------------------------------------------------------------
log "FMA roofline"
gcc -O3 -march=native -pthread "$peers/peak_fma.c" -o "$work/peak_fma"
"$work/peak_fma" > "$work/fma.txt"
peak=$(awk '/threads=2/ { for (i = 1; i <= NF; i++) if ($i == "GFLOPs_median") print $(i + 1) }' "$work/fma.txt" | sort -g | tail -1)
echo "- FP32 FMA probe (2 threads, median GFLOP/s): $(awk '/threads=2/ {print $1 "=" $4}' "$work/fma.txt" | paste -sd' ')"

# --- Workload functions ---------------------------------------------------------------------
p1_ours() { in_pass "$binary" bench kf --vectors "$work/inputs/kf224.f32" --negatives 500 --threads 2; }
p1_numpy() { in_pass "$python" "$bench/peer_kf.py" "$work/inputs/kf224.f32" --negatives 500; }
p2_ours() { in_pass "$binary" bench knn --vectors "$work/inputs/knn64.f32" --k 20 --threads 2; }
p2_numpy() { in_pass "$python" "$bench/peer_knn.py" "$work/inputs/knn64.f32" --k 20 --method numpy; }
p2_sklearn() { in_pass "$python" "$bench/peer_knn.py" "$work/inputs/knn64.f32" --k 20 --method sklearn; }
p3_ours_224() { "$binary" bench decode --folder "$work/inputs/decode" --resolution 224 --threads 2; }
p3_pillow_224() { "$python" "$bench/peer_decode.py" "$work/inputs/decode" --resolution 224 --processes 2; }
p3_ours_64() { "$binary" bench decode --folder "$work/inputs/decode" --resolution 64 --threads 2; }
p3_pillow_64() { "$python" "$bench/peer_decode.py" "$work/inputs/decode" --resolution 64 --processes 2; }
p4_ours() {
  rm -f "$work"/p4.sqlite*
  timed "$binary" audit "$data" --config "$audit_config" --samples 1000 --db "$work/p4.sqlite" --format json
}
p4_peer() {
  (cd "$work/peers" && timed "$python" peer_audit.py "$data" --gram float32 --out "$work/peer.json")
}

blas_workloads() {
  if wanted P1; then log "P1 ($pass)"; alternate "$runs" "P1 ours" p1_ours "P1 numpy" p1_numpy; fi
  if wanted P2; then log "P2 ($pass)"; alternate "$runs" "P2 ours" p2_ours "P2 numpy" p2_numpy "P2 scikit-learn" p2_sklearn; fi
  if wanted P4; then log "P4 ($pass)"; alternate "$slow_runs" "P4 ours" p4_ours "P4 peer" p4_peer; fi
}

blas_workloads
if wanted P3; then
  log "P3"
  alternate "$runs" "P3 ours 224" p3_ours_224 "P3 Pillow 224" p3_pillow_224 "P3 ours 64" p3_ours_64 "P3 Pillow 64" p3_pillow_64
fi

# --- P6: re-audit after adding 1% new images ------------------------------------------------
# The command line has no memory between audits, while the daemon keeps an audit session in
# memory and updates it. So the daemon runs once for all its rounds: its first audit after start
# has no session yet (recorded separately), and the later rounds measure the session updates.
if wanted P6; then
log "P6"
cp -r "$data" "$work/p6-data"
p6=$work/p6-data
added=$(( $(find "$p6" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | wc -l) / 100 ))
cat > "$work/daemon.json" <<JSON
{"watch": {"roots": [{"path": "$p6", "config": "$work/audit-1000.json"}], "settle_seconds": 1}}
JSON
p6_audit() { timed "$binary" audit "$p6" --config "$work/audit-1000.json" --db "$work/p6.sqlite" --format json; }
record "P6 first audit" "$(p6_audit)"
for ((round = 1; round <= slow_runs; round++)); do
  "$python" "$bench/add_images.py" "$p6" "$added" "cli$round"
  record "P6 CLI re-audit" "$(p6_audit)"
done

# daemon_round LABEL TAG: adds 1% new images and records the duration_s of the next audit.done.
daemon_round() {
  local before duration
  before=$(grep -c 'event=audit.done' "$work/daemon.log" || true)
  "$python" "$bench/add_images.py" "$p6" "$added" "$2"
  for _ in $(seq 600); do
    [ "$(grep -c 'event=audit.done' "$work/daemon.log" || true)" -gt "$before" ] && break
    sleep 0.2
  done
  if [ "$(grep -c 'event=audit.done' "$work/daemon.log" || true)" -gt "$before" ]; then
    duration=$(grep 'event=audit.done' "$work/daemon.log" | tail -1 | sed -n 's/.*duration_s=\([0-9.]*\).*/\1/p')
    record "$1" "{\"seconds\": $duration}"
  else
    log "P6: the daemon logged no audit.done within 120 s; its log:"; cat "$work/daemon.log" >&2
  fi
  sleep 2
}
"$binary" watch --config "$work/daemon.json" --db "$work/p6.sqlite" 2> "$work/daemon.log" &
daemon_pid=$!
for _ in $(seq 100); do grep -q 'event=daemon.start' "$work/daemon.log" && break; sleep 0.1; done
sleep 2
daemon_round "P6 daemon audit without session" daemon0
for ((round = 1; round <= slow_runs; round++)); do
  daemon_round "P6 daemon re-audit" "daemon$round"
done
kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=
echo "- P6: $added new images (1%) per re-audit; images after the last round: $(find "$p6" -type f -iname '*.jpeg' | wc -l)"
echo "- P6 daemon log lines:"
grep 'event=audit.done' "$work/daemon.log" | sed 's/^/  - /'
fi

# --- Second pass without the OpenBLAS variables ---------------------------------------------
if [ -z "${OPENBLAS_CORETYPE+x}${OPENBLAS_L2_SIZE+x}" ]; then
  echo "- OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE were not set, so the second pass would repeat the first and is skipped"
elif wanted P1 || wanted P2 || wanted P4; then
  pass=unset
  echo "- pass unset:"; blas_report
  blas_workloads
fi

echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" "$bench/summarize.py" "$results" "$peak"
echo
echo "Raw measurements (pass, workload, JSON):"
echo '```'
cat "$results"
echo '```'
