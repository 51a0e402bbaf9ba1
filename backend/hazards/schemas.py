"""Hazards as the API returns them (request bodies are in ``bodies.py``)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from backend.hazards.bodies import UpwardChannel
from backend.hazards.workflow import PublicAction, Status
from backend.photos.schemas import PhotoOut
from backend.vocab import Category, Grade, HazardSource


class EventOut(BaseModel):
    seq: int
    action: str
    actor_id: int | None
    actor_name: str | None
    at: datetime
    from_status: Status | None
    to_status: Status | None
    comment: str | None
    changes: dict[str, Any]
    photos: list[PhotoOut]


class GovernancePlanOut(BaseModel):
    """A major hazard's 治理方案, as assigned."""

    objective: str = Field(description="目标任务")
    methods: str = Field(description="方法措施")
    funding: str = Field(description="经费物资")
    organization: str = Field(description="机构人员")
    time_limit: str = Field(description="时限要求")
    safety_measures: str = Field(description="安全措施")
    emergency_plan: str = Field(description="应急预案")


class SupervisionOut(BaseModel):
    """挂牌督办 by 质监办 (recorded once; lifted by the 销号)."""

    order_no: str = Field(description="督办单编号")
    supervisor: str = Field(description="督办人")
    supervisor_unit: str = Field(description="督办单位")
    supervised_on: date = Field(description="督办日期")
    requirements: str = Field(description="督办要求")
    deadline: date | None = Field(description="督办时限")
    recorded_by_id: int
    recorded_at: datetime


class UpwardReportOut(BaseModel):
    """One report of the hazard upward (上报), as recorded in the timeline."""

    seq: int = Field(description="its timeline entry")
    recipient: str = Field(description="报送对象")
    reported_at: datetime
    channel: UpwardChannel
    reference_no: str | None
    note: str | None
    recorded_by_id: int | None
    recorded_by_name: str | None
    recorded_at: datetime


class ClosureOut(BaseModel):
    """The 销号 (verify) of the hazard: who, when, the opinion and the evidence."""

    seq: int = Field(description="its timeline entry")
    verifier_id: int | None
    verifier_name: str | None
    closed_at: datetime
    opinion: str | None = Field(description="销号意见 (the verify comment)")
    documents: str | None = Field(description="销号依据: the documents relied on")
    photos: list[PhotoOut] = Field(description="the evidence photos")


class HazardOut(BaseModel):
    id: int
    client_id: str | None
    title: str
    description: str | None
    site_id: int
    site_name: str
    center_id: int
    campus_id: int
    category: Category
    grade: Grade
    source: HazardSource
    status: Status
    photos: list[PhotoOut]
    rectification_photos: list[PhotoOut]
    reporter_id: int
    reporter_name: str
    assignee_id: int | None
    assignee_name: str | None
    measures: str | None
    cost_estimate: Decimal | None = Field(description="万元")
    deadline: date | None
    interim_measures: str | None
    rechecker_id: int | None
    governance_plan: GovernancePlanOut | None = Field(description="治理方案 (major hazards)")
    restricted_use: bool = Field(description="停用/封控: out of use until closed or cancelled")
    supervision: SupervisionOut | None = Field(description="挂牌督办 (major hazards)")
    extension_deadline: date | None
    extension_reason: str | None
    rectification: str | None
    submitted_by_id: int | None
    verifier_id: int | None
    inspection_id: int | None
    item_id: int | None
    is_overdue: bool
    overdue_days: int
    closed_late: bool
    fixed_on_spot: bool
    cancel_reason: str | None
    photo_time_suspect: bool = Field(
        description="a before-photo's EXIF time is far from the report (or missing)")
    allowed_actions: list[PublicAction] = Field(
        description="the workflow actions the caller may take now (the phone's buttons)")
    version: int = Field(description="bumped by every change; the `ETag` of GET /hazards/{id}")
    captured_at: datetime | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class RequirementOut(BaseModel):
    """The checklist item a finding failed: what it requires and how it is usually fixed."""

    model_config = ConfigDict(from_attributes=True)

    text: str = Field(description="what the item requires")
    standard: str | None = Field(description="the rule it checks (依据)")
    major_basis: str | None = Field(description="what makes a failure directly major, if it is")
    method: str | None = Field(description="how it is checked on the spot")
    advice: str | None = Field(description="the usual fix: the phone's default 整改措施")


class HazardDetailOut(HazardOut):
    requirement: RequirementOut | None = Field(
        description="the failed checklist item, for a hazard found by an inspection")
    timeline: list[EventOut]
    upward_reports: list[UpwardReportOut] = Field(description="上报记录, oldest first")
    closure: ClosureOut | None = Field(
        description="the last 销号 / 验收 while closed (a reopen sets it aside)")


class HazardGroupOut(BaseModel):
    """One group of ``GET /hazards/stats``: the values of the dimensions grouped by (null for
    those not grouped by) and its counts."""

    center_id: int | None = None
    status: Status | None = None
    grade: Grade | None = None
    category: Category | None = None
    site_id: int | None = None
    month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$",
                              description="the month reported, Asia/Shanghai: `2026-06`")
    count: int = Field(description="hazards in the group")
    overdue: int = Field(description="of those, overdue now (deadline passed, still open)")


class HazardStatsOut(BaseModel):
    group_by: list[str] = Field(description="the dimensions, in the order asked")
    total: int = Field(description="hazards matching the filters: the sum of the groups' counts")
    overdue: int = Field(description="of those, overdue now")
    groups: list[HazardGroupOut] = Field(description="ordered by the dimensions' values")
