#!/usr/bin/env python3
"""Write the ImageIO test images into Tests/ImageIOTests/Resources.

PNGs come from the small PNG writer below (zlib + struct), so every colour type, bit depth,
Adam7 interlacing, sBIT, tRNS and palette is under control. Their exact expected samples go
into expected.json. JPEGs come from Pillow (libjpeg), and broken files
are cut or crafted from the good ones. Deterministic: run it again and the files are identical.

Usage: python3 scripts/make_imageio_test_images.py   (needs Pillow: python3 -m pip install pillow)
"""
import io
import json
import math
import os
import struct
import zlib

from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ImageIOTests", "Resources")

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(pixels, depth, channels):
    """pixels: list of tuples of ints; returns the scanline bytes without the filter byte."""
    samples = [value for pixel in pixels for value in pixel]
    if depth == 16:
        return b"".join(struct.pack(">H", value) for value in samples)
    if depth == 8:
        return bytes(samples)
    per_byte = 8 // depth
    out = bytearray()
    for start in range(0, len(samples), per_byte):
        group = samples[start:start + per_byte]
        byte = 0
        for index, value in enumerate(group):
            byte |= value << (8 - depth * (index + 1))
        out.append(byte)
    return bytes(out)


def write_png(name, rows, color_type, depth, interlace=False, sbit=None, trns=None, palette=None):
    """rows: height lists of width tuples (raw samples as stored in the file)."""
    height, width = len(rows), len(rows[0])
    channels = CHANNELS[color_type]
    raw = bytearray()
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            for y in range(y0, height, dy):
                line = [rows[y][x] for x in range(x0, width, dx)]
                if line:
                    raw += b"\x00" + pack_row(line, depth, channels)
    else:
        for row in rows:
            raw += b"\x00" + pack_row(row, depth, channels)
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlace else 0))
    if sbit is not None:
        data += chunk(b"sBIT", bytes(sbit))
    if palette is not None:
        data += chunk(b"PLTE", b"".join(bytes(entry) for entry in palette))
    if trns is not None:
        data += chunk(b"tRNS", trns)
    data += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    data += chunk(b"IEND", b"")
    with open(os.path.join(OUT, name), "wb") as handle:
        handle.write(data)
    return data


def grid(side, function):
    return [[function(x, y) for x in range(side)] for y in range(side)]


