"""Rows appended when a transaction commits, in commit order: the audit chain and the domain
events.

A service stages a row during its work; staged rows live in the session, are dropped with a
savepoint that rolls back or a transaction that does, and are handed to their log's ``append``
in the outermost transaction's ``before_commit``. Each ``append`` locks its log's head row there,
the LAST locks a transaction takes (a write that locked a hazard after a head could deadlock with
one doing the reverse), and logs append in a fixed order, so heads are always locked in one
order. The head lock is held until the commit: ids follow commit order with no gap, and a reader
that sees id N has seen every id below it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

MARKS = "commitlog_savepoints"  # session.info: staged counts per log when each savepoint began


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


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(MARKS, {})
        marks[id(transaction)] = {log.key: len(session.info.get(log.key, [])) for log in _LOGS}


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.nested:
        counts = session.info.get(MARKS, {}).pop(id(previous), None)
        for key, count in (counts or {}).items():
            if key in session.info:
                del session.info[key][count:]
    elif previous.parent is None:
        session.info.pop(MARKS, None)
        for log in _LOGS:
            session.info.pop(log.key, None)
