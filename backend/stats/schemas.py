"""The control room's figures as the API returns them (the wall screen's one request).

Two kinds of figure: **now** (open and overdue hazards, whatever the period) and **over the
period** ``starts_on``..``ends_on`` (Asia/Shanghai days, both included): the hazards reported
in it and what became of them, the patrol tasks due in it, the campaigns running in it."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from backend.campaigns.models import CampaignKind
from backend.hazards.workflow import Status
from backend.vocab import Category, Grade

RATE = "a share from 0 to 1 (4 decimals), null when its denominator is 0"


class Figures(BaseModel):
    """One center's figures, or the sum of the centers in scope."""

    open: int = Field(description="open hazards now (reported, assigned or submitted)")
    major_open: int = Field(description="open major hazards now (重大隐患)")
    overdue: int = Field(description="open hazards past their deadline now (逾期)")
    reported: int = Field(description="hazards reported in the period (cancelled included)")
    cancelled: int = Field(description="of those, cancelled")
    closed: int = Field(description="of those, closed by now (已闭环)")
    closed_on_time: int = Field(description="of the closed, closed by their deadline (or "
                                "without one: 当场整改)")
    closure_rate: float | None = Field(description="closed / (reported - cancelled): " + RATE)
    on_time_rate: float | None = Field(description="closed_on_time / closed: " + RATE)
    tasks_due: int = Field(description="patrol tasks due in the period (cancelled ones left "
                           "out): done + missed + pending")
    tasks_done: int = Field(description="of those, done")
    tasks_missed: int = Field(description="of those, missed (漏检)")
    tasks_pending: int = Field(description="of those, still within their window")
    completion_rate: float | None = Field(description="tasks_done / (tasks_done + "
                                          "tasks_missed): " + RATE)
    drills_this_year: int = Field(description="应急演练 held this calendar year up to today")
    trainings_this_year: int = Field(description="安全培训 held this calendar year up to today")


class CenterFigures(Figures):
    """A row of the league table."""

    center_id: int = Field(description="the center")
    name: str = Field(description="its name")


class OpenHazards(BaseModel):
    """Open hazards now, counted four ways (each sums to ``total``)."""

    total: int = Field(description="open hazards")
    by_status: dict[Status, int] = Field(description="reported, assigned, submitted")
    by_grade: dict[Grade, int] = Field(description="general, major")
    by_category: dict[Category, int] = Field(description="every category, zeros included")


class OldestOverdue(BaseModel):
    hazard_id: int = Field(description="the open hazard with the earliest passed deadline")
    title: str = Field(description="its title")
    center_id: int = Field(description="its center")
    site_id: int = Field(description="its site")
    grade: Grade = Field(description="general or major")
    deadline: date = Field(description="its deadline")
    days_overdue: int = Field(description="days since the deadline (today - deadline)")


class Overdue(BaseModel):
    count: int = Field(description="open hazards past their deadline")
    oldest: OldestOverdue | None = Field(description="the longest overdue; null when none")


class DaysToClose(BaseModel):
    """Days from report to close of the hazards reported in the period and closed by now, in
    hundredths of a day (14.4 minutes): nearest-rank percentiles (the smallest value with at
    least p% of them at or below it)."""

    closed: int = Field(description="how many hazards the figures are over")
    median: float | None = Field(description="days; null when none closed")
    p90: float | None = Field(description="days; null when none closed")


class Week(BaseModel):
    starts_on: date = Field(description="the week's Monday (the period's first week may "
                            "start before the period: only its days in the period count)")
    reported: int = Field(description="hazards reported in the week")
    closed: int = Field(description="hazards closed in the week (whenever reported)")


class CampaignReceipts(BaseModel):
    """A campaign running in the period and its 回执 (receipts) from the centers in scope."""

    campaign_id: int = Field(description="the campaign")
    title: str = Field(description="its title")
    kind: CampaignKind = Field(description="`special` 专项检查 or `holiday` 节假日检查")
    starts_on: date = Field(description="first day of its window")
    ends_on: date = Field(description="last day of its window")
    receipt_due_on: date = Field(description="回执截止日期")
    centers: int = Field(description="target centers in scope")
    submitted: int = Field(description="回执 submitted")
    submitted_late: int = Field(description="of those, submitted after the due day")
    pending: int = Field(description="回执 not submitted yet")
    pending_late: int = Field(description="of those, past the due day")


class OverviewOut(BaseModel):
    """The control room's figures for the centers in scope."""

    model_config = {"json_schema_extra": {"description": __doc__}}

    generated_at: datetime = Field(description="when the figures were read")
    today: date = Field(description="today in Asia/Shanghai: overdue means deadline < today")
    starts_on: date = Field(description="the period's first day")
    ends_on: date = Field(description="the period's last day")
    center_id: int | None = Field(description="the one center asked for; null: all in scope")
    totals: Figures = Field(description="the sums over the centers in scope")
    centers: list[CenterFigures] = Field(description="each center in scope (the league "
                                         "table), by id")
    open: OpenHazards = Field(description="open hazards now")
    overdue: Overdue = Field(description="overdue hazards now")
    days_to_close: DaysToClose = Field(description="of the period's hazards closed by now")
    weekly: list[Week] = Field(description="reported vs closed per week of the period, "
                               "oldest first, every week (zeros included)")
    campaigns: list[CampaignReceipts] = Field(description="dispatched campaigns whose window "
                                              "or 回执 due day falls in the period, latest "
                                              "due first")


class StreamEvent(BaseModel):
    """One domain event as ``data:`` of a Server-Sent Event (its ``id:`` is ``id``)."""

    id: int = Field(description="the event's sequence number: send it back as Last-Event-ID")
    event_id: str = Field(description="a stable public id (UUID)")
    type: str = Field(description="e.g. `hazard.reported`, `hazard.closed`, `task.missed`")
    at: datetime = Field(description="when the change was made")
    center_id: int | None = Field(description="the center concerned")
    object_type: str = Field(description="`hazard`, `patrol_task`, `campaign`, `inspection`...")
    object_id: int = Field(description="the object's id")
    actor_id: int | None = Field(description="who made the change; null for the system")
    data: dict[str, Any] = Field(description="what changed (per type)")


class EventsPage(BaseModel):
    """A page of the changes feed (GET /events)."""

    items: list[StreamEvent] = Field(description="the events, in sequence (commit) order")
    next: int = Field(description="persist it, after handling `items`, and send it as `after` "
                      "next time: every event up to it that you may read and asked for is in "
                      "this page or an earlier one")
    more: bool = Field(description="true: events after `next` are already committed, ask "
                       "again at once; false: you are up to date, ask again later")
