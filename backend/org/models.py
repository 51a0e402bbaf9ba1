from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, TimestampMixin
from backend.vocab import CenterKind, SiteKind


class Group(TimestampMixin, Base):
    """The tenant (后勤集团). One deployment serves one group today; rows carry group_id so
    that several groups can share one database later."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Center(TimestampMixin, Base):
    __tablename__ = "centers"
    __table_args__ = (UniqueConstraint("group_id", "code"), UniqueConstraint("group_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[CenterKind]
    is_active: Mapped[bool] = mapped_column(default=True)


class Campus(TimestampMixin, Base):
    __tablename__ = "campuses"
    __table_args__ = (UniqueConstraint("group_id", "code"), UniqueConstraint("group_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(default=True)


class Site(TimestampMixin, Base):
    """A patrol location. ``code`` is stable and printed in the site's QR code."""

    __tablename__ = "sites"
    # the patrol day's stamp (backend/plans/days.py, migration 0018)
    __table_args__ = (Index("ix_sites_updated_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SiteKind]
    location: Mapped[str | None] = mapped_column(String(300))
    # attributes that change a limit: railings, roofs (large-span roofs are checked for snow load)
    building_height_m: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    large_span_roof: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
