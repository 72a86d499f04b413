#!/usr/bin/env bash
# Long check of the confirmation trainer on real data: SmallResNet (or SmallVGG) trained on 1000
# Fashion-MNIST T-shirt/top vs Shirt images, upsampled from 28×28 to 64×64 and scaled by /255, over
# three seeds, tested on 1000 images of the test split.
#
# Expected (a PyTorch CPU trainer of the same models on the same task, three seeds): SmallResNet reaches
# 100% training accuracy within 60 epochs with test accuracy 0.81–0.815 and test loss 0.50–0.59;
# SmallVGG reaches test accuracy 0.82–0.825. Our test images are drawn by our own sampler, not the
# same 1000, so the check accepts test accuracy 0.78–0.85.
#
# Usage: scripts/checks/fashion_mnist_training.sh FASHION_MNIST_DIR [resnet|vgg] [SEEDS]
#   FASHION_MNIST_DIR contains train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
#   t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz. It is only read.
# Takes 10–40 minutes on 2 cores; not part of `swift test`.
set -euo pipefail

data=${1:?usage: $0 FASHION_MNIST_DIR [resnet|vgg] [SEEDS]}
model=${2:-resnet}
seeds=${3:-0,1,2}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fmnist-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

[[ -f "$data/train-images-idx3-ubyte.gz" ]] || { echo "Error: $data/train-images-idx3-ubyte.gz not found; pass the Fashion-MNIST folder." >&2; exit 64; }

cat >"$work/config.json" <<'JSON'
{
  "preprocessing": {"resolution": 28, "normalize": "bitdepth"},
  "labels": {
    "class_names": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
  },
  "tasks": {"one_vs_rest": false}
}
JSON

(cd "$repo" && swift build -c release --product intrinsic-audit >&2)
binary="$repo/.build/release/intrinsic-audit"

"$binary" train shirt_vs_t-shirt-top --dataset "$data" --config "$work/config.json" --model "$model" \
    --sizes 1000 --test-size 1000 --seeds "$seeds" --db "$work/check.sqlite" --weights-dir "$work/weights" \
    --format json >"$work/report.json"

python3 - "$work/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
failures = []
for run in report["runs"]:
    print(f"seed {run['seed']}: {run['epochs']} epochs, 100% training accuracy: {run['reached_full_accuracy']}, "
          f"test loss {run['test_loss']:.3f}, accuracy {run['test_accuracy']:.3f}, AUC {run['test_auc']:.3f}, "
          f"{run['images_per_second']:.0f} img/s")
    if not run["reached_full_accuracy"]:
        failures.append(f"seed {run['seed']} did not reach 100% training accuracy")
    if not 0.78 <= run["test_accuracy"] <= 0.85:
        failures.append(f"seed {run['seed']} test accuracy {run['test_accuracy']:.3f} is outside 0.78-0.85")
if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
print("passed")
PY
