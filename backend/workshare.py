"""Sharing a pass over many rows between workers: each batch is locked with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL (two workers take different batches; a row a user is changing right now
is left for the next pass instead of waited for) and committed on its own, so locks are short.
SQLite has no row locks and serialises writers: its workers take turns."""

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from backend.dedupe import insert_or_skip_returning
from backend.events.cursors import WorkerCursor
from backend.events.models import DomainEvent, EventHead
from backend.events.service import HEAD_ID

SessionFactory = Callable[[], AbstractContextManager[Session]]  # commits when the block succeeds
BATCH_SIZE = 500


@dataclass(frozen=True)
class Mark:
    """A step's mark for a day: its name holds the settings its ``where`` depends on, so a
    changed setting starts from every row again; ``events_of``: the rows' object type in the
    domain events."""

    step: str
    day: date
    settings: tuple[object, ...] = ()
    events_of: str = "hazard"

    def __post_init__(self) -> None:
        if len(self.name) > 48:  # WorkerCursor.name
            raise ValueError(f"mark name too long: {self.name}")

    @property
    def name(self) -> str:
        return ":".join(str(part) for part in (self.prefix, self.day, *self.settings))

    @property
    def prefix(self) -> str:
        return f"pass:{self.step}"


def in_locked_batches(session_factory: SessionFactory, model: type[Any],
                      where: ColumnElement[bool], handle: Callable[[Session, list[Any]], int],
                      size: int = BATCH_SIZE,
                      columns: Sequence[InstrumentedAttribute[Any]] = (),
                      mark: Mark | None = None) -> int:
    """Call ``handle(session, rows)`` on the ``model`` rows matching ``where``, in id order, a
    locked batch per transaction; the sum of what ``handle`` returns. With ``columns`` the
    rows are plain rows of those columns (the id first), not entities: measured on 50,000
    hazards (bench/tasks.py), loading entities was most of a reminder batch's time.

    The matching ids are read first, unordered and unlimited, and each batch then locks its
    ids that still match: a batch read as ``ORDER BY id LIMIT n`` led PostgreSQL to walk the
    primary key through every hazard in search of the first n, which on a pass with nothing
    to do is the whole table (bench/tasks.py, 20,000 hazards: the overdue events' query 51 ms
    that way, 17 ms through the (status, deadline) index). A row that starts matching during
    the pass is left for the next one, as is a row locked by someone else.

    With a ``mark`` (per step, day and settings: :class:`Mark`), a pass reads only the rows
    with a domain event since the last pass that handled every row it read: ``where`` may
    change only with a row's own state, which changes only with an event of it. Events are
    numbered in commit order without gaps, so none is missed; a pass that found a row locked
    or gone leaves the mark where it was. Measured (bench/tasks.py, PostgreSQL, 100,000
    hazards): a pass after the day's first re-read the ~50,000 due hazards' anti-joins each
    time."""
    with session_factory() as session:
        head = session.scalar(select(EventHead.last_id).where(EventHead.id == HEAD_ID))
        candidates = select(model.id).where(where)
        since = session.get(WorkerCursor, mark.name) if mark else None
        if mark and since:
            candidates = candidates.where(model.id.in_(
                select(DomainEvent.object_id).where(DomainEvent.id > since.last_event_id,
                                                    DomainEvent.object_type == mark.events_of)))
        ids = sorted(session.scalars(candidates))
    total, handled = 0, 0
    for first in range(0, len(ids), size):
        with session_factory() as session:
            result = session.execute(
                (select(*columns) if columns else select(model))
                .where(where, model.id.in_(ids[first:first + size])).order_by(model.id)
                .with_for_update(skip_locked=True, of=model))
            rows = list(result if columns else result.scalars())
            total += handle(session, rows) if rows else 0
            handled += len(rows)
    if mark and handled == len(ids) and head is not None and \
            (since is None or since.last_event_id < head):
        with session_factory() as session:
            _advance(session, mark, head)
    return total


def _advance(session: Session, mark: Mark, head: int) -> None:
    """Every row's events up to ``head`` are handled; the step's marks of other days go. Two
    workers may both write: the higher mark stands."""
    session.execute(delete(WorkerCursor).where(WorkerCursor.name.startswith(mark.prefix + ":"),
                                               WorkerCursor.name != mark.name))
    insert_or_skip_returning(session, WorkerCursor, [{"name": mark.name, "last_event_id": head}],
                             ("name",), WorkerCursor.name)
    session.execute(update(WorkerCursor).where(WorkerCursor.name == mark.name,
                                               WorkerCursor.last_event_id < head)
                    .values(last_event_id=head))
