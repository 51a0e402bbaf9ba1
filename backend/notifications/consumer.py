"""Notifications chosen from the domain events, after a cursor.

The scheduler reads the events committed since its cursor (``worker_cursors``), writes their
notifications and moves the cursor, in one transaction. Why this and not a call inside the
hazard service: an event exists only if its change committed (a rolled-back change leaves
neither event nor notification), and event ids follow commit order without gaps, so a cursor
misses none (a committed change is never left unnotified, even across a crash); the hazard
write path stays as short as it is; and the integrations read the same events the same way.
The price is a delay of one scheduler interval. A replay after a crash between the
notifications and the cursor is harmless: each is keyed by its event and recipient."""

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.clock import month_day
from backend.events import cursors
from backend.events.models import DomainEvent
from backend.hazards import workflow
from backend.hazards.models import Hazard, HazardEvent
from backend.hazards.service import actor_facts, hazard_facts
from backend.hazards.workflow import Action, Status
from backend.notifications.models import NotificationKind as Kind
from backend.notifications.service import (
    BATCH_CACHE,
    Addressed,
    Notice,
    batch_cache,
    deliver,
    holder_ids,
    holders_of,
)
from backend.org.models import Center
from backend.vocab import Grade, Role
from backend.workshare import SessionFactory

CURSOR = "notifications"
BATCH_SIZE = 200


def _timeline(session: Session, event: DomainEvent) -> list[HazardEvent]:
    """The hazard's timeline up to this event (its entry last)."""
    return list(session.scalars(select(HazardEvent)
                                .where(HazardEvent.hazard_id == event.object_id,
                                       HazardEvent.seq <= event.data["seq"])
                                .order_by(HazardEvent.seq)))


def _assignee_then(timeline: list[HazardEvent], hazard: Hazard) -> int | None:
    """Who was the assignee when the event happened (the hazard may be re-assigned since)."""
    for entry in reversed(timeline):
        if "assignee_id" in entry.changes:
            return entry.changes["assignee_id"]["to"]
    return hazard.assignee_id


def _notice(kind: Kind, event: DomainEvent, title: str, body: str) -> Notice:
    return Notice(kind, event.object_type, event.object_id, title, body,
                  f"{kind.value}:event:{event.id}")


def _group_of(session: Session, hazard: Hazard) -> int:
    groups: dict[int, int] = batch_cache(session, "center_groups")
    if hazard.center_id not in groups:
        center = session.get(Center, hazard.center_id)
        assert center is not None
        groups[hazard.center_id] = center.group_id
    return groups[hazard.center_id]


def _assigned(session: Session, event: DomainEvent, hazard: Hazard) -> list[Addressed]:
    assignee = _assignee_then(_timeline(session, event), hazard)
    notice = _notice(Kind.hazard_assigned, event, "新的整改任务",
                     f"「{hazard.title}」已指派给您整改，整改期限 {month_day(hazard.deadline)}。")
    return [(notice, [assignee] if assignee else [])]


def _to_verify(session: Session, event: DomainEvent, hazard: Hazard) -> list[Addressed]:
    """The center's managers (质监办 for a major hazard, or when the center has no manager who
    may verify), as ``workflow`` decides who may verify: never the one who did the work."""
    last_submit = session.scalar(select(func.max(HazardEvent.seq)).where(
        HazardEvent.hazard_id == hazard.id, HazardEvent.action == Action.submit.value))
    if hazard.status is not Status.submitted or last_submit != event.data["seq"]:
        return []  # verified or rejected since: this submit waits for nobody any more
    facts, group_id = hazard_facts(hazard), _group_of(session, hazard)

    def verifiers(people: list[User]) -> list[int]:
        return [p.id for p in people
                if workflow.user_allowed(Action.verify, actor_facts(p), facts)]

    managers = [] if hazard.grade is Grade.major else verifiers(
        holders_of(session, Role.center_manager, group_id=group_id, center_id=hazard.center_id))
    recipients = managers or verifiers(holders_of(session, Role.qa_officer, group_id=group_id))
    notice = _notice(Kind.hazard_to_verify, event, "待您验收",
                     f"「{hazard.title}」已提交整改，请验收。")
    return [(notice, recipients)]


def _rejected(session: Session, event: DomainEvent, hazard: Hazard) -> list[Addressed]:
    timeline = _timeline(session, event)
    reason = timeline[-1].comment if timeline else None
    notice = _notice(Kind.hazard_rejected, event, "整改验收未通过",
                     f"「{hazard.title}」验收未通过：{reason or '请重新整改'}。")
    assignee = _assignee_then(timeline, hazard)
    return [(notice, [assignee] if assignee else [])]


