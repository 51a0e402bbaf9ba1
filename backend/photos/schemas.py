from datetime import datetime

from pydantic import BaseModel


class GPS(BaseModel):
    lat: float
    lon: float


class PhotoUrls(BaseModel):
    """Signed, short-lived URLs usable in ``<img src>`` without a bearer token."""

    original: str
    web: str
    thumb: str


class PhotoOut(BaseModel):
    id: int
    client_id: str | None
    sha256: str
    width: int
    height: int
    content_type: str
    bytes: int
    taken_at: datetime | None
    received_at: datetime
    gps: GPS | None
    site_id: int | None
    uploader_id: int
    urls: PhotoUrls
