"""Rows appended when a transaction commits, in commit order: the audit chain and the domain
events.

A service stages a row during its work; staged rows live in the session, are dropped with a
savepoint that rolls back or a transaction that does, and are handed to their log's ``append``
in the outermost transaction's ``before_commit``. Each ``append`` locks its log's head row there,
the LAST locks a transaction takes (a write that locked a hazard after a head could deadlock with
one doing the reverse), and logs append in a fixed order, so heads are always locked in one
order. The head lock is held until the commit: ids follow commit order with no gap, and a reader
that sees id N has seen every id below it.

Side effects outside the database (deleting stored bytes) wait for the outcome the same way:
``on_commit`` runs after the outermost transaction commits, ``on_rollback`` after it (or the
savepoint it was registered in) rolls back; a failing side effect is logged, never raised (the
transaction's outcome stands)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

MARKS = "commitlog_savepoints"  # session.info: staged counts per log when each savepoint began
ON_COMMIT, ON_ROLLBACK = "commitlog_on_commit", "commitlog_on_rollback"  # session.info: hooks
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommitLog:
    name: str
    order: int  # heads are locked in this order
    append: Callable[[Session, list[Any]], None]

    @property
    def key(self) -> str:
        return f"commitlog_{self.name}"

    def stage(self, session: Session, row: Any) -> None:
        session.info.setdefault(self.key, []).append(row)

    def staged(self, session: Session) -> list[Any]:
        return list(session.info.get(self.key, []))


_LOGS: list[CommitLog] = []


def register(log: CommitLog) -> CommitLog:
    _LOGS.append(log)
    _LOGS.sort(key=lambda each: each.order)
    return log


@event.listens_for(Session, "before_commit")
def _append_staged(session: Session) -> None:
    if session.in_nested_transaction():  # SQLAlchemy says "commit" for a savepoint release too
        return
    session.info.pop(MARKS, None)
    for log in _LOGS:
        staged = session.info.pop(log.key, [])
        if staged:
            log.append(session, staged)


def on_commit(session: Session, effect: Callable[[], None]) -> None:
    session.info.setdefault(ON_COMMIT, []).append(effect)


def on_rollback(session: Session, effect: Callable[[], None]) -> None:
    session.info.setdefault(ON_ROLLBACK, []).append(effect)


def _run(effects: list[Callable[[], None]]) -> None:
    for effect in effects:
        try:
            effect()
        except Exception:  # the transaction's outcome stands; the leftover is logged
            logger.exception("after-transaction effect failed")


def _keys() -> list[str]:
    return [*(each.key for each in _LOGS), ON_COMMIT, ON_ROLLBACK]


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outcome is still open
        return
    session.info.pop(ON_ROLLBACK, None)
    _run(session.info.pop(ON_COMMIT, []))


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(MARKS, {})
        marks[id(transaction)] = {key: len(session.info.get(key, [])) for key in _keys()}


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.nested:
        counts = session.info.get(MARKS, {}).pop(id(previous), None)
        undone: list[Callable[[], None]] = []
        for key, count in (counts or {}).items():
            if key in session.info:
                if key == ON_ROLLBACK:
                    undone = session.info[key][count:]
                del session.info[key][count:]
        _run(undone)
    elif previous.parent is None:
        session.info.pop(MARKS, None)
        for each in _LOGS:
            session.info.pop(each.key, None)
        session.info.pop(ON_COMMIT, None)
        _run(session.info.pop(ON_ROLLBACK, []))
