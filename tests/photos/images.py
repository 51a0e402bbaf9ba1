"""Test images made on the fly."""

import io
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
