#!/usr/bin/env python3
"""Writes the small container fixtures in fixtures/containers/ from copies of public datasets.

Usage: make_container_fixtures.py FASHION_MNIST_DIR BREASTMNIST_NPZ NIFTI_SAMPLES_DIR

FASHION_MNIST_DIR contains the four Fashion-MNIST IDX .gz files, BREASTMNIST_NPZ is MedMNIST's
breastmnist.npz, and NIFTI_SAMPLES_DIR contains nibabel_testdata/ and nilearn_bundled/ (nibabel 5.4.2
test data, nilearn 0.14.1 bundled templates). The subsets are deterministic: the first items of
each file. Needs numpy and nibabel.
"""
import gzip
import os
import shutil
import sys

import nibabel
import numpy

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "containers")


def idx_bytes(array, type_code):
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    return header + array.astype(">u1" if type_code == 0x08 else array.dtype).tobytes()


def write_fashion(folder):
    # First 40 training and 20 test items; the labels file pairs by name.
    for split, count in (("train", 40), ("t10k", 20)):
        with gzip.open(os.path.join(folder, f"{split}-images-idx3-ubyte.gz")) as handle:
            data = handle.read()
        images = numpy.frombuffer(data, numpy.uint8, offset=16).reshape(-1, 28, 28)[:count]
        with gzip.open(os.path.join(folder, f"{split}-labels-idx1-ubyte.gz")) as handle:
            labels = numpy.frombuffer(handle.read(), numpy.uint8, offset=8)[:count]
        with gzip.GzipFile(os.path.join(OUT, f"{split}-images-idx3-ubyte.gz"), "wb", mtime=0) as handle:
            handle.write(idx_bytes(images, 0x08))
        # The test labels stay uncompressed, so both pairings (gzip and plain) are exercised.
        labels_name = f"{split}-labels-idx1-ubyte" + (".gz" if split == "train" else "")
        labels_bytes = idx_bytes(labels, 0x08)
        if split == "train":
            with gzip.GzipFile(os.path.join(OUT, labels_name), "wb", mtime=0) as handle:
                handle.write(labels_bytes)
        else:
            with open(os.path.join(OUT, labels_name), "wb") as handle:
                handle.write(labels_bytes)


def write_breastmnist(path):
    # First 12 images of each split, labels of shape (N,) as in this copy; savez_compressed deflates.
    source = numpy.load(path)
    arrays = {}
    for split in ("train", "val", "test"):
        arrays[f"{split}_images"] = source[f"{split}_images"][:12]
        arrays[f"{split}_labels"] = source[f"{split}_labels"][:12]
    numpy.savez_compressed(os.path.join(OUT, "breastmnist-mini.npz"), **arrays)
    # A stored (uncompressed) archive with a multi-label array of 3 columns, and a float .npy.
    generator = numpy.random.default_rng(7)
    numpy.savez(
        os.path.join(OUT, "multilabel.npz"),
        images=generator.integers(0, 256, size=(9, 6, 5), dtype=numpy.uint8),
        labels=numpy.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1], [1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0], [1, 0, 0]], numpy.uint8),
    )
    floats = generator.normal(size=(3, 4, 7)).astype("<f4")
    floats[1, 2, 3] = numpy.nan
    numpy.save(os.path.join(OUT, "floats.npy"), floats)


def write_nifti(folder):
    data = os.path.join(folder, "nibabel_testdata")
    for name in ("anatomical.nii", "example_nifti2.nii.gz", "standard.nii.gz", "resampled_anat_moved.nii"):
        shutil.copyfile(os.path.join(data, name), os.path.join(OUT, name))
    # MNI152 T1 and grey-matter map, every 8th voxel: the same grid for both, affine scaled to match.
    templates = os.path.join(folder, "nilearn_bundled")
    for source, target in (("t1", "mni-t1-mini.nii.gz"), ("gm", "mni-gm-mini.nii.gz")):
        image = nibabel.load(os.path.join(templates, f"mni_icbm152_{source}_tal_nlin_sym_09a_converted.nii.gz"))
        voxels = numpy.asarray(image.dataobj)[::8, ::8, ::8].astype(numpy.uint8)
        affine = image.affine.copy()
        affine[:3, :3] *= 8
        mini = nibabel.Nifti1Image(voxels, affine)
        mini.header.set_data_dtype(numpy.uint8)
        nibabel.save(mini, os.path.join(OUT, target))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    os.makedirs(OUT, exist_ok=True)
    write_fashion(sys.argv[1])
    write_breastmnist(sys.argv[2])
    write_nifti(sys.argv[3])


if __name__ == "__main__":
    main()
