from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.db import Base


class Escalation(Base):
    """An overdue object reported up the ladder: level 1 to its center's managers, level 2 to
    质监办. Unique per object, level and deadline: written once however often the scheduler
    runs; a new deadline (an approved extension) that passes too escalates again."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "level", "due_on"),
        Index("ix_escalations_center_created", "center_id", "created_at", "id"),
        Index("ix_escalations_group_created", "group_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    level: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    days_overdue: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OverdueRecord(Base):
    """An object that became overdue (逾期): its deadline passed while it was open. Unique per
    object and deadline, like an escalation: the ``hazard.overdue`` event is emitted by
    whichever worker inserts the row first, once; an extended deadline that passes again is a
    new row and a new event."""

    __tablename__ = "overdue_records"
    __table_args__ = (UniqueConstraint("object_type", "object_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
