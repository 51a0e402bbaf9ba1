from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, TimestampMixin


class InspectionKind(StrEnum):
    routine = "routine"  # 日常巡查
    special = "special"  # 专项检查
    holiday = "holiday"  # 节假日检查
    supervision = "supervision"  # 督查 (质监办)
    external = "external"  # 上级检查 (recorded results)


class InspectionStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"


class CheckinMethod(StrEnum):
    qr = "qr"
    list = "list"


class AnswerResult(StrEnum):
    passed = "pass"
    failed = "fail"
    na = "na"


class Inspection(TimestampMixin, Base):
    """One run of one module version at one site (检查 / 巡查)."""

    __tablename__ = "inspections"
    __table_args__ = (
        UniqueConstraint("inspector_id", "client_id"),
        Index("ix_inspections_center_created", "center_id", "created_at", "id"),
        # ?sort=updated and ?updated_since (the changes feed), group-wide and per center
        Index("ix_inspections_updated", "updated_at", "id"),
        Index("ix_inspections_center_updated", "center_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(36))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("patrol_modules.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"))
    kind: Mapped[InspectionKind]
    status: Mapped[InspectionStatus] = mapped_column(default=InspectionStatus.draft)
    note: Mapped[str | None] = mapped_column(String(1000))
    checkin_method: Mapped[CheckinMethod | None]
    gps_lat: Mapped[float | None]
    gps_lon: Mapped[float | None]
    started_at: Mapped[datetime | None]  # the phone's claim
    submitted_at: Mapped[datetime | None]  # the server's clock
    # bumped by every write (backend/statewrite.py), the ETag clients send as If-Match
    version: Mapped[int] = mapped_column(default=1)

    answers: Mapped[list["InspectionAnswer"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="InspectionAnswer.item_id")


class InspectionAnswer(Base):
    __tablename__ = "inspection_answers"
    __table_args__ = (UniqueConstraint("inspection_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("module_items.id"))
    result: Mapped[AnswerResult | None]
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    text: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(String(1000))
    fixed_on_spot: Mapped[bool] = mapped_column(default=False)
    # photos: photo_links with owner_type "inspection_answer" (the finding) and
    # "inspection_answer_after" (an on-the-spot fix)
