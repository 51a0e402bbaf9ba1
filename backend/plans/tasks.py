"""Tasks: a plan's occurrences at its sites. A day's tasks are written (``materialize``) when
the day comes, each once: the row's unique (plan, site, date) key makes a second writer's
insert a no-op (``backend.dedupe``), so two schedulers never double a task. Until then a
future task is computed from the plan as it is now. A submitted inspection completes the open
task of its module at its site whose window holds the submit (``complete``); a task whose window
ended open is missed (``mark_missed``). Both are conditional UPDATEs on ``state = 'due'``, so
each task changes, and emits its event, once."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend import clock, events
from backend.inspections import service as inspections
from backend.inspections.models import Inspection
from backend.org.models import Center, Site
from backend.plans import days
from backend.plans.models import PatrolPlan, PatrolTask, TaskState
from backend.plans.recurrence import Recurrence, occurs_on, window
from backend.plans.schemas import TaskOut

TASK_KEY = ("plan_id", "site_id", "due_on")
# the plan's columns a task is computed from: plain rows, not entities (2,000 plans as ORM
# objects cost more than the whole rest of a day's computation, measured with bench/tasks.py)
PLAN_COLUMNS = (PatrolPlan.id, PatrolPlan.name, PatrolPlan.center_id, PatrolPlan.site_id,
                PatrolPlan.site_kind, PatrolPlan.module_id, PatrolPlan.kind,
                PatrolPlan.frequency, PatrolPlan.weekdays, PatrolPlan.month_day,
                PatrolPlan.interval_days, PatrolPlan.dates, PatrolPlan.starts_on,
                PatrolPlan.ends_on, PatrolPlan.window_start, PatrolPlan.window_end,
                PatrolPlan.inspector_ids)
RECURRENCE_COLUMNS = (PatrolPlan.id, PatrolPlan.frequency, PatrolPlan.weekdays,
                      PatrolPlan.month_day, PatrolPlan.interval_days, PatrolPlan.dates,
                      PatrolPlan.starts_on, PatrolPlan.ends_on, PatrolPlan.window_start,
                      PatrolPlan.window_end)
INSERTED = ("plan_id", "site_id", "center_id", "module_id", "kind", "due_on", "window_start_at",
            "window_end_at", "assignee_ids", "state", "created_at", "updated_at")


def recurrence_of(plan: Any) -> Recurrence:
    """A plan's (or a plan row's) recurrence."""
    return Recurrence(plan.frequency, plan.starts_on, plan.ends_on,
                      weekdays=frozenset(plan.weekdays or ()), month_day=plan.month_day,
                      interval_days=plan.interval_days,
                      dates=frozenset(date.fromisoformat(d) for d in plan.dates or ()))


def plans_on(day: date) -> ColumnElement[bool]:
    """Active plans whose period holds ``day`` (the recurrence is checked in Python)."""
    return and_(PatrolPlan.is_active, PatrolPlan.starts_on <= day,
                or_(PatrolPlan.ends_on.is_(None), PatrolPlan.ends_on >= day))


def targets() -> ColumnElement[bool]:
    """Joins a plan to the active sites it targets: its one site (of its center), or its
    center's sites of its kind. Each branch names its own index (the site's key; the center's
    sites): with the center outside the OR, SQLite scanned every site of the center for each
    one-site plan (bench/tasks.py, SQLite, a window of 167 plans: 4.6 ms, now 0.67)."""
    return and_(Site.is_active, or_(
        and_(Site.id == PatrolPlan.site_id, Site.center_id == PatrolPlan.center_id),
        and_(PatrolPlan.site_id.is_(None), Site.center_id == PatrolPlan.center_id,
             Site.kind == PatrolPlan.site_kind)))


def _due(plans: Iterable[Any], day: date) -> list[Any]:
    return [p for p in plans if occurs_on(recurrence_of(p), day)]


def occurrences(session: Session, plans: Iterable[Any], day: date) -> list[TaskOut]:
    """The tasks the plans (entities or rows of ``PLAN_COLUMNS``) give on ``day``, as the plans
    are now: unwritten (``id`` None)."""
    due = {p.id: p for p in _due(plans, day)}
    sites = session.execute(select(PatrolPlan.id, Site.id, Site.name).join(Site, targets())
                            .where(PatrolPlan.id.in_(due)).order_by(PatrolPlan.id, Site.id))
    tasks: list[TaskOut] = []
    for plan_id, site_id, site_name in sites:
        plan = due[plan_id]
        opens, closes = window(day, plan.window_start, plan.window_end)
        tasks.append(TaskOut(
            id=None, plan_id=plan.id, plan_name=plan.name, site_id=site_id,
            site_name=site_name, center_id=plan.center_id, module_id=plan.module_id,
            kind=plan.kind, due_on=day, window_start_at=opens, window_end_at=closes,
            assignee_ids=list(plan.inspector_ids), state=TaskState.due, inspection_id=None,
            done_at=None))
    return tasks


def materialize(session: Session, day: date, *, module_id: int | None = None,
                site_id: int | None = None) -> int:
    """Write ``day``'s tasks that are not written yet (optionally only those of a module at a
    site); returns how many this call wrote. Safe to run twice, also concurrently. A day
    already written from the plans and sites as they are is left at once (``days``).

    Python decides which plans fall due (the rules of :mod:`recurrence`) and their windows;
    the database fans them out over their sites: one ``INSERT ... SELECT`` per window of the
    day (the plans sharing a window share its two instants). Measured (bench/tasks.py, SQLite,
    5,701 tasks): building each task in Python and inserting it through SQLAlchemy, which
    converts 5 values a row, took 500 ms against 32 ms for the database copying the same
    rows."""
    written_already, current = days.is_written(session, day)
    if written_already:
        return 0
    stmt = select(*RECURRENCE_COLUMNS).where(plans_on(day))
    if module_id is not None:
        stmt = stmt.where(PatrolPlan.module_id == module_id)
    by_window: dict[tuple[time, time | None], list[int]] = defaultdict(list)
    # Core, not the ORM's execute: measured (bench/tasks.py, SQLite, 2,000 plans), the ORM's
    # loading of these plain rows was a sixth of the call
    for plan in _due(session.connection().execute(stmt), day):
        by_window[plan.window_start, plan.window_end].append(plan.id)
    now = clock.utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    written = 0
    for (start, end), plan_ids in by_window.items():
        opens, closes = window(day, start, end)
        rows = (select(PatrolPlan.id, Site.id, PatrolPlan.center_id, PatrolPlan.module_id,
                       PatrolPlan.kind, literal(day, PatrolTask.due_on.type),
                       literal(opens, PatrolTask.window_start_at.type),
                       literal(closes, PatrolTask.window_end_at.type),
                       PatrolPlan.inspector_ids, literal(TaskState.due, PatrolTask.state.type),
                       literal(now, PatrolTask.created_at.type),
                       literal(now, PatrolTask.updated_at.type))
                .join(Site, targets()).where(PatrolPlan.id.in_(plan_ids)))
        if site_id is not None:
            rows = rows.where(Site.id == site_id)
        insert = (dialect.insert(PatrolTask.__table__).from_select(INSERTED, rows)
                  .on_conflict_do_nothing(index_elements=list(TASK_KEY)))
        # the ids written, not rowcount: psycopg reports -1 for this statement
        written += len(session.execute(insert.returning(PatrolTask.__table__.c.id)).all())
    if module_id is None and site_id is None:
        days.mark_written(session, day, current, now)
    return written


def _emit(session: Session, event_type: str, rows: list[Any], actor_id: int | None,
          **data: Any) -> None:
    groups = dict(session.execute(select(Center.id, Center.group_id).where(
        Center.id.in_({r.center_id for r in rows}))).all()) if rows else {}
    for row in rows:
        events.emit(session, event_type, object_type="patrol_task", object_id=row.id,
                    center_id=row.center_id, group_id=groups.get(row.center_id),
                    actor_id=actor_id, data={"plan_id": row.plan_id, "site_id": row.site_id,
                                             "due_on": row.due_on,
                                             "campaign_id": row.campaign_id, **data})


def _close_open(session: Session, where: list[ColumnElement[bool]],
                values: dict[str, Any]) -> list[Any]:
    result = session.execute(
        update(PatrolTask).where(PatrolTask.state == TaskState.due, *where)
        .values(**values, updated_at=clock.utcnow())
        .returning(PatrolTask.id, PatrolTask.center_id, PatrolTask.plan_id,
                   PatrolTask.site_id, PatrolTask.due_on, PatrolTask.campaign_id)
        .execution_options(synchronize_session=False))
    return list(result.all())


def complete(session: Session, inspection: Inspection) -> None:
    """An inspection just submitted completes the open tasks of its module at its site whose
    window holds the submit time (today's tasks are written first if the scheduler hasn't).
    A campaign's task only by an inspection of its kind (专项 or 节假日): a routine patrol at
    the site is not the special check 质监办 dispatched (review-11 S2)."""
    at = inspection.submitted_at or clock.utcnow()
    materialize(session, at.astimezone(clock.SHANGHAI).date(), module_id=inspection.module_id,
                site_id=inspection.site_id)
    done = _close_open(session, [PatrolTask.site_id == inspection.site_id,
                                 PatrolTask.module_id == inspection.module_id,
                                 PatrolTask.window_start_at <= at, PatrolTask.window_end_at > at,
                                 or_(PatrolTask.campaign_id.is_(None),
                                     PatrolTask.kind == inspection.kind)],
                       {"state": TaskState.done, "inspection_id": inspection.id, "done_at": at})
    _emit(session, "task.done", done, inspection.inspector_id, inspection_id=inspection.id)


def mark_missed(session: Session, now: datetime) -> int:
    """Tasks whose window ended by ``now`` without a submitted inspection become missed (漏检),
    each emitting ``task.missed`` once; returns how many this call marked."""
    missed = _close_open(session, [PatrolTask.window_end_at <= now],
                         {"state": TaskState.missed, "missed_at": now})
    _emit(session, "task.missed", missed, None, missed_at=now)
    return len(missed)


inspections.SUBMIT_HOOKS.append(complete)
