"""A day's tasks as a user lists them (GET /tasks): filtered, ordered by window then plan and
site, a page at a time.

A day that is written (``days.is_written``: every past day, and today once the scheduler has
written it from the plans as they still are) is one indexed query that filters, orders and
pages in the database. Measured (bench/tasks.py, SQLite, 质监办's 5,701 tasks): the former way,
every task of the day read and every plan's occurrences recomputed as ORM objects, then paged
in Python, took 532 ms for a page of 50. A day not written yet (tomorrow, or today after a plan
changed and before the next pass) is still computed from the plans and merged with what is
written. Campaign tasks (no plan) are rows like any other: nothing here needs a plan."""

import typing
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, cast, exists, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.org.models import Site
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.plans import days
from backend.plans.models import PatrolPlan, PatrolTask, TaskState
from backend.plans.service import readable_plans
from backend.plans.tasks import PLAN_COLUMNS, occurrences, plans_on
from backend.plans.view import TaskView

Order = tuple[datetime, int, int]
COLUMNS = (PatrolTask.id, PatrolTask.plan_id, PatrolPlan.name.label("plan_name"),
           PatrolTask.site_id, Site.name.label("site_name"), PatrolTask.center_id,
           PatrolTask.module_id, PatrolTask.kind, PatrolTask.due_on, PatrolTask.window_start_at,
           PatrolTask.window_end_at, PatrolTask.assignee_ids, PatrolTask.state,
           PatrolTask.inspection_id, PatrolTask.done_at)
ORDER = (PatrolTask.window_start_at, PatrolTask.plan_id, PatrolTask.site_id)


def readable_tasks(user: User) -> Select[Any]:
    return scoped_to_user(select(PatrolTask), PatrolTask.center_id, user, CENTER_DATA_READERS)


def _listed(user: User) -> Select[Any]:
    """The tasks the user may read, with their plan's and site's names."""
    stmt = typing.cast(Select[Any], select(*COLUMNS).select_from(PatrolTask)
                       .join(Site, Site.id == PatrolTask.site_id)
                       .outerjoin(PatrolPlan, PatrolPlan.id == PatrolTask.plan_id))
    return scoped_to_user(stmt, PatrolTask.center_id, user, CENTER_DATA_READERS)


def listed_on(day: date) -> ColumnElement[bool]:
    """The tasks a day lists."""
    return PatrolTask.due_on == day


def names(session: Session, user_id: int) -> ColumnElement[bool]:
    """The task names the user among its assignees (a JSON array)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(PatrolTask.assignee_ids, JSONB).contains(cast(literal([user_id], JSONB),
                                                                  JSONB))
    each = func.json_each(PatrolTask.assignee_ids).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == user_id))


def tasks_on(session: Session, user: User, day: date, *, mine: bool,
             state: TaskState | None = None, site_id: int | None = None,
             after: Order | None = None, limit: int | None = None) -> list[TaskView]:
    """The tasks of ``day`` the user may read (only those naming them when ``mine``; of a
    state, at a site), by window then plan and site, after ``after``, at most ``limit``: the
    written ones, and from today on the ones not yet written as their plans give them now."""
    if day < clock.today() or days.is_written(session, day):
        stmt = _listed(user).where(listed_on(day))
        if mine:
            stmt = stmt.where(names(session, user.id))
        if state is not None:
            stmt = stmt.where(PatrolTask.state == state)
        if site_id is not None:
            stmt = stmt.where(PatrolTask.site_id == site_id)
        if after is not None:
            stmt = stmt.where(tuple_(*ORDER) > tuple_(*after))
        stmt = stmt.order_by(*ORDER).limit(limit)
        return [TaskView(**row._mapping) for row in session.execute(stmt)]
    return _computed(session, user, day, mine=mine, state=state, site_id=site_id,
                     after=after)[:limit]


def _computed(session: Session, user: User, day: date, *, mine: bool,
              state: TaskState | None, site_id: int | None,
              after: Order | None) -> list[TaskView]:
    tasks = [TaskView(**row._mapping)
             for row in session.execute(_listed(user).where(listed_on(day)))]
    written = {(t.plan_id, t.site_id) for t in tasks}
    plans = session.execute(readable_plans(user).where(plans_on(day))
                            .with_only_columns(*PLAN_COLUMNS))
    tasks += [t for t in occurrences(session, plans, day)
              if (t.plan_id, t.site_id) not in written]
    return sorted((t for t in tasks
                   if (not mine or user.id in t.assignee_ids)
                   and (state is None or t.state == state)
                   and (site_id is None or t.site_id == site_id)
                   and (after is None or t.order() > after)), key=TaskView.order)
