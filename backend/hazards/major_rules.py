"""The major-hazard regime's rules (重大隐患), pure like ``workflow``, whose table calls them:
the 治理方案 and 停用/封控 of an assignment, the 挂牌督办 record, an upward report (上报) and the
evidence of a 销号. Plain values in, a record or a 422 out."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from backend.errors import Conflict, Unprocessable
from backend.hazards.bodies import AssignIn, GovernancePlanIn, SuperviseIn, UpwardReportIn, VerifyIn
from backend.vocab import Grade

GOVERNANCE_PLAN_FIELDS = tuple(GovernancePlanIn.model_fields)
# the short plan fields a 治理方案 takes the place of (方法措施, 经费物资, 安全措施/应急预案)
COVERED_BY_GOVERNANCE_PLAN = frozenset({"measures", "cost_estimate", "interim_measures"})
# how far ahead of the server a phone's clock may run before a report's time is refused
CLOCK_SKEW = timedelta(minutes=10)


class GovernancePlanRequired(Unprocessable):
    code = "governance_plan_required"
    message = "重大隐患须制定完整的治理方案"


class RestrictedUseMajorOnly(Unprocessable):
    code = "restricted_use_major_only"
    message = "停用/封控仅适用于重大隐患"


class ClosureEvidenceRequired(Unprocessable):
    code = "closure_evidence_required"
    message = "重大隐患销号须填写销号意见并附证据照片"


class OrderNoTaken(Conflict):
    code = "order_no_taken"
    message = "督办单编号已被本集团的另一份督办单使用"


class DateInFuture(Unprocessable):
    code = "date_in_future"
    message = "日期不能晚于今天"


class UpwardReportBeforeHazard(Unprocessable):
    code = "upward_report_before_hazard"
    message = "上报时间不能早于隐患被发现的时间"


class SupervisionDeadlineBeforeDate(Unprocessable):
    code = "supervision_deadline_before_date"
    message = "督办时限不能早于督办日期"


def governance_plan(grade: Grade, body: AssignIn, required: bool) -> dict[str, str] | None:
    """The 治理方案 to store: required for a major hazard (unless the deployment turned it off),
    checked alike when sent for a general one; ``time_limit`` defaults to the deadline."""
    if body.governance_plan is None and not (grade is Grade.major and required):
        return None
    plan = body.governance_plan.model_dump() if body.governance_plan else {}
    if plan.get("time_limit") is None and body.deadline is not None:
        plan["time_limit"] = body.deadline.isoformat()
    missing = [f for f in GOVERNANCE_PLAN_FIELDS if plan.get(f) is None]
    if missing:
        raise GovernancePlanRequired(details={"missing": missing})
    return plan


def restricted_use(grade: Grade, restricted: bool | None) -> dict[str, bool]:
    if restricted and grade is not Grade.major:
        raise RestrictedUseMajorOnly(details={"grade": grade.value})
    return {} if restricted is None else {"restricted_use": restricted}


def closure_evidence(grade: Grade, body: VerifyIn) -> dict[str, Any]:
    """What a 销号 records besides who and when (the event's): for a major hazard the opinion
    (the event's comment) and at least one photo are required; ``documents`` when named."""
    if grade is Grade.major:
        missing = [f for f, v in (("comment", body.comment), ("photo_ids", body.photo_ids))
                   if not v]
        if missing:
            raise ClosureEvidenceRequired(details={"missing": missing})
    return {"closure_documents": body.documents} if body.documents else {}


def supervision(hazard_id: int | None, body: SuperviseIn, *, by: int, now: datetime,
                today: date) -> dict[str, Any]:
    """The 挂牌督办 record (the hazard's ``supervision``); its order number defaults to
    督〔year〕<hazard id>号, unique within the group."""
    on = body.supervised_on or today
    if on > today:
        raise DateInFuture(details={"supervised_on": on.isoformat()})
    if body.deadline is not None and body.deadline < on:
        raise SupervisionDeadlineBeforeDate(details={"deadline": body.deadline.isoformat()})
    return {**body.model_dump(mode="json"), "supervised_on": on.isoformat(),
            "order_no": body.order_no or f"督〔{on.year}〕{hazard_id}号",
            "recorded_by_id": by, "recorded_at": now.isoformat()}


def upward_report(body: UpwardReportIn, now: datetime, found_at: datetime | None) -> dict[str, Any]:
    """The report to record: not in the future, nor before the hazard was found (to the minute,
    as the phone's form gives it: a report typed 09:00 of a hazard received at 09:00:40 stands)."""
    if body.reported_at > now + CLOCK_SKEW:
        raise DateInFuture(details={"reported_at": body.reported_at.isoformat()})
    if found_at is not None and body.reported_at < found_at.replace(second=0, microsecond=0):
        raise UpwardReportBeforeHazard(details={"reported_at": body.reported_at.isoformat(),
                                                "found_at": found_at.isoformat()})
    return {**body.model_dump(mode="json"),
            "reported_at": body.reported_at.astimezone(UTC).isoformat()}  # stored in UTC
