#!/bin/sh
# Training throughput of NeuralNet against PyTorch on the same work. Each model trains EPOCHS epochs
# (default 2) on IMAGES synthetic 64x64 images (default 1000) with batch 32 and THREADS threads
# (default 2). Each side prints the median images/s of REPEATS runs (default 3) and the median CPU time
# per image of all its threads. Only training steps are timed (forward, backward, Adam); NeuralNet's
# per-epoch accuracy pass is excluded, and so is the last step of each of its epochs for CPU time.
#
# Usage: PYTHON=/path/to/python scripts/bench/train_throughput.sh [IMAGES] [EPOCHS] [REPEATS] [THREADS]
# PYTHON must name a Python 3 with torch 2.x (CPU) and numpy, for example a virtual environment's
# bin/python. SCRATCH_PATH sets the SwiftPM scratch directory (default .build).
set -eu
images=${1:-1000}
epochs=${2:-2}
repeats=${3:-3}
threads=${4:-2}
scratch=${SCRATCH_PATH:-.build}
python=${PYTHON:-}
if [ -z "$python" ]; then
    echo "Error: PYTHON is not set; set it to a Python 3 with torch 2.x and numpy, for example" >&2
    echo "  PYTHON=/path/to/venv/bin/python $0 $*" >&2
    exit 64
fi
if ! "$python" -c "import torch, numpy" 2>/dev/null; then
    echo "Error: $python cannot import torch and numpy; install them there or point PYTHON at another interpreter" >&2
    exit 1
fi
cd "$(dirname "$0")/../.."

swift build -c release --scratch-path "$scratch" -j 2 --product neuralnet-bench >/dev/null
bench="$scratch/release/neuralnet-bench"
for model in resnet vgg; do
    "$bench" "$model" "$images" "$epochs" "$repeats" "$threads"
    OMP_NUM_THREADS=$threads "$python" scripts/pytorch_reference.py --bench "$model" --images "$images" \
        --epochs "$epochs" --threads "$threads" --repeats "$repeats"
done
