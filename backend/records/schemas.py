"""Request and response bodies of the records. A PATCH changes only the fields sent; ``null``
clears an optional field and is 422 for a required one."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.idempotency import ClientId
from backend.records.models import (
    AccountabilityKind,
    OfficialTable,
    ReviewDecision,
    TrainingKind,
)
from backend.schemas_base import Omittable, Strict
from backend.types import Day, DbId


def _length(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Title = Annotated[str, _length(200)]
Remark = Annotated[str, _length(2000)]
DocNumber = Annotated[str, _length(100)]
PersonName = Annotated[str, _length(100)]
LongText = Annotated[str, _length(4000)]
Ids = Annotated[list[DbId], Field(max_length=100)]
CenterField = Field(default=None, description="default: the caller's center; 质监办 names one")
ClientIdField = Field(default=None, description="a UUID: a retry with it returns the first "
                      "record (the `Idempotency-Key` header does the same)")


class RecordAttachmentOut(BaseModel):
    id: int
    name: str | None
    content_type: str
    bytes: int
    sha256: str
    uploaded_by_id: int
    created_at: datetime
    url: str = Field(description="GET it with the bearer token; always a download")


class RecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    center_id: int
    version: int = Field(description="the `ETag`; send it as `If-Match` to change or delete")
    created_by_id: int | None
    client_id: str | None
    created_at: datetime
    updated_at: datetime
    attachments: list[RecordAttachmentOut] = []


# 附表1
class ResponsibilityItemIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "消防安全管理责任人任命书", "established": True, "deadline": "2024-06-30"}]})

    center_id: DbId | None = CenterField
    title: Title = Field(description="具体内容")
    established: bool | None = Field(default=None, description="是否建立（或签订）")
    deadline: Day | None = Field(default=None, description="整改期限")
    remark: Remark | None = None
    position: int = Field(default=100, ge=1, le=10_000, description="row order in 附表1")
    client_id: ClientId | None = ClientIdField


class ResponsibilityItemPatchIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"established": True, "remark": "已于2024年5月发文"}]})

    title: Omittable[Title] = None
    established: bool | None = None
    deadline: Day | None = None
    remark: Remark | None = None
    position: Omittable[Annotated[int, Field(ge=1, le=10_000)]] = None


class ResponsibilityItemOut(RecordOut):
    standard_key: str | None = Field(description="one of the three rows every center has "
                                     "(organization, network, agreement), else null")
    position: int
    title: str
    established: bool | None
    deadline: date | None
    remark: str | None


# 附表2
class RegulationIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "seq": 1, "title": "饮食服务中心燃气使用安全操作规定", "doc_number": "饮食字〔2023〕5号",
        "issued_on": "2023-05-10", "decision": "amend", "decided_on": "2024-11-20"}]})

    center_id: DbId | None = CenterField
    seq: int | None = Field(default=None, ge=1, le=100_000,
                            description="序号; default: after the center's last")
    title: Title = Field(description="制度名称")
    doc_number: DocNumber | None = Field(default=None, description="文号")
    issued_on: Day | None = Field(default=None, description="发文日期")
    remark: Remark | None = None
    decision: ReviewDecision | None = Field(
        default=None, description="废 abolish / 改 amend / 留 keep / 立 create; with `decided_on`")
    decided_on: Day | None = None
    client_id: ClientId | None = ClientIdField


class RegulationPatchIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"decision": "amend", "decided_on": "2024-11-20"}]})

    seq: Omittable[Annotated[int, Field(ge=1, le=100_000)]] = None
    title: Omittable[Title] = None
    doc_number: DocNumber | None = None
    issued_on: Day | None = None
    remark: Remark | None = None
    decision: ReviewDecision | None = None
    decided_on: Day | None = None


class RegulationOut(RecordOut):
    seq: int
    title: str
    doc_number: str | None
    issued_on: date | None
    remark: str | None
    decision: ReviewDecision | None
    decided_on: date | None


# trainings and drills
Names = Annotated[list[Annotated[str, _length(50)]], Field(max_length=500)]
Count = Annotated[int, Field(ge=0, le=100_000)]
Minutes = Annotated[int, Field(ge=1, le=10_080, description="duration in minutes")]


class TrainingIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "drill", "held_on": "2026-03-12", "topic": "后厨燃气泄漏应急演练",
        "participant_count": 24, "duration_minutes": 60, "location": "一食堂"}]})

    center_id: DbId | None = CenterField
    kind: TrainingKind = Field(description="drill 应急演练 / training 安全培训")
    held_on: Day
    topic: Title
    participant_count: Count | None = None
    participant_names: Names | None = None
    duration_minutes: Minutes | None = None
    location: Title | None = None
    summary: LongText | None = None
    client_id: ClientId | None = ClientIdField


class TrainingPatchIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"participant_count": 30, "summary": "演练后补充签到表"}]})

    kind: Omittable[TrainingKind] = None
    held_on: Omittable[Day] = None
    topic: Omittable[Title] = None
    participant_count: Count | None = None
    participant_names: Names | None = None
    duration_minutes: Minutes | None = None
    location: Title | None = None
    summary: LongText | None = None


class TrainingOut(RecordOut):
    kind: TrainingKind
    held_on: date
    topic: str
    participant_count: int | None
    participant_names: list[str] | None
    duration_minutes: int | None
    location: str | None
    summary: str | None


# 通报表扬 / 通报批评 / 约谈
class AccountabilityIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "center_id": 2, "kind": "interview", "person_name": "张三",
        "reason": "重大隐患整改逾期30天", "issued_on": "2026-03-20", "hazard_ids": [41]}]})

    center_id: DbId | None = CenterField
    kind: AccountabilityKind = Field(description="praise 通报表扬 / criticism 通报批评 / "
                                     "interview 约谈")
    person_name: PersonName | None = None
    person_user_id: DbId | None = Field(default=None, description="a user of the center")
    reason: LongText
    issued_on: Day
    doc_number: DocNumber | None = None
    hazard_ids: Ids = Field(default=[], description="hazards of the center concerned")
    campaign_ids: Ids = Field(default=[], description="专项检查 campaigns aimed at the center")
    action_campaign_ids: Ids = Field(default=[], description="three-year actions of the group")
    client_id: ClientId | None = ClientIdField


class AccountabilityPatchIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"doc_number": "质监〔2026〕4号"}]})

    kind: Omittable[AccountabilityKind] = None
    person_name: PersonName | None = None
    person_user_id: DbId | None = None
    reason: Omittable[LongText] = None
    issued_on: Omittable[Day] = None
    doc_number: DocNumber | None = None
    hazard_ids: Omittable[Ids] = None
    campaign_ids: Omittable[Ids] = None
    action_campaign_ids: Omittable[Ids] = None


class AccountabilityOut(RecordOut):
    kind: AccountabilityKind
    person_name: str | None
    person_user_id: int | None
    reason: str
    issued_on: date
    doc_number: str | None
    hazard_ids: list[int]
    campaign_ids: list[int]
    action_campaign_ids: list[int]


# three-year actions and the tables handed in
Year = Annotated[int, Field(ge=2000, le=2100)]


class ActionCampaignIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "后勤集团安全生产治本攻坚三年行动（2024-2026年）", "first_year": 2024,
        "last_year": 2026, "table1_due_on": "2024-06-30", "table2_due_on": "2024-12-31",
        "table3_due_on": "2024-06-30"}]})

    title: Title
    first_year: Year
    last_year: Year
    table1_due_on: Day = Field(description="附表1 安全责任体系 due (Asia/Shanghai day)")
    table2_due_on: Day = Field(description="附表2 安全管理制度 due")
    table3_due_on: Day = Field(description="附表3 风险隐患整改计划表 due")
    notes: LongText | None = None
    client_id: ClientId | None = ClientIdField


class ActionCampaignPatchIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"table2_due_on": "2025-01-15"}]})

    title: Omittable[Title] = None
    first_year: Omittable[Year] = None
    last_year: Omittable[Year] = None
    table1_due_on: Omittable[Day] = None
    table2_due_on: Omittable[Day] = None
    table3_due_on: Omittable[Day] = None
    notes: LongText | None = None


class ActionCampaignOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    first_year: int
    last_year: int
    years: list[int]
    table1_due_on: date
    table2_due_on: date
    table3_due_on: date
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class SubmissionIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"table": "table1", "note": "电子版已发质监办邮箱"}]})

    table: OfficialTable
    note: Remark | None = None


class TableStatusOut(BaseModel):
    table: OfficialTable
    due_on: date
    submitted: bool
    submitted_at: datetime | None
    submitted_by_id: int | None
    submitted_by_name: str | None
    late: bool = Field(description="submitted after the due day, or not submitted and the due "
                       "day is over (Asia/Shanghai)")
    note: str | None


class CenterSubmissionsOut(BaseModel):
    center_id: int
    center_name: str
    tables: list[TableStatusOut]


class SubmissionMatrixOut(BaseModel):
    action_campaign_id: int
    centers: list[CenterSubmissionsOut]
    late_count: int = Field(description="late (center, table) pairs in this view")
