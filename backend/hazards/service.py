"""Hazards and their rectification: reporting, the workflow actions, reads and their scope."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backend.accounts.models import User
from backend.audit.service import json_safe, record
from backend.clock import utcnow
from backend.config import Settings
from backend.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from backend.hazards import workflow
from backend.hazards.models import Hazard, HazardEvent, HazardSource
from backend.hazards.schemas import (
    ACTION_BODIES,
    AssignIn,
    CommentIn,
    ExtensionIn,
    HazardCreateIn,
    ReasonIn,
    SubmitIn,
)
from backend.hazards.workflow import OPEN, Action, Status
from backend.org.service import CENTER_DATA_READERS, get_readable_site, scoped_to_user
from backend.photos.processing import SHANGHAI
from backend.photos.service import link_photos, register_link_access
from backend.vocab import Grade, Role

REPORT_ROLES = (Role.inspector, Role.center_manager, Role.qa_officer)


class InvalidTransition(Conflict):
    code = "hazard_invalid_transition"
    message = "当前状态不允许此操作"


class ActionForbidden(Forbidden):
    code = "hazard_action_forbidden"
    message = "您无权对该隐患执行此操作"


class ConcurrentChange(Conflict):
    code = "hazard_conflict"
    message = "隐患已被他人修改，请刷新后重试"


class IdempotencyMismatch(Unprocessable):
    code = "idempotency_mismatch"
    message = "同一 client_id 已用于内容不同的上报"


def today() -> date:
    """The current date in Asia/Shanghai: deadlines are Chinese calendar dates."""
    return utcnow().astimezone(SHANGHAI).date()


def is_overdue(hazard: Hazard, on: date) -> bool:
    return hazard.deadline is not None and hazard.deadline < on and hazard.status in OPEN


def overdue_clause(on: date):  # noqa: ANN201 - a SQL expression
    return Hazard.deadline.is_not(None) & (Hazard.deadline < on) & Hazard.status.in_(OPEN)


def readable_hazards(user: User) -> Select[tuple[Hazard]]:
    """Hazards the user may read: their center's, or every center of the group for qa/leader."""
    return scoped_to_user(select(Hazard), Hazard.center_id, user, CENTER_DATA_READERS)


def readable_hazard_ids(session: Session, user: User, ids: list[int]) -> bool:
    return session.scalar(readable_hazards(user).with_only_columns(Hazard.id)
                          .where(Hazard.id.in_(ids)).limit(1)) is not None


def readable_event_ids(session: Session, user: User, ids: list[int]) -> bool:
    hazard_ids = list(session.scalars(select(HazardEvent.hazard_id).where(HazardEvent.id.in_(ids))))
    return bool(hazard_ids) and readable_hazard_ids(session, user, hazard_ids)


register_link_access("hazard", readable_hazard_ids)
register_link_access("hazard_event", readable_event_ids)


def get_readable_hazard(session: Session, user: User, hazard_id: int) -> Hazard:
    hazard = session.scalar(readable_hazards(user).where(Hazard.id == hazard_id))
    if hazard is None:
        raise NotFound("隐患不存在", code="hazard_not_found", details={"hazard_id": hazard_id})
    return hazard


def hazard_facts(hazard: Hazard) -> workflow.HazardFacts:
    return workflow.HazardFacts(status=hazard.status, grade=hazard.grade,
                                center_id=hazard.center_id, assignee_id=hazard.assignee_id,
                                submitted_by_id=hazard.submitted_by_id,
                                extension_pending=hazard.extension_deadline is not None)


def actor_facts(user: User) -> workflow.ActorFacts:
    return workflow.ActorFacts(user_id=user.id, center_id=user.center_id,
                               roles=frozenset(user.roles))


def allowed_actions(user: User, hazard: Hazard) -> list[Action]:
    return workflow.allowed_actions(actor_facts(user), hazard_facts(hazard))


def add_event(session: Session, hazard: Hazard, action: str, actor: User | None,
              from_status: Status | None, comment: str | None = None,
              changes: dict[str, Any] | None = None,
              idempotency_key: str | None = None) -> HazardEvent:
    seq = (session.scalar(select(func.max(HazardEvent.seq))
                          .where(HazardEvent.hazard_id == hazard.id)) or 0) + 1
    event = HazardEvent(hazard_id=hazard.id, seq=seq, action=action,
                        actor_id=actor.id if actor else None, at=utcnow(),
                        from_status=from_status, to_status=hazard.status, comment=comment,
                        changes=changes or {}, idempotency_key=idempotency_key)
    session.add(event)
    session.flush()
    return event


def _request_hash(data: HazardCreateIn) -> str:
    payload = data.model_dump(mode="json", exclude={"client_id"})
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


