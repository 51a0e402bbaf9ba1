from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, TimestampMixin
from backend.inspections.models import InspectionKind
from backend.vocab import SiteKind


class Frequency(StrEnum):
    daily = "daily"
    weekly = "weekly"  # on ``weekdays`` (ISO: 1 = Monday)
    monthly = "monthly"  # on ``month_day``; past the month's end: its last day
    every_n_days = "every_n_days"  # every ``interval_days`` from ``starts_on``
    dates = "dates"  # on each of ``dates``


class TaskState(StrEnum):
    due = "due"
    done = "done"
    missed = "missed"  # 漏检: the window ended without a submitted inspection
    cancelled = "cancelled"  # its campaign was cancelled while it was due


class PatrolPlan(TimestampMixin, Base):
    """巡检计划: a module to run at one site, or at every active site of a kind in the plan's
    center, on a recurrence, by the named inspectors, inside a window of each day."""

    __tablename__ = "patrol_plans"
    # a day's stamp (backend/plans/days.py); the sites' is ix_sites_updated_at (migration 0018)
    __table_args__ = (Index("ix_patrol_plans_updated_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    site_kind: Mapped[SiteKind | None]
    module_id: Mapped[int] = mapped_column(ForeignKey("patrol_modules.id"))
    kind: Mapped[InspectionKind] = mapped_column(default=InspectionKind.routine)
    frequency: Mapped[Frequency]
    weekdays: Mapped[list[int] | None] = mapped_column(JSON)
    month_day: Mapped[int | None]
    interval_days: Mapped[int | None]
    dates: Mapped[list[str] | None] = mapped_column(JSON)  # ISO dates
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    window_start: Mapped[time]  # Asia/Shanghai wall time
    window_end: Mapped[time | None]  # None: the end of the day (24:00)
    inspector_ids: Mapped[list[int]] = mapped_column(JSON)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)


class PatrolTask(TimestampMixin, Base):
    """One occurrence of a plan at one site on one date, written when its day comes; it keeps
    the plan's module, window and inspectors of that moment, so plan edits leave it as it was.
    A campaign's task (``campaign_id``, no plan) is written when the campaign is dispatched,
    one per site and module; its window is the campaign's, over several days."""

    __tablename__ = "patrol_tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "site_id", "due_on"),
        UniqueConstraint("campaign_id", "site_id", "module_id"),
        Index("ix_patrol_tasks_due_on_center", "due_on", "center_id"),
        Index("ix_patrol_tasks_open_at_site", "site_id", "module_id", "state"),
        Index("ix_patrol_tasks_state_window_end", "state", "window_end_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_plans.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("patrol_modules.id"))
    kind: Mapped[InspectionKind]
    due_on: Mapped[date]
    window_start_at: Mapped[datetime]
    window_end_at: Mapped[datetime]
    assignee_ids: Mapped[list[int]] = mapped_column(JSON)
    state: Mapped[TaskState] = mapped_column(default=TaskState.due)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    done_at: Mapped[datetime | None]
    missed_at: Mapped[datetime | None]


class PatrolDay(Base):
    """A day whose tasks are all written: ``stamp`` sums up the plans and sites they were
    written from (:func:`backend.plans.days.stamp`), so a pass or a read sees at once whether a
    plan or site changed since; ``notified_stamp`` is the stamp the day's ``task_due``
    notifications were last sent for."""

    __tablename__ = "patrol_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(200))
    notified_stamp: Mapped[str | None] = mapped_column(String(200))
    written_at: Mapped[datetime]
