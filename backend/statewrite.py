"""The one way a status changes: a conditional UPDATE whose row count decides.

``UPDATE t SET ..., version = version + 1 WHERE id = :id AND status = :seen AND version = :seen``
is atomic on every database: of two requests that read the same state, exactly one matches; on
PostgreSQL the loser waits for the winner's row lock, re-reads the row and matches nothing. A
read-then-write in Python (check the status, then flush) is a race there even when SQLite's
``BEGIN IMMEDIATE`` hides it: eight concurrent submits of one checklist made 16 hazards."""

from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session


def compare_and_set(session: Session, entity: Any, expected: dict[str, Any],
                    values: dict[str, Any]) -> bool:
    """Set ``values`` on ``entity``'s row if its columns still hold ``expected``; bump its
    ``version``. True when this request won; the entity is then reloaded, otherwise left as it
    was read (the caller decides: replay, 409 or 412)."""
    model = type(entity)
    stmt = (update(model)
            .where(model.id == entity.id,
                   *(getattr(model, name) == value for name, value in expected.items()))
            .values(**values, version=model.version + 1)
            .execution_options(synchronize_session=False))
    result = session.execute(stmt)
    assert isinstance(result, CursorResult)  # an UPDATE's result has a row count
    won = result.rowcount == 1
    if won:
        session.refresh(entity)
    return won
