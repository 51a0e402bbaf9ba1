"""Tasks: a plan's occurrences at its sites. A day's tasks are written (``materialize``) when
the day comes, each once: the row's unique (plan, site, date) key makes a second writer's
insert a no-op (``backend.dedupe``), so two schedulers never double a task. Until then a
future task is computed from the plan as it is now. A submitted inspection completes the open
task of its module at its site whose window holds the submit (``complete``); a task whose window
ended open is missed (``mark_missed``). Both are conditional UPDATEs on ``state = 'due'``, so
each task changes, and emits its event, once."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from backend import clock, events
from backend.dedupe import insert_or_skip
from backend.inspections import service as inspections
from backend.inspections.models import Inspection
from backend.org.models import Center, Site
from backend.plans import days
from backend.plans.models import PatrolPlan, PatrolTask, TaskState
from backend.plans.recurrence import Recurrence, occurs_on, window
from backend.plans.view import TaskView

TASK_KEY = ("plan_id", "site_id", "due_on")
# the plan's columns a task is computed from: plain rows, not entities (2,000 plans as ORM
# objects cost more than the whole rest of a day's computation, measured with bench/tasks.py)
PLAN_COLUMNS = (PatrolPlan.id, PatrolPlan.name, PatrolPlan.center_id, PatrolPlan.site_id,
                PatrolPlan.site_kind, PatrolPlan.module_id, PatrolPlan.kind,
                PatrolPlan.frequency, PatrolPlan.weekdays, PatrolPlan.month_day,
                PatrolPlan.interval_days, PatrolPlan.dates, PatrolPlan.starts_on,
                PatrolPlan.ends_on, PatrolPlan.window_start, PatrolPlan.window_end,
                PatrolPlan.inspector_ids)


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


def _sites_by_plan(session: Session, plans: list[Any]) -> dict[int, list[tuple[int, str]]]:
    """The active sites (id, name) each plan targets: its one site, or its center's sites of
    its kind."""
    centers = {p.center_id for p in plans}
    sites = session.execute(select(Site.id, Site.name, Site.center_id, Site.kind).where(
        Site.center_id.in_(centers), Site.is_active).order_by(Site.id)).all() if plans else []
    by_id = {s.id: (s.id, s.name) for s in sites}
    by_kind: dict[tuple[int, Any], list[tuple[int, str]]] = defaultdict(list)
    for site in sites:
        by_kind[site.center_id, site.kind].append((site.id, site.name))
    return {p.id: ([by_id[p.site_id]] if p.site_id in by_id else []) if p.site_id is not None
            else by_kind[p.center_id, p.site_kind] for p in plans}


def occurrences(session: Session, plans: Iterable[Any], day: date) -> list[TaskView]:
    """The tasks the plans (entities or rows of ``PLAN_COLUMNS``) give on ``day``, as the plans
    are now: unwritten (``id`` None)."""
    due = [p for p in plans if occurs_on(recurrence_of(p), day)]
    sites = _sites_by_plan(session, due)
    tasks: list[TaskView] = []
    for plan in due:
        opens, closes = window(day, plan.window_start, plan.window_end)
        tasks.extend(TaskView(
            id=None, plan_id=plan.id, plan_name=plan.name, site_id=site_id,
            site_name=site_name, center_id=plan.center_id, module_id=plan.module_id,
            kind=plan.kind, due_on=day, window_start_at=opens, window_end_at=closes,
            assignee_ids=list(plan.inspector_ids), state=TaskState.due, inspection_id=None,
            done_at=None) for site_id, site_name in sites[plan.id])
    return tasks


def materialize(session: Session, day: date, *, module_id: int | None = None,
                site_id: int | None = None) -> int:
    """Write ``day``'s tasks that are not written yet (optionally only those of a module at a
    site); returns how many this call wrote. Safe to run twice, also concurrently. A day
    already written from the plans and sites as they are is left at once (``days``)."""
    current = days.stamp(session)
    if days.is_written(session, day, current):
        return 0
    stmt = select(*PLAN_COLUMNS).where(plans_on(day))
    if module_id is not None:
        stmt = stmt.where(PatrolPlan.module_id == module_id)
    now = clock.utcnow()
    rows = [{**task.row(), "created_at": now, "updated_at": now}
            for task in occurrences(session, session.execute(stmt), day)
            if site_id is None or task.site_id == site_id]
    written = insert_or_skip(session, PatrolTask, rows, TASK_KEY)
    if module_id is None and site_id is None:
        days.mark_written(session, day, current, now)
    return len(written)


def _emit(session: Session, event_type: str, rows: list[Any], actor_id: int | None,
          **data: Any) -> None:
    groups = dict(session.execute(select(Center.id, Center.group_id).where(
        Center.id.in_({r.center_id for r in rows}))).all()) if rows else {}
    for row in rows:
        events.emit(session, event_type, object_type="patrol_task", object_id=row.id,
                    center_id=row.center_id, group_id=groups.get(row.center_id),
                    actor_id=actor_id, data={"plan_id": row.plan_id, "site_id": row.site_id,
                                             "due_on": row.due_on, **data})


def _close_open(session: Session, where: list[ColumnElement[bool]],
                values: dict[str, Any]) -> list[Any]:
    result = session.execute(
        update(PatrolTask).where(PatrolTask.state == TaskState.due, *where)
        .values(**values, updated_at=clock.utcnow())
        .returning(PatrolTask.id, PatrolTask.center_id, PatrolTask.plan_id,
                   PatrolTask.site_id, PatrolTask.due_on)
        .execution_options(synchronize_session=False))
    return list(result.all())


def complete(session: Session, inspection: Inspection) -> None:
    """An inspection just submitted completes the open tasks of its module at its site whose
    window holds the submit time (today's tasks are written first if the scheduler hasn't)."""
    at = inspection.submitted_at or clock.utcnow()
    materialize(session, at.astimezone(clock.SHANGHAI).date(), module_id=inspection.module_id,
                site_id=inspection.site_id)
    done = _close_open(session, [PatrolTask.site_id == inspection.site_id,
                                 PatrolTask.module_id == inspection.module_id,
                                 PatrolTask.window_start_at <= at, PatrolTask.window_end_at > at],
                       {"state": TaskState.done, "inspection_id": inspection.id, "done_at": at})
    _emit(session, "task.done", done, inspection.inspector_id, inspection_id=inspection.id)


def mark_missed(session: Session, now: datetime) -> int:
    """Tasks whose window ended by ``now`` without a submitted inspection become missed (漏检),
    each emitting ``task.missed`` once; returns how many this call marked."""
    missed = _close_open(session, [PatrolTask.window_end_at <= now],
                         {"state": TaskState.missed, "missed_at": now})
    _emit(session, "task.missed", missed, None)
    return len(missed)


inspections.SUBMIT_HOOKS.append(complete)
