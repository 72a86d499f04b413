#!/usr/bin/env python3
"""Write golden values of DICOM frames decoded by pydicom, for comparison with ImageIO.

Usage: /tmp/torch-venv/bin/python scripts/golden_dicom.py DATA_FOLDER [OUTPUT.json]

Needs pydicom 3 and numpy (pylibjpeg, gdcm or pyjpegls widen the syntaxes pydicom decodes).
Walks DATA_FOLDER recursively and, for every file and frame that pydicom decodes, records:

- shape [rows, columns, channels] of the frame;
- min, max and mean of the modality-LUT output: for monochrome frames the Modality LUT
  Sequence when present, else stored * slope + intercept with the frame's rescale values (the
  enhanced per-frame functional group, then the shared group, then the top-level attributes,
  else 1 and 0); for colour frames the RGB samples as pydicom returns them (YBR converted to
  RGB, PALETTE COLOR through its LUTs);
- checksum: sum over i of (i + 1) * bits(float32(v_i)) modulo 2^64, where v runs over the
  values row-major with channels interleaved and bits() is the IEEE 754 bit pattern as an
  unsigned integer. ImageIO computes the same sum (see Tests/DICOMTests), so equal checksums
  mean equal float32 values.

Files that pydicom cannot read or decode get an "error" entry naming the exception type.
No patient attribute is written. Output is JSON sorted by file and frame (stdout by default).
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.pixels import apply_color_lut, apply_modality_lut


def frame_rescale(ds, frame):
    """Return (slope, intercept) of one frame, looking where ImageIO looks."""
    for group_name, index in (("PerFrameFunctionalGroupsSequence", frame), ("SharedFunctionalGroupsSequence", 0)):
        groups = ds.get(group_name)
        if groups is None or len(groups) <= index:
            continue
        transformations = groups[index].get("PixelValueTransformationSequence")
        if transformations:
            item = transformations[0]
            if "RescaleSlope" in item or "RescaleIntercept" in item:
                return float(item.get("RescaleSlope", 1)), float(item.get("RescaleIntercept", 0))
    if "RescaleSlope" in ds or "RescaleIntercept" in ds:
        return float(ds.get("RescaleSlope", 1) or 1), float(ds.get("RescaleIntercept", 0) or 0)
    return 1.0, 0.0


def checksum(values):
    """Sum of (i + 1) * float32 bit pattern of values[i], modulo 2^64."""
    bits = np.ascontiguousarray(values, dtype=np.float32).ravel().view(np.uint32).astype(np.uint64)
    weights = np.arange(1, bits.size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return int(np.sum(bits * weights, dtype=np.uint64))


def frame_values(ds, pixels, frame):
    """Return the modality-LUT output (monochrome) or RGB samples (colour) of one frame."""
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    frame_count = int(ds.get("NumberOfFrames", 1) or 1)
    stored = pixels[frame] if frame_count > 1 else pixels
    if photometric == "PALETTE COLOR":
        return apply_color_lut(stored, ds).astype(np.float64)
    if stored.ndim == 3:
        return stored.astype(np.float64)
    if "ModalityLUTSequence" in ds:
        return np.asarray(apply_modality_lut(stored, ds), dtype=np.float64)
    slope, intercept = frame_rescale(ds, frame)
    values = stored.astype(np.float64)
    if slope != 1 or intercept != 0:
        values = values * slope + intercept
    return values


def describe(path, root):
    """Return the entries of one file: one per decoded frame, or one error entry."""
    name = os.path.relpath(path, root)
    try:
        ds = pydicom.dcmread(path, force=True)
        pixels = ds.pixel_array
    except Exception as error:  # pydicom raises many types; the entry names it.
        return [{"file": name, "error": type(error).__name__}]
    frame_count = int(ds.get("NumberOfFrames", 1) or 1)
    entries = []
    for frame in range(frame_count):
        try:
            values = frame_values(ds, pixels, frame)
        except Exception as error:
            return [{"file": name, "error": type(error).__name__}]
        channels = values.shape[2] if values.ndim == 3 else 1
        entries.append({
            "file": name,
            "frame": frame,
            "shape": [int(values.shape[0]), int(values.shape[1]), channels],
            "min": float(values.min()),
            "max": float(values.max()),
            "mean": float(values.mean()),
            "checksum": str(checksum(values)),
        })
    return entries


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: golden_dicom.py DATA_FOLDER [OUTPUT.json]")
    root = sys.argv[1]
    entries = []
    for folder, _, names in os.walk(root):
        for file_name in sorted(names):
            if file_name.endswith((".md", ".csv", ".txt", ".json", ".png")) or file_name.startswith("README"):
                continue
            entries.extend(describe(os.path.join(folder, file_name), root))
    entries.sort(key=lambda entry: (entry["file"], entry.get("frame", 0)))
    text = json.dumps({"pydicom": pydicom.__version__, "entries": entries}, indent=1) + "\n"
    if len(sys.argv) == 3:
        with open(sys.argv[2], "w") as output:
            output.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
