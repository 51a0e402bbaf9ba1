import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from backend import admission, metrics
from backend.accounts.models import User
from backend.config import Settings
from backend.deps import CurrentUser, SessionDep, SettingsDep, require_roles_reading
from backend.errors import AppError, NotFound, Unprocessable
from backend.openapi import error_responses
from backend.photos import service, signing
from backend.photos.housekeeping import lifespan
from backend.photos.models import Photo
from backend.photos.processing import Processed, Watermark, process_image
from backend.photos.schemas import MARKUP_OF, PhotoOut
from backend.photos.storage import ObjectMissing
from backend.photos.upload import IMAGE_TYPES, Upload, is_image_body, receive_body, receive_upload
from backend.photos.views import photo_out
from backend.types import DbId
from backend.vocab import Role

router = APIRouter(prefix="/photos", tags=["photos"], lifespan=lifespan)
Variant = Literal["original", "web", "thumb"]
# who gathers evidence: inspectors, center managers and 质监办; leaders and admins only read.
# Looked up in a read-only session: the upload has no request session (see upload_photo).
PhotoTaker = Annotated[User, require_roles_reading(Role.inspector, Role.center_manager,
                                                   Role.qa_officer)]

FIELDS = {"client_id": {"type": "string", "format": "uuid"},
          "taken_at": {"type": "string", "format": "date-time"},
          "site_id": {"type": "integer"},
          "markup_of": {"type": "integer", "description": MARKUP_OF}}
