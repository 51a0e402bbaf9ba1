from pydantic import BaseModel, Field

from backend.accounts.schemas import UserOut
from backend.inspections.models import InspectionKind


class InspectionKinds(BaseModel):
    own_center: list[InspectionKind] = Field(
        description="kinds the user may start at a site of their own center")
    other_centers: list[InspectionKind] = Field(
        description="kinds the user may start at any other center's site (质监办's 督查...)")


class CampaignRights(BaseModel):
    read: bool = Field(description="专项检查 are listed to the user (their center's, or all)")
    all_centers: bool = Field(description="every center's campaigns and 回执 (质监办, leaders)")
    dispatch: bool = Field(description="may dispatch and cancel campaigns (质监办)")
    submit_receipt: bool = Field(description="submits their center's 回执 (its manager)")


class Capabilities(BaseModel):
    inspection_kinds: InspectionKinds
    plan_required: list[str] = Field(
        description="the fields an assignment must fill (五定; 六定 adds `rechecker_id`)")
    major_plan_required: list[str] = Field(
        description="the short fields a major hazard's assignment must fill (with a 治理方案 "
                    "they are `plan_required` without measures, cost_estimate, interim_measures)")
    governance_plan_required: list[str] = Field(
        description="the `governance_plan` fields (治理方案) a major hazard's assignment must "
                    "fill (`time_limit` may be left to the deadline); empty: not required here")
    campaigns: CampaignRights
    escalations: bool = Field(description="reads the escalation ladder (逾期升级)")
    group_views: bool = Field(
        description="may open the group's control room (总控制室) and monthly report: 质监办 "
                    "and leaders, who read every center")


class MeOut(UserOut):
    capabilities: Capabilities = Field(
        description="what the phone offers: the server decides the same way")


class TodoOut(BaseModel):
    """What waits for the user, counted by the same rules as `allowed_actions`."""

    to_assign: int = Field(description="reported hazards the user may assign (待我指派)")
    to_verify: int = Field(description="submitted rectifications the user may verify (待我验收)")
    my_rectifications: int = Field(description="hazards assigned to the user, not submitted")
    overdue: int = Field(description="open hazards past their deadline, of those the user sees")
    major_open: int = Field(description="open major hazards (重大隐患), of those the user sees")
    escalated_overdue: int | None = Field(
        description="escalated hazards (逾期升级) still overdue, of those the user sees; null for "
                    "those who do not read escalations")
