"""Photo evidence: ingest, deduplication and access."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.service import record, snapshot
from backend.clock import utcnow
from backend.config import Settings
from backend.errors import NotFound, Unprocessable
from backend.idempotency import IdempotencyMismatch, canonical, create_once
from backend.org.service import get_readable_site
from backend.photos import originals
from backend.photos.models import Photo, PhotoLink
from backend.photos.originals import original_key
from backend.photos.pool import DecodePool, get_pool
from backend.photos.processing import Processed, Watermark
from backend.photos.storage import LocalStorage, S3Storage, Storage
from backend.photos.tempdirs import own_dir
from backend.types import Timestamp

VARIANTS = ("original", "web", "thumb")
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)

TIMESTAMP = TypeAdapter(Timestamp)
TIMESTAMP_RULES = ("timezone_required", "year_out_of_range")  # explained in Chinese by types.py

# owner_type -> "may this user read the owner with this id?"; each domain that links photos
# (inspections, hazards) registers its check, so photo access follows the owner's access
LinkCheck = Callable[[Session, User, list[int]], bool]
LINK_ACCESS: dict[str, LinkCheck] = {}


def register_link_access(owner_type: str, check: LinkCheck) -> None:
    LINK_ACCESS[owner_type] = check


@lru_cache
def _s3(bucket: str, endpoint: str | None, region: str | None, access: str | None,
        secret: str | None, prefix: str) -> S3Storage:
    return S3Storage(bucket, endpoint_url=endpoint, region=region, access_key=access,
                     secret_key=secret, prefix=prefix)


def get_storage(settings: Settings) -> Storage:
    if settings.photo_storage == "s3":
        if not settings.s3_bucket:
            raise RuntimeError("ANXUN_S3_BUCKET is required when ANXUN_PHOTO_STORAGE=s3")
        return _s3(settings.s3_bucket, settings.s3_endpoint_url, settings.s3_region,
                   settings.s3_access_key, settings.s3_secret_key, settings.s3_prefix)
    return LocalStorage(settings.data_dir / "photos")


def decode_pool(settings: Settings) -> DecodePool:
    return get_pool(settings.photo_workers, settings.photo_queue, settings.photo_worker_memory_mb,
                    settings.photo_decode_timeout_seconds)


def temp_root(settings: Settings) -> Path:
    return settings.data_dir / "tmp"


def upload_dir(settings: Settings) -> Path:
    """Where this process writes its temporary files (its own, locked: tempdirs.py)."""
    return own_dir(temp_root(settings))


@lru_cache
def find_cjk_font(configured: Path | None) -> str | None:
    if configured is not None:
        return str(configured) if configured.is_file() else None
    return next((path for path in CJK_FONTS if Path(path).is_file()), None)


def derived_key(photo: Photo, variant: str) -> str:
    return f"derived/{photo.storage_key}/{variant}.jpg"


def object_key(photo: Photo, variant: str) -> str:
    return original_key(photo.sha256) if variant == "original" else derived_key(photo, variant)


@dataclass(frozen=True)
class UploadFields:
    client_id: str | None
    site_id: int | None
    taken_at: datetime | None = None  # the phone's reading of EXIF before it resized the photo
    markup_of_id: int | None = None  # the original this marked-up copy was drawn on


def parse_fields(fields: dict[str, str]) -> UploadFields:
    client_id = fields.get("client_id") or None
    if client_id is not None:
        try:
            client_id = canonical(client_id)  # any spelling: one canonical form
        except ValueError as exc:
            raise Unprocessable("client_id 必须是 UUID", details={"field": "client_id"}) from exc
    taken_at = _parse_taken_at(fields["taken_at"]) if fields.get("taken_at") else None
    return UploadFields(client_id=client_id, site_id=_parse_id(fields, "site_id"),
                        taken_at=taken_at, markup_of_id=_parse_id(fields, "markup_of"))


def _parse_id(fields: dict[str, str], name: str) -> int | None:
    text = fields.get(name) or None
    if text is None:
        return None
    if not (text.isdigit() and 0 < int(text) < 2**31):
        raise Unprocessable(f"{name} 无效", details={"field": name})
    return int(text)


def _parse_taken_at(text: str) -> datetime | None:
    """The API's rule for timestamps (backend.types): a time zone is required (422). A year
    outside 2000..2100 is a camera whose clock was reset, not a bad request: the photo is
    still evidence, so it is kept without a capture time, as with such an EXIF date (a 422
    would leave it in the phone's queue for ever)."""
    try:
        return TIMESTAMP.validate_python(text).astimezone(UTC)
    except ValidationError as exc:
        error = exc.errors()[0]
        if error["type"] == "year_out_of_range":
            return None
        reason = error["msg"] if error["type"] in TIMESTAMP_RULES else "必须是 ISO 8601 时间"
        raise Unprocessable(f"taken_at 无效：{reason}", details={"field": "taken_at"}) from exc


def find_existing(session: Session, user: User, fields: UploadFields, sha256: str) -> Photo | None:
    """The photo a retry (same client_id) or a re-upload (same bytes) refers to."""
    if fields.client_id:
        photo = photo_of_client(session, user, fields.client_id)
        if photo is not None:
            return same_bytes(photo, sha256)
    return session.scalar(select(Photo).where(Photo.uploader_id == user.id,
                                              Photo.sha256 == sha256))


def photo_of_client(session: Session, user: User, client_id: str) -> Photo | None:
    """``user``'s photo uploaded with ``client_id``, if any."""
    return session.scalar(select(Photo).where(Photo.uploader_id == user.id,
                                              Photo.client_id == client_id))


def same_bytes(photo: Photo, sha256: str) -> Photo:
    """``photo``, retried with these bytes: 422 ``idempotency_mismatch`` if they differ."""
    if photo.sha256 != sha256:
        raise IdempotencyMismatch(details={"client_id": photo.client_id, "photo_id": photo.id})
    return photo


def watermark_for(settings: Settings, user: User, site_name: str | None,
                  fields: UploadFields) -> Watermark | None:
    if not settings.photo_watermark:
        return None
    return Watermark(lines=(f"{site_name or '随手拍'} · {user.display_name}",),
                     font_path=find_cjk_font(settings.watermark_font), uploaded_at=utcnow(),
                     phone_taken_at=fields.taken_at)


@dataclass(frozen=True)
class Stored:
    """What :func:`store` stored, for :func:`save_photo`."""

    storage: Storage
    source: Path  # the upload's file: the original, stored again if photos-gc deleted it since
    key: str  # the photo's storage key (its derivatives')


def store(storage: Storage, processed: Processed, source: Path, storage_key: str) -> Stored:
    # written even when the same bytes are stored (under the same key: still once): the write
    # makes it young, so the sweep of objects no row names (housekeeping.py) passes it by; what
    # guarantees the file to the row is save_photo's originals.keep
    storage.put_file(original_key(processed.sha256), source, processed.content_type)
    for variant, path in (("web", processed.web_path), ("thumb", processed.thumb_path)):
        storage.put_file(f"derived/{storage_key}/{variant}.jpg", Path(path), "image/jpeg")
    return Stored(storage, source, storage_key)


def cleanup(processed: Processed | None) -> None:
    if processed is not None:
        for path in (processed.web_path, processed.thumb_path):
            Path(path).unlink(missing_ok=True)


AUDITED_FIELDS = ("sha256", "content_type", "bytes", "width", "height", "taken_at", "site_id",
                  "client_id", "markup_of_id")


def save_photo(session: Session, user: User, fields: UploadFields, processed: Processed,
               stored: Stored, filename: str | None) -> tuple[Photo, bool]:
    """Insert the row (in a write transaction); a concurrent identical upload that won the
    race is returned instead."""
    originals.keep(session, stored.storage, processed.sha256, stored.source,
                   processed.content_type)
    taken_at, source = processed.taken_at, "exif"
    if taken_at is None:
        taken_at, source = fields.taken_at, "client"
    photo = Photo(uploader_id=user.id, client_id=fields.client_id, sha256=processed.sha256,
                  storage_key=stored.key, content_type=processed.content_type,
                  bytes=processed.bytes, width=processed.width, height=processed.height,
                  taken_at=taken_at, taken_at_source=source if taken_at else None,
                  gps_lat=processed.gps_lat,
                  gps_lon=processed.gps_lon, site_id=fields.site_id, filename=filename,
                  markup_of_id=fields.markup_of_id, received_at=utcnow())

    def create() -> Photo:
        session.add(photo)
        session.flush()
        record(session, actor=user, action="photo.upload", object_type="photo",
               object_id=photo.id, summary={"after": snapshot(photo, AUDITED_FIELDS)})
        return photo

    return create_once(session, lambda: find_existing(session, user, fields, processed.sha256),
                       create, lambda first: first.sha256 == processed.sha256)


def can_read(session: Session, user: User, photo: Photo) -> bool:
    if photo.uploader_id == user.id:
        return True
    links = session.execute(
        select(PhotoLink.owner_type, PhotoLink.owner_id).where(PhotoLink.photo_id == photo.id)
    ).all()
    by_type: dict[str, list[int]] = {}
    for owner_type, owner_id in links:
        by_type.setdefault(owner_type, []).append(owner_id)
    return any(owner_type in LINK_ACCESS and LINK_ACCESS[owner_type](session, user, ids)
               for owner_type, ids in by_type.items())


def get_readable_photo(session: Session, user: User, photo_id: int) -> Photo:
    photo = session.get(Photo, photo_id)
    if photo is None or not can_read(session, user, photo):
        raise NotFound("照片不存在", code="photo_not_found", details={"photo_id": photo_id})
    return photo


def check_site(session: Session, user: User, site_id: int | None) -> str | None:
    if site_id is None:
        return None
    return get_readable_site(session, user, site_id).name


class InvalidPhoto(Unprocessable):
    code = "invalid_photo"
    message = "照片不存在或无权使用"


def check_markup_original(session: Session, user: User, photo_id: int | None) -> None:
    """A marked-up copy is drawn by its uploader on an original of their own."""
    if photo_id is None:
        return
    original = session.get(Photo, photo_id)
    if original is None or original.uploader_id != user.id:
        raise InvalidPhoto(details={"field": "markup_of", "photo_ids": [photo_id]})


def link_photos(session: Session, user: User, photo_ids: list[int], owner_type: str,
                owner_id: int) -> list[Photo]:
    """Attach photos (the user's own uploads, or photos they may see) to an owner, in order."""
    unique_ids = list(dict.fromkeys(photo_ids))
    photos = {p.id: p for p in session.scalars(select(Photo).where(Photo.id.in_(unique_ids)))}
    bad = [pid for pid in unique_ids
           if pid not in photos or not can_read(session, user, photos[pid])]
    if bad:
        raise InvalidPhoto(details={"photo_ids": bad})
    session.add_all(PhotoLink(photo_id=pid, owner_type=owner_type, owner_id=owner_id,
                              position=position) for position, pid in enumerate(unique_ids))
    session.flush()
    return [photos[pid] for pid in unique_ids]


def unlink_photos(session: Session, owner_type: str, owner_id: int) -> None:
    session.execute(delete(PhotoLink).where(PhotoLink.owner_type == owner_type,
                                            PhotoLink.owner_id == owner_id))


def photos_by_owner(session: Session, owner_type: str,
                    owner_ids: list[int]) -> dict[int, list[Photo]]:
    """The photos of many owners in one query, in their order."""
    result: dict[int, list[Photo]] = {owner_id: [] for owner_id in owner_ids}
    if not owner_ids:
        return result
    rows = session.execute(
        select(PhotoLink.owner_id, Photo).join(Photo, Photo.id == PhotoLink.photo_id)
        .where(PhotoLink.owner_type == owner_type, PhotoLink.owner_id.in_(owner_ids))
        .order_by(PhotoLink.owner_id, PhotoLink.position)
    )
    for owner_id, photo in rows:
        result[owner_id].append(photo)
    return result
