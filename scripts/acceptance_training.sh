#!/usr/bin/env bash
# Confirmation trainings and scaling-law decisions on real data, end to end:
#   1. audit Kermany chest X-rays (labels.csv tasks) and Fashion-MNIST (T-shirt/top vs Shirt);
#   2. train SmallResNet over the ladder 250, 500, 1000 (seed 0) on viral_vs_normal, bacterial_vs_viral,
#      bacterial_vs_normal and shirt_vs_t-shirt-top, storing every observation;
#   3. fit models A and B, rank the tasks with the verdict, and estimate budgets for a trained task and an
#      untrained one.
#
# Usage: scripts/acceptance_training.sh DATA_ROOT [WORK_DIR]
#   DATA_ROOT contains kermany-cxr224/ (train/ and test/ folders and labels.csv) and fashion-mnist/ (the four
#   IDX .gz files). It is only read. WORK_DIR (default: a new temporary folder) receives the database,
#   weights and every command's output; it is kept.
# Environment: SEEDS (default 0), SIZES (default 250,500,1000), THREADS (default 1 per training),
#   PARALLEL (trainings run at once, default 2).
# Takes one to three hours on 2 cores.
set -euo pipefail

data=${1:?usage: $0 DATA_ROOT [WORK_DIR]}
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/training-acceptance.XXXXXX")}
seeds=${SEEDS:-0}
sizes=${SIZES:-250,500,1000}
threads=${THREADS:-1}
parallel=${PARALLEL:-2}
repo=$(cd "$(dirname "$0")/.." && pwd)
kermany="$data/kermany-cxr224"
fmnist="$data/fashion-mnist"
mkdir -p "$work"
db="$work/acceptance.sqlite"

[[ -f "$kermany/labels.csv" ]] || { echo "Error: $kermany/labels.csv not found; DATA_ROOT must contain kermany-cxr224/." >&2; exit 64; }
[[ -f "$fmnist/train-images-idx3-ubyte.gz" ]] || { echo "Error: $fmnist/train-images-idx3-ubyte.gz not found; DATA_ROOT must contain fashion-mnist/." >&2; exit 64; }

(cd "$repo" && swift build -c release --product intrinsic-audit >&2)
binary="$repo/.build/release/intrinsic-audit"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

cat >"$work/fashion-mnist.json" <<'JSON'
{
  "preprocessing": {"resolution": 28},
  "labels": {
    "class_names": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
  },
  "tasks": {"one_vs_rest": false}
}
JSON

# 1. Audits: K_F and d_data that every training is paired with.
log "auditing $kermany"
"$binary" audit "$kermany" --labels "$kermany/labels.csv" --samples 1000 --db "$db" >"$work/audit-kermany.txt"
log "auditing $fmnist"
"$binary" audit "$fmnist" --config "$work/fashion-mnist.json" --tasks 'shirt_vs_*,*_vs_shirt,*_vs_t-shirt-top' \
    --db "$db" >"$work/audit-fashion-mnist.txt"

# 2. Trainings, PARALLEL at a time, each on THREADS threads.
train() {
  local task=$1 folder=$2
  shift 2
  log "training $task"
  "$binary" train "$task" --dataset "$folder" "$@" --sizes "$sizes" --seeds "$seeds" --threads "$threads" \
      --db "$db" --weights-dir "$work/weights" --format json >"$work/train-$task.json" 2>"$work/train-$task.log"
  log "finished $task"
}
pids=()
for job in viral_vs_normal bacterial_vs_viral bacterial_vs_normal shirt_vs_t-shirt-top; do
  if [[ $job == shirt_vs_t-shirt-top ]]; then
    train "$job" "$fmnist" --config "$work/fashion-mnist.json" &
  else
    train "$job" "$kermany" --labels "$kermany/labels.csv" &
  fi
  pids+=($!)
  while (( $(jobs -rp | wc -l) >= parallel )); do wait -n; done
done
for pid in "${pids[@]}"; do wait "$pid"; done

# 3. Decisions from the stored observations.
"$binary" fit --model resnet --db "$db" | tee "$work/fit.txt"
"$binary" fit --model resnet --db "$db" --format json >"$work/fit.json"
"$binary" rank --db "$db" | tee "$work/rank.txt"
"$binary" budget viral_vs_normal --dataset "$kermany" --target-loss 0.3 --db "$db" | tee "$work/budget-trained.txt"
"$binary" budget pneumonia --dataset "$kermany" --target-loss 0.3 --db "$db" | tee "$work/budget-untrained.txt"
log "done; outputs in $work"