def planes(rows, channels):
    """Expected planes (list of channel lists, row-major) from rows of tuples."""
    return [[pixel[c] for row in rows for pixel in row] for c in range(channels)]


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}

    def record(name, side, rows, channels, bits, depth):
        expected[name] = {"side": side, "bits": bits, "bitDepth": depth, "planes": planes(rows, channels)}

    # Grey 1, 2, 4, 8 and 16 bits: samples cover the whole range of each depth.
    for depth in (1, 2, 4, 8, 16):
        side = 8
        top = (1 << depth) - 1
        rows = grid(side, lambda x, y, top=top: ((x * 7 + y * 13) * 2654435761 % (top + 1),))
        rows[0][0] = (0,)
        rows[0][1] = (top,)
        name = f"grey{depth}.png"
        write_png(name, rows, 0, depth)
        record(name, side, rows, 1, depth, depth)

    # 16-bit grey whose samples differ only in the low byte: 0x1200 + x + 8y.
    rows = grid(8, lambda x, y: (0x1200 + x + 8 * y,))
    write_png("grey16-lowbyte.png", rows, 0, 16)
    record("grey16-lowbyte.png", 8, rows, 1, 16, 16)

    # Grey + alpha: the alpha channel varies and must be ignored.
    rows = grid(6, lambda x, y: ((x * 40 + y * 3) % 256, (x * y * 17) % 256))
    write_png("grey-alpha8.png", rows, 4, 8)
    record("grey-alpha8.png", 6, [[(p[0],) for p in row] for row in rows], 1, 8, 8)

    # RGB 8 and 16 bits, RGBA 8 bits.
    rows = grid(5, lambda x, y: ((x * 60) % 256, (y * 50) % 256, (x * y * 11) % 256))
    write_png("rgb8.png", rows, 2, 8)
    record("rgb8.png", 5, rows, 3, 8, 8)
    rows = grid(5, lambda x, y: (x * 13001 % 65536, y * 12007 % 65536, (x + y) * 7919 % 65536))
    write_png("rgb16.png", rows, 2, 16)
    record("rgb16.png", 5, rows, 3, 16, 16)
    rows = grid(5, lambda x, y: ((x * 50) % 256, (y * 61) % 256, (x * 23 + y) % 256, (x * 77 + y * 5) % 256))
    write_png("rgba8.png", rows, 6, 8)
    record("rgba8.png", 5, [[p[:3] for p in row] for row in rows], 3, 8, 8)

    # Palette, 4-bit indices, with tRNS (transparency is dropped, colours kept).
    palette = [((i * 37) % 256, (i * 91) % 256, (255 - i * 16) % 256) for i in range(16)]
    indices = grid(7, lambda x, y: ((x * 3 + y * 5) % 16,))
    write_png("palette4.png", indices, 3, 4, palette=palette, trns=bytes(range(0, 160, 10)))
    record("palette4.png", 7, [[palette[p[0]] for p in row] for row in indices], 3, 8, 8)

    # Interlaced (Adam7) RGB 8-bit and grey 16-bit, 9x9 so every pass has pixels.
    rows = grid(9, lambda x, y: ((x * 29 + y) % 256, (y * 31 + x * 2) % 256, (x * y * 5) % 256))
    write_png("rgb8-interlaced.png", rows, 2, 8, interlace=True)
    record("rgb8-interlaced.png", 9, rows, 3, 8, 8)
    rows = grid(9, lambda x, y: ((x * 7001 + y * 311) % 65536,))
    write_png("grey16-interlaced.png", rows, 0, 16, interlace=True)
    record("grey16-interlaced.png", 9, rows, 1, 16, 16)

    # sBIT: 12 significant bits in a 16-bit grey image, stored scaled up by bit replication
    # (v << 4 | v >> 8) as the PNG specification requires; expected samples are the 12-bit v.
    values = grid(6, lambda x, y: ((x * 683 + y * 97) % 4096,))
    stored = [[((v[0] << 4) | (v[0] >> 8),) for v in row] for row in values]
    write_png("grey16-sbit12.png", stored, 0, 16, sbit=[12])
    record("grey16-sbit12.png", 6, values, 1, 12, 16)

    # sBIT 5/6/5 in an 8-bit RGB image: every channel is shifted by 8 - max(5, 6, 5) = 2 bits.
    def rgb565(x, y):
        red, green, blue = (x * 7 + y) % 32, (y * 9 + x * 3) % 64, (x * y + 3) % 32
        return ((red << 3) | (red >> 2), (green << 2) | (green >> 4), (blue << 3) | (blue >> 2))
    stored = grid(6, rgb565)
    write_png("rgb8-sbit565.png", stored, 2, 8, sbit=[5, 6, 5])
    record("rgb8-sbit565.png", 6, [[tuple(v >> 2 for v in p) for p in row] for row in stored], 3, 6, 8)

    # Pure red, green, blue, white (2x2) for the BT.601 weights.
    rows = [[(255, 0, 0), (0, 255, 0)], [(0, 0, 255), (255, 255, 255)]]
    write_png("primaries.png", rows, 2, 8)
    record("primaries.png", 2, rows, 3, 8, 8)

    # Constant grey image.
    rows = grid(4, lambda x, y: (77,))
    write_png("constant.png", rows, 0, 8)
    record("constant.png", 4, rows, 1, 8, 8)

    # JPEGs from Pillow: smooth content so that quantisation errors stay small.
    def smooth_rgb(width, height):
        image = Image.new("RGB", (width, height))
        image.putdata([
            (int(127.5 + 127.5 * math.sin(x / width * 5.0 + y / height)),
             int(127.5 + 127.5 * math.cos(y / height * 4.0)),
             int(255 * (x + y) / (width + height)))
            for y in range(height) for x in range(width)])
        return image

    colour = smooth_rgb(64, 48)
    colour.save(os.path.join(OUT, "colour.jpg"), quality=95)
    colour.save(os.path.join(OUT, "colour-progressive.jpg"), quality=95, progressive=True)
    colour.save(os.path.join(OUT, "colour.png"))
    grey = Image.new("L", (64, 64))
    grey.putdata([int(255 * (x * y) / (63 * 63)) for y in range(64) for x in range(64)])
    grey.save(os.path.join(OUT, "grey.jpg"), quality=95)
    grey.save(os.path.join(OUT, "grey-source.png"))
    smooth_rgb(224, 224).save(os.path.join(OUT, "colour224.jpg"), quality=90)
    smooth_rgb(900, 900).save(os.path.join(OUT, "large900.jpg"), quality=85)
    flat = Image.new("RGB", (32, 32))
    flat.putdata([((200, 30, 60) if x < 16 else (20, 180, 90)) for y in range(32) for x in range(32)])
    flat.convert("CMYK").save(os.path.join(OUT, "cmyk.jpg"), quality=95)
    flat.save(os.path.join(OUT, "cmyk-source.png"))

    # Broken and foreign files.
    def write(name, data):
        with open(os.path.join(OUT, name), "wb") as handle:
            handle.write(data)

    with open(os.path.join(OUT, "colour.jpg"), "rb") as handle:
        jpeg = handle.read()
    write("truncated.jpg", jpeg[: len(jpeg) // 2])
    write("truncated-header.jpg", jpeg[:100])
    with open(os.path.join(OUT, "rgb8-interlaced.png"), "rb") as handle:
        png = handle.read()
    write("truncated.png", png[: len(png) - 30])
    corrupt_png = bytearray(png)
    corrupt_png[20] ^= 0xFF  # Inside IHDR, so its CRC no longer matches.
    write("corrupt-crc.png", bytes(corrupt_png))
    # DQT table id 5 (only 0-3 exist): libjpeg fails with "Bogus DQT index 5".
    dqt = jpeg.index(b"\xff\xdb")
    corrupt_jpeg = bytearray(jpeg)
    corrupt_jpeg[dqt + 4] = 0x05
    write("corrupt.jpg", bytes(corrupt_jpeg))
    write("text.png", b"This is a text file with a .png name.\nIt has two lines.\n")
    write("empty.png", b"")
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(bmp, format="BMP")
    write("image.bmp", bmp.getvalue())
    write("dicom-like.dcm", bytes(128) + b"DICM" + bytes(64))
    # IHDR declares 20000 x 20000 8-bit grey with a correct CRC; the IDAT contains one row only.
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(bytes(20001))) + chunk(b"IEND", b"")
    write("huge-header.png", data)

    with open(os.path.join(OUT, "expected.json"), "w") as handle:
        json.dump(expected, handle, indent=1, sort_keys=True)
        handle.write("\n")

    # Cross-check the PNG writer against Pillow's decoder where Pillow keeps the samples
    # (it reduces 16-bit RGB to 8 bits and does not apply sBIT, so those are skipped).
    checked = 0
    for name, entry in expected.items():
        if "sbit" in name or name == "rgb16.png":
            continue
        image = Image.open(os.path.join(OUT, name))
        if len(entry["planes"]) == 1:
            image = image.convert("I") if entry["bitDepth"] == 16 else image.convert("L")
            if entry["bitDepth"] < 8:
                continue  # Pillow scales 1-bit images to 0/255 on conversion.
        else:
            image = image.convert("RGB")
        side = entry["side"]
        for index in range(side * side):
            pixel = image.getpixel((index % side, index // side))
            pixel = pixel if isinstance(pixel, tuple) else (pixel,)
            assert list(pixel) == [plane[index] for plane in entry["planes"]], name
        checked += 1
    print(f"wrote {len(os.listdir(OUT))} files; {checked} PNGs match Pillow's decoding")

if __name__ == "__main__":
    main()
