"""Hazards and their rectification: reporting, the workflow actions, reads and their scope.

Every status change goes through :func:`_apply`: the transition table decides whether the
state and the user allow the action and what it changes, and one conditional UPDATE
(:func:`backend.statewrite.compare_and_set`) makes it, or finds that someone else changed the
hazard first."""

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import clock, events, idempotency
from backend.accounts.models import User
from backend.audit.service import record
from backend.config import Settings
from backend.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from backend.etag import PreconditionFailed, required_version
from backend.hazards import workflow
from backend.hazards.bodies import HazardCreateIn
from backend.hazards.closure import check_closure_photos
from backend.hazards.major_rules import OrderNoTaken
from backend.hazards.models import Hazard, HazardEvent, SupervisionOrder
from backend.hazards.workflow import OPEN, Action, Status
from backend.jsonsafe import json_safe
from backend.org.models import Center
from backend.org.service import (
    CENTER_DATA_READERS,
    Member,
    get_site_for_new_work,
    scoped_to_user,
)
from backend.photos.service import link_photos, register_link_access
from backend.statewrite import compare_and_set
from backend.vocab import Grade, HazardSource, Role


class InvalidTransition(Conflict):
    code = "hazard_invalid_transition"
    message = "当前状态不允许此操作"


class ActionForbidden(Forbidden):
    code = "hazard_action_forbidden"
    message = "您无权对该隐患执行此操作"


class ConcurrentChange(Conflict):
    code = "hazard_conflict"
    message = "隐患已被他人修改，请刷新后重试"


class InvalidAssignee(Unprocessable):
    code = "invalid_assignee"
    message = "责任人必须是该隐患所属中心的在岗人员"


class SourceReserved(AppError):
    code = "source_reserved"
    message = ("检查发现的隐患由提交检查生成，上级检查发现由上级检查记录生成，"
               "传感器上报须使用 API 密钥")


# sources only the server writes: a checklist's findings, an external inspection's, and what an
# API key (a sensor, an inspection robot) reports
RESERVED_SOURCES = frozenset({HazardSource.inspection, HazardSource.external,
                              HazardSource.sensor})


def is_overdue(hazard: Hazard, on: Any) -> bool:
    return hazard.deadline is not None and hazard.deadline < on and hazard.status in OPEN


def overdue_clause(on: Any):  # noqa: ANN201 - a SQL expression
    return Hazard.deadline.is_not(None) & (Hazard.deadline < on) & Hazard.status.in_(OPEN)


def readable_hazards(user: Member) -> Select[Hazard]:
    """Hazards the user may read: their center's, or every center of the group for qa/leader."""
    return scoped_to_user(select(Hazard), Hazard.center_id, user, CENTER_DATA_READERS)


def _actor_clause(actor: workflow.Actor, user: Member) -> ColumnElement[bool]:
    """``workflow._is`` as SQL: the hazards on which ``user`` is ``actor``."""
    member = Hazard.center_id == user.center_id if user.center_id is not None else false()
    manages = member if user.has_role(Role.center_manager) else false()
    qa = true() if user.has_role(Role.qa_officer) else false()
    if actor is workflow.Actor.center_member:
        return member if user.has_role(Role.inspector, Role.center_manager) else false()
    if actor is workflow.Actor.center_manager:
        return manages
    if actor is workflow.Actor.qa_officer:
        return qa
    if actor is workflow.Actor.reporter:
        return Hazard.reporter_id == user.id
    if actor is workflow.Actor.assignee:
        return Hazard.assignee_id == user.id
    if actor is workflow.Actor.major_qa:
        return and_(Hazard.grade == Grade.major, qa)
    if actor is workflow.Actor.canceller:
        return or_(qa, and_(manages, Hazard.grade != Grade.major))
    not_the_worker = and_(func.coalesce(Hazard.assignee_id, 0) != user.id,
                          func.coalesce(Hazard.submitted_by_id, 0) != user.id)
    return and_(not_the_worker, case((Hazard.grade == Grade.major, qa), else_=or_(manages, qa)))


