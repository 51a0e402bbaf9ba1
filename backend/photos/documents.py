"""Documents kept beside the photos (a campaign's notice, a record's attachments): PDF, Word,
Excel or a JPEG/PNG image, recognised by their bytes (never by the name or the client's content
type), received with a hard size cap, stored through the photos' storage backend under
``documents/`` and only ever served as a download."""

import uuid
import zipfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from starlette.requests import Request

from backend import admission
from backend.config import Settings
from backend.errors import AppError
from backend.photos.service import get_storage, upload_dir
from backend.photos.storage import ObjectMissing, Storage
from backend.photos.upload import PayloadTooLarge, receive_upload

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls (and .ppt: refused by name)
OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "docx"),
         "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
              "application/msword": "doc", "application/vnd.ms-excel": "xls",
              **dict(OOXML.values())}
# the OpenAPI description of an upload route's body and of a download's answer
UPLOAD_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}
DOWNLOAD: dict[str, Any] = {"description": "the document as uploaded", "content": {
    t: {"schema": {"type": "string", "format": "binary"}} for t in sorted(EXTENSIONS)}}


class AttachmentTypeUnsupported(AppError):
    status_code = 415
    code = "attachment_type_unsupported"
    message = "附件须为 PDF、Word、Excel 或图片（JPEG/PNG）"


@dataclass(frozen=True)
class StoredDocument:
    key: str
    name: str | None  # the uploaded file's name, without directories
    content_type: str
    size: int
    sha256: str


def _ooxml(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for prefix, (content_type, _) in OOXML.items():
        if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
            return content_type
    return None


def sniff(path: Path, filename: str | None) -> str:
    """The document's content type from its first bytes; 415 when it is none we accept."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04") and (found := _ooxml(path)):
        return found
    suffix = Path(filename or "").suffix.lower()
    if head == OLE and suffix in (".doc", ".xls"):  # one container format for both
        return "application/msword" if suffix == ".doc" else "application/vnd.ms-excel"
    raise AttachmentTypeUnsupported(details={"filename": filename})


def store(storage: Storage, path: Path, content_type: str) -> str:
    key = f"documents/{uuid.uuid4().hex}"
    storage.put_file(key, path, content_type)
    return key


@asynccontextmanager
async def received(request: Request, settings: Settings) -> AsyncIterator[StoredDocument]:
    """The request's multipart ``file``, checked (413 beyond ``attachment_max_bytes``, 415 for
    a type not accepted) and stored. The block records it; if the block fails the bytes are
    deleted. A transaction that records it must delete them if it rolls back
    (``commitlog.on_rollback``)."""
    storage = get_storage(settings)
    async with admission.released(request):
        try:
            upload = await receive_upload(request.headers.get("content-type"),
                                          request.headers.get("content-length"),
                                          request.stream(), upload_dir(settings),
                                          settings.attachment_max_bytes)
        except PayloadTooLarge as exc:
            raise PayloadTooLarge("附件文件过大", details=exc.details) from exc
        try:
            assert upload.path is not None
            content_type = await run_in_threadpool(sniff, upload.path, upload.filename)
            size = upload.path.stat().st_size
            key = await run_in_threadpool(store, storage, upload.path, content_type)
        finally:
            upload.discard()
    name = Path(upload.filename).name[:200] if upload.filename else None
    try:
        yield StoredDocument(key, name, content_type, size, upload.sha256)
    except BaseException:
        await run_in_threadpool(storage.delete, key)
        raise


def download(settings: Settings, key: str, content_type: str, filename: str, sha256: str,
             missing: Callable[[], AppError]) -> StreamingResponse:
    """The stored document as a download: never rendered inline, never sniffed into HTML."""
    try:
        chunks = get_storage(settings).iter_bytes(key)
    except ObjectMissing as exc:
        raise missing() from exc
    return StreamingResponse(chunks, media_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-cache",
        "ETag": f'"{sha256[:16] or uuid.uuid4().hex[:16]}"'})


def extension(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "bin")
