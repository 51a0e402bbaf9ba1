"""Streaming uploads with a hard size cap: a multipart body, or a photo sent as the raw body.

The body is received as it arrives; the file goes straight to a temporary file (hashed and
written on a worker thread: sink.py) and the upload is refused (413) the moment it passes the
cap, so no upload is ever held in memory whole and nothing is left behind on refusal.

A raw body is the fast path: python-multipart's scan for the boundary costs the event loop about
as much as SHA-256 does (1 ms of a 3.8 MB photo's 5 ms floor, bench/photos.py)."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from backend.errors import AppError
from backend.photos.processing import CONTENT_TYPES
from backend.photos.sink import FileSink

MAX_FIELD_BYTES = 1024
MAX_FIELDS = 16
IMAGE_TYPES = frozenset(CONTENT_TYPES.values())  # a raw body's Content-Type


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"
    message = "照片文件过大"


class BadUpload(AppError):
    code = "bad_upload"
    message = "上传格式不正确，需要 multipart/form-data 且包含 file 字段"


class NotMultipart(AppError):
    status_code = 415
    code = "unsupported_media_type"
    message = "上传需要 multipart/form-data"


@dataclass
class Upload:
    path: Path | None = None
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    sha256: str = ""  # of the file, computed while it streamed in

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class _Receiver:
    def __init__(self, tmp_dir: Path, max_bytes: int) -> None:
        self.tmp_dir = tmp_dir
        self.max_bytes = max_bytes
        self.upload = Upload()
        self.sink: FileSink | None = None
        self.file_data: list[bytes] = []  # of the chunk being parsed, for the sink
        self._in_file = False
        self._name: str | None = None
        self._value = bytearray()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._file_bytes = 0

    def on_part_begin(self) -> None:
        self._headers, self._name, self._value = {}, None, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field, self._header_value = bytearray(), bytearray()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        if name == "file":
            if self.sink is not None:
                raise BadUpload("只能包含一个 file 字段")
            filename = options.get(b"filename")
            self.upload.filename = filename.decode("utf-8", "replace")[:200] if filename else None
            self.sink = FileSink(self.tmp_dir)
            self._in_file = True
        elif len(self.upload.fields) >= MAX_FIELDS:
            raise BadUpload("字段过多")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._file_bytes += end - start
            if self._file_bytes > self.max_bytes:
                raise PayloadTooLarge(details={"max_bytes": self.max_bytes})
            self.file_data.append(data[start:end])
        else:
            self._value += data[start:end]
            if len(self._value) > MAX_FIELD_BYTES:
                raise BadUpload(f"字段 {self._name} 过长")

    def on_part_end(self) -> None:
        if self._in_file:
            self._in_file = False
        elif self._name:
            self.upload.fields[self._name] = self._value.decode("utf-8", "replace")


@asynccontextmanager
async def _receiving(upload: Upload, sink: Callable[[], FileSink | None]) -> AsyncIterator[None]:
    """Finish the file into ``upload``; on any failure remove it."""
    try:
        yield
        done = sink()
        if done is not None:
            upload.sha256 = await done.finish()
            upload.path = done.path
    except BaseException as exc:
        failed = sink()
        if failed is not None:
            failed.discard()
        if isinstance(exc, ClientDisconnect):
            # a phone that lost its network mid-upload sent a bad upload, not a server error (500)
            raise BadUpload("上传中断") from exc
        raise


def _too_large(content_length: str | None, max_bytes: int) -> bool:
    return bool(content_length and content_length.isdigit() and int(content_length) > max_bytes)


async def receive_upload(content_type: str | None, content_length: str | None,
                         stream: AsyncIterator[bytes], tmp_dir: Path, max_bytes: int) -> Upload:
    """Parse a multipart body into an :class:`Upload` (the caller discards it when done)."""
    mime, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise NotMultipart()
    if _too_large(content_length, max_bytes + 64 * 1024):
        raise PayloadTooLarge(details={"max_bytes": max_bytes})
    receiver = _Receiver(tmp_dir, max_bytes)
    callbacks = {name: getattr(receiver, name) for name in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished", "on_part_data", "on_part_end")}
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async with _receiving(receiver.upload, lambda: receiver.sink):
            async for chunk in stream:
                parser.write(chunk)
                for data in receiver.file_data:
                    assert receiver.sink is not None  # file data follows the file part's headers
                    await receiver.sink.write(data)
                receiver.file_data.clear()
            parser.finalize()
            if receiver.sink is None or receiver.sink.size == 0:
                raise BadUpload("缺少照片文件 (file)")
    except MultipartParseError as exc:
        raise BadUpload("multipart 格式错误") from exc
    return receiver.upload


def is_image_body(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in IMAGE_TYPES


async def receive_body(content_length: str | None, stream: AsyncIterator[bytes],
                       tmp_dir: Path | None, max_bytes: int) -> Upload:
    """Receive a raw body (its type: :func:`is_image_body`) into an :class:`Upload` without
    fields (the caller discards it when done); with no ``tmp_dir``, only its SHA-256."""
    if _too_large(content_length, max_bytes):
        raise PayloadTooLarge(details={"max_bytes": max_bytes})
    upload = Upload()
    sink = FileSink(tmp_dir)
    async with _receiving(upload, lambda: sink):
        async for chunk in stream:
            if sink.size + len(chunk) > max_bytes:
                raise PayloadTooLarge(details={"max_bytes": max_bytes})
            if chunk:
                await sink.write(chunk)
        if sink.size == 0:
            raise BadUpload("缺少照片文件 (请求体为空)")
    return upload