def actionable(user: Member, action: Action) -> ColumnElement[bool]:
    """The hazards whose ``allowed_actions`` for ``user`` include ``action``: the table's rule
    for ``action`` in SQL (a property test holds it equal to ``workflow.allowed_actions``)."""
    rule = workflow.TRANSITIONS[action]
    clauses = [Hazard.status.in_([s for s in rule.sources if s is not None]),
               or_(*(_actor_clause(actor, user) for actor in rule.actors))]
    if rule.needs_pending_extension is not None:
        pending = Hazard.extension_deadline.is_not(None)
        clauses.append(pending if rule.needs_pending_extension else ~pending)
    if rule.needs_supervision is not None:
        supervised = Hazard.supervision.is_not(None)
        clauses.append(supervised if rule.needs_supervision else ~supervised)
    return and_(*clauses)


def readable_hazard_ids(session: Session, user: User, ids: list[int]) -> bool:
    return session.scalar(readable_hazards(user).with_only_columns(Hazard.id)
                          .where(Hazard.id.in_(ids)).limit(1)) is not None


def readable_event_ids(session: Session, user: User, ids: list[int]) -> bool:
    hazard_ids = list(session.scalars(select(HazardEvent.hazard_id).where(HazardEvent.id.in_(ids))))
    return bool(hazard_ids) and readable_hazard_ids(session, user, hazard_ids)


register_link_access("hazard", readable_hazard_ids)
register_link_access("hazard_event", readable_event_ids)


def get_readable_hazard(session: Session, user: User, hazard_id: int) -> Hazard:
    hazard = session.scalar(readable_hazards(user).where(Hazard.id == hazard_id)
                            .execution_options(populate_existing=True))
    if hazard is None:
        raise NotFound("隐患不存在", code="hazard_not_found", details={"hazard_id": hazard_id})
    return hazard


def hazard_facts(hazard: Hazard) -> workflow.HazardFacts:
    return workflow.HazardFacts(status=hazard.status, grade=hazard.grade,
                                center_id=hazard.center_id, reporter_id=hazard.reporter_id,
                                assignee_id=hazard.assignee_id,
                                submitted_by_id=hazard.submitted_by_id,
                                deadline=hazard.deadline,
                                extension_deadline=hazard.extension_deadline,
                                hazard_id=hazard.id, supervised=hazard.supervision is not None,
                                found_at=min(hazard.captured_at or hazard.created_at,
                                             hazard.created_at))


def actor_facts(user: User) -> workflow.ActorFacts:
    return workflow.ActorFacts(user_id=user.id, center_id=user.center_id,
                               roles=frozenset(user.roles))


def allowed_actions(user: User, hazard: Hazard) -> list[Action]:
    return workflow.allowed_actions(actor_facts(user), hazard_facts(hazard))


def workflow_context(settings: Settings, user: User) -> workflow.Context:
    return workflow.Context(actor=actor_facts(user), now=clock.utcnow(), today=clock.today(),
                            plan_required=tuple(settings.hazard_plan_required),
                            major_governance_plan=settings.major_hazard_governance_plan)


# the domain event each timeline action is (what integrations and reminders subscribe to)
EVENT_TYPES = {
    Action.report: "hazard.reported", Action.fix_on_spot: "hazard.fixed_on_spot",
    Action.edit: "hazard.edited", Action.assign: "hazard.assigned",
    Action.submit: "hazard.submitted", Action.verify: "hazard.closed",
    Action.reject: "hazard.rejected", Action.cancel: "hazard.cancelled",
    Action.request_extension: "hazard.extension_requested",
    Action.approve_extension: "hazard.extension_decided",
    Action.deny_extension: "hazard.extension_decided", Action.reopen: "hazard.reopened",
    Action.supervise: "hazard.supervised", Action.report_upward: "hazard.reported_upward",
}


def add_event(session: Session, hazard: Hazard, action: Action, actor: User | None,
              from_status: Status | None, comment: str | None = None,
              changes: dict[str, Any] | None = None) -> HazardEvent:
    """Append to the timeline; called after the status write, whose row lock orders the
    ``seq`` of concurrent actions on one hazard."""
    seq = (session.scalar(select(func.max(HazardEvent.seq))
                          .where(HazardEvent.hazard_id == hazard.id)) or 0) + 1
    event = HazardEvent(hazard_id=hazard.id, seq=seq, action=action.value,
                        actor_id=actor.id if actor else None, at=clock.utcnow(),
                        from_status=from_status, to_status=hazard.status, comment=comment,
                        changes=changes or {})
    session.add(event)
    session.flush()
    center = session.get(Center, hazard.center_id)  # the group of system actions too
    events.emit(session, EVENT_TYPES[action], object_type="hazard", object_id=hazard.id,
                center_id=hazard.center_id, group_id=center.group_id if center else None,
                actor_id=actor.id if actor else None,
                data={"seq": seq, "action": action.value, "from_status": from_status,
                      "to_status": hazard.status, "grade": hazard.grade,
                      "site_id": hazard.site_id, "changes": changes or {}})
    return event