BINARY = {"type": "string", "format": "binary"}
UPLOAD_OPENAPI = {"requestBody": {"required": True, "content": {
    **{image: {"schema": BINARY} for image in sorted(IMAGE_TYPES)},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": BINARY, **FIELDS}}}}}}
IN_QUERY = "with an image body (a multipart upload sends it as a form field)"


async def query_fields(
    client_id: Annotated[str | None, Query(max_length=100,
                                           description=f"{IN_QUERY}; required there",
                                           json_schema_extra={"format": "uuid"})] = None,
    taken_at: Annotated[str | None, Query(max_length=100, description=IN_QUERY,
                                          json_schema_extra={"format": "date-time"})] = None,
    site_id: Annotated[int | None, Query(gt=0, lt=2**31, description=IN_QUERY)] = None,
    markup_of: Annotated[int | None, Query(gt=0, lt=2**31, description=f"{IN_QUERY}; "
                                           f"{MARKUP_OF}")] = None,
) -> dict[str, str]:
    """An upload's fields sent in the query, as text (service.parse_fields reads them)."""
    sent = {"client_id": client_id, "taken_at": taken_at, "site_id": site_id,
            "markup_of": markup_of}
    return {name: str(value) for name, value in sent.items() if value is not None}


# upload_photo is async (it streams the body and awaits the decoder) and has no request
# session: it reads in read-only sessions (its caller, a retry's photo) and writes a new photo's
# row in a session of its own once the photo is stored, admitted as a writer only for that
# (backend/admission). Every use of a session goes through the thread pool: a query on the event
# loop that waits for SQLite's write lock would stall the very requests that hold it.


async def _receive(request: Request, settings: Settings, user: User,
                   query: dict[str, str]) -> tuple[Upload, service.UploadFields, Photo | None]:
    """The photo, its fields and, for a retry, the stored photo it repeats: a raw image body
    with the fields in the query (the fast path: no multipart scan), or a multipart form (its
    fields before the query's). A raw body whose client_id names a stored photo is hashed, not
    written: its bytes are only compared with the stored ones (phones on a bad network send
    most photos more than once)."""
    content_type = request.headers.get("content-type")
    length = request.headers.get("content-length")
    tmp_dir, cap = service.upload_dir(settings), settings.upload_max_bytes
    if is_image_body(content_type):
        fields = service.parse_fields(query)
        if fields.client_id is None:  # a raw body is retried as is: it must be idempotent
            raise Unprocessable("照片作为请求体上传时 client_id 必填",
                                details={"field": "client_id"})
        stored = await run_in_threadpool(_stored, request.app.state.sessions, user,
                                         fields.client_id)
        upload = await receive_body(length, request.stream(), None if stored else tmp_dir, cap)
        return upload, fields, stored
    upload = await receive_upload(content_type, length, request.stream(), tmp_dir, cap)
    try:
        return upload, service.parse_fields({**query, **upload.fields}), None
    except BaseException:
        upload.discard()
        raise


def _stored(sessions: Callable[..., ContextManager[Session]], user: User,
            client_id: str) -> Photo | None:
    """The caller's photo sent with ``client_id``, read in a read-only session of its own (as
    :func:`_precheck`)."""
    with sessions(read_only=True) as session:
        return service.photo_of_client(session, user, client_id)


def _precheck(sessions: Callable[..., ContextManager[Session]], user: User,
              fields: service.UploadFields, sha256: str,
              settings: Settings) -> tuple[PhotoOut | None, Watermark | None]:
    """Only reads, in a read-only session of its own: on SQLite a deferred BEGIN, so a retry's
    lookup never queues for the write lock behind other uploads (in the request's session it
    took BEGIN IMMEDIATE: py-spy of re-uploads found 194 of 437 samples in SQLite's busy wait
    there)."""
    with sessions(read_only=True) as session:
        existing = service.find_existing(session, user, fields, sha256)
        if existing is not None:  # a retry: the detached caller's id was enough
            return photo_out(existing, settings), None
        # in this session for the scoping helpers (loading it again, roles by a second query,
        # was 217 of 1,108 GIL samples of a retry: py-spy --gil, small bodies)
        reader = session.get_one(User, user.id)
        site_name = service.check_site(session, reader, fields.site_id)
        service.check_markup_original(session, reader, fields.markup_of_id)
        return None, service.watermark_for(settings, reader, site_name, fields)


def _save(sessions: Callable[..., ContextManager[Session]], user: User,
          fields: service.UploadFields, processed: Processed, stored: service.Stored,
          filename: str | None, settings: Settings) -> tuple[PhotoOut, bool]:
    """The photo's row, committed in a session of its own before the answer."""
    with sessions(read_only=False) as session:
        uploader = session.get_one(User, user.id)
        photo, created = service.save_photo(session, uploader, fields, processed, stored,
                                            filename)
        return photo_out(photo, settings), created


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PhotoOut,
             responses={200: {"model": PhotoOut, "description": "already uploaded (a retry)"},
                        413: {"description": "larger than the upload limit"},
                        415: {"description": "not an accepted image format"},
                        503: {"description": "decoders busy; retry after Retry-After"},
                        **error_responses("bad_upload", "idempotency_mismatch", "site_not_found",
                                          "image_rejected", "image_too_large", "image_corrupt",
                                          "image_timeout", "image_decode_failed",
                                          "unsupported_media_type", "payload_too_large",
                                          "photo_queue_full", "invalid_photo")},
             openapi_extra=UPLOAD_OPENAPI)
async def upload_photo(request: Request, response: Response, user: PhotoTaker,
                       settings: SettingsDep,
                       query: Annotated[dict[str, str], Depends(query_fields)]) -> PhotoOut:
    """Upload a photo: the raw body with ``Content-Type: image/jpeg`` (or png, webp, heic) and
    the fields in the query, ``client_id`` required (the fast path), or a multipart form with
    the field ``file``. Optional ``client_id`` UUID, in any spelling, makes retries idempotent;
    optional ``site_id`` goes into the watermark; optional
    ``taken_at`` is the capture time the phone read before resizing, used when the file has no
    EXIF time; optional ``markup_of`` names the uploader's own original when this is a
    marked-up copy of it. JPEG, PNG, WebP or HEIC. Inspectors, center managers and 质监办 only."""
    with metrics.ingest_stage("receive"):
        upload, fields, retried = await _receive(request, settings, user, query)
    if retried is not None:  # a retry, received without a file
        response.status_code = status.HTTP_200_OK
        return photo_out(service.same_bytes(retried, upload.sha256), settings)
    processed: Processed | None = None
    try:
        existing, watermark = await run_in_threadpool(_precheck, request.app.state.sessions,
                                                      user, fields, upload.sha256, settings)
        if existing is not None:
            response.status_code = status.HTTP_200_OK
            return existing
        source = upload.path
        assert source is not None  # receive_upload refuses a request without a file
        storage = service.get_storage(settings)
        storage_key = uuid.uuid4().hex
        with metrics.ingest_stage("decode"):
            processed = await service.decode_pool(settings).run(
                process_image, str(source), settings.upload_max_pixels, watermark)
        with metrics.ingest_stage("store"):
            stored = await run_in_threadpool(service.store, storage, processed, source,
                                             storage_key)
        async with admission.admitted():
            with metrics.ingest_stage("save"):
                out, created = await run_in_threadpool(_save, request.app.state.sessions, user,
                                                       fields, processed, stored,
                                                       upload.filename, settings)
        if not created:
            response.status_code = status.HTTP_200_OK
            for variant in ("web", "thumb"):
                await run_in_threadpool(storage.delete, f"derived/{storage_key}/{variant}.jpg")
        return out
    finally:
        upload.discard()
        service.cleanup(processed)


@router.get("/{photo_id}", response_model=PhotoOut, responses=error_responses("photo_not_found"))
def read_photo(photo_id: DbId, user: CurrentUser, session: SessionDep,
               settings: SettingsDep) -> PhotoOut:
    """A photo's metadata and fresh signed URLs."""
    photo = service.get_readable_photo(session, user, photo_id)
    return photo_out(photo, settings)


class SignatureRefused(AppError):
    status_code = 403
    code = "invalid_signature"
    message = "链接无效或已过期"


@router.get("/{photo_id}/{variant}", response_class=StreamingResponse,
            responses={200: {"description": "web and thumb: JPEG; original: as uploaded",
                             "content": {t: {"schema": {"type": "string", "format": "binary"}}
                                         for t in ("image/jpeg", "image/png", "image/webp",
                                                   "image/heic")}},
                       **error_responses("invalid_signature", "url_expired", "photo_not_found",
                                         "photo_file_missing")})
def photo_file(photo_id: DbId,
               variant: Annotated[Variant, Path(description="`original` (as uploaded), `web` "
                                                "(≤ 1600 px, watermarked) or `thumb` (≤ 320 px)")],
               session: SessionDep, settings: SettingsDep,
               exp: int = Query(ge=0, le=2**40, description="expiry (Unix seconds), from the URL"),
               sig: str = Query(max_length=100, description="the URL's signature")) -> Response:
    """The bytes of a photo variant, by signed URL (no bearer token: for ``<img>``)."""
    refused = signing.check(settings.secret, photo_id, variant, exp, sig)
    if refused:
        raise SignatureRefused(code=refused)
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFound("照片不存在", code="photo_not_found")
    key = service.object_key(photo, variant)
    try:
        chunks = service.get_storage(settings).iter_bytes(key)
    except ObjectMissing as exc:
        raise NotFound("照片文件缺失", code="photo_file_missing") from exc
    is_original = variant == "original"
    media_type = photo.content_type if is_original else "image/jpeg"
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
                 "image/heic": "heic"}[media_type]
    disposition = "attachment" if is_original else "inline"
    return StreamingResponse(chunks, media_type=media_type, headers={
        "Content-Disposition": f'{disposition}; filename="photo-{photo.id}-{variant}.{extension}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=31536000, immutable",
        "ETag": f'"{photo.sha256[:16]}-{photo.storage_key[:8]}-{variant}"',
    })
