"""Which days are written: a day's tasks are written once (``materialize``), and then every
pass and every read of that day would recompute 2,000 plans' recurrences for nothing. A
``patrol_days`` row marks the day written from the plans and sites as they were (their
stamp); a pass or a read compares the stamp of now, one small statement, and recomputes only
when a plan or a site changed since (then the rows not yet written are added, the written
ones keep what they were). Measured (bench/tasks.py, SQLite): a pass's ``materialize`` of an
already written day went from 1,600 ms (recomputed and re-sent, every row a conflict) to the
stamp's statement."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend.org.models import Site
from backend.plans.models import PatrolDay, PatrolPlan


def _now_and_marked() -> Select[Any]:
    """The newest plan and site (by id: created; by ``updated_at``: edited, (de)activated,
    moved), each one index lookup, then the stamp ``day`` was written with (null if none).

    Measured (SQLite, 2,000 plans): counting the plans and summing their versions, even from a
    covering index, took 0.8 ms, as long as the whole page query GET /tasks is measured
    against; these four lookups take a few microseconds. What they can miss: an edit whose
    ``updated_at`` is older than a newer edit's that committed first (two edits racing a
    pass), or one made at the very instant of the last (a frozen test clock). Its rows are
    then written at the next change or the next day, and a day not yet written (tomorrow) is
    always computed from the plans as they are."""
    newest = [select(func.max(column)).scalar_subquery()
              for column in (PatrolPlan.id, PatrolPlan.updated_at, Site.id, Site.updated_at)]
    marked = select(PatrolDay.stamp).where(PatrolDay.day == bindparam("day")).scalar_subquery()
    return select(*newest, marked)


# built once: GET /tasks asks on every call, and building it was a third of its time
NOW_AND_MARKED = _now_and_marked()


def _check(session: Session, day: date) -> tuple[str, str | None]:
    *now, marked = session.connection().execute(NOW_AND_MARKED, {"day": day}).one()
    return ":".join(str(value) for value in now), marked


def stamp(session: Session) -> str:
    """What the day's tasks follow from, summed up: a plan or a site created or changed."""
    return _check(session, date.min)[0]


def written_day(session: Session, day: date) -> PatrolDay | None:
    return session.scalar(select(PatrolDay).where(PatrolDay.day == day)
                          .execution_options(populate_existing=True))


def is_written(session: Session, day: date) -> tuple[bool, str]:
    """Whether every task of ``day`` is written from the plans and sites as they are now, and
    the stamp of now."""
    now, marked = _check(session, day)
    return marked == now, now


def _upsert(session: Session, day: date, values: dict[str, object]) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(PatrolDay).values(day=day, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=["day"], set_=values))


def mark_written(session: Session, day: date, current: str, at: datetime) -> None:
    """Two workers may both mark: the later stamp wins, at worst one more recomputation."""
    _upsert(session, day, {"stamp": current, "written_at": at})


def mark_notified(session: Session, day: date, current: str) -> None:
    session.execute(update(PatrolDay).where(PatrolDay.day == day)
                    .values(notified_stamp=current).execution_options(synchronize_session=False))
