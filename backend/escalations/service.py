"""The escalation ladder: a hazard overdue ``escalate_manager_after_days`` is escalated to its
center's managers (level 1), overdue ``escalate_qa_after_days`` to 质监办 (level 2). Each level
is an ``escalations`` row (unique per hazard, level and deadline), a ``hazard.escalated``
domain event (which the notifications and integrations consume) and an audit entry, all
written once, by whichever worker inserts the row first."""

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from backend import audit, events
from backend.accounts.models import User
from backend.config import Settings
from backend.dedupe import insert_or_skip_returning
from backend.escalations.models import Escalation
from backend.escalations.schemas import EscalatedHazardOut, EscalationOut
from backend.events.marks import Mark
from backend.hazards.models import Hazard
from backend.hazards.service import is_overdue, overdue_clause
from backend.org.models import Center
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.pagination import keyset_page
from backend.vocab import Role
from backend.workshare import SessionFactory, in_locked_batches

MANAGER, QA = 1, 2
# who reads the ladder: 质监办 and leaders the group's, a center's managers their center's
READERS = (Role.qa_officer, Role.leader, Role.center_manager)
HAZARD_COLUMNS = (Hazard.id, Hazard.center_id, Hazard.deadline, Hazard.title)


def ladder(settings: Settings) -> dict[int, int]:
    """Level → days overdue that reach it."""
    return {MANAGER: settings.escalate_manager_after_days, QA: settings.escalate_qa_after_days}


def groups_of_centers(session: Session) -> dict[int, int]:
    return dict(session.execute(select(Center.id, Center.group_id)).all())


def _reached(levels: dict[int, int], today: date) -> ColumnElement[bool]:
    """Overdue long enough for a level it has no escalation at (for this deadline)."""
    return or_(*(and_(Hazard.deadline <= today - timedelta(days=after), ~exists(
        select(Escalation.id).where(Escalation.object_type == "hazard",
                                    Escalation.object_id == Hazard.id,
                                    Escalation.level == level,
                                    Escalation.due_on == Hazard.deadline)))
        for level, after in levels.items()))


def escalate_overdue(session_factory: SessionFactory, settings: Settings, today: date,
                     at: datetime) -> int:
    """Escalate every overdue hazard to each level it has reached; how many escalations.

    Only the hazards short of a level they reached are read, and a batch's escalations are one
    insert. Measured (bench/tasks.py, SQLite): the former pass re-read every hazard between the
    two levels and retried its escalation one row at a time, 3.1 s a pass."""
    levels = ladder(settings)
    first = today - timedelta(days=min(levels.values()))
    where = and_(overdue_clause(today), Hazard.deadline <= first, _reached(levels, today))

    def handle(session: Session, hazards: list[Any]) -> int:
        groups = groups_of_centers(session)
        rows = [{"object_type": "hazard", "object_id": h.id, "group_id": groups[h.center_id],
                 "center_id": h.center_id, "level": level, "due_on": h.deadline,
                 "days_overdue": (today - h.deadline).days, "title": h.title,
                 "created_at": at}
                for h in hazards for level, after in sorted(levels.items())
                if (today - h.deadline).days >= after]
        written = insert_or_skip_returning(
            session, Escalation, rows, ("object_type", "object_id", "level", "due_on"),
            Escalation.id, Escalation.object_id, Escalation.level)
        by_key = {(r["object_id"], r["level"]): r for r in rows}
        for escalation in written:
            escalation_id, hazard_id, level = escalation.id, escalation.object_id, escalation.level
            row = by_key[hazard_id, level]
            facts = {"level": level, "due_on": row["due_on"],
                     "days_overdue": row["days_overdue"], "escalation_id": escalation_id}
            events.emit(session, "hazard.escalated", object_type="hazard", object_id=hazard_id,
                        center_id=row["center_id"], group_id=row["group_id"], actor_id=None,
                        data=facts)
            audit.record(session, actor=None, action="hazard.escalate", object_type="hazard",
                         object_id=hazard_id, summary=facts, group_id=row["group_id"])
        return len(written)

    return in_locked_batches(session_factory, Hazard, where, handle, columns=HAZARD_COLUMNS,
                             mark=Mark("escalate", today, tuple(levels[k] for k in sorted(levels))))


def readable_escalations(user: User) -> Select[Escalation]:
    """质监办 and leaders see the group's; a center's manager sees the center's."""
    return scoped_to_user(select(Escalation), Escalation.center_id, user, CENTER_DATA_READERS)


def escalated_clause() -> ColumnElement[bool]:
    """The hazard was escalated (at any level, for any deadline)."""
    return exists(select(Escalation.id).where(Escalation.object_type == "hazard",
                                              Escalation.object_id == Hazard.id))


def escalation_page(session: Session, user: User, *, today: date, limit: int,
                    cursor: str | None, level: int | None = None, center_id: int | None = None,
                    overdue: bool | None = None) -> tuple[list[EscalationOut], str | None]:
    """The user's escalations, newest first, each with its hazard as it is now; ``overdue``:
    only those whose hazard is (True) or is no longer (False) overdue on ``today``, so a list
    of what is still overdue pages like any other instead of being matched against a second,
    partial list."""
    stmt = readable_escalations(user).add_columns(Hazard).join(
        Hazard, (Escalation.object_type == "hazard") & (Hazard.id == Escalation.object_id))
    if level is not None:
        stmt = stmt.where(Escalation.level == level)
    if center_id is not None:
        stmt = stmt.where(Escalation.center_id == center_id)
    if overdue is not None:
        clause = overdue_clause(today)
        stmt = stmt.where(clause if overdue else ~clause)
    rows, next_cursor = keyset_page(session, stmt, [Escalation.id], limit=limit, cursor=cursor,
                                    descending=True)
    return [_out(escalation, hazard, today) for escalation, hazard in rows], next_cursor


def _out(escalation: Escalation, hazard: Hazard, today: date) -> EscalationOut:
    late = is_overdue(hazard, today)
    now = EscalatedHazardOut(
        title=hazard.title, status=hazard.status, grade=hazard.grade, deadline=hazard.deadline,
        is_overdue=late,
        overdue_days=(today - hazard.deadline).days if late and hazard.deadline else 0)
    fields = {name: getattr(escalation, name) for name in EscalationOut.model_fields
              if name != "hazard"}
    return EscalationOut(**fields, hazard=now)
