from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column

from backend.clock import utcnow
from backend.db import Base, TimestampMixin
from backend.hazards.workflow import Status
from backend.vocab import Category, Grade, HazardSource

FAR_FUTURE = date(9999, 12, 31)


class Hazard(TimestampMixin, Base):
    """A hazard (隐患) and its rectification. ``created_at`` is the server's receipt time;
    ``captured_at`` is what the phone claims. Photos: photo_links with owner_type "hazard"
    (before) and "hazard_event" (the after-photos of a submit event)."""

    __tablename__ = "hazards"
    __table_args__ = (
        UniqueConstraint("reporter_id", "client_id"),
        # one hazard per failed item of an inspection, however many submits race
        UniqueConstraint("inspection_id", "item_id"),
        Index("ix_hazards_center_created", "center_id", "created_at", "id"),
        Index("ix_hazards_center_status_created", "center_id", "status", "created_at", "id"),
        Index("ix_hazards_created", "created_at", "id"),
        Index("ix_hazards_status_deadline", "status", "deadline"),
        # the control room's GROUP BYs (backend/stats), each answered by its index alone
        Index("ix_hazards_open", "status", "center_id", "category", "grade", "deadline"),
        Index("ix_hazards_center_created_outcome", "center_id", "created_at", "status",
              "closed_late", "closed_at"),
        Index("ix_hazards_center_closed", "center_id", "closed_at"),
        # ?sort=updated and ?updated_since (the changes feed), group-wide and per center
        Index("ix_hazards_updated", "updated_at", "id"),
        Index("ix_hazards_center_updated", "center_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(36))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    category: Mapped[Category]
    grade: Mapped[Grade]
    source: Mapped[HazardSource]
    status: Mapped[Status] = mapped_column(default=Status.reported)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("module_items.id"))
    # the plan (五定; 六定 adds the re-checker)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    measures: Mapped[str | None] = mapped_column(String(2000))
    cost_estimate: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))  # 万元
    deadline: Mapped[date | None] = mapped_column(Date)
    interim_measures: Mapped[str | None] = mapped_column(String(2000))
    rechecker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # a major hazard's 治理方案 (workflow.GOVERNANCE_PLAN_FIELDS -> text)
    governance_plan: Mapped[dict[str, str] | None] = mapped_column(JSON)
    restricted_use: Mapped[bool] = mapped_column(default=False)  # 停用/封控 while it is live
    # 挂牌督办 by 质监办 (major_rules.supervision); SQL NULL until then, for ?can=supervise
    supervision: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    extension_deadline: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(String(1000))
    rectification: Mapped[str | None] = mapped_column(String(2000))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_late: Mapped[bool] = mapped_column(default=False)
    fixed_on_spot: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(String(1000))
    captured_at: Mapped[datetime | None]
    # bumped by every status write (backend/statewrite.py), the ETag clients send as If-Match
    version: Mapped[int] = mapped_column(default=1)

    # sort key for "by deadline": hazards without a deadline come last
    deadline_sort: Mapped[date] = column_property(func.coalesce(deadline, FAR_FUTURE))


class HazardEvent(Base):
    """One entry of a hazard's timeline: who did what, when, and what changed."""

    __tablename__ = "hazard_events"
    __table_args__ = (UniqueConstraint("hazard_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id", ondelete="CASCADE"),
                                           index=True)
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_status: Mapped[Status | None]
    to_status: Mapped[Status | None]
    comment: Mapped[str | None] = mapped_column(String(2000))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SupervisionOrder(Base):
    """A 督办单 number taken in a group: its unique key makes the number unique within the
    group, also between concurrent 挂牌督办 (the hazard's ``supervision`` keeps the record)."""

    __tablename__ = "supervision_orders"
    __table_args__ = (UniqueConstraint("group_id", "order_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    order_no: Mapped[str] = mapped_column(String(200))
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id", ondelete="CASCADE"),
                                           unique=True)
