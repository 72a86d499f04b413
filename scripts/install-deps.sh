#!/usr/bin/env bash
# Installs the Debian development packages IntrinsicAudit links against.
# Runs apt-get directly as root, through sudo otherwise; safe to run again.
set -euo pipefail

packages=(
  pkg-config
  libsqlite3-dev      # SQLite: the store
  libjpeg-dev         # libjpeg-turbo: JPEG decoding
  libpng-dev          # libpng: PNG decoding
  zlib1g-dev          # zlib: needed by libpng
  libopenblas-dev     # OpenBLAS: SGEMM for distance screening
  liblapacke-dev      # LAPACKE: linear algebra for later fits
  libcminpack-dev     # MINPACK (C port): Levenberg–Marquardt scaling-law fits
  libdcmtk-dev        # DCMTK: DICOM parsing and JPEG, JPEG-LS, RLE decoding
  libopenjp2-7-dev    # OpenJPEG: JPEG 2000 frames inside DICOM files
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
  run_as_root=(sudo)
fi
echo "installing: ${missing[*]}" >&2
"${run_as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${run_as_root[@]}" apt-get install -y -qq "${missing[@]}"