def _check_people(session: Session, hazard: Hazard, fields: dict[str, Any]) -> None:
    for field in ("assignee_id", "rechecker_id"):
        user_id = fields.get(field)
        if user_id is None:
            continue
        person = session.get(User, user_id)
        if person is None or not person.is_active or person.center_id != hazard.center_id:
            raise InvalidAssignee(details={field: user_id})


def _check_allowed(action: Action, user: User, facts: workflow.HazardFacts) -> None:
    if not workflow.state_allows(action, facts):
        raise InvalidTransition(details={
            "status": facts.status.value if facts.status else None, "action": action.value,
            "allowed_actions": workflow.allowed_actions(actor_facts(user), facts)})
    if not workflow.user_allowed(action, actor_facts(user), facts):
        raise ActionForbidden(details={"action": action.value})


def _take_order_no(session: Session, hazard: Hazard, order_no: str) -> None:
    """The 督办单 number, unique within the group: the unique key decides, also between
    concurrent 挂牌督办 of two hazards (the second waits for the first's commit)."""
    group_id = session.scalar(select(Center.group_id).where(Center.id == hazard.center_id))
    session.add(SupervisionOrder(group_id=group_id, order_no=order_no, hazard_id=hazard.id))
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise OrderNoTaken(details={"order_no": order_no}) from exc


def _apply(session: Session, settings: Settings, user: User, hazard: Hazard, action: Action,
           body: BaseModel, *, if_match: frozenset[int] | None = None) -> HazardEvent:
    """Take ``action`` on ``hazard`` as the table says, in one conditional UPDATE."""
    required = required_version(if_match, hazard.version)
    facts = hazard_facts(hazard)
    _check_allowed(action, user, facts)
    change = workflow.TRANSITIONS[action].apply(facts, body, workflow_context(settings, user))
    if action is Action.verify and hazard.grade is Grade.major:
        check_closure_photos(session, user, hazard, change.photo_ids)
    if action is Action.assign:  # the people a plan names (fix_on_spot names the inspector)
        _check_people(session, hazard, change.fields)
    values = dict(change.fields)
    target = workflow.target_of(action, facts)
    if target is not None:
        values["status"] = target
    before = {k: getattr(hazard, k) for k in values}
    if not compare_and_set(session, hazard, {"status": hazard.status, "version": hazard.version},
                           values):
        if required is not None:
            raise PreconditionFailed(details={"hazard_id": hazard.id})
        raise ConcurrentChange(details={"hazard_id": hazard.id})
    if action is Action.supervise:
        _take_order_no(session, hazard, values["supervision"]["order_no"])
    diff = {k: {"from": json_safe(v), "to": json_safe(getattr(hazard, k))}
            for k, v in before.items() if k != "status" and v != getattr(hazard, k)}
    diff.update({k: {"from": None, "to": json_safe(v)} for k, v in change.recorded.items()})
    event = add_event(session, hazard, action, user, facts.status, change.comment, diff)
    if change.photo_ids:
        link_photos(session, user, change.photo_ids, "hazard_event", event.id)
    record(session, actor=user, action=f"hazard.{action.value}", object_type="hazard",
           object_id=hazard.id, summary={"before": {"status": facts.status},
                                         "after": {"status": hazard.status,
                                                   **{k: v["to"] for k, v in diff.items()}}})
    return event


