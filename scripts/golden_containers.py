#!/usr/bin/env python3
"""Writes fixtures/containers/golden.json: per image of each container fixture, the values the
Swift readers must reproduce, computed with numpy 2.x and nibabel 5.x.

Usage: golden_containers.py   (run with a Python that has numpy and nibabel)
       golden_containers.py --nifti-folder FOLDER OUTPUT.json

The second form walks FOLDER recursively. For every `.nii`, `.nii.gz` and `.hdr` file that
nibabel loads as NIfTI-1 or NIfTI-2 with 3 or 4 dimensions, it writes the same per-slice values
(volume 0 of 4-D files, no masks), with paths relative to FOLDER. Other files are listed under
"errors" with the reason.

Per image: the relative path the scan lists (file plus member suffix), width, height, channels,
min, max and mean of the samples (NaN counted as 0), the stored labels, and `checksum`: 64-bit
FNV-1a over width, height and channel count, then the float32 bit pattern of every sample in
row-major order with channels interleaved (offset basis 0xcbf29ce484222325, prime 0x100000001b3,
one 64-bit XOR and multiply per value). NIfTI files are read by nibabel; the slice axis is the
voxel axis that nibabel.orientations.io_orientation maps to the world z axis, and slices are
taken from volume 0. NIfTI values are the stored samples times scl_slope plus scl_inter in
float32 (when nibabel reports a slope that is neither 0, NaN nor 1 with intercept 0), NaN set to 0;
`mean_float64` is nibabel's get_fdata() mean, an independent check of the scaling. Mask labels
use the mask pattern '-t1-' -> '-gm-', threshold 0.5 and a negative margin of 5 slices.
"""
import gzip
import json
import os
import sys

import nibabel
import numpy

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "containers")
PRIME = 0x100000001B3
MASK = 2**64 - 1


def checksum(samples, width, height, channels):
    value = 0xCBF29CE484222325
    for word in (width, height, channels):
        value = ((value ^ word) * PRIME) & MASK
    for bits in numpy.ascontiguousarray(samples, numpy.float32).reshape(-1).view(numpy.uint32).tolist():
        value = ((value ^ bits) * PRIME) & MASK
    return f"{value:016x}"


def record(path, image, labels=None):
    image = numpy.asarray(image, numpy.float32)
    height, width = image.shape[:2]
    channels = image.shape[2] if image.ndim == 3 else 1
    entry = {
        "path": path, "width": width, "height": height, "channels": channels,
        "min": float(image.min()), "max": float(image.max()), "mean": float(image.astype(numpy.float64).mean()),
        "checksum": checksum(image, width, height, channels),
    }
    if labels is not None:
        entry["labels"] = labels
    return entry


def idx_array(name):
    opener = gzip.open if name.endswith(".gz") else open
    with opener(os.path.join(FOLDER, name), "rb") as handle:
        data = handle.read()
    dimensions = [int.from_bytes(data[4 + 4 * axis:8 + 4 * axis], "big") for axis in range(data[3])]
    return numpy.frombuffer(data, numpy.uint8, offset=4 + 4 * len(dimensions)).reshape(dimensions)


