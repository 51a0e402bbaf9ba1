"""Sharing a pass over many rows between workers: each batch is locked with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL (two workers take different batches; a row a user is changing right now
is left for the next pass instead of waited for) and committed on its own, so locks are short.
SQLite has no row locks and serialises writers: its workers take turns."""

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

SessionFactory = Callable[[], AbstractContextManager[Session]]  # commits when the block succeeds
BATCH_SIZE = 500


class PassMark(Protocol):
    """Where a step's passes stand today (:class:`backend.events.marks.Mark`): it narrows the
    candidates to the rows changed since its last complete pass, and is moved on when a pass
    handled every row it read."""

    def changed_only(self, session: Session, candidates: Select[Any],
                     ids: ColumnElement[Any]) -> Select[Any]: ...

    def complete(self, session: Session) -> None: ...


def in_locked_batches(session_factory: SessionFactory, model: type[Any],
                      where: ColumnElement[bool], handle: Callable[[Session, list[Any]], int],
                      size: int = BATCH_SIZE,
                      columns: Sequence[InstrumentedAttribute[Any]] = (),
                      mark: PassMark | None = None) -> int:
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

    With a ``mark`` (per step, day and settings), a pass reads only the rows
    with a domain event since the last pass that handled every row it read: ``where`` may
    change only with a row's own state, which changes only with an event of it. Events are
    numbered in commit order without gaps, so none is missed; a pass that found a row locked
    or gone leaves the mark where it was. Measured (bench/tasks.py, PostgreSQL, 100,000
    hazards): a pass after the day's first re-read the ~50,000 due hazards' anti-joins each
    time."""
    with session_factory() as session:
        candidates = select(model.id).where(where)
        if mark:
            candidates = mark.changed_only(session, candidates, model.id)
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
    if mark and handled == len(ids):
        with session_factory() as session:
            mark.complete(session)
    return total
