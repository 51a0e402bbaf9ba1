from datetime import date, datetime, time
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from backend.inspections.models import InspectionKind
from backend.plans.models import Frequency, TaskState
from backend.plans.templates import TemplateKey
from backend.schemas_base import Omittable, Strict
from backend.types import Day, DbId
from backend.vocab import SiteKind


def _wall_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a wall time of Asia/Shanghai, without a zone (e.g. 08:00)")
    return value


def _clock_text(value: object) -> object:
    return value.strftime("%H:%M:%S") if isinstance(value, time) else value


# a wall time, not an RFC 3339 ``time`` (that one carries a zone offset)
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
WallTime = Annotated[time, AfterValidator(_wall_time), WithJsonSchema(
    {"type": "string", "pattern": _CLOCK, "examples": ["08:00"],
     "description": "Asia/Shanghai wall time, HH:MM[:SS]"})]
ClockText = Annotated[str, BeforeValidator(_clock_text), Field(
    pattern=_CLOCK, description="Asia/Shanghai wall time, HH:MM:SS")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Weekdays = Annotated[list[Annotated[int, Field(ge=1, le=7)]], Field(
    min_length=1, max_length=7, description="ISO weekdays: 1 = Monday ... 7 = Sunday")]
MonthDay = Annotated[int, Field(ge=1, le=31, description="past the month's end: its last day")]
IntervalDays = Annotated[int, Field(ge=1, le=366, description="every N days from `starts_on`")]
Dates = Annotated[list[Day], Field(min_length=1, max_length=366)]
InspectorIds = Annotated[list[DbId], Field(
    min_length=1, max_length=50, description="responsible inspectors: active users of the center")]


class PlanIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "后厨日管控", "site_id": 12, "module_id": 7, "frequency": "daily",
        "window_start": "08:00", "window_end": "11:00", "inspector_ids": [5]}]})

    name: Name
    center_id: DbId | None = Field(default=None, description="default: the caller's center")
    site_id: DbId | None = Field(default=None, description="one site, or else `site_kind`")
    site_kind: SiteKind | None = Field(
        default=None, description="every active site of this kind in the plan's center")
    module_id: DbId
    kind: InspectionKind = InspectionKind.routine
    frequency: Frequency
    weekdays: Weekdays | None = None
    month_day: MonthDay | None = None
    interval_days: IntervalDays | None = None
    dates: Dates | None = None
    starts_on: Day | None = Field(default=None, description="default: today")
    ends_on: Day | None = None
    window_start: WallTime = time(0)
    window_end: WallTime | None = Field(default=None, description="default: the end of the day")
    inspector_ids: InspectorIds
    is_active: bool = True


class PlanPatchIn(Strict):
    """Fields to change; an omitted field keeps its value. Tasks already written keep theirs."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "window_start": "07:30", "window_end": "10:30", "inspector_ids": [5, 6]}]})

    name: Omittable[Name] = None
    site_id: DbId | None = None
    site_kind: SiteKind | None = None
    module_id: Omittable[DbId] = None
    kind: Omittable[InspectionKind] = None
    frequency: Omittable[Frequency] = None
    weekdays: Weekdays | None = None
    month_day: MonthDay | None = None
    interval_days: IntervalDays | None = None
    dates: Dates | None = None
    starts_on: Omittable[Day] = None
    ends_on: Day | None = None
    window_start: Omittable[WallTime] = None
    window_end: WallTime | None = None
    inspector_ids: Omittable[InspectorIds] = None
    is_active: Omittable[bool] = None


class FromTemplateIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "template": "food-daily", "inspector_ids": [5], "starts_on": "2026-03-01"}]})

    template: TemplateKey
    center_id: DbId | None = Field(default=None, description="default: the caller's center")
    inspector_ids: InspectorIds
    starts_on: Day | None = Field(default=None, description="default: today")
    ends_on: Day | None = None
    dates: Dates | None = Field(default=None, description="the dates of a holiday template")


class PlanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    center_id: int
    site_id: int | None
    site_kind: SiteKind | None
    module_id: int
    kind: InspectionKind
    frequency: Frequency
    weekdays: list[int] | None
    month_day: int | None
    interval_days: int | None
    dates: list[date] | None
    starts_on: date
    ends_on: date | None
    window_start: ClockText
    window_end: ClockText | None
    inspector_ids: list[int]
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class TemplateOut(BaseModel):
    key: TemplateKey
    name: str
    kind: InspectionKind
    frequency: Frequency
    plans: list[str] = Field(description="the plans it creates: module code @ site kind")


class TaskOut(BaseModel):
    id: int | None = Field(description="null for a future task not yet written")
    plan_id: int | None = Field(description="null for a campaign's task")
    plan_name: str | None
    campaign_id: int | None = Field(default=None,
                                    description="the campaign (专项/节假日检查) it belongs to")
    campaign_title: str | None = None
    site_id: int
    site_name: str
    center_id: int
    module_id: int
    kind: InspectionKind
    due_on: date
    window_start_at: datetime
    window_end_at: datetime
    assignee_ids: list[int]
    state: TaskState = Field(description="due, done, missed (漏检), or cancelled (its campaign "
                             "was cancelled while it was due)")
    inspection_id: int | None
    done_at: datetime | None


class CoverageCounts(BaseModel):
    tasks: int = Field(description="tasks that fell due in the period")
    done: int
    missed: int = Field(description="漏检: the window ended without a submitted inspection")
    open: int = Field(description="still due (their window has not ended)")
    cancelled: int = Field(description="their campaign was cancelled")
    done_rate: float | None = Field(description="done / (done + missed); null when neither")


class SiteCoverageOut(CoverageCounts):
    site_id: int
    site_name: str
    center_id: int
    center_name: str


class InspectorCoverageOut(CoverageCounts):
    inspector_id: int | None = Field(description="null: tasks that named no inspector")
    inspector_name: str | None
    center_id: int
    center_name: str
