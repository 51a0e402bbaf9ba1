"""Polyglots are judged by structure: markup where a parser reads text is refused, the same
bytes inside compressed image data (where they occur by chance) are not."""

import struct
import time
import zlib

import pytest

from backend.photos.polyglot import has_active_content
from tests.photos.conftest import stored_files
from tests.photos.images import (
    jpeg,
    jpeg_with_comment,
    jpeg_with_scan_bytes,
    png_chunk,
    png_with_pixels,
)

PATTERNS = [b"<HTmL", b"<svg", b"<body", b"<script", b"<!DOCTYPE", b"<?php", b"<iframe",
            b"<object", b"<embed"]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.decode())
@pytest.mark.parametrize("make_image", [
    jpeg_with_scan_bytes,
    lambda pattern: png_with_pixels(pattern + b" by chance in the pixels"),
], ids=["jpeg-scan-data", "png-idat"])
def test_markup_bytes_inside_compressed_image_data_are_accepted(upload, make_image, pattern):
    data = make_image(pattern)
    assert pattern in data
    resp = upload(data)
    assert resp.status_code == 201, resp.text


def _png_text(pattern: bytes) -> bytes:
    return png_with_pixels(b"\x80" * 8, extra_chunks=png_chunk(b"tEXt", b"Comment\x00" + pattern))


@pytest.mark.parametrize("pattern", [b"<HTmL>", b"<svg onload=alert(1)>", b"<script>"],
                         ids=lambda p: p.decode())
@pytest.mark.parametrize("make_image", [
    lambda pattern: jpeg() + pattern,
    jpeg_with_comment,
    lambda pattern: jpeg_with_scan_bytes(b"<" + b"p") + pattern,
    lambda pattern: png_with_pixels(b"\x80" * 8) + pattern,
    _png_text,
], ids=["after-jpeg-eoi", "jpeg-comment", "after-eoi-of-a-scan-holding-markup", "after-png-iend",
        "png-text"])
def test_markup_where_a_parser_reads_text_is_refused(upload, settings, make_image, pattern):
    resp = upload(make_image(pattern))
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "image_rejected"
    assert stored_files(settings, "") == []


def _riff(*chunks: tuple[bytes, bytes]) -> bytes:
    body = b"WEBP" + b"".join(kind + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) & 1)
                              for kind, data in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _box(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", 8 + len(data)) + kind + data


@pytest.mark.parametrize("data, refused", [
    (_riff((b"VP8L", b"<svg pixels")), False),
    (_riff((b"VP8 ", b"<html pixels")), False),
    (_riff((b"VP8L", b"pixels"), (b"XMP ", b"<svg/>")), True),
    (_riff((b"VP8L", b"pixels"), (b"ZZZZ", b"<html>")), True),
    (_riff((b"VP8L", b"pixels")) + b"<script>", True),
    (_box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + _box(b"mdat", b"<svg coded"), False),
    (_box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + _box(b"meta", b"<svg"), True),
    (_box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + _box(b"mdat", b"x") + b"<html>", True),
    (png_with_pixels(b"\x80" * 8, extra_chunks=png_chunk(
        b"zTXt", b"Comment\x00\x00" + zlib.compress(b"<html>"))), True),
    (b"<!DOCTYPE html><p>not an image</p>", True),
], ids=["webp-vp8l", "webp-vp8", "webp-xmp", "webp-unknown-chunk", "webp-trailer", "heif-mdat",
        "heif-meta", "heif-trailer", "png-ztxt-inflated", "unknown-container"])
def test_the_structural_scan_of_each_container(data, refused):
    assert has_active_content(data) is refused


def test_an_exif_thumbnail_is_walked_as_a_jpeg():
    thumbnail = jpeg_with_scan_bytes(b"<body")
    exif = b"Exif\x00\x00" + b"II*\x00" + b"\x00" * 16 + thumbnail
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    photo = jpeg()
    data = photo[:2] + app1 + photo[2:]
    assert not has_active_content(data)
    assert has_active_content(data.replace(b"Exif\x00\x00", b"Ex<svg"))  # the same length


@pytest.mark.parametrize("data", [
    b"\xff\xd8" + b"\xff\xfe\x00\x02" * 2_000_000 + b"\xff\xfe\x00\x06<svg",
    b"\xff\xd8" + b"\xff\xd0" * 4_000_000 + b"\xff\xfe\x00\x06<svg",
    b"\xff\xd8" + b"\xff" * 8_000_000 + b"\xfe\x00\x06<svg",
    b"\x89PNG\r\n\x1a\n" + png_chunk(b"abcd", b"") * 1_000_000 + png_chunk(b"tEXt", b"c\x00<svg"),
], ids=["jpeg-empty-comments", "jpeg-restart-markers", "jpeg-fill-bytes", "png-empty-chunks"])
def test_a_file_of_millions_of_empty_structures_is_judged_quickly(data):
    started = time.perf_counter()
    assert has_active_content(data)
    assert time.perf_counter() - started < 2  # seconds of Python per upload without the bound
