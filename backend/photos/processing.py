"""Image validation and derivatives. Runs inside the decode worker processes (see pool.py):
plain functions over files, no database, no event loop.

Only JPEG, PNG, WebP and HEIF are ever opened (an explicit format allowlist keeps Pillow's other
decoders unreachable), the pixel count is checked from the header before any decoding, and the
original file is never modified."""

import hashlib
import math
import mmap
import re
import struct
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from backend.clock import SHANGHAI
from backend.photos.polyglot import container, has_active_content

FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp",
                 "HEIF": "image/heic"}
WEB_SIZE = 1600
THUMB_SIZE = 320
# a camera clock outside the years the API accepts (backend.types) was reset or is absurd: such a
# time is dropped as metadata, the photo itself stays evidence
PLAUSIBLE_YEARS = range(2000, 2101)
UTC_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
MAX_UTC_OFFSET = timedelta(hours=14)  # Kiribati; real offsets lie within -12:00..+14:00
# the capture and the upload time both go into the watermark when they are further apart
SAME_MOMENT = timedelta(minutes=5)
# what Pillow raises on a broken file, while parsing headers or decoding
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)
TAG_ORIENTATION, TAG_DATETIME = 0x0112, 0x0132
IFD_EXIF, IFD_GPS = 0x8769, 0x8825
TAG_DATETIME_ORIGINAL, TAG_DATETIME_DIGITIZED, TAG_OFFSET_ORIGINAL = 0x9003, 0x9004, 0x9011
TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
             4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
             6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
             8: Image.Transpose.ROTATE_90}


