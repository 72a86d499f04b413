# CPU profiles of our side of the workloads with a goal to explain, sourced by
# scripts/bench/run.sh after lib.sh. Uses: binary, neuralnet_bench, data, audit_config, work, out.
#
# For each workload, `perf stat` counts task-clock over one run (task-clock / wall time = the
# average number of busy cores, at most 2 here), and `perf record` samples the cpu-clock event at
# 499 Hz over a second run. The report lists the shared objects and symbols with the most
# samples. Hardware counters (cycles, instructions, cache misses) are not used, because virtual
# machines often do not expose them; software sampling works wherever perf may profile the
# caller's own processes (kernel.perf_event_paranoid <= 2).

profile_workloads() {
  if ! command -v perf > /dev/null || ! perf stat -e task-clock -o /dev/null -- true 2> /dev/null; then
    note "profiles: perf is missing or may not profile here, so no workload was profiled"
    return 0
  fi
  if due P2; then
    profile_run p2 "$binary" bench knn --vectors "$work/inputs/knn64.f32" --k 20 --threads 2
  fi
  if due P3; then
    profile_run p3-64 "$binary" bench decode --folder "$work/inputs/decode" --resolution 64 --threads 2
  fi
  if due P4; then
    # perf runs the command twice, and each audit needs an empty database, so a shell removes it
    # first and then replaces itself with the audit.
    profile_run p4 sh -c 'rm -f "$1"*; exec "$2" audit "$3" --config "$4" --samples 1000 --threads 2 --db "$1" --format json' \
      sh "$work/profile.sqlite" "$binary" "$data" "$audit_config"
  fi
  if [ -n "$neuralnet_bench" ] && due P5; then
    profile_run p5-resnet "$neuralnet_bench" resnet "$train_images" "$train_epochs" 1 2
    profile_run p5-vgg "$neuralnet_bench" vgg "$train_images" "$train_epochs" 1 2
  fi
}

# profile_run NAME COMMAND...: writes $out/perf-stat-NAME.txt and $out/profile-NAME.txt.
profile_run() {
  local name=$1; shift
  log "profile $name"
  perf stat -e task-clock,context-switches,cpu-migrations,page-faults -o "$out/perf-stat-$name.txt" \
    -- "$@" > /dev/null 2>&1 || { log "perf stat of $name failed"; return 0; }
  perf record -F 499 -o "$work/perf.data" -- "$@" > /dev/null 2> "$work/perf-record.txt" \
    || { log "perf record of $name failed: $(tail -1 "$work/perf-record.txt")"; return 0; }
  perf report -i "$work/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 1.5 2> /dev/null \
    | grep -v '^#' | grep -v '^$' | head -25 | demangle > "$out/profile-$name.txt"
  rm -f "$work/perf.data" "$work"/profile.sqlite*
}

# demangle: turns Swift symbol names into readable ones where the toolchain offers it.
demangle() {
  if command -v swift-demangle > /dev/null; then swift-demangle --simplified; else swift demangle --simplified; fi
}
