# Workloads P1-P6 of scripts/bench/run.sh, sourced by it after lib.sh. Besides the variables
# lib.sh names, they use: binary, neuralnet_bench, python, bench (this folder), data,
# audit_config, runs, slow_runs, train_images, train_epochs. Each side prints one JSON line.

# --- P1: one K_F run ---------------------------------------------------------------------------
p1_ours() { in_pass "$binary" bench kf --vectors "$work/inputs/kf224.f32" --negatives 500 --threads 2; }
p1_numpy() { in_pass "$python" "$bench/peer_kf.py" "$work/inputs/kf224.f32" --negatives 500; }

# --- P2: exact k-NN ----------------------------------------------------------------------------
p2_ours() { in_pass "$binary" bench knn --vectors "$work/inputs/knn64.f32" --k 20 --threads 2; }
p2_numpy() { in_pass "$python" "$bench/peer_knn.py" "$work/inputs/knn64.f32" --k 20 --method numpy; }
p2_sklearn() { in_pass "$python" "$bench/peer_knn.py" "$work/inputs/knn64.f32" --k 20 --method sklearn; }

# --- P3: decode and resize ---------------------------------------------------------------------
p3_ours_224() { "$binary" bench decode --folder "$work/inputs/decode" --resolution 224 --threads 2; }
p3_pillow_224() { "$python" "$bench/peer_decode.py" "$work/inputs/decode" --resolution 224 --processes 2; }
p3_ours_64() { "$binary" bench decode --folder "$work/inputs/decode" --resolution 64 --threads 2; }
p3_pillow_64() { "$python" "$bench/peer_decode.py" "$work/inputs/decode" --resolution 64 --processes 2; }

# --- P4: the whole audit, empty database -------------------------------------------------------
p4_ours() {
  local measured
  rm -f "$work"/p4.sqlite*
  measured=$(timed "$binary" audit "$data" --config "$audit_config" --samples 1000 --threads 2 \
    --db "$work/p4.sqlite" --format json) || return 1
  with_stages "$work/stdout.txt" timings "$measured"
}
p4_peer() {
  local measured
  measured=$(cd "$work/peers" && timed "$python" peer_audit.py "$data" --workers 2 --gram float32 \
    --out "$work/peer.json") || return 1
  with_stages "$work/peer.json" timings_s "$measured"
}

# --- P5: training throughput, batch 32, 2 threads ----------------------------------------------
# Both sides train from scratch on the same synthetic 64 x 64 images and time only the training
# steps (forward, backward, Adam). Each call is one repeat, so the sides alternate per repeat.

# throughput_json PREFIX: turns "PREFIX MODEL: 412 img/s (...)" into {"images_per_second": 412, ...}.
throughput_json() {
  sed -n "s/^$1 [a-z]*: \([0-9.]*\) img\/s.*/{\"images_per_second\": \1, \"images\": $train_images, \"epochs\": $train_epochs}/p"
}
p5_ours() { in_pass "$neuralnet_bench" "$1" "$train_images" "$train_epochs" 1 2 | throughput_json neuralnet; }
p5_torch() {
  in_pass env OMP_NUM_THREADS=2 "$python" scripts/pytorch_reference.py --bench "$1" --images "$train_images" \
    --epochs "$train_epochs" --threads 2 --repeats 1 | throughput_json torch
}
p5_ours_resnet() { p5_ours resnet; }
p5_torch_resnet() { p5_torch resnet; }
p5_ours_vgg() { p5_ours vgg; }
p5_torch_vgg() { p5_torch vgg; }

# blas_workloads: the workloads that run in both OpenBLAS passes.
blas_workloads() {
  if due P1; then log "P1 ($pass)"; alternate "$runs" "P1 ours" p1_ours "P1 numpy" p1_numpy; fi
  if due P2; then log "P2 ($pass)"; alternate "$runs" "P2 ours" p2_ours "P2 numpy" p2_numpy "P2 scikit-learn" p2_sklearn; fi
  if due P4; then log "P4 ($pass)"; alternate "$slow_runs" "P4 ours" p4_ours "P4 peer" p4_peer; fi
  if [ -n "$neuralnet_bench" ] && due P5; then
    log "P5 ($pass)"
    alternate "$slow_runs" "P5 ours resnet" p5_ours_resnet "P5 PyTorch resnet" p5_torch_resnet \
      "P5 ours vgg" p5_ours_vgg "P5 PyTorch vgg" p5_torch_vgg
  fi
}

# --- P6: re-audit after adding 1% new images ---------------------------------------------------
# The command line has no memory between audits, while the daemon keeps an audit session in
# memory and updates it. So the daemon runs once for all its rounds: its first audit after start
# has no session yet (recorded separately), and the later rounds measure the session updates.
p6_workload() {
  log "P6"
  cp -r "$data" "$work/p6-data"
  p6=$work/p6-data
  added=$(( $(find "$p6" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | wc -l) / 100 ))
  cat > "$work/daemon.json" <<JSON
{"watch": {"roots": [{"path": "$p6", "config": "$work/audit-1000.json"}], "settle_seconds": 1}}
JSON
  record "P6 first audit" "$(p6_audit)"
  local round
  for ((round = 1; round <= slow_runs; round++)); do
    "$python" "$bench/add_images.py" "$p6" "$added" "cli$round"
    record "P6 CLI re-audit" "$(p6_audit)"
  done

  "$binary" watch --config "$work/daemon.json" --db "$work/p6.sqlite" 2> "$work/daemon.log" &
  daemon_pid=$!
  for _ in $(seq 100); do grep -q 'event=daemon.start' "$work/daemon.log" && break; sleep 0.1; done
  sleep 2
  daemon_round "P6 daemon audit without session" daemon0
  for ((round = 1; round <= slow_runs; round++)); do
    daemon_round "P6 daemon re-audit" "daemon$round"
  done
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=
  note "P6: $added new images (1%) per re-audit; images after the last round: $(find "$p6" -type f -iname '*.jpeg' | wc -l)"
  rm -rf "$p6"
}

p6_audit() {
  local measured
  measured=$(timed "$binary" audit "$p6" --config "$work/audit-1000.json" --threads 2 --db "$work/p6.sqlite" \
    --format json) || return 1
  with_stages "$work/stdout.txt" timings "$measured"
}

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

# --- Growth of the kernels ---------------------------------------------------------------------
# K_F time against the sample size M (M / 2 per side, 224 x 224) and k-NN time against the row
# count N (k = 20, 64 x 64), ours and numpy alternating at every size, round by round. The sizes
# of P1 (M = 1000) and P2 (N = 10,000) are not repeated: the report takes those points from P1
# and P2 of the first pass.
growth_kernels() {
  local round size
  for ((round = 1; round <= growth_runs; round++)); do
    due growth || break
    log "K_F and k-NN growth, round $round"
    for size in $kf_sizes; do
      record "growth kf ours" "$(with_size "$size" "$binary" bench kf --vectors "$work/inputs/kf224-M$size.f32" \
        --negatives $((size / 2)) --threads 2)"
      record "growth kf numpy" "$(with_size "$size" "$python" "$bench/peer_kf.py" "$work/inputs/kf224-M$size.f32" \
        --negatives $((size / 2)))"
    done
    for size in $knn_sizes; do
      record "growth knn ours" "$(with_size "$size" "$binary" bench knn --vectors "$work/inputs/knn64-N$size.f32" \
        --k 20 --threads 2)"
      record "growth knn numpy" "$(with_size "$size" "$python" "$bench/peer_knn.py" "$work/inputs/knn64-N$size.f32" \
        --k 20 --method numpy)"
    done
  done
}