def idx_records():
    records = []
    for images, labels in (("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte"),
                           ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")):
        stack, classes = idx_array(images), idx_array(labels)
        records += [record(f"{images}#{i}", stack[i], {"class": int(classes[i])}) for i in range(len(stack))]
    return records


def npz_records(name):
    archive = numpy.load(os.path.join(FOLDER, name))
    records = []
    for array in sorted(archive.files):
        stack = archive[array]
        if stack.ndim < 3:
            continue
        labels = archive[array[:-len("images")] + "labels"] if array.endswith("images") else None
        for i in range(len(stack)):
            stored = None
            if labels is not None:
                row = numpy.asarray(labels[i]).reshape(-1)
                stored = {"class": int(row[0])} if row.size == 1 else {"columns": [int(v) for v in row]}
            records.append(record(f"{name}#{array}[{i}]", stack[i], stored))
    return records


def npy_records(name):
    stack = numpy.nan_to_num(numpy.load(os.path.join(FOLDER, name)), nan=0.0)
    return [record(f"{name}#{i}", stack[i]) for i in range(len(stack))]


def nifti_volume(name, folder=FOLDER):
    image = nibabel.load(os.path.join(folder, name))
    raw = numpy.asarray(image.dataobj.get_unscaled()).astype(numpy.float32)
    if raw.ndim == 4:
        raw = raw[..., 0]
    slope, intercept = image.dataobj.slope, image.dataobj.inter
    scaled = slope not in (0,) and not numpy.isnan(slope) and not (slope == 1 and (intercept == 0 or numpy.isnan(intercept)))
    nan = numpy.isnan(raw)
    if scaled:
        raw = raw * numpy.float32(slope) + numpy.float32(0 if numpy.isnan(intercept) else intercept)
    raw[nan] = 0
    reference = image.get_fdata()
    if reference.ndim == 4:
        reference = reference[..., 0]
    axis = int(numpy.where(nibabel.orientations.io_orientation(image.affine)[:, 0] == 2)[0][0])
    return raw, numpy.nan_to_num(reference, nan=0.0), axis, int(nan.sum())


def take(volume, axis, index):
    # Rows are the higher in-plane voxel axis, columns the lower, as the Swift reader lists them.
    return numpy.take(volume, index, axis=axis).T


def nifti_records(name, mask=None, folder=FOLDER):
    volume, reference, axis, nan_count = nifti_volume(name, folder)
    labels = None
    if mask is not None:
        mask_volume, _, _, _ = nifti_volume(mask)
        positive = [bool((take(mask_volume, axis, k) > 0.5).any()) for k in range(volume.shape[axis])]
        positives = [k for k, flag in enumerate(positive) if flag]
        labels = []
        for k, flag in enumerate(positive):
            distance = min((abs(k - p) for p in positives), default=10**9)
            if flag:
                labels.append(True)
            elif distance >= 5:
                labels.append(False)
            else:
                labels.append(None)
    records = []
    for k in range(volume.shape[axis]):
        entry = record(f"{name}#slice={k}", take(volume, axis, k), None if labels is None else {"mask": labels[k]})
        entry["mean_float64"] = float(take(reference, axis, k).mean())
        entry["axis"] = axis
        entry["volume_nan_count"] = nan_count
        records.append(entry)
    return records


def nifti_folder_records(folder):
    """Per-slice records of every NIfTI file under folder, and (path, reason) of the others."""
    records, errors = [], []
    for directory, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            if not name.endswith((".nii", ".nii.gz", ".hdr")):
                continue
            path = os.path.relpath(os.path.join(directory, name), folder)
            try:
                image = nibabel.load(os.path.join(folder, path))
                if not isinstance(image, (nibabel.Nifti1Image, nibabel.Nifti2Image, nibabel.Nifti1Pair, nibabel.Nifti2Pair)):
                    raise ValueError(f"{type(image).__name__} is not NIfTI-1 or NIfTI-2")
                if len(image.shape) not in (3, 4):
                    raise ValueError(f"shape {image.shape} is not 3-D or 4-D")
                records += nifti_records(path, folder=folder)
            except Exception as error:  # any reader failure is a listed exception, not a crash
                errors.append({"path": path, "error": f"{type(error).__name__}: {error}"})
    return records, errors


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--nifti-folder":
        images, errors = nifti_folder_records(sys.argv[2])
        with open(sys.argv[3], "w") as handle:
            json.dump({"numpy": numpy.__version__, "nibabel": nibabel.__version__, "images": images, "errors": errors},
                      handle, indent=1)
            handle.write("\n")
        print(f"{len(images)} slices, {len(errors)} files nibabel did not load as NIfTI")
        return
    if len(sys.argv) != 1:
        sys.exit("Usage: golden_containers.py [--nifti-folder FOLDER OUTPUT.json]")
    images = idx_records()
    images += npz_records("breastmnist-mini.npz") + npz_records("multilabel.npz") + npy_records("floats.npy")
    for name in ("anatomical.nii", "example_nifti2.nii.gz", "resampled_anat_moved.nii", "standard.nii.gz"):
        images += nifti_records(name)
    images += nifti_records("mni-t1-mini.nii.gz", mask="mni-gm-mini.nii.gz")
    with open(os.path.join(FOLDER, "golden.json"), "w") as handle:
        json.dump({"numpy": numpy.__version__, "nibabel": nibabel.__version__, "images": images}, handle, indent=1)
        handle.write("\n")
    print(f"{len(images)} images")


if __name__ == "__main__":
    main()
