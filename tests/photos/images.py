"""Test images made on the fly."""

import io
import random
import struct
import zlib
from fractions import Fraction

from PIL import Image

RED, BLUE, WHITE = (220, 20, 20), (20, 20, 220), (255, 255, 255)


def halves(width: int = 400, height: int = 200) -> Image.Image:
    """Left half red, right half blue: rotation is visible in the pixels."""
    img = Image.new("RGB", (width, height), BLUE)
    img.paste(RED, (0, 0, width // 2, height))
    return img


def encode(img: Image.Image, fmt: str, **exif_tags) -> bytes:
    exif = Image.Exif()
    if "orientation" in exif_tags:
        exif[0x0112] = exif_tags["orientation"]
    if "taken" in exif_tags:
        exif.get_ifd(0x8769)[0x9003] = exif_tags["taken"]
    if "gps" in exif_tags:
        lat, lon = exif_tags["gps"]
        exif.get_ifd(0x8825).update({
            1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)})
    buf = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    kwargs = {"exif": exif.tobytes()} if len(exif) or exif_tags else {}
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return Fraction(degrees), Fraction(minutes), Fraction(seconds, 100)


def jpeg(width: int = 400, height: int = 200, **exif) -> bytes:
    return encode(halves(width, height), "JPEG", **exif)


def png_bomb(width: int = 10_000, height: int = 6_000) -> bytes:
    """A tiny PNG whose header claims 60 MP."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 4)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_pixels(row: bytes, rows: int = 4, extra_chunks: bytes = b"") -> bytes:
    """A grayscale PNG whose raw pixel rows are ``row``, in a stored (uncompressed) deflate
    block: the bytes of ``row`` appear as they are inside IDAT."""
    raw = (b"\x00" + row) * rows  # filter type 0 before each row
    stored = b"\x01" + struct.pack("<HH", len(raw), len(raw) ^ 0xFFFF) + raw  # final, stored
    idat = b"\x78\x01" + stored + struct.pack(">I", zlib.adler32(raw))
    ihdr = struct.pack(">IIBBBBB", len(row), rows, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra_chunks
            + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def jpeg_with_scan_bytes(pattern: bytes, seed: int = 1) -> bytes:
    """A noise JPEG with ``pattern`` written into the middle of its entropy-coded scan data
    (no 0xFF in ``pattern``, so the byte-stuffing rule holds; the decoder reads garbage pixels
    there, as it would in a real photo that happens to hold these bytes)."""
    rng = random.Random(seed)
    img = Image.frombytes("RGB", (96, 96), rng.randbytes(96 * 96 * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    data = bytearray(buf.getvalue())
    sos = data.find(b"\xff\xda")
    scan_start = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    scan_end = data.rfind(b"\xff\xd9")
    middle = (scan_start + scan_end) // 2
    while data[middle - 1] == 0xFF:  # never split a stuffed 0xFF 0x00
        middle += 1
    data[middle:middle + len(pattern)] = pattern
    return bytes(data)


def jpeg_with_comment(comment: bytes) -> bytes:
    data = jpeg()
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return data[:2] + segment + data[2:]


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims ``width`` x ``height``."""
    data = bytearray(jpeg())
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def jpeg_taken(taken: str, offset: str | None = None) -> bytes:
    exif = Image.Exif()
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = taken
    if offset is not None:
        ifd[0x9011] = offset
    buf = io.BytesIO()
    halves().save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def raise_unexpected(*_args: object) -> None:
    """Stands in for the decoder in a worker: an exception type nobody maps."""
    raise LookupError("a decoder bug")