class ImageRejected(Exception):
    """The file is not an image we accept. ``args = (code, message, status)``."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(code, message, status)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Watermark:
    """Lines burned into the ``web`` derivative, under a first line with the times."""

    lines: tuple[str, ...]
    font_path: str | None
    uploaded_at: datetime
    phone_taken_at: datetime | None = None  # the phone's reading of EXIF before it resized


def time_line(taken_at: datetime | None, uploaded_at: datetime) -> str:
    """拍摄 (the capture time) when known, with 上传 (the server's receipt time) beside it when
    they differ; 上传 alone otherwise. Labelled, so nobody mistakes one for the other."""
    uploaded = f"上传 {uploaded_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    if taken_at is None:
        return uploaded
    taken = f"拍摄 {taken_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    return taken if abs(uploaded_at - taken_at) <= SAME_MOMENT else f"{taken} · {uploaded}"


@dataclass(frozen=True)
class Processed:
    sha256: str
    bytes: int
    format: str
    content_type: str
    width: int
    height: int
    taken_at: datetime | None
    gps_lat: float | None
    gps_lon: float | None
    web_path: str
    thumb_path: str


def register_heif() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


def hash_and_scan(path: Path) -> tuple[str, int, str | None]:
    """SHA-256, size and container of the file, refusing files that carry markup or script
    where a parser would read it as text (see polyglot.py)."""
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        if size == 0:
            raise unsupported()
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if has_active_content(data):
                raise ImageRejected("image_rejected", "文件中含有网页或脚本内容，已拒收")
            return hashlib.sha256(data).hexdigest(), size, container(data)


def unsupported() -> ImageRejected:
    return ImageRejected("unsupported_media_type", "只接受 JPEG、PNG、WebP 或 HEIC 照片", 415)


def too_large(max_pixels: int, size: tuple[int, int] | None = None) -> ImageRejected:
    pixels = f"（{size[0]}×{size[1]}）" if size else ""
    return ImageRejected("image_too_large",
                         f"照片像素过多{pixels}，上限 {max_pixels // 1_000_000} MP")


def corrupt() -> ImageRejected:
    return ImageRejected("image_corrupt", "照片文件已损坏或不完整")


def open_image(source: Path, container_name: str | None, max_pixels: int) -> Image.Image:
    """Open (parse the headers of) an accepted format; pixels are not decoded yet."""
    try:
        with warnings.catch_warnings():  # our own pixel limit is checked below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(source, formats=FORMATS)
    except Image.DecompressionBombError as exc:  # beyond twice Pillow's own limit
        raise too_large(max_pixels) from exc
    except UnidentifiedImageError as exc:  # a known signature that no decoder accepts is broken
        raise (corrupt() if container_name else unsupported()) from exc
    except DECODE_ERRORS as exc:
        raise corrupt() from exc
    if img.width * img.height > max_pixels:
        img.close()
        raise too_large(max_pixels, img.size)
    return img


def _exif_time(value: object, offset: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        naive = datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if naive.year not in PLAUSIBLE_YEARS:
        return None
    tz = SHANGHAI  # phones sold in China write local time without an offset
    if isinstance(offset, str) and (parts := UTC_OFFSET.fullmatch(offset.strip("\x00 "))):
        sign, hours, minutes = parts.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if int(minutes) < 60 and delta <= MAX_UTC_OFFSET:  # else an absurd offset: ignored
            tz = timezone(-delta if sign == "-" else delta)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _gps_degrees(values: object, ref: object) -> float | None:
    try:
        d, m, s = (float(v) for v in values)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if not math.isfinite(degrees):
        return None
    return -degrees if isinstance(ref, str) and ref.strip("\x00 ") in ("S", "W") else degrees


def read_metadata(img: Image.Image) -> tuple[int, datetime | None, float | None, float | None]:
    """Orientation, capture time (UTC) and GPS position from EXIF, tolerating broken tags."""
    try:
        exif = img.getexif()
        exif_ifd = exif.get_ifd(IFD_EXIF)
        gps = exif.get_ifd(IFD_GPS)
    except Exception:  # noqa: BLE001 - malformed EXIF must not reject an otherwise good photo
        return 1, None, None, None
    orientation = exif.get(TAG_ORIENTATION, 1)
    taken = exif_ifd.get(TAG_DATETIME_ORIGINAL) or exif_ifd.get(TAG_DATETIME_DIGITIZED) \
        or exif.get(TAG_DATETIME)
    taken_at = _exif_time(taken, exif_ifd.get(TAG_OFFSET_ORIGINAL))
    lat = _gps_degrees(gps.get(2), gps.get(1)) if gps else None
    lon = _gps_degrees(gps.get(4), gps.get(3)) if gps else None
    if lat is not None and not -90 <= lat <= 90 or lon is not None and not -180 <= lon <= 180:
        lat = lon = None
    return orientation if orientation in TRANSPOSE or orientation == 1 else 1, taken_at, lat, lon


def _flatten(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img if img.mode == "RGB" else img.convert("RGB")


def _font(font_path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if font_path:
        try:
            return ImageFont.truetype(font_path, size)
        except OSError:
            pass
    return ImageFont.load_default(size)


def draw_watermark(img: Image.Image, lines: tuple[str, ...], font_path: str | None) -> None:
    """Burn the lines into the bottom-left corner on a translucent band."""
    size = max(14, img.width // 45)
    font = _font(font_path, size)
    if not font_path:
        lines = tuple(line.encode("ascii", "replace").decode() for line in lines)
    pad = size // 2
    height = len(lines) * (size + pad // 2) + pad
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    width = max(int(draw.textlength(line, font=font)) for line in lines) + 2 * pad
    top = img.height - height
    draw.rectangle((0, top, min(width, img.width), img.height), fill=(0, 0, 0, 110))
    for n, line in enumerate(lines):
        draw.text((pad, top + pad // 2 + n * (size + pad // 2)), line, font=font,
                  fill=(255, 255, 255, 235))
    img.paste(overlay, mask=overlay)


def process_image(path: str, max_pixels: int, watermark: Watermark | None) -> Processed:
    """Validate the upload at ``path`` and write its ``web`` and ``thumb`` JPEGs beside it."""
    source = Path(path)
    sha256, size, container_name = hash_and_scan(source)
    with open_image(source, container_name, max_pixels) as img:
        fmt = img.format or ""
        width, height = img.size
        orientation, taken_at, lat, lon = read_metadata(img)
        try:
            if fmt == "JPEG":
                # DCT-domain downscaling: decode at 1/2, 1/4 or 1/8 size. The box must keep
                # the photo's aspect ratio or draft() cannot shrink along the long side.
                scale = WEB_SIZE / max(width, height)
                if scale < 1:
                    img.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
            img.load()
            web = _flatten(img)
        except (*DECODE_ERRORS, Image.DecompressionBombError) as exc:
            raise corrupt() from exc
    # bilinear is antialiased in Pillow (its support grows with the scale) and, from the
    # draft-decoded size, 2.5x faster than Lanczos with no visible difference at this ratio
    web.thumbnail((WEB_SIZE, WEB_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    if orientation in TRANSPOSE:  # rotate the small image, not the 12 MP one
        web = web.transpose(TRANSPOSE[orientation])
        if orientation >= 5:
            width, height = height, width
    thumb = web.copy()
    thumb.thumbnail((THUMB_SIZE, THUMB_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    if watermark:
        times = time_line(taken_at or watermark.phone_taken_at, watermark.uploaded_at)
        draw_watermark(web, (times, *watermark.lines), watermark.font_path)
    web_path, thumb_path = source.with_suffix(".web.jpg"), source.with_suffix(".thumb.jpg")
    web.save(web_path, "JPEG", quality=82)  # no exif= argument: derivatives carry no EXIF/GPS
    thumb.save(thumb_path, "JPEG", quality=75)
    return Processed(sha256=sha256, bytes=size, format=fmt, content_type=CONTENT_TYPES[fmt],
                     width=width, height=height, taken_at=taken_at, gps_lat=lat, gps_lon=lon,
                     web_path=str(web_path), thumb_path=str(thumb_path))
