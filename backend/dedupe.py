"""Writes that happen at most once per unique key, whoever else is writing the same row.

``INSERT ... ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL alike): a row whose key is taken is
skipped by the database itself, so two workers, a restart or a clock jump never write a reminder
or an escalation twice, and no savepoint or read-then-write race is needed."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

# bound parameters per statement: PostgreSQL allows 65,535 and SQLite 250,000; a day of 5,701
# tasks at 14 columns (84,532 parameters) failed the whole scheduler pass on PostgreSQL
MAX_PARAMETERS = 30_000


def insert_or_skip(session: Session, model: type[Any], rows: Sequence[dict[str, Any]],
                   key: Sequence[str]) -> list[int]:
    """Insert ``rows`` into ``model``'s table, skipping those whose unique ``key`` columns are
    already taken. Returns the ids of the rows this call wrote."""
    if not rows:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    size = max(1, MAX_PARAMETERS // max(len(row) for row in rows))
    written: list[int] = []
    for start in range(0, len(rows), size):
        stmt = (dialect.insert(model).values(list(rows[start:start + size]))
                .on_conflict_do_nothing(index_elements=list(key)).returning(model.id))
        written += session.scalars(stmt)
    return written
