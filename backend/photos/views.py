"""Photos as the API shows them (shared by every domain that has photos)."""

from typing import Any

from backend.config import Settings
from backend.photos import signing
from backend.photos.schemas import PhotoOut
from backend.photos.service import VARIANTS


def photo_fields(photo: Any, settings: Settings, expires: int) -> dict[str, Any]:
    """``PhotoOut``'s fields in its order, of a photo entity or a row of its columns, with
    signed URLs expiring at ``expires``: relative, or under the configured ``public_url``;
    never built from a request's Host header (a forged one would send the phone's images
    elsewhere)."""
    base = (settings.public_url or "").rstrip("/")
    return {
        "id": photo.id, "client_id": photo.client_id, "sha256": photo.sha256,
        "width": photo.width, "height": photo.height, "content_type": photo.content_type,
        "bytes": photo.bytes, "taken_at": photo.taken_at,
        "taken_at_source": photo.taken_at_source, "received_at": photo.received_at,
        "gps": {"lat": photo.gps_lat, "lon": photo.gps_lon}
        if photo.gps_lat is not None and photo.gps_lon is not None else None,
        "site_id": photo.site_id, "uploader_id": photo.uploader_id,
        "markup_of_id": photo.markup_of_id,
        "urls": {v: base + signing.signed_path(settings.secret, photo.id, v, expires)
                 for v in VARIANTS},
    }


def photo_out(photo: Any, settings: Settings) -> PhotoOut:
    """A photo as the API shows it, with fresh signed URLs."""
    return PhotoOut(**photo_fields(photo, settings,
                                   signing.expiry(settings.photo_url_ttl_seconds)))
