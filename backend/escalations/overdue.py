"""``hazard.overdue``: the domain event of a hazard becoming overdue (逾期), for the
integrations and any later consumer. Overdue is derived (the deadline passed, the hazard still
open), so no request makes it happen: the scheduler writes it. An ``overdue_records`` row per
hazard and deadline decides who emits, as escalations do: the worker whose insert wrote the
row emits the event, in the same transaction, so it is written once however many workers run;
an extended deadline that passes too is a new row and a new event. The assignee's daily
``overdue`` reminder is :mod:`backend.notifications.reminders`' (this event notifies no one)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session

from backend import events
from backend.dedupe import insert_or_skip_returning
from backend.escalations.models import OverdueRecord
from backend.escalations.service import HAZARD_COLUMNS, groups_of_centers
from backend.events.marks import Mark
from backend.hazards.models import Hazard
from backend.hazards.service import overdue_clause
from backend.workshare import SessionFactory, in_locked_batches

KEY = ("object_type", "object_id", "due_on")


def _unrecorded() -> ColumnElement[bool]:
    return ~exists(select(OverdueRecord.id).where(OverdueRecord.object_type == "hazard",
                                                  OverdueRecord.object_id == Hazard.id,
                                                  OverdueRecord.due_on == Hazard.deadline))


def record_overdue(session_factory: SessionFactory, today: date, at: datetime) -> int:
    """Emit ``hazard.overdue`` for each hazard overdue on ``today`` past a deadline not yet
    recorded; how many were."""

    def handle(session: Session, hazards: list[Any]) -> int:
        groups = groups_of_centers(session)
        rows = [{"object_type": "hazard", "object_id": h.id, "group_id": groups[h.center_id],
                 "center_id": h.center_id, "due_on": h.deadline, "created_at": at}
                for h in hazards]
        written = insert_or_skip_returning(session, OverdueRecord, rows, KEY,
                                           OverdueRecord.object_id)
        by_id = {h.id: h for h in hazards}
        for (hazard_id,) in written:
            hazard = by_id[hazard_id]
            events.emit(session, "hazard.overdue", object_type="hazard", object_id=hazard_id,
                        center_id=hazard.center_id, group_id=groups[hazard.center_id],
                        actor_id=None, data={"due_on": hazard.deadline,
                                             "days_overdue": (today - hazard.deadline).days})
        return len(written)

    return in_locked_batches(session_factory, Hazard, and_(overdue_clause(today),
                                                          _unrecorded()),
                             handle, columns=HAZARD_COLUMNS, mark=Mark("overdue", today))
