"""Request bodies of the hazard workflow: the report (随手拍) and one model per action. Plain
Pydantic, free of the ORM, so the transition table can name them."""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from backend.idempotency import ClientId
from backend.schemas_base import Strict
from backend.types import Day, DbId, Timestamp
from backend.vocab import Category, Grade, HazardSource

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text2000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Text1000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]
Comment = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=2000)]
PhotoIds = Annotated[list[DbId], Field(min_length=1, max_length=20)]
Money = Annotated[Decimal, Field(ge=0, le=100_000, max_digits=12, decimal_places=4,
                                 allow_inf_nan=False)]


class HazardCreateIn(Strict):
    """An ad-hoc report (随手拍)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "client_id": "0b6f3c1e-6a53-4c8e-9d1e-2f1d8f1c2a10", "title": "后厨灭火器压力不足",
        "description": "2 号灶台旁灭火器指针在红区", "site_id": 1, "category": "fire",
        "grade": "general", "photo_ids": [1], "captured_at": "2026-12-01T09:15:00+08:00"}]})

    client_id: ClientId | None = Field(
        default=None, description="the phone's UUID for this report: a retry returns the first")
    title: Text200 = Field(description="what is wrong, in a few words")
    description: Comment = Field(default=None, description="details")
    site_id: DbId = Field(description="where it was found")
    category: Category
    grade: Grade = Grade.general
    source: HazardSource = Field(default=HazardSource.adhoc,
                                 description="`inspection` is reserved to submitted checklists")
    photo_ids: PhotoIds = Field(description="uploaded photos (POST /photos), the evidence")
    captured_at: Timestamp | None = Field(default=None, description="the phone's time of capture")
    restricted_use: bool = Field(default=False, description="停用/封控: a major hazard's place or "
                                 "equipment is out of use until the hazard is closed")


class GovernancePlanIn(Strict):
    """A major hazard's 治理方案 (七落实). A field left out is named in the 422
    ``governance_plan_required``; ``time_limit`` left out is the assignment's ``deadline``."""

    objective: Text1000 | None = Field(default=None, description="目标任务")
    methods: Text1000 | None = Field(default=None, description="方法措施")
    funding: Text1000 | None = Field(default=None, description="经费物资")
    organization: Text1000 | None = Field(default=None, description="机构人员")
    time_limit: Text1000 | None = Field(default=None, description="时限要求; default: the deadline")
    safety_measures: Text1000 | None = Field(default=None, description="安全措施")
    emergency_plan: Text1000 | None = Field(default=None, description="应急预案")


class AssignIn(Strict):
    """The plan (五定: 责任人、措施、资金、期限、预案; 六定 adds the 复查人)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "assignee_id": 7, "measures": "更换灭火器并张贴检查卡", "cost_estimate": "0.12",
        "deadline": "2026-12-10", "interim_measures": "临时增配一具灭火器"}]})

    assignee_id: DbId | None = Field(default=None, description="责任人: an active member of "
                                     "the hazard's center")
    measures: Text2000 | None = Field(default=None, description="整改措施")
    cost_estimate: Money | None = Field(default=None, description="整改资金, 万元")
    deadline: Day | None = Field(default=None, description="整改期限 (Asia/Shanghai date)")
    interim_measures: Text2000 | None = Field(default=None, description="临时管控措施 / 预案")
    rechecker_id: DbId | None = Field(default=None, description="复查人 (六定)")
    governance_plan: GovernancePlanIn | None = Field(
        default=None, description="治理方案: required for a major hazard (see GET /me "
        "`capabilities.governance_plan_required`), where it replaces measures, cost_estimate "
        "and interim_measures; optional for a general one (checked alike when sent)")
    restricted_use: bool | None = Field(
        default=None, description="停用/封控 (major hazards only); left out: unchanged")
    comment: Comment = None


class SubmitIn(Strict):
    """The rectification with its after-photos."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "description": "已更换灭火器", "photo_ids": [12]}]})

    description: Text2000 = Field(description="what was done")
    photo_ids: PhotoIds = Field(description="after-photos")


class ReasonIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "照片未显示整改效果"}]})

    reason: Reason


class ExtensionIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "deadline": "2026-12-20", "reason": "配件需厂家订货"}]})

    deadline: Day = Field(description="the new deadline, later than the current one")
    reason: Reason


class CommentIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "现场复核合格"}]})

    comment: Comment = None


class VerifyIn(CommentIn):
    """验收; for a major hazard its 销号, which needs the opinion (``comment``) and evidence."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "comment": "经专家评估，隐患已消除，同意销号", "photo_ids": [31],
        "documents": "专家评估报告（12月5日）"}]})

    photo_ids: Annotated[list[DbId], Field(max_length=20)] = Field(
        default_factory=list, description="evidence: the site re-checked, or the acceptance / "
        "assessment documents photographed (a major hazard: at least one)")
    documents: Text1000 | None = Field(default=None, description="销号依据: the documents relied "
                                       "on (评估报告, 验收记录 ...)")


class SuperviseIn(Strict):
    """挂牌督办 of a major hazard by 质监办: recorded once (the order is a document issued)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "supervisor": "王主任", "supervisor_unit": "质量监督办公室", "supervised_on": "2026-12-02",
        "requirements": "12月20日前完成燃气管道更换，每周报告进展", "deadline": "2026-12-20"}]})

    supervisor: Text200 = Field(description="督办人")
    supervisor_unit: Text200 = Field(default="质量监督办公室", description="督办单位")
    supervised_on: Day | None = Field(default=None, description="督办日期; default: today; "
                                      "not later than today")
    requirements: Text2000 = Field(description="督办要求")
    deadline: Day | None = Field(default=None, description="督办时限, not before the date")
    order_no: Text200 | None = Field(default=None,
                                     description="督办单编号, unique within the group (409 "
                                     "`order_no_taken`); default 督〔year〕<hazard id>号")


class UpwardChannel(StrEnum):
    """How a report went upward (上报方式)."""

    written = "written"  # 书面
    phone = "phone"  # 电话
    system = "system"  # 系统 (an authority's reporting system)
    in_person = "in_person"  # 当面
    other = "other"


class UpwardReportIn(Strict):
    """A report of a major hazard upward (上报): to whom, when, how."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "recipient": "学校保卫处", "reported_at": "2026-12-02T10:00:00+08:00",
        "channel": "written", "reference_no": "后质〔2026〕12号", "note": "报告隐患及治理方案"}]})

    recipient: Text200 = Field(description="报送对象: the office or authority reported to")
    reported_at: Timestamp = Field(description="when it was reported (not in the future)")
    channel: UpwardChannel
    reference_no: Text200 | None = Field(default=None, description="文号 / 编号")
    note: Comment = Field(default=None, description="what was reported")


class EditIn(Strict):
    """Correct what a report says (e.g. a title that reads as the requirement itself)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "后厨 2 号灶台旁灭火器压力不足"}]})

    title: Text200 | None = Field(default=None, description="what is wrong, in a few words")
    description: Comment = Field(default=None, description="details")

    @model_validator(mode="after")
    def _something(self) -> "EditIn":
        if self.title is None and self.description is None:
            raise ValueError("title 或 description 至少填写一项")
        return self


class FixOnSpotIn(Strict):
    """An item fixed during the inspection (当场整改); internal: made by submitting a checklist."""

    note: Comment = None
    photo_ids: list[int]
