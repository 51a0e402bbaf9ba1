from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, TimestampMixin


class CampaignKind(StrEnum):
    special = "special"  # 专项检查
    holiday = "holiday"  # 节假日检查


class CampaignStatus(StrEnum):
    dispatched = "dispatched"
    cancelled = "cancelled"


class ReceiptStatus(StrEnum):
    pending = "pending"
    submitted = "submitted"


class Campaign(TimestampMixin, Base):
    """A check 质监办 dispatches to centers: its tasks are ``patrol_tasks`` rows naming it, its
    回执 slots are :class:`CampaignCenter` rows; both are written with it, in one transaction."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      Index("ix_campaigns_group_created", "group_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    client_id: Mapped[str | None] = mapped_column(String(36))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CampaignKind]
    module_ids: Mapped[list[int]] = mapped_column(JSON)
    site_kinds: Mapped[list[str] | None] = mapped_column(JSON)  # None: the modules' kinds
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    receipt_due_on: Mapped[date]
    notes: Mapped[str | None] = mapped_column(String(4000))
    status: Mapped[CampaignStatus] = mapped_column(default=CampaignStatus.dispatched)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dispatched_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(1000))
    # the notice document (通知文件): bytes in the photos' storage under ``attachment_key``
    attachment_key: Mapped[str | None] = mapped_column(String(80))
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_bytes: Mapped[int | None]
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)


class CampaignCenter(TimestampMixin, Base):
    """A target center of a campaign and its 回执 (receipt): pending until its manager submits
    it; a correction needs the receipt's version (``If-Match``)."""

    __tablename__ = "campaign_centers"
    __table_args__ = (UniqueConstraint("campaign_id", "center_id"),
                      Index("ix_campaign_centers_center", "center_id", "campaign_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    status: Mapped[ReceiptStatus] = mapped_column(default=ReceiptStatus.pending)
    done: Mapped[bool | None]
    findings_count: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(String(2000))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]  # the first submission: lateness is judged on it
    corrected_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)


class ExternalInspection(TimestampMixin, Base):
    """上级检查: a school's or an authority's check, recorded by 质监办; its findings are
    hazards with source ``external`` (:class:`ExternalFinding` links them)."""

    __tablename__ = "external_inspections"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      Index("ix_external_inspections_group", "group_id", "inspected_on", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    client_id: Mapped[str | None] = mapped_column(String(36))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    inspecting_body: Mapped[str] = mapped_column(String(200))  # 检查单位
    inspected_on: Mapped[date]
    site_ids: Mapped[list[int]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(String(4000))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ExternalInspectionCenter(Base):
    """A center an external inspection concerns (named, or owning a named site or a finding):
    what a center's users are scoped by."""

    __tablename__ = "external_inspection_centers"
    __table_args__ = (UniqueConstraint("external_inspection_id", "center_id"),
                      Index("ix_external_inspection_centers_center", "center_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    external_inspection_id: Mapped[int] = mapped_column(
        ForeignKey("external_inspections.id", ondelete="CASCADE"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))


class ExternalFinding(Base):
    """A hazard found by an external inspection (each hazard in at most one)."""

    __tablename__ = "external_findings"
    __table_args__ = (UniqueConstraint("hazard_id"),
                      Index("ix_external_findings_inspection", "external_inspection_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    external_inspection_id: Mapped[int] = mapped_column(
        ForeignKey("external_inspections.id", ondelete="CASCADE"))
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id", ondelete="CASCADE"))
