#!/usr/bin/env bash
# Kills the audit daemon with SIGKILL at random moments during audits, then checks that the database is intact,
# that measurements of completed audits survived every kill, and that a restarted daemon finishes the work.
#
# Usage: scripts/daemon_fault_injection.sh DATA_PATH [ROUNDS]
#   DATA_PATH  a dataset folder; it is copied, never modified
#   ROUNDS     number of SIGKILLs (default 20)
# Environment: INTRINSIC_AUDIT (binary, default .build/debug/intrinsic-audit, built when missing),
#   RESOLUTION (audit resolution in pixels, default 64), SEED (default 1, for the random kill times).
# Needs the sqlite3 command-line tool. Exit status 0 when every check passes.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "Usage: $0 DATA_PATH [ROUNDS]" >&2
    exit 64
fi
DATA_PATH=$1
ROUNDS=${2:-20}
BIN=${INTRINSIC_AUDIT:-.build/debug/intrinsic-audit}
RESOLUTION=${RESOLUTION:-64}
RANDOM=${SEED:-1}

[[ -d "$DATA_PATH" ]] || { echo "Error: dataset folder not found: $DATA_PATH" >&2; exit 64; }
command -v sqlite3 >/dev/null || { echo "Error: sqlite3 not found; install the sqlite3 package" >&2; exit 1; }
if [[ ! -x "$BIN" ]]; then
    swift build -j 2 --product intrinsic-audit >&2
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$DATA_PATH" "$WORK/data"
DB="$WORK/audit.sqlite"
printf '{"preprocessing": {"resolution": %s}, "label_sharpness": {"runs": 5}, "threads": 1}\n' "$RESOLUTION" > "$WORK/audit-config.json"
printf '{"watch": {"roots": [{"path": "%s", "config": "%s"}], "settle_seconds": 0.3}}\n' "$WORK/data" "$WORK/audit-config.json" > "$WORK/daemon.json"

sql() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }

# Measurements of audits that finished with status done, as "audit_id:count" lines.
done_measurements() {
    sql "SELECT a.id || ':' || count(m.id) FROM audits a JOIN measurements m ON m.audit_id = a.id
         WHERE a.status = 'done' GROUP BY a.id ORDER BY a.id" 2>/dev/null || true
}

# Changes the dataset so the next daemon has something to re-audit: a copy of one image, or its removal.
mutate() {
    local round=$1 source
    source=$(find "$WORK/data" -type f \( -iname '*.png' -o -iname '*.jpeg' -o -iname '*.jpg' \) ! -name 'copy-*' | sort | head -n $((1 + round % 5)) | tail -n 1)
    if (( round % 3 == 2 )); then
        find "$WORK/data" -name 'copy-*' | head -n 1 | xargs -r rm -f
    else
        cp "$source" "$(dirname "$source")/copy-$round-$(basename "$source")"
    fi
}

kills_during_audit=0
lost=0
for (( round = 1; round <= ROUNDS; round++ )); do
    before=$(done_measurements)
    mutate "$round"
    "$BIN" watch --config "$WORK/daemon.json" --db "$DB" 2>>"$WORK/daemon.log" &
    pid=$!
    # Kill between 0.3 s and 4 s after start: during start-up, reconciliation, decoding or measuring.
    sleep "$(( RANDOM % 38 / 10 )).$(( RANDOM % 10 ))"
    sleep 0.3
    running=$(sql "SELECT count(*) FROM jobs WHERE state = 'running'" 2>/dev/null || echo "?")
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ "$running" != "0" && "$running" != "?" ]] && kills_during_audit=$((kills_during_audit + 1))

    # Every audit that was done before the kill still has all its measurements.
    after=$(done_measurements)
    while IFS= read -r line; do
        [[ -z "$line" ]] && continue
        if ! grep -qx "$line" <<<"$after"; then
            echo "round $round: measurements of completed audit changed: $line" >&2
            lost=$((lost + 1))
        fi
    done <<<"$before"
    echo "round $round: killed pid $pid (running jobs at kill: $running)"
done

integrity=$(sql "PRAGMA integrity_check")
echo "integrity_check: $integrity"

# Restart and let the daemon finish; stop it with SIGTERM once no job is queued or running.
"$BIN" watch --config "$WORK/daemon.json" --db "$DB" 2>>"$WORK/daemon.log" &
pid=$!
deadline=$((SECONDS + 300))
sleep 2
while (( SECONDS < deadline )); do
    pending=$(sql "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")
    [[ "$pending" == "0" ]] && break
    sleep 1
done
sleep 1
kill -TERM "$pid"
status=0
wait "$pid" || status=$?

pending=$(sql "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")
on_disk=$(find "$WORK/data" -type f \( -iname '*.png' -o -iname '*.jpeg' -o -iname '*.jpg' \) ! -name '.*' | wc -l)
stored=$(sql "SELECT count(*) FROM images i JOIN datasets d ON d.id = i.dataset_id WHERE d.root = '$(cd "$WORK/data" && pwd -P)'")
latest=$(sql "SELECT status FROM audits ORDER BY id DESC LIMIT 1")
echo "kills=$ROUNDS kills_during_running_job=$kills_during_audit lost_measurements=$lost"
echo "after restart: exit_status=$status pending_jobs=$pending latest_audit=$latest images_on_disk=$on_disk images_stored=$stored"
echo "jobs by state: $(sql "SELECT group_concat(state || '=' || n, ' ') FROM (SELECT state, count(*) n FROM jobs GROUP BY state)")"
echo "max attempts: $(sql "SELECT max(attempts) FROM jobs")"

failed=0
[[ "$integrity" == "ok" ]] || { echo "FAIL: integrity_check" >&2; failed=1; }
(( lost == 0 )) || { echo "FAIL: measurements of completed audits were lost" >&2; failed=1; }
[[ "$status" == "0" ]] || { echo "FAIL: the daemon exited with $status after SIGTERM" >&2; failed=1; }
[[ "$pending" == "0" ]] || { echo "FAIL: $pending jobs still queued or running" >&2; failed=1; }
[[ "$latest" == "done" ]] || { echo "FAIL: the latest audit is $latest, not done" >&2; failed=1; }
[[ "$on_disk" == "$stored" ]] || { echo "FAIL: $on_disk image files on disk but $stored stored" >&2; failed=1; }
(( failed == 0 )) && echo "PASS"
exit $failed
