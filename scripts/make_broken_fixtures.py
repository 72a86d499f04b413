#!/usr/bin/env python3
"""Write fixtures/broken: decodable PNGs in two class folders plus broken and unsupported files.

Usage:
    python3 scripts/make_broken_fixtures.py [OUTPUT_DIR]     (default: fixtures/broken)

PNG and BMP files are assembled byte by byte with the standard library (zlib, struct), so their
bytes do not depend on an image library's version. Only truncated.jpg needs Pillow, because a JPEG
encoder is too long to write by hand. Pixel noise comes from SHA-256 of a fixed label, so every run
writes the same pixels.
"""

import hashlib
import io
import struct
import sys
import zlib
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GOOD_IMAGES_PER_CLASS = 6
GOOD_SIDE = 32
OVERSIZED_SIDE = 20000


def noise_bytes(label: str, count: int) -> bytes:
    """Return `count` deterministic pseudo-random bytes: SHA-256(label/block) for block 0, 1, ..."""
    output = bytearray()
    block = 0
    while len(output) < count:
        output += hashlib.sha256(f"{label}/{block}".encode("ascii")).digest()
        block += 1
    return bytes(output[:count])


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """Return one PNG chunk: length, type, data and CRC-32 over type and data."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_header(width: int, height: int) -> bytes:
    """Return the signature and IHDR of an 8-bit greyscale, non-interlaced PNG."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return PNG_SIGNATURE + png_chunk(b"IHDR", ihdr)


def grey_png(pixels: list[list[int]]) -> bytes:
    """Encode rows of 8-bit grey values as a PNG with filter type 0 on every row."""
    height = len(pixels)
    width = len(pixels[0])
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)
    return png_header(width, height) + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")


def class_pixels(class_name: str, index: int, side: int) -> list[list[int]]:
    """Return a side x side grey image: a ramp plus noise in 0...31.

    Class "a" ramps along x and class "b" along y, so the two classes differ in a visible way.
    """
    noise = noise_bytes(f"{class_name}-{index}", side * side)
    rows = []
    for y in range(side):
        row = []
        for x in range(side):
            ramp = x if class_name == "a" else y
            value = (ramp * 224) // (side - 1) + noise[y * side + x] % 32
            row.append(min(value, 255))
        rows.append(row)
    return rows


def bmp_24bit(pixels: list[list[int]]) -> bytes:
    """Encode grey rows as an uncompressed 24-bit BMP (BITMAPINFOHEADER, bottom-up rows)."""
    height = len(pixels)
    width = len(pixels[0])
    row_size = (width * 3 + 3) // 4 * 4
    image_size = row_size * height
    file_header = struct.pack("<2sIHHI", b"BM", 14 + 40 + image_size, 0, 0, 14 + 40)
    info_header = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, image_size, 2835, 2835, 0, 0)

    body = bytearray()
    for row in reversed(pixels):
        line = b"".join(bytes((value, value, value)) for value in row)
        body += line + b"\x00" * (row_size - len(line))
    return file_header + info_header + bytes(body)


def oversized_png() -> bytes:
    """Return a PNG whose IHDR declares 20000x20000 but whose IDAT holds only the first row.

    The IHDR CRC is correct, so a decoder must reject the file by its declared size (400 million
    pixels) or fail when the image data ends early.
    """
    first_row = b"\x00" + b"\x00" * OVERSIZED_SIDE
    idat = zlib.compress(first_row, 9)
    return png_header(OVERSIZED_SIDE, OVERSIZED_SIDE) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    """Return the first half of a 64x64 baseline greyscale JPEG made with Pillow at quality 90."""
    from PIL import Image

    pixels = class_pixels("b", 100, 64)
    image = Image.frombytes("L", (64, 64), b"".join(bytes(row) for row in pixels))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def main() -> int:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("fixtures/broken")

    files: dict[str, bytes] = {}
    for class_name in ("a", "b"):
        for index in range(1, GOOD_IMAGES_PER_CLASS + 1):
            files[f"{class_name}/good-{index:02d}.png"] = grey_png(class_pixels(class_name, index, GOOD_SIDE))

    whole_png = grey_png(class_pixels("a", 100, 64))
    files["a/zero-byte.png"] = b""
    files["a/truncated.png"] = whole_png[: len(whole_png) // 2]
    files["a/corrupt.png"] = PNG_SIGNATURE + noise_bytes("corrupt", 256)
    files["a/not-an-image.png"] = b"This is a plain text file with a .png extension. It is not an image.\n"
    files["b/truncated.jpg"] = truncated_jpeg()
    files["b/image.bmp"] = bmp_24bit(class_pixels("b", 101, GOOD_SIDE))
    files["b/oversized.png"] = oversized_png()

    for relative, data in sorted(files.items()):
        path = output / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{len(data):8d}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
