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

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.orm import Session

from backend import clock, events
from backend.accounts.models import User
from backend.dedupe import insert_or_skip
from backend.inspections import service as inspections
from backend.inspections.models import Inspection
from backend.org.models import Center, Site
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.plans.models import PatrolPlan, PatrolTask, TaskState
from backend.plans.recurrence import Recurrence, occurs_on, window
from backend.plans.service import readable_plans

TASK_KEY = ("plan_id", "site_id", "due_on")


def recurrence_of(plan: PatrolPlan) -> Recurrence:
    return Recurrence(plan.frequency, plan.starts_on, plan.ends_on,
                      weekdays=frozenset(plan.weekdays or ()), month_day=plan.month_day,
                      interval_days=plan.interval_days,
                      dates=frozenset(date.fromisoformat(d) for d in plan.dates or ()))


def plans_on(day: date) -> ColumnElement[bool]:
    """Active plans whose period holds ``day`` (the recurrence is checked in Python)."""
    return and_(PatrolPlan.is_active, PatrolPlan.starts_on <= day,
                or_(PatrolPlan.ends_on.is_(None), PatrolPlan.ends_on >= day))


def _sites_by_plan(session: Session, plans: list[PatrolPlan]) -> dict[int, list[Site]]:
    """The active sites each plan targets: its one site, or its center's sites of its kind."""
    centers = {p.center_id for p in plans}
    sites = list(session.scalars(select(Site).where(Site.center_id.in_(centers), Site.is_active)
                                 .order_by(Site.id))) if plans else []
    by_id = {s.id: s for s in sites}
    by_kind: dict[tuple[int, Any], list[Site]] = defaultdict(list)
    for site in sites:
        by_kind[site.center_id, site.kind].append(site)
    return {p.id: ([by_id[p.site_id]] if p.site_id in by_id else []) if p.site_id is not None
            else by_kind[p.center_id, p.site_kind] for p in plans}


def occurrences(session: Session, plans: Iterable[PatrolPlan], day: date) -> list[PatrolTask]:
    """The tasks the plans give on ``day``, as the plans are now (unsaved rows)."""
    due = [p for p in plans if occurs_on(recurrence_of(p), day)]
    sites = _sites_by_plan(session, due)
    tasks: list[PatrolTask] = []
    for plan in due:
        opens, closes = window(day, plan.window_start, plan.window_end)
        tasks.extend(PatrolTask(
            plan_id=plan.id, site_id=site.id, center_id=plan.center_id,
            module_id=plan.module_id, kind=plan.kind, due_on=day, window_start_at=opens,
            window_end_at=closes, assignee_ids=list(plan.inspector_ids), state=TaskState.due,
            inspection_id=None, done_at=None) for site in sites[plan.id])
    return tasks


def materialize(session: Session, day: date, *, module_id: int | None = None,
                site_id: int | None = None) -> int:
    """Write ``day``'s tasks that are not written yet (optionally only those of a module at a
    site); returns how many this call wrote. Safe to run twice, also concurrently."""
    stmt = select(PatrolPlan).where(plans_on(day))
    if module_id is not None:
        stmt = stmt.where(PatrolPlan.module_id == module_id)
    tasks = [t for t in occurrences(session, session.scalars(stmt), day)
             if site_id is None or t.site_id == site_id]
    if not tasks:
        return 0
    now = clock.utcnow()
    rows = [{**{c.key: getattr(t, c.key) for c in PatrolTask.__table__.columns
                if c.key not in ("id", "missed_at")}, "created_at": now, "updated_at": now}
            for t in tasks]
    return len(insert_or_skip(session, PatrolTask, rows, TASK_KEY))


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


def readable_tasks(user: User) -> Select[Any]:
    return scoped_to_user(select(PatrolTask), PatrolTask.center_id, user, CENTER_DATA_READERS)


def campaign_tasks_on(day: date) -> ColumnElement[bool]:
    """A campaign's task is listed on every day of its window while it is due, on the day it
    was done, and on its window's last day once missed; a cancelled one on none."""
    opens, closes = clock.day_start(day), clock.day_start(day, plus_days=1)
    return and_(PatrolTask.campaign_id.is_not(None), PatrolTask.window_start_at < closes,
                PatrolTask.window_end_at > opens, or_(
                    PatrolTask.state == TaskState.due,
                    and_(PatrolTask.state == TaskState.done, PatrolTask.done_at >= opens,
                         PatrolTask.done_at < closes),
                    and_(PatrolTask.state == TaskState.missed,
                         PatrolTask.window_end_at <= closes)))


def tasks_on(session: Session, user: User, day: date, *, mine: bool) -> list[PatrolTask]:
    """The tasks of ``day`` the user may read (only those naming them when ``mine``), by
    window then plan and site: the written ones, and from today on the ones not yet written
    as their plans give them now; campaigns' tasks as :func:`campaign_tasks_on` says."""
    tasks = list(session.scalars(readable_tasks(user).where(PatrolTask.due_on == day,
                                                            PatrolTask.plan_id.is_not(None))))
    tasks += session.scalars(readable_tasks(user).where(campaign_tasks_on(day)))
    if day >= clock.today():
        written = {(t.plan_id, t.site_id) for t in tasks}
        plans = session.scalars(readable_plans(user).where(plans_on(day)))
        tasks += [t for t in occurrences(session, plans, day)
                  if (t.plan_id, t.site_id) not in written]
    if mine:
        tasks = [t for t in tasks if user.id in t.assignee_ids]
    return sorted(tasks, key=task_order)


def campaign_tasks(session: Session, user: User, campaign_id: int, *,
                   mine: bool) -> list[PatrolTask]:
    """Every task of a campaign the user may read (only those naming them when ``mine``)."""
    rows = session.scalars(readable_tasks(user).where(PatrolTask.campaign_id == campaign_id))
    return sorted((t for t in rows if not mine or user.id in t.assignee_ids), key=task_order)


def task_order(task: PatrolTask) -> tuple[datetime, int, int, int, int]:
    """Unique per listed task: a plan's by (plan, site) on a day, a campaign's by (campaign,
    site, module)."""
    return (task.window_start_at, task.plan_id or 0, task.campaign_id or 0, task.site_id,
            task.module_id)


inspections.SUBMIT_HOOKS.append(complete)
