from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class GPS(BaseModel):
    lat: float
    lon: float


class PhotoUrls(BaseModel):
    """Signed, short-lived URLs usable in ``<img src>`` without a bearer token."""

    original: str
    web: str
    thumb: str


MARKUP_OF = ("a marked-up copy (arrows, circles, text): the id of the untouched original it was "
             "drawn on, which stays the evidence")


class PhotoOut(BaseModel):
    id: int
    client_id: str | None
    sha256: str
    width: int
    height: int
    content_type: str
    bytes: int
    taken_at: datetime | None
    taken_at_source: Literal["exif", "client"] | None = Field(
        description="exif: read from the file; client: sent by the phone (its resizing drops EXIF)")
    received_at: datetime
    gps: GPS | None
    site_id: int | None
    uploader_id: int
    markup_of_id: int | None = Field(description=MARKUP_OF)
    urls: PhotoUrls
