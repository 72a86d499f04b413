# Large-folder workloads of scripts/bench/run.sh, sourced by it after lib.sh: the audit growth
# curve and P7, the whole audit of a folder of scale_images (default 100,000) augmented Kermany
# images. Besides the variables lib.sh names, they use: binary, python, bench, data, work,
# audit_config, growth_audit_runs, audit_sizes, audit_ours_sizes, scale_images, scale_timeout.

# scale_workloads: generates the augmented folder once, runs P7 and the audit growth curve on
# it, and removes it.
scale_workloads() {
  local augmented=$work/augmented count=0 size
  if wanted growth; then
    for size in $audit_sizes $audit_ours_sizes; do (( size > count )) && count=$size; done
  fi
  if wanted P7 && (( scale_images > count )); then count=$scale_images; fi
  (( count > 0 )) || return 0

  log "writing $count augmented images"
  local started=$SECONDS
  "$python" "$bench/augment_folder.py" generate "$data" "$augmented" "$count" --processes 2 >&2
  note "augmented folder: $count images written in $((SECONDS - started)) s ($(du -sh "$augmented" | cut -f1) of JPEG files)"

  if due P7; then scale_audit "$augmented" 224; fi
  if due P7; then scale_audit "$augmented" 64; fi
  if due growth; then audit_growth "$augmented"; fi
  rm -rf "$augmented"
}

# audit_growth FOLDER: whole-audit time against image count on hard-linked prefixes of FOLDER.
# Both sides run at every size of $audit_sizes, alternating, round by round; only ours runs at
# $audit_ours_sizes, because the peer keeps all images as float32 plus an N x N Gram matrix.
audit_growth() {
  local augmented=$1 size round
  for size in $audit_sizes $audit_ours_sizes; do
    "$python" "$bench/augment_folder.py" subset "$augmented" "$work/subset-$size" "$size" >&2
  done
  for ((round = 1; round <= growth_audit_runs; round++)); do
    due growth || break
    for size in $audit_sizes; do
      log "audit growth: $size images, round $round"
      record "growth audit ours" "$(with_size "$size" growth_audit_ours "$work/subset-$size")"
      record "growth audit peer" "$(with_size "$size" growth_audit_peer "$work/subset-$size")"
    done
  done
  for size in $audit_ours_sizes; do
    due growth || break
    log "audit growth: $size images, ours only"
    record "growth audit ours" "$(with_size "$size" growth_audit_ours "$work/subset-$size")"
  done
  for size in $audit_sizes $audit_ours_sizes; do rm -rf "$work/subset-$size"; done
}

growth_audit_ours() {
  local measured
  rm -f "$work"/growth.sqlite*
  measured=$(timed "$binary" audit "$1" --config "$audit_config" --samples 1000 --threads 2 \
    --db "$work/growth.sqlite" --format json) || return 1
  with_stages "$work/stdout.txt" timings "$measured"
}
growth_audit_peer() {
  local measured
  measured=$(cd "$work/peers" && timed "$python" peer_audit.py "$1" --workers 2 --gram float32 \
    --out "$work/growth-peer.json") || return 1
  with_stages "$work/growth-peer.json" timings_s "$measured"
}

# scale_audit FOLDER RESOLUTION: audits the whole folder with an empty database under a
# timeout and records the outcome. The outcome is one of: completed; rejected, when the audit
# declines to start because the feature matrix would not fit in memory; timed out; killed, for
# example by the kernel's out-of-memory killer. /usr/bin/time wraps timeout, so the peak RSS is
# that of the audit even when it is stopped.
scale_audit() {
  local folder=$1 resolution=$2 limit=$scale_timeout left status outcome seconds rss message
  left=$(( $(seconds_left) - 60 ))
  (( left < limit )) && limit=$left
  if (( limit < 60 )); then
    note "P7 at $resolution px skipped: less than two minutes before BENCH_DEADLINE"
    return 0
  fi
  log "P7: audit of $scale_images images at $resolution px (timeout $limit s)"
  rm -f "$work"/p7.sqlite*
  set +e
  /usr/bin/time -f '%e %M' -o "$work/time.txt" \
    timeout --signal=TERM --kill-after=30 "$limit" \
    "$binary" audit "$folder" --config "$audit_config" --samples 1000 --threads 2 --resolution "$resolution" \
    --db "$work/p7.sqlite" --format json > "$work/stdout.txt" 2> "$work/stderr.txt"
  status=$?
  set -e

  case $status in
    0) outcome=completed ;;
    124) outcome="timed out after $limit s" ;;
    137) outcome="killed (SIGKILL: out of memory, or the timeout's kill)" ;;
    *) outcome="failed with exit status $status" ;;
  esac
  message=$(grep -m1 -i 'error' "$work/stderr.txt" | cut -c1-400 || true)
  if [ "$status" != 0 ] && grep -qi 'memory' "$work/stderr.txt"; then outcome="rejected: not enough memory"; fi
  read -r seconds rss < <(grep -E '^[0-9.]+ [0-9]+$' "$work/time.txt" || echo "null null")
  note "P7 at $resolution px: $outcome; database $(du -sh "$work"/p7.sqlite 2>/dev/null | cut -f1 || echo none)"

  # The feature cache count shows how far decoding got when the audit was stopped.
  "$python" - "$work/stdout.txt" "$status" "$outcome" "$message" "$seconds" "$rss" "$scale_images" "$resolution" \
    "$work/p7.sqlite" > "$work/p7.json" <<'PY'
import json, sqlite3, sys
path, status, outcome, message, seconds, rss, images, resolution, database = sys.argv[1:]
measured = {"images": int(images), "resolution": int(resolution), "exit": int(status), "outcome": outcome}
try:
    with sqlite3.connect(database) as connection:
        measured["cached_images"] = connection.execute("SELECT COUNT(*) FROM feature_cache").fetchone()[0]
except sqlite3.Error:
    pass
if message:
    measured["message"] = message
if seconds != "null":
    measured["seconds"] = float(seconds)
    measured["max_rss_kb"] = int(rss)
try:
    with open(path) as report:
        measured.update({f"stage_{name}": value for name, value in json.load(report).get("timings", {}).items()})
except (OSError, ValueError):
    pass
print(json.dumps(measured))
PY
  record "P7 ours $resolution" "$(cat "$work/p7.json")"
  rm -f "$work"/p7.sqlite*
}