def perform(session: Session, settings: Settings, user: User, hazard_id: int, action: Action,
            body: BaseModel, *, idempotency_key: str | None = None,
            if_match: frozenset[int] | None = None) -> Hazard:
    """Apply one public workflow action. 404 when the hazard is out of the user's sight, 409
    when the state does not allow the action, 403 when the state does but this user may not,
    409 ``hazard_conflict`` when someone else changed the hazard meanwhile (412 with
    ``if_match``). With an ``idempotency_key``, a retry of an action that already happened
    (or is happening: it waits for it) returns the hazard as it is now."""
    if not workflow.TRANSITIONS[action].public:
        raise InvalidTransition(details={"action": action.value})
    hazard = get_readable_hazard(session, user, hazard_id)
    replayed = idempotency.claim(session, actor_id=user.id, key=idempotency_key,
                                 scope=f"hazard.{action.value}", object_id=hazard.id,
                                 request=body.model_dump(exclude_defaults=True))
    session.refresh(hazard)  # the claim may have waited for a concurrent first attempt
    if not replayed:
        _apply(session, settings, user, hazard, action, body, if_match=if_match)
    return hazard


def report(session: Session, settings: Settings, user: User, data: HazardCreateIn, *,
           reserved_source: HazardSource | None = None) -> tuple[Hazard, bool]:
    """Report a hazard (随手拍). A retry with the same ``client_id`` returns the first hazard
    (``created`` False), even when two retries race. A reserved source is refused unless it
    is ``reserved_source``: the internal path of the one feature that writes it. Whatever an
    API key reports is a sensor's (its service user, named as the key, is the reporter)."""
    if user.is_integration:
        data = data.model_copy(update={"source": HazardSource.sensor})
        reserved_source = HazardSource.sensor
    request_hash = idempotency.fingerprint(data.model_dump(exclude={"client_id"},
                                                           exclude_defaults=True))

    def find() -> Hazard | None:
        if data.client_id is None:
            return None
        return session.scalar(select(Hazard).where(Hazard.reporter_id == user.id,
                                                   Hazard.client_id == data.client_id))

    def create() -> Hazard:
        if data.source in RESERVED_SOURCES and data.source is not reserved_source:
            raise SourceReserved(details={"source": data.source.value})
        site = get_site_for_new_work(session, user, data.site_id)
        return create_hazard(session, settings, user, data, site_id=site.id,
                             center_id=site.center_id, campus_id=site.campus_id,
                             client_id=data.client_id, request_hash=request_hash)

    # a NULL hash: reported before revision 0008, whose hashes were computed otherwise
    return idempotency.create_once(session, find, create,
                                   lambda first: first.request_hash in (None, request_hash))


def create_hazard(session: Session, settings: Settings, user: User, data: HazardCreateIn, *,
                  site_id: int, center_id: int, campus_id: int, **columns: Any) -> Hazard:
    """A new hazard through the table's ``report`` row, with its photos and first event."""
    facts = workflow.HazardFacts(status=None, grade=data.grade, center_id=center_id)
    _check_allowed(Action.report, user, facts)
    context = workflow_context(settings, user)
    change = workflow.TRANSITIONS[Action.report].apply(facts, data, context)
    hazard = Hazard(reporter_id=user.id, site_id=site_id, center_id=center_id,
                    campus_id=campus_id, status=Status.reported, **change.fields, **columns)
    session.add(hazard)
    session.flush()
    if change.photo_ids:
        link_photos(session, user, change.photo_ids, "hazard", hazard.id)
    add_event(session, hazard, Action.report, user, None, changes=json_safe({
        "title": hazard.title, "grade": hazard.grade, "category": hazard.category,
        **{k: v for k, v in columns.items() if k in ("inspection_id", "item_id")}}))
    record(session, actor=user, action="hazard.report", object_type="hazard",
           object_id=hazard.id, summary={"after": {"status": hazard.status, "site_id": site_id,
                                                   "grade": hazard.grade,
                                                   "source": hazard.source}})
    return hazard


def fix_on_spot(session: Session, settings: Settings, user: User, hazard: Hazard,
                body: BaseModel) -> None:
    """当场整改: the inspector fixed it while inspecting (the table's ``fix_on_spot`` row)."""
    _apply(session, settings, user, hazard, Action.fix_on_spot, body)


def photo_time_suspect(hazard: Hazard, taken: list[datetime | None], gap: timedelta) -> bool:
    """True when a before-photo has no capture time, or one far from the report's time: a
    watermark app's time can be faked, EXIF can be missing; either deserves a second look."""
    reported = hazard.captured_at or hazard.created_at
    return any(t is None or abs(reported - t) > gap for t in taken)
