"""Which days are written: a day's tasks are written once (``materialize``), and then every
pass and every read of that day would recompute 2,000 plans' recurrences for nothing. A
``patrol_days`` row marks the day written from the plans and sites as they were (their
stamp); a pass or a read compares the stamp of now, one small statement, and recomputes only
when a plan or a site changed since (then the rows not yet written are added, the written
ones keep what they were). Measured (bench/tasks.py, SQLite): a pass's ``materialize`` of an
already written day went from 1,600 ms (recomputed and re-sent, every row a conflict) to the
stamp's statement."""

from datetime import date, datetime

from sqlalchemy import func, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend.org.models import Site
from backend.plans.models import PatrolDay, PatrolPlan


def stamp(session: Session) -> str:
    """What the day's tasks follow from, summed up: any plan created, edited (its version) or
    removed, any site added, moved or (de)activated changes it."""
    plans = select(func.count(PatrolPlan.id), func.coalesce(func.sum(PatrolPlan.version), 0),
                   func.max(PatrolPlan.updated_at)).subquery()
    sites = select(func.count(Site.id), func.coalesce(func.sum(Site.center_id), 0),
                   func.max(Site.updated_at)).where(Site.is_active).subquery()
    row = session.execute(select(plans, sites).select_from(plans.join(sites, true()))).one()
    return ":".join(str(value) for value in row)


def written_day(session: Session, day: date) -> PatrolDay | None:
    return session.scalar(select(PatrolDay).where(PatrolDay.day == day)
                          .execution_options(populate_existing=True))


def is_written(session: Session, day: date, current: str | None = None) -> bool:
    """Whether every task of ``day`` is written from the plans and sites as they are now."""
    mark = written_day(session, day)
    return mark is not None and mark.stamp == (current or stamp(session))


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