def _existing_report(session: Session, user: User, client_id: str | None,
                     request_hash: str) -> Hazard | None:
    if client_id is None:
        return None
    hazard = session.scalar(select(Hazard).where(Hazard.reporter_id == user.id,
                                                 Hazard.client_id == client_id))
    if hazard is not None and hazard.request_hash != request_hash:
        raise IdempotencyMismatch(details={"client_id": client_id, "hazard_id": hazard.id})
    return hazard


def report(session: Session, user: User, data: HazardCreateIn) -> tuple[Hazard, bool]:
    """Report a hazard (随手拍). A retry with the same ``client_id`` returns the first hazard
    (``created`` False), even when two retries race: the unique (reporter, client_id)
    constraint decides, not a check-then-insert. Keys never expire: a phone may be offline for
    weeks."""
    client_id = data.client_id.lower().replace("-", "") if data.client_id else None
    request_hash = _request_hash(data)
    existing = _existing_report(session, user, client_id, request_hash)
    if existing is not None:
        return existing, False
    check_not_reserved(data.source)
    if not user.has_role(*REPORT_ROLES):
        raise Forbidden(details={"required_roles": [r.value for r in REPORT_ROLES]})
    site = get_readable_site(session, user, data.site_id)
    hazard = Hazard(client_id=client_id, request_hash=request_hash, reporter_id=user.id,
                    site_id=site.id, center_id=site.center_id, campus_id=site.campus_id,
                    title=data.title, description=data.description, category=data.category,
                    grade=data.grade, source=data.source, status=Status.reported,
                    captured_at=data.captured_at)
    try:
        with session.begin_nested():
            session.add(hazard)
            session.flush()
    except IntegrityError:
        existing = _existing_report(session, user, client_id, request_hash)
        if existing is None:
            raise
        return existing, False
    link_photos(session, user, data.photo_ids, "hazard", hazard.id)
    add_event(session, hazard, "report", user, None, changes={
        "title": data.title, "grade": data.grade.value, "category": data.category.value})
    record(session, actor=user, action="hazard.report", object_type="hazard",
           object_id=hazard.id, summary={"after": {"status": hazard.status.value,
                                                   "site_id": site.id,
                                                   "grade": hazard.grade.value}})
    return hazard, True


@dataclass
class Change:
    fields: dict[str, Any]
    comment: str | None = None
    photo_ids: list[int] | None = None


def _check_assignee(session: Session, hazard: Hazard, user_id: int | None, field: str) -> None:
    if user_id is None:
        return
    person = session.get(User, user_id)
    if person is None or not person.is_active or person.center_id != hazard.center_id:
        raise Unprocessable("责任人必须是该隐患所属中心的在岗人员", code="invalid_assignee",
                            details={field: user_id})


def _assign(session: Session, settings: Settings, hazard: Hazard, body: AssignIn) -> Change:
    plan = body.model_dump(exclude={"comment"})
    missing = [f for f in settings.hazard_plan_required if plan.get(f) in (None, "")]
    if missing:
        raise Unprocessable("整改计划（五定）不完整", code="plan_incomplete",
                            details={"missing": missing})
    if body.deadline is not None and body.deadline < today():
        raise Unprocessable("整改期限不能早于今天", code="deadline_in_past",
                            details={"deadline": body.deadline.isoformat()})
    _check_assignee(session, hazard, body.assignee_id, "assignee_id")
    _check_assignee(session, hazard, body.rechecker_id, "rechecker_id")
    return Change({**plan, "extension_deadline": None, "extension_reason": None}, body.comment)


def _submit(_s: Session, _st: Settings, hazard: Hazard, body: SubmitIn, user: User) -> Change:
    return Change({"rectification": body.description, "submitted_by_id": user.id,
                   "submitted_at": utcnow()}, body.description, photo_ids=body.photo_ids)


def _verify(hazard: Hazard, body: CommentIn, user: User) -> Change:
    now = utcnow()
    late = hazard.deadline is not None and now.astimezone(SHANGHAI).date() > hazard.deadline
    return Change({"verifier_id": user.id, "closed_at": now, "closed_late": late}, body.comment)


def _request_extension(hazard: Hazard, body: ExtensionIn) -> Change:
    if hazard.deadline is not None and body.deadline <= hazard.deadline:
        raise Unprocessable("新期限必须晚于当前期限", code="extension_not_later",
                            details={"deadline": hazard.deadline.isoformat()})
    return Change({"extension_deadline": body.deadline, "extension_reason": body.reason},
                  body.reason)


