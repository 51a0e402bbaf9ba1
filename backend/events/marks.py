"""Where a scheduler step's passes stand today, by the domain events' sequence: events are
numbered in commit order without gaps (:mod:`backend.events.service`), so the rows a later pass
must look at are those with an event after the sequence its last complete pass had seen."""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, select, update
from sqlalchemy.orm import Session

from backend.dedupe import insert_or_skip_returning
from backend.events.cursors import WorkerCursor
from backend.events.models import DomainEvent, EventHead
from backend.events.service import HEAD_ID


class Mark:
    """A step's mark for a day (a :class:`backend.workshare.PassMark`): its name holds the
    settings the step's rows depend on, so a changed setting starts from every row again;
    ``events_of`` is the rows' object type in the events. One per pass: it remembers the
    head it read."""

    def __init__(self, step: str, day: date, settings: tuple[object, ...] = (),
                 events_of: str = "hazard") -> None:
        self.prefix = f"pass:{step}"
        self.name = ":".join(str(part) for part in (self.prefix, day, *settings))
        if len(self.name) > 48:  # WorkerCursor.name
            raise ValueError(f"mark name too long: {self.name}")
        self.events_of = events_of
        self.head: int | None = None
        self.since: int | None = None

    def changed_only(self, session: Session, candidates: Select[Any],
                     ids: ColumnElement[Any]) -> Select[Any]:
        """Read before the candidates, so every event up to the head is visible to them."""
        self.head = session.scalar(select(EventHead.last_id).where(EventHead.id == HEAD_ID))
        stored = session.get(WorkerCursor, self.name)
        self.since = stored.last_event_id if stored else None
        if self.since is None:
            return candidates
        return candidates.where(ids.in_(select(DomainEvent.object_id).where(
            DomainEvent.id > self.since, DomainEvent.object_type == self.events_of)))

    def complete(self, session: Session) -> None:
        """Every row's events up to the head are handled; the step's marks of other days go.
        Two workers may both write: the higher mark stands."""
        if self.head is None or (self.since is not None and self.since >= self.head):
            return
        session.execute(delete(WorkerCursor).where(
            WorkerCursor.name.startswith(self.prefix + ":"), WorkerCursor.name != self.name))
        insert_or_skip_returning(session, WorkerCursor,
                                 [{"name": self.name, "last_event_id": self.head}], ("name",),
                                 WorkerCursor.name)
        session.execute(update(WorkerCursor).where(WorkerCursor.name == self.name,
                                                   WorkerCursor.last_event_id < self.head)
                        .values(last_event_id=self.head))
