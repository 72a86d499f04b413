#!/usr/bin/env python3
"""Copy and derive the DICOM fixtures of Tests/DICOMTests/Resources.

Usage: /tmp/torch-venv/bin/python scripts/make_dicom_fixtures.py SAMPLES_FOLDER

SAMPLES_FOLDER contains the pydicom test files (folders pydicom_bundled/ and pydicom_data_store/,
see Tests/DICOMTests/Resources/PROVENANCE.md). Needs pydicom 3 and numpy, plus DCMTK's
`dcmcjpeg` (Debian package dcmtk) for the JPEG Lossless file. Every derived file states below
how it is made. Afterwards run scripts/golden_dicom.py over the folder to refresh golden.json.
"""
import copy
import os
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np
import pydicom

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DICOMTests", "Resources")

# Real files, copied unchanged: (source below SAMPLES_FOLDER, fixture name).
COPIED = [
    ("pydicom_bundled/CT_small.dcm", "CT_small.dcm"),
    ("pydicom_bundled/MR_small.dcm", "MR_small.dcm"),
    ("pydicom_bundled/MR_small_implicit.dcm", "MR_small_implicit.dcm"),
    ("pydicom_bundled/MR_small_bigendian.dcm", "MR_small_bigendian.dcm"),
    ("pydicom_bundled/MR_small_RLE.dcm", "MR_small_RLE.dcm"),
    ("pydicom_bundled/MR_small_jpeg_ls_lossless.dcm", "MR_small_jpeg_ls_lossless.dcm"),
    ("pydicom_bundled/image_dfl.dcm", "image_dfl.dcm"),
    ("pydicom_bundled/JPEG2000.dcm", "JPEG2000.dcm"),
    ("pydicom_bundled/SC_rgb_small_odd_jpeg.dcm", "SC_rgb_small_odd_jpeg.dcm"),
    ("pydicom_bundled/SC_rgb_jpeg_gdcm.dcm", "SC_rgb_jpeg_gdcm.dcm"),
    ("pydicom_bundled/SC_ybr_full_422_uncompressed.dcm", "SC_ybr_full_422_uncompressed.dcm"),
    ("pydicom_bundled/dicomdirtests/77654033/CR1/6154", "CR_monochrome1.dcm"),
    ("pydicom_bundled/rtplan.dcm", "rtplan.dcm"),
    ("pydicom_bundled/dicomdirtests/DICOMDIR", "DICOMDIR"),
    ("pydicom_data_store/emri_small.dcm", "emri_small.dcm"),
    ("pydicom_data_store/liver_deflate.dcm", "liver_deflate.dcm"),
]


def derive_ct_pair(samples):
    """Two CT slices with equal Hounsfield units: stored s with intercept -1024, and s - 1024 with 0."""
    source = pydicom.dcmread(os.path.join(samples, "pydicom_bundled/CT_small.dcm"))
    stored = source.pixel_array.astype(np.int32)
    assert float(source.RescaleSlope) == 1
    assert float(source.RescaleIntercept) == -1024

    shifted = copy.deepcopy(source)
    shifted.RescaleIntercept = 0
    shifted.PixelData = (stored - 1024).astype(np.int16).tobytes()
    source.save_as(os.path.join(OUTPUT, "ct-intercept-minus1024.dcm"))
    shifted.save_as(os.path.join(OUTPUT, "ct-intercept-0.dcm"))


def derive_monochrome2(samples):
    """The MONOCHROME1 radiograph stored inverted as MONOCHROME2: s' = 2^12 - 1 - s."""
    source = pydicom.dcmread(os.path.join(samples, "pydicom_bundled/dicomdirtests/77654033/CR1/6154"))
    assert source.PhotometricInterpretation == "MONOCHROME1"
    assert source.BitsStored == 12
    inverted = copy.deepcopy(source)
    inverted.PhotometricInterpretation = "MONOCHROME2"
    inverted.PixelData = (4095 - source.pixel_array.astype(np.int32)).astype(np.uint16).tobytes()
    inverted.save_as(os.path.join(OUTPUT, "CR_monochrome2.dcm"))


def derive_jpeg_lossless():
    """The radiograph in JPEG Lossless SV1 (1.2.840.10008.1.2.4.70), encoded by DCMTK's dcmcjpeg."""
    subprocess.run(
        ["dcmcjpeg", "+e1", os.path.join(OUTPUT, "CR_monochrome1.dcm"), os.path.join(OUTPUT, "CR_jpeg_lossless.dcm")],
        check=True)


def derive_privacy_canary(samples):
    """MR_small with a known PatientName and its pixel data cut short, so decoding fails."""
    source = pydicom.dcmread(os.path.join(samples, "pydicom_bundled/MR_small.dcm"))
    source.PatientName = "Canary^Privacy"
    source.PatientID = "CANARY-ID-4711"
    path = os.path.join(OUTPUT, "privacy-canary-truncated.dcm")
    source.save_as(path)
    with open(path, "rb") as file:
        data = file.read()
    with open(path, "wb") as file:
        file.write(data[:-2000])


def write_png_12bit_unscaled():
    """8 x 8 16-bit grey PNG with sBIT 12 whose samples are unscaled 12-bit values (0...4095).

    Rows 0-3 hold 2048, rows 4-7 hold 0, 1024, 3072, 4095 repeated, so the maximum is 4095.
    """
    rows = [[2048] * 8 for _ in range(4)] + [[0, 1024, 3072, 4095] * 2 for _ in range(4)]
    raw = b"".join(b"\x00" + b"".join(struct.pack(">H", value) for value in row) for row in rows)

    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 16, 0, 0, 0, 0))
    png += chunk(b"sBIT", bytes([12]))
    png += chunk(b"IDAT", zlib.compress(raw))
    png += chunk(b"IEND", b"")
    with open(os.path.join(OUTPUT, "grey16-unscaled-sbit12.png"), "wb") as file:
        file.write(png)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_dicom_fixtures.py SAMPLES_FOLDER")
    samples = sys.argv[1]
    os.makedirs(OUTPUT, exist_ok=True)
    for source, name in COPIED:
        shutil.copyfile(os.path.join(samples, source), os.path.join(OUTPUT, name))
    derive_ct_pair(samples)
    derive_monochrome2(samples)
    derive_jpeg_lossless()
    derive_privacy_canary(samples)
    write_png_12bit_unscaled()


if __name__ == "__main__":
    main()
