# Helpers of scripts/bench/run.sh, sourced by it. They use these variables of run.sh:
#   work      scratch folder of this run
#   results   results file, one line "PASS<TAB>LABEL<TAB>JSON" per measurement
#   pass      "as-set" (the caller's environment) or "unset" (OPENBLAS_CORETYPE and
#             OPENBLAS_L2_SIZE removed)
#   workloads space-padded list of the workloads to run, e.g. " P1 P2 "

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# wanted NAME: true when NAME is in $workloads.
wanted() { [[ "$workloads" == *" $1 "* ]]; }

# seconds_left: seconds until $deadline (epoch seconds, empty for none), or 10^9 without one.
seconds_left() {
  if [ -n "$deadline" ]; then echo $((deadline - $(date +%s))); else echo 1000000000; fi
}

# due NAME: true when NAME is wanted and the deadline has not passed. A workload skipped for the
# deadline gets a note, so the page lists what is missing.
due() {
  wanted "$1" || return 1
  (( $(seconds_left) > 0 )) && return 0
  note "$1 ($pass) skipped: BENCH_DEADLINE passed"
  return 1
}

# in_pass COMMAND...: runs the command in the current pass's environment.
in_pass() {
  if [ "$pass" = unset ]; then env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@"; else "$@"; fi
}

# record LABEL JSON: appends one measurement of the current pass. An empty JSON (a failed run)
# is not recorded.
record() {
  [ -n "$2" ] || return 0
  printf '%s\t%s\t%s\n' "$pass" "$1" "$2" >> "$results"
}

# alternate N LABEL1 FUNCTION1 LABEL2 FUNCTION2 ...: one warm-up run of each function, then N
# rounds in which every function runs once, in order, so that load changes on a shared machine
# hit both sides alike. Each function prints one JSON line with at least "seconds". A function
# that fails is logged and skipped in that round; the other sides still run.
alternate() {
  local count=$1; shift
  local pairs=("$@") index round output
  for ((index = 0; index < ${#pairs[@]}; index += 2)); do
    "${pairs[index + 1]}" > /dev/null || log "warm-up of ${pairs[index]} failed"
  done
  for ((round = 1; round <= count; round++)); do
    for ((index = 0; index < ${#pairs[@]}; index += 2)); do
      if output=$("${pairs[index + 1]}"); then
        record "${pairs[index]}" "$output"
      else
        log "${pairs[index]} failed in round $round"
      fi
    done
  done
}

# timed COMMAND...: prints the wall time and peak RSS (GNU time's %e and %M) of a command in the
# current pass as one JSON line. The command's standard output goes to $work/stdout.txt. When the
# command fails, prints the end of its standard error and fails.
timed() {
  in_pass /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > "$work/stdout.txt" 2> "$work/stderr.txt" \
    || { tail -5 "$work/stderr.txt" >&2; return 1; }
  local seconds rss
  read -r seconds rss < "$work/time.txt"
  echo "{\"seconds\": $seconds, \"max_rss_kb\": $rss}"
}

# with_stages FILE KEY JSON: prints JSON with the stage times of the object KEY of the JSON file
# FILE added as "stage_NAME" fields. When FILE has no such object, JSON is printed unchanged.
with_stages() {
  "$python" - "$@" <<'PY'
import json, sys
path, key, measured = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    with open(path) as report:
        stages = json.load(report).get(key) or {}
    measured.update({f"stage_{name}": value for name, value in stages.items()})
except (OSError, ValueError):
    pass
print(json.dumps(measured))
PY
}

# with_size SIZE COMMAND...: runs the command and adds "size" to its JSON line; prints nothing
# when the command fails.
with_size() {
  local size=$1 measured; shift
  measured=$("$@") || return 0
  [ -n "$measured" ] && echo "${measured%\}}, \"size\": $size}"
}

# note TEXT: adds one line to the run notes of the report.
note() { echo "- $*" >> "$notes"; }