def _extension_decided(session: Session, event: DomainEvent,
                       hazard: Hazard) -> list[Addressed]:
    timeline = _timeline(session, event)
    requests = [e for e in timeline if e.action == Action.request_extension.value]
    requester = requests[-1].actor_id if requests else _assignee_then(timeline, hazard)
    decided = timeline[-1] if timeline else None
    deadline = month_day(hazard.deadline)
    if decided is not None and decided.action == Action.approve_extension.value:
        title, body = "延期申请已批准", f"「{hazard.title}」整改期限延至 {deadline}。"
    else:
        title, body = "延期申请未批准", f"「{hazard.title}」仍须在 {deadline} 前完成整改。"
    notice = _notice(Kind.extension_decided, event, title, body)
    return [(notice, [requester] if requester else [])]


ESCALATED_TO = {1: ("中心负责人", Role.center_manager), 2: ("质监办", Role.qa_officer)}


def _escalated(session: Session, event: DomainEvent, hazard: Hazard) -> list[Addressed]:
    level = event.data["level"]
    label, role = ESCALATED_TO[level]
    group_id = _group_of(session, hazard)
    people = holder_ids(session, role, group_id=group_id,
                        center_id=hazard.center_id if role is Role.center_manager else None)
    notice = _notice(Kind.escalated, event, f"隐患逾期未整改（已升级至{label}）",
                     f"「{hazard.title}」已逾期 {event.data['days_overdue']} 天"
                     f"（整改期限 {month_day(event.data['due_on'])}）。")
    return [(notice, people)]


def _supervised(session: Session, event: DomainEvent, hazard: Hazard) -> list[Addressed]:
    """The center's managers and the assignee of the moment learn of the 挂牌督办."""
    record = event.data["changes"]["supervision"]["to"]
    managers = holders_of(session, Role.center_manager, group_id=_group_of(session, hazard),
                          center_id=hazard.center_id)
    assignee = _assignee_then(_timeline(session, event), hazard)
    deadline = record.get("deadline")
    due = f"督办时限 {month_day(date.fromisoformat(deadline))}。" if deadline else ""
    notice = _notice(Kind.hazard_supervised, event, "重大隐患挂牌督办",
                     f"「{hazard.title}」已由{record['supervisor_unit']}挂牌督办（"
                     f"{record['order_no']}，{month_day(date.fromisoformat(record['supervised_on']))}"
                     f"）：{record['requirements']}。{due}")
    return [(notice, sorted({p.id for p in managers} | ({assignee} if assignee else set())))]


Handler = Callable[[Session, DomainEvent], list[Addressed]]
HazardHandler = Callable[[Session, DomainEvent, Hazard], list[Addressed]]
HANDLERS: dict[str, Handler] = {}  # event type → its notices; other packages register theirs


def about_hazard(handler: HazardHandler) -> Handler:
    """A handler of a hazard's event, given the hazard (none if it is gone)."""
    def handle(session: Session, event: DomainEvent) -> list[Addressed]:
        hazard = session.get(Hazard, event.object_id)
        return handler(session, event, hazard) if hazard is not None else []
    return handle


HANDLERS.update({
    "hazard.assigned": about_hazard(_assigned),
    "hazard.submitted": about_hazard(_to_verify),
    "hazard.rejected": about_hazard(_rejected),
    "hazard.extension_decided": about_hazard(_extension_decided),
    "hazard.escalated": about_hazard(_escalated),
    "hazard.supervised": about_hazard(_supervised),
})


def _handle(session: Session, event: DomainEvent, at: datetime) -> int:
    handler = HANDLERS.get(event.type)
    if handler is None:
        return 0
    # nobody is told of what they did themselves
    return len(deliver(session, [(notice, [r for r in recipients if r != event.actor_id])
                                 for notice, recipients in handler(session, event)], at))


def consume_events(session_factory: SessionFactory, at: datetime) -> int:
    """Turn the events committed since the cursor into notifications; how many were written.
    Returns at once when another worker is consuming (it holds the cursor)."""
    written = 0
    while True:
        with session_factory() as session:
            cursor = cursors.claim(session, CURSOR)
            if cursor is None:
                return written
            batch = cursors.events_after(session, cursor, BATCH_SIZE)
            session.info[BATCH_CACHE] = {}  # what handlers looked up, for this batch only
            for event in batch:
                written += _handle(session, event, at)
            if batch:
                cursor.last_event_id = batch[-1].id
        if len(batch) < BATCH_SIZE:
            return written
