from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.campaigns.models import CampaignKind, CampaignStatus, ReceiptStatus
from backend.hazards.bodies import HazardCreateIn
from backend.hazards.workflow import Status
from backend.idempotency import ClientId
from backend.schemas_base import Strict
from backend.types import Day, DbId
from backend.vocab import Grade, HazardSource, SiteKind

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]


class CampaignIn(Strict):
    """A campaign to dispatch now: its tasks and 回执 slots are written with it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "元旦节前消防安全专项检查", "kind": "holiday", "module_ids": [3],
        "starts_on": "2026-12-28", "ends_on": "2026-12-30", "receipt_due_on": "2026-12-31",
        "notes": "重点检查灭火器、疏散通道"}]})

    client_id: ClientId | None = Field(
        default=None, description="a UUID per intended campaign: a retry returns the first")
    title: Title
    kind: CampaignKind = Field(description="`special` 专项检查 or `holiday` 节假日检查")
    module_ids: list[DbId] = Field(min_length=1, max_length=50,
                                   description="the checklists to run (active modules)")
    center_ids: list[DbId] | None = Field(
        default=None, max_length=100, description="target centers; omitted or empty: every "
        "active operating center of the group (not 质监办 itself)")
    site_kinds: list[SiteKind] | None = Field(
        default=None, max_length=30, description="only sites of these kinds; omitted: every "
        "kind the modules apply to")
    starts_on: Day = Field(description="first day of the window (Asia/Shanghai)")
    ends_on: Day = Field(description="last day of the window, ≥ starts_on")
    receipt_due_on: Day = Field(description="回执截止日期: the last day to submit, ≥ starts_on")
    notes: Notes | None = None


class CancelIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "检查计划调整"}]})

    reason: Reason


class ReceiptIn(Strict):
    """A center's 回执."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "done": True, "findings_count": 2, "note": "已完成全部点位检查，发现 2 处隐患已上报"}]})

    done: bool = Field(description="the center carried out the check")
    findings_count: int = Field(ge=0, le=100_000, description="hazards found")
    note: Note | None = None


class AttachmentOut(BaseModel):
    name: str | None
    content_type: str
    bytes: int
    sha256: str
    url: str = Field(description="GET it with the bearer token")


class ReceiptOut(BaseModel):
    center_id: int
    center_name: str
    status: ReceiptStatus
    done: bool | None
    findings_count: int | None
    note: str | None
    submitted_by_id: int | None
    submitted_at: datetime | None
    corrected_at: datetime | None
    late: bool = Field(description="submitted after receipt_due_on, or missing once it is over")
    version: int = Field(description="send as If-Match to correct a submitted receipt")


class CenterProgressOut(BaseModel):
    center_id: int
    center_name: str
    tasks_total: int
    tasks_done: int
    tasks_missed: int
    tasks_due: int
    tasks_cancelled: int
    receipt: ReceiptOut


class CampaignOut(BaseModel):
    id: int
    title: str
    kind: CampaignKind
    status: CampaignStatus
    module_ids: list[int]
    site_kinds: list[SiteKind] | None
    starts_on: date
    ends_on: date
    receipt_due_on: date
    notes: str | None
    attachment: AttachmentOut | None
    created_by_id: int
    dispatched_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    center_ids: list[int] = Field(description="the target centers the caller may see")
    version: int


class CampaignDetailOut(CampaignOut):
    centers: list[CenterProgressOut] = Field(
        description="per target center (a center's user: only their own)")
    late_center_ids: list[int] = Field(description="centers whose 回执 is late")


class FindingIn(HazardCreateIn):
    """A finding of the external inspection, reported as a hazard with source `external`
    (same rules as any report: an active site, at least one photo, a grade)."""

    source: Literal[HazardSource.external] = Field(
        default=HazardSource.external, description="always `external`")


class ExternalInspectionIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "inspecting_body": "市消防救援支队", "inspected_on": "2026-12-01",
        "center_ids": [2], "site_ids": [12], "notes": "年度消防检查",
        "findings": [{"title": "疏散指示灯不亮", "site_id": 12, "category": "fire",
                      "grade": "general", "photo_ids": [41]}]}]})

    client_id: ClientId | None = Field(
        default=None, description="a UUID per intended record: a retry returns the first")
    inspecting_body: Title = Field(description="检查单位")
    inspected_on: Day
    center_ids: list[DbId] = Field(default_factory=list, max_length=100,
                                   description="centers concerned")
    site_ids: list[DbId] = Field(default_factory=list, max_length=500,
                                 description="sites concerned")
    notes: Notes | None = None
    findings: list[FindingIn] = Field(default_factory=list, max_length=100)


class FindingsIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"findings": [{
        "title": "配电房灭火器过期", "site_id": 14, "category": "fire", "grade": "general",
        "photo_ids": [52]}]}]})

    findings: list[FindingIn] = Field(min_length=1, max_length=100)


class ExternalHazardOut(BaseModel):
    id: int
    title: str
    site_id: int
    center_id: int
    grade: Grade
    status: Status
    is_overdue: bool


class ExternalInspectionOut(BaseModel):
    id: int
    inspecting_body: str
    inspected_on: date
    center_ids: list[int]
    site_ids: list[int]
    notes: str | None
    created_by_id: int
    created_at: datetime
    findings_count: int = Field(description="hazards the caller may see")


class ExternalInspectionDetailOut(ExternalInspectionOut):
    hazards: list[ExternalHazardOut]
