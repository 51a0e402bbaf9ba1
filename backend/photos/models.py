from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.db import Base


class Photo(Base):
    """One uploaded photo. The original bytes are evidence: stored untouched, addressed by
    SHA-256 (identical bytes are stored once). ``received_at`` is the server's clock;
    ``taken_at`` is what the camera's EXIF claims and may be wrong or faked."""

    __tablename__ = "photos"
    __table_args__ = (UniqueConstraint("uploader_id", "sha256"),
                      UniqueConstraint("uploader_id", "client_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(40), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    bytes: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    taken_at: Mapped[datetime | None]
    # "exif": read from the file; "client": sent by the phone, whose resizing drops EXIF
    taken_at_source: Mapped[str | None] = mapped_column(String(8))
    gps_lat: Mapped[float | None]
    gps_lon: Mapped[float | None]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    filename: Mapped[str | None] = mapped_column(String(200))
    # a marked-up copy (arrows, circles, text) points at the untouched original it was drawn on
    markup_of_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PhotoLink(Base):
    """A photo used as evidence by an object (an inspection answer, a hazard, a rectification).
    Who may see the object may see the photo."""

    __tablename__ = "photo_links"
    __table_args__ = (Index("ix_photo_links_owner", "owner_type", "owner_id"),)

    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"),
                                          primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)  # order of the photos of one owner
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
