#!/bin/sh
# Training throughput of NeuralNet against PyTorch on the same work. Each model trains EPOCHS epochs
# (default 2) on IMAGES synthetic 64x64 images (default 1000) with batch 32 and THREADS threads
# (default 2). Each side prints the median images/s of REPEATS runs (default 3). Only training steps are
# timed (forward, backward, Adam); NeuralNet's per-epoch accuracy pass is excluded.
#
# Usage: scripts/bench/train_throughput.sh [IMAGES] [EPOCHS] [REPEATS] [THREADS]
# Needs a PyTorch 2.x CPU Python in $TORCH_PYTHON (default /tmp/torch-venv/bin/python).
set -eu
images=${1:-1000}
epochs=${2:-2}
repeats=${3:-3}
threads=${4:-2}
python=${TORCH_PYTHON:-/tmp/torch-venv/bin/python}
scratch=${SCRATCH_PATH:-.build}
cd "$(dirname "$0")/../.."

swift build -c release --scratch-path "$scratch" -j 2 --product neuralnet-bench >/dev/null
bench="$scratch/release/neuralnet-bench"
for model in resnet vgg; do
    "$bench" "$model" "$images" "$epochs" "$repeats" "$threads"
    OMP_NUM_THREADS=$threads "$python" scripts/pytorch_reference.py --bench "$model" --images "$images" \
        --epochs "$epochs" --threads "$threads" --repeats "$repeats"
done
