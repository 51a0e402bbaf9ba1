"""The escalation ladder: a hazard overdue ``escalate_manager_after_days`` is escalated to its
center's managers (level 1), overdue ``escalate_qa_after_days`` to 质监办 (level 2). Each level
is an ``escalations`` row (unique per hazard, level and deadline), a ``hazard.escalated``
domain event (which the notifications and integrations consume) and an audit entry, all
written once, by whichever worker inserts the row first."""

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.orm import Session

from backend import audit, events
from backend.accounts.models import User
from backend.config import Settings
from backend.dedupe import insert_or_skip
from backend.escalations.models import Escalation
from backend.hazards.models import Hazard
from backend.hazards.service import overdue_clause
from backend.org.models import Center
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.workshare import SessionFactory, in_locked_batches

MANAGER, QA = 1, 2


def ladder(settings: Settings) -> dict[int, int]:
    """Level → days overdue that reach it."""
    return {MANAGER: settings.escalate_manager_after_days, QA: settings.escalate_qa_after_days}


def _escalate(session: Session, hazard: Hazard, level: int, days_overdue: int,
              at: datetime) -> bool:
    center = session.get(Center, hazard.center_id)
    assert center is not None and hazard.deadline is not None
    written = insert_or_skip(session, Escalation, [{
        "object_type": "hazard", "object_id": hazard.id, "group_id": center.group_id,
        "center_id": hazard.center_id, "level": level, "due_on": hazard.deadline,
        "days_overdue": days_overdue, "title": hazard.title, "created_at": at}],
        ("object_type", "object_id", "level", "due_on"))
    if not written:
        return False
    facts = {"level": level, "due_on": hazard.deadline, "days_overdue": days_overdue,
             "escalation_id": written[0]}
    events.emit(session, "hazard.escalated", object_type="hazard", object_id=hazard.id,
                center_id=hazard.center_id, group_id=center.group_id, actor_id=None,
                data=facts)
    audit.record(session, actor=None, action="hazard.escalate", object_type="hazard",
                 object_id=hazard.id, summary=facts, group_id=center.group_id)
    return True


def _not_yet_at_top(top: int) -> ColumnElement[bool]:
    return ~exists(select(Escalation.id).where(
        Escalation.object_type == "hazard", Escalation.object_id == Hazard.id,
        Escalation.level == top, Escalation.due_on == Hazard.deadline))


def escalate_overdue(session_factory: SessionFactory, settings: Settings, today: date,
                     at: datetime) -> int:
    """Escalate every overdue hazard to each level it has reached; how many escalations."""
    levels = ladder(settings)
    first = today - timedelta(days=min(levels.values()))
    where = and_(overdue_clause(today), Hazard.deadline <= first,
                 _not_yet_at_top(max(levels, key=levels.__getitem__)))

    def handle(session: Session, hazards: list[Hazard]) -> int:
        done = 0
        for hazard in hazards:
            assert hazard.deadline is not None
            days = (today - hazard.deadline).days
            done += sum(_escalate(session, hazard, level, days, at)
                        for level, after in sorted(levels.items()) if days >= after)
        return done

    return in_locked_batches(session_factory, Hazard, where, handle)


def readable_escalations(user: User) -> Select[Escalation]:
    """质监办 and leaders see the group's; a center's manager sees the center's."""
    return scoped_to_user(select(Escalation), Escalation.center_id, user, CENTER_DATA_READERS)
