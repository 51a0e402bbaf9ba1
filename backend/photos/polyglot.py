"""Polyglot detection by structure: markup is looked for only where an image file keeps free
text or stray bytes, never inside compressed image data.

Compressed data (JPEG entropy-coded scans, PNG IDAT/fdAT, WebP VP8/VP8L/ALPH/ANMF, HEIF mdat)
is close to random, so five given bytes occur in it by chance: a 496 KB camera-noise JPEG held
``<HTmL`` in its scan data, and about 0.7% of 3.8 MB originals would have been refused. What is
scanned: bytes before the image (an unknown container is scanned whole), after its end (EOI,
IEND, the RIFF size, the last box), comments, metadata and unknown segments or chunks, and the
decompressed text of PNG zTXt/iTXt/iCCP. JPEGs embedded in a JPEG (the EXIF thumbnail in APP1,
MPF or gain-map images after EOI) are walked the same way."""

import mmap
import re
import zlib
from collections.abc import Iterator
from typing import NamedTuple

# markup or script where a parser finds text means a polyglot built to be rendered as a page
ACTIVE_CONTENT = re.compile(
    rb"<(?:script|html|!doctype|\?php|svg|iframe|body|object|embed)", re.IGNORECASE)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8\xff"
# in entropy-coded data 0xFF is followed by a stuffed 0x00 or a restart marker; any other byte
# (after optional 0xFF fill) ends the scan
END_OF_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
AFTER_FILL = re.compile(rb"[^\xff]")
EOI, SOS, APP0, APP15 = 0xD9, 0xDA, 0xE0, 0xEF
STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
MAX_NESTED_JPEGS = 8
# real files have tens of segments (JPEG) or a few thousand 8 KB IDAT chunks (PNG); a file made
# of millions of empty ones would cost seconds of Python per upload, so past this many the rest
# is scanned as unknown bytes (a regex over the bytes: milliseconds)
MAX_STRUCTURES = 100_000
PNG_IMAGE_DATA = frozenset({b"IDAT", b"fdAT"})
PNG_COMPRESSED_TEXT = frozenset({b"zTXt", b"iCCP", b"iTXt"})
WEBP_IMAGE_DATA = frozenset({b"VP8 ", b"VP8L", b"ALPH", b"ANMF"})
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
TEXT_LIMIT = 1 << 20  # Pillow refuses PNG text that inflates beyond 1 MB anyway


Data = bytes | mmap.mmap  # the whole file


class Span(NamedTuple):
    """Bytes ``[start, end)`` of the file to scan; ``deflated``: zlib data to scan inflated."""

    start: int
    end: int
    deflated: bool = False


def has_active_content(data: Data) -> bool:
    return any(_search(data, span) for span in exposed_spans(data))


def container(data: Data) -> str | None:
    """The accepted image container the file's signature names, if any."""
    if data[:3] == JPEG_SOI:
        return "jpeg"
    if data[:8] == PNG_SIGNATURE:
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "heif"
    return None


def exposed_spans(data: Data) -> Iterator[Span]:
    match container(data):
        case "jpeg":
            return _jpeg(data, 0, len(data), 0)
        case "png":
            return _png(data)
        case "webp":
            return _webp(data)
        case "heif":
            return _bmff(data)
    return iter([Span(0, len(data))])


def _search(data: Data, span: Span) -> bool:
    if not span.deflated:
        return ACTIVE_CONTENT.search(data, span.start, span.end) is not None
    try:
        text = zlib.decompressobj().decompress(data[span.start:span.end], TEXT_LIMIT)
    except zlib.error:  # not inflatable: judge the raw bytes, as an unknown chunk
        return ACTIVE_CONTENT.search(data, span.start, span.end) is not None
    return ACTIVE_CONTENT.search(text) is not None