def _changes_for(session: Session, settings: Settings, action: Action, hazard: Hazard,
                 body: Any, user: User) -> Change:
    if action is Action.assign:
        return _assign(session, settings, hazard, body)
    if action is Action.submit:
        return _submit(session, settings, hazard, body, user)
    if action is Action.verify:
        return _verify(hazard, body, user)
    if action is Action.request_extension:
        return _request_extension(hazard, body)
    if action is Action.approve_extension:
        return Change({"deadline": hazard.extension_deadline, "extension_deadline": None,
                       "extension_reason": None}, body.comment)
    if action is Action.deny_extension:
        return Change({"extension_deadline": None, "extension_reason": None}, body.comment)
    if action is Action.cancel:
        return Change({"cancel_reason": body.reason}, body.reason)
    if action is Action.reopen:
        return Change({"verifier_id": None, "closed_at": None, "closed_late": False},
                      body.reason)
    assert isinstance(body, ReasonIn)  # reject
    return Change({}, body.reason)


def _replayed(session: Session, user: User, hazard_id: int, action: Action,
              key: str | None) -> bool:
    """True when this user already took this action with this key (a retry whose first
    answer was lost); a key reused for something else is refused."""
    if key is None:
        return False
    event = session.scalar(select(HazardEvent).where(HazardEvent.actor_id == user.id,
                                                     HazardEvent.idempotency_key == key))
    if event is None:
        return False
    if (event.hazard_id, event.action) != (hazard_id, action.value):
        raise IdempotencyMismatch("该 Idempotency-Key 已用于另一项操作",
                                  details={"hazard_id": event.hazard_id, "action": event.action})
    return True


def perform(session: Session, settings: Settings, user: User, hazard_id: int, action: Action,
            raw_body: dict[str, Any], idempotency_key: str | None = None) -> Hazard:
    """Apply one workflow action. 404 when the hazard is out of the user's sight, 409 when the
    state does not allow the action, 403 when the state does but this user may not, 409
    ``hazard_conflict`` when someone else changed the hazard meanwhile. With an
    ``idempotency_key``, a retry of an action that already happened returns the hazard as it is
    now instead of failing with 409."""
    replay_key = idempotency_key.lower().replace("-", "") if idempotency_key else None
    hazard = get_readable_hazard(session, user, hazard_id)
    if _replayed(session, user, hazard_id, action, replay_key):
        return hazard
    facts = hazard_facts(hazard)
    if not workflow.state_allows(action, facts):
        raise InvalidTransition(details={"status": hazard.status.value, "action": action.value,
                                         "allowed_actions": allowed_actions(user, hazard)})
    if not workflow.user_allowed(action, actor_facts(user), facts):
        raise ActionForbidden(details={"action": action.value})
    try:
        body = ACTION_BODIES[action].model_validate(raw_body)
    except ValidationError as exc:
        raise Unprocessable(details={"errors": [
            {"loc": [str(p) for p in e["loc"]], "type": e["type"], "msg": e["msg"]}
            for e in exc.errors()]}) from exc
    change = _changes_for(session, settings, action, hazard, body, user)
    before_status = hazard.status
    diff = {k: {"from": json_safe(getattr(hazard, k)), "to": json_safe(v)}
            for k, v in change.fields.items() if getattr(hazard, k) != v}
    for key, value in change.fields.items():
        setattr(hazard, key, value)
    target = workflow.TRANSITIONS[action].target
    if target is not None:
        hazard.status = target
    try:
        session.flush()  # UPDATE ... WHERE version = :seen (version_id_col)
    except StaleDataError as exc:
        raise ConcurrentChange(details={"hazard_id": hazard_id}) from exc
    event = add_event(session, hazard, action.value, user, before_status, change.comment, diff,
                      idempotency_key=replay_key)
    if change.photo_ids:
        link_photos(session, user, change.photo_ids, "hazard_event", event.id)
    record(session, actor=user, action=f"hazard.{action.value}", object_type="hazard",
           object_id=hazard.id, summary={"before": {"status": before_status.value},
                                         "after": {"status": hazard.status.value,
                                                   **{k: v["to"] for k, v in diff.items()}}})
    return hazard


def photo_time_suspect(hazard: Hazard, taken: list[datetime | None], gap: timedelta) -> bool:
    """True when a before-photo has no capture time, or one far from the report's time: a
    watermark app's time can be faked, EXIF can be missing; either deserves a second look."""
    reported = hazard.captured_at or hazard.created_at
    return any(t is None or abs(reported - t) > gap for t in taken)


def check_not_reserved(source: HazardSource) -> None:
    if source is HazardSource.inspection:
        raise AppError("检查发现的隐患由提交检查生成", code="source_reserved",
                       details={"source": source.value})


def grade_of(item_grade: Grade, major_if_failed: bool) -> Grade:
    return Grade.major if major_if_failed else item_grade


def day_start(day: date, plus_days: int = 0) -> datetime:
    """Midnight in Asia/Shanghai of ``day`` (+ days), as an aware datetime."""
    return datetime.combine(day + timedelta(days=plus_days), datetime.min.time(), SHANGHAI)
