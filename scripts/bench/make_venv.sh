#!/usr/bin/env bash
# Creates the Python environment of the benchmark peers when it is missing, and checks it.
#
# Usage: scripts/bench/make_venv.sh VENV_DIR
# Installs numpy, scipy, scikit-learn, scikit-dimension, Pillow, threadpoolctl, torch and
# matplotlib with pip from the configured index. torch is pinned to $BENCH_TORCH (default
# "torch==2.13.*", the release the peer numbers were taken with). A CPU-only wheel of that
# release offered by pip's configuration (for example in a find-links folder) wins, because its
# local version 2.13.0+cpu sorts above 2.13.0. Without one, PyPI's wheel pulls in the CUDA
# packages (several GB), and the benchmark still runs torch on the CPU. An unpinned
# "pip install torch" would take the newest release from PyPI even where a CPU wheel of an
# older release is configured. An existing VENV_DIR is only checked, never upgraded, so reruns
# measure the same versions.
set -euo pipefail

venv=${1:?usage: scripts/bench/make_venv.sh VENV_DIR}
packages=(numpy scipy scikit-learn scikit-dimension pillow threadpoolctl "${BENCH_TORCH:-torch==2.13.*}" matplotlib)
modules="numpy, scipy, sklearn, skdim, PIL, threadpoolctl, torch, matplotlib"

if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv with ${packages[*]}" >&2
  python3 -m venv "$venv"
  # The environment is build output: keep it out of git without touching the repository's ignore list.
  echo '*' > "$venv/.gitignore"
  "$venv/bin/python" -m pip install --quiet "${packages[@]}" >&2
fi

"$venv/bin/python" -c "import $modules" 2>/dev/null || {
  echo "Error: $venv lacks one of: $modules; delete $venv to recreate it, or install the missing package into it" >&2
  exit 1
}