def _jpeg(data: Data, pos: int, end: int, depth: int) -> Iterator[Span]:
    """The JPEG starting with SOI at ``pos`` and anything after it up to ``end``."""
    pos += 2
    for _ in range(MAX_STRUCTURES):
        if pos >= end:
            return
        marker_at = pos
        if data[pos] != 0xFF:  # not a marker where one must be: the rest is unknown bytes
            yield Span(pos, end)
            return
        marker_byte = AFTER_FILL.search(data, pos, end)  # skip the 0xFF fill bytes
        if marker_byte is None:
            return
        pos = marker_byte.start()
        marker = data[pos]
        pos += 1
        if marker == EOI:
            yield from _after_image(data, pos, end, depth)
            return
        if marker in STANDALONE:
            continue
        segment_end = pos + int.from_bytes(data[pos:pos + 2], "big")
        if segment_end < pos + 2 or segment_end > end:
            yield Span(marker_at, end)
            return
        if APP0 <= marker <= APP15:
            yield from _after_image(data, marker_at, segment_end, depth, skip=4)
        else:
            yield Span(marker_at, segment_end)
        pos = segment_end
        if marker == SOS:
            scan_end = END_OF_SCAN.search(data, pos, end)
            if scan_end is None:  # truncated in the scan: the decoder judges that
                return
            pos = scan_end.start()
    yield Span(pos, end)


def _after_image(data: Data, pos: int, end: int, depth: int, skip: int = 0) -> Iterator[Span]:
    """Bytes that may hold an embedded JPEG (a metadata segment, what follows EOI)."""
    embedded = data.find(JPEG_SOI, pos + skip, end) if depth < MAX_NESTED_JPEGS else -1
    if embedded < 0:
        yield Span(pos, end)
        return
    yield Span(pos, embedded)
    yield from _jpeg(data, embedded, end, depth + 1)


def _png(data: Data) -> Iterator[Span]:
    pos, end = len(PNG_SIGNATURE), len(data)
    for _ in range(MAX_STRUCTURES):
        if pos + 12 > end:
            break
        kind = bytes(data[pos + 4:pos + 8])
        body = pos + 8
        chunk_end = body + int.from_bytes(data[pos:pos + 4], "big") + 4
        if chunk_end > end:
            break
        if kind in PNG_COMPRESSED_TEXT:
            yield from _png_text(data, pos, body, chunk_end - 4, kind)
        elif kind not in PNG_IMAGE_DATA:
            yield Span(pos, chunk_end)
        pos = chunk_end
        if kind == b"IEND":
            break
    yield Span(pos, end)  # after IEND, or a broken tail


def _png_text(data: Data, pos: int, body: int, body_end: int, kind: bytes) -> Iterator[Span]:
    """zTXt and iCCP: ``name NUL method data``; iTXt: ``keyword NUL flag method language NUL
    translated-keyword NUL text``, its text deflated when ``flag`` is 1."""
    name_end = data.find(b"\x00", body, body_end)
    text = name_end + 2
    deflated = name_end >= 0
    if kind == b"iTXt" and deflated:
        deflated = data[name_end + 1] == 1
        language_end = data.find(b"\x00", name_end + 3, body_end)
        keyword_end = data.find(b"\x00", language_end + 1, body_end) if language_end >= 0 else -1
        text = keyword_end + 1
        deflated = deflated and keyword_end >= 0
    if not deflated:
        yield Span(pos, body_end)
        return
    yield Span(pos, text)
    yield Span(text, body_end, deflated=True)


def _webp(data: Data) -> Iterator[Span]:
    end = len(data)
    riff_end = min(end, 8 + int.from_bytes(data[4:8], "little"))
    yield Span(0, 12)
    pos = 12
    for _ in range(MAX_STRUCTURES):
        if pos + 8 > riff_end:
            break
        kind = bytes(data[pos:pos + 4])
        size = int.from_bytes(data[pos + 4:pos + 8], "little")
        if pos + 8 + size > riff_end:
            break
        chunk_end = min(pos + 8 + size + (size & 1), riff_end)  # a missing last pad byte is common
        yield Span(pos, pos + 8 if kind in WEBP_IMAGE_DATA else chunk_end)
        pos = chunk_end
    yield Span(pos, end)


def _bmff(data: Data) -> Iterator[Span]:
    """HEIF: top-level ISO BMFF boxes; the coded images are in ``mdat``."""
    pos, end = 0, len(data)
    for _ in range(MAX_STRUCTURES):
        if pos + 8 > end:
            break
        size, header = int.from_bytes(data[pos:pos + 4], "big"), 8
        if size == 1:
            size, header = int.from_bytes(data[pos + 8:pos + 16], "big"), 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        yield Span(pos, pos + header if data[pos + 4:pos + 8] == b"mdat" else pos + size)
        pos += size
    yield Span(pos, end)
