"""A day's tasks as a user lists them (GET /tasks): filtered, ordered by window then plan and
site, a page at a time.

A day that is written (``days.is_written``: every past day, and today once the scheduler has
written it from the plans as they still are) is one indexed query that filters, orders and
pages in the database. Measured (bench/tasks.py, SQLite, 质监办's 5,701 tasks): the former way,
every task of the day read and every plan's occurrences recomputed as ORM objects, then paged
in Python, took 532 ms for a page of 50. A day not written yet (tomorrow, or today after a plan
changed and before the next pass) is still computed from the plans and merged with what is
written. A campaign's task (no plan, written at dispatch) spans its campaign's window: it is
listed on each of its days while due (:func:`listed_on`)."""

import functools
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    column,
    exists,
    false,
    func,
    or_,
    select,
    table,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.org.models import Site
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.plans import days
from backend.plans.models import PatrolPlan, PatrolTask, TaskState
from backend.plans.schemas import TaskOut
from backend.plans.service import readable_plans
from backend.plans.tasks import PLAN_COLUMNS, occurrences, plans_on
from backend.vocab import Role

# the campaigns' days, by name: the campaigns package builds on this one (its tasks are
# ``patrol_tasks`` rows), so it is not imported here
CAMPAIGNS = table("campaigns", column("id", Integer), column("starts_on", Date),
                  column("ends_on", Date))
Order = tuple[datetime, int, int, int, int]
COLUMNS = (PatrolTask.id, PatrolTask.plan_id, PatrolPlan.name.label("plan_name"),
           PatrolTask.campaign_id, PatrolTask.site_id, Site.name.label("site_name"),
           PatrolTask.center_id,
           PatrolTask.module_id, PatrolTask.kind, PatrolTask.due_on, PatrolTask.window_start_at,
           PatrolTask.window_end_at, PatrolTask.assignee_ids, PatrolTask.state,
           PatrolTask.inspection_id, PatrolTask.done_at)
# unique per listed task: a plan's by (plan, site) on its day, a campaign's by (campaign, site,
# module); coalesced, as a NULL in a row-value comparison would drop the row from later pages
ORDER = (PatrolTask.window_start_at, func.coalesce(PatrolTask.plan_id, 0),
         func.coalesce(PatrolTask.campaign_id, 0), PatrolTask.site_id, PatrolTask.module_id)
AFTER = ("after_start", "after_plan", "after_campaign", "after_site", "after_module")
AFTER_TYPES = (PatrolTask.window_start_at.type, *(PatrolTask.id.type,) * 4)


def task_order(task: TaskOut) -> Order:
    return (task.window_start_at, task.plan_id or 0, task.campaign_id or 0, task.site_id,
            task.module_id)


def readable_tasks(user: User) -> Select[Any]:
    return scoped_to_user(select(PatrolTask), PatrolTask.center_id, user, CENTER_DATA_READERS)


def _listed(user: Any) -> Select[Any]:
    """The tasks the user may read, with their plan's and site's names."""
    stmt = typing.cast(Select[Any], select(*COLUMNS).select_from(PatrolTask)
                       .join(Site, Site.id == PatrolTask.site_id)
                       .outerjoin(PatrolPlan, PatrolPlan.id == PatrolTask.plan_id))
    return scoped_to_user(stmt, PatrolTask.center_id, user, CENTER_DATA_READERS)


def plan_tasks_on(day: Any) -> ColumnElement[bool]:
    """A plan's tasks are listed on their day (the (due_on, center_id) index)."""
    return and_(PatrolTask.due_on == day, PatrolTask.campaign_id.is_(None))


def campaign_tasks_on(day: Any, opens: Any, closes: Any) -> ColumnElement[bool]:
    """A campaign's task is listed on every day (``opens`` to ``closes``: its Asia/Shanghai
    midnights) of its window while due, on the day it was done, on its window's last day once
    missed, and never once cancelled. Its rows are found through the campaigns running that
    day (the index leading with campaign_id); the state is judged by a CASE, not an OR of three
    ranges: with the OR, SQLite read every due task of the day through the (state,
    window_end_at) index (bench/tasks.py, SQLite, no campaign running: 0.71 ms, now 0.08)."""
    running = select(CAMPAIGNS.c.id).where(CAMPAIGNS.c.starts_on <= day,
                                           CAMPAIGNS.c.ends_on >= day)
    return and_(PatrolTask.campaign_id.in_(running), PatrolTask.window_end_at > opens, case(
        (PatrolTask.state == TaskState.due, true()),
        (PatrolTask.state == TaskState.done,
         and_(PatrolTask.done_at >= opens, PatrolTask.done_at < closes)),
        (PatrolTask.state == TaskState.missed, PatrolTask.window_end_at <= closes),
        else_=false()))


def listed_on(day: Any, opens: Any, closes: Any) -> ColumnElement[bool]:
    """The tasks a day lists: its plans' and the campaigns' running that day."""
    return or_(plan_tasks_on(day), campaign_tasks_on(day, opens, closes))


def _day_bounds(day: date) -> dict[str, Any]:
    return {"day": day, "opens": clock.day_start(day), "closes": clock.day_start(day, 1)}


def names(postgres: bool, user_id: Any) -> ColumnElement[bool]:
    """The task names the user among its assignees (a JSON array)."""
    if postgres:
        return cast(PatrolTask.assignee_ids, JSONB).contains(func.jsonb_build_array(user_id))
    each = func.json_each(PatrolTask.assignee_ids).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == user_id))


@dataclass(frozen=True)
class _BoundReader:
    """A reader for ``scoped_to_user`` whose group, center and id are bound at execution, so
    that a page's statement is built once per shape (:func:`_page`)."""

    group_wide: bool
    limited: bool = False
    id: Any = bindparam("user_id")
    username: str = ""
    group_id: Any = bindparam("group_id")
    center_id: Any = bindparam("center_id")

    @property
    def center_limit(self) -> Any:
        return bindparam("center_limit", expanding=True) if self.limited else None

    def has_role(self, *_roles: Role) -> bool:
        return self.group_wide


@functools.cache
def _page(postgres: bool, group_wide: bool, limited: bool, mine: bool, state: bool,
          site: bool, after: bool, campaigns: bool) -> Select[Any]:
    """A written day's page of its plans' tasks, or of the campaigns' running that day, built
    once per shape: measured (SQLite, an inspector's page of 50), building and keying the
    statement on each call was half of GET /tasks' time. Two statements, not one with an OR
    of both: the OR lost the (due_on, center_id) index; measured (bench/tasks.py, SQLite,
    20,000 hazards, load 3-4) the inspector's page 7.8 ms with the OR, 6.1 ms split, 质监办's
    15.4 ms and 8.9 ms."""
    reader = _BoundReader(group_wide, limited)
    day = bindparam("day", type_=PatrolTask.due_on.type)
    stmt = _listed(reader).where(campaign_tasks_on(
        day, bindparam("opens", type_=PatrolTask.window_end_at.type),
        bindparam("closes", type_=PatrolTask.window_end_at.type))
        if campaigns else plan_tasks_on(day))
    if mine:
        stmt = stmt.where(names(postgres, reader.id))
    if state:
        stmt = stmt.where(PatrolTask.state == bindparam("state"))
    if site:
        stmt = stmt.where(PatrolTask.site_id == bindparam("site_id"))
    if after:
        # typed as the columns: an untyped datetime is bound as-is, and SQLite then compares
        # its text with the stored UTC text wrongly (a page repeated for ever)
        stmt = stmt.where(tuple_(*ORDER) > tuple_(*(bindparam(name, type_=type_)
                                                    for name, type_ in zip(
                                                        AFTER, AFTER_TYPES, strict=True))))
    return stmt.order_by(*ORDER).limit(bindparam("limit"))


def tasks_on(session: Session, user: User, day: date, *, mine: bool,
             state: TaskState | None = None, site_id: int | None = None,
             after: Order | None = None, limit: int | None = None) -> list[TaskOut]:
    """The tasks of ``day`` the user may read (only those naming them when ``mine``; of a
    state, at a site), by window then plan and site, after ``after``, at most ``limit``: the
    written ones, and from today on the ones not yet written as their plans give them now."""
    if day < clock.today() or days.is_written(session, day)[0]:
        postgres = session.get_bind().dialect.name == "postgresql"
        shape = (postgres, user.has_role(*CENTER_DATA_READERS), user.center_limit is not None,
                 mine, state is not None,
                 site_id is not None, after is not None)
        params = {"user_id": user.id, "group_id": user.group_id, "center_id": user.center_id,
                  "center_limit": user.center_limit or [],
                  **_day_bounds(day), "state": state, "site_id": site_id,
                  **dict(zip(AFTER, after or (None,) * len(AFTER), strict=True)),
                  "limit": 2**31 - 1 if limit is None else limit}
        # each statement's first ``limit`` in the page's order: their merge's first ``limit``
        # is the page
        # Core, not the ORM's execute: plain columns, and the ORM's setup per statement was a
        # tenth of the endpoint (bench/tasks.py, an inspector's page)
        connection = session.connection()
        rows = [TaskOut(**row._mapping) for campaigns in (False, True)
                for row in connection.execute(_page(*shape, campaigns), params)]
        return sorted(rows, key=task_order)[:limit]
    return _computed(session, user, day, mine=mine, state=state, site_id=site_id,
                     after=after)[:limit]


def _computed(session: Session, user: User, day: date, *, mine: bool,
              state: TaskState | None, site_id: int | None,
              after: Order | None) -> list[TaskOut]:
    tasks = [TaskOut(**row._mapping)
             for row in session.execute(_listed(user).where(listed_on(**_day_bounds(day))))]
    written = {(t.plan_id, t.site_id) for t in tasks}
    plans = session.execute(readable_plans(user).where(plans_on(day))
                            .with_only_columns(*PLAN_COLUMNS))
    tasks += [t for t in occurrences(session, plans, day)
              if (t.plan_id, t.site_id) not in written]
    return sorted((t for t in tasks
                   if (not mine or user.id in t.assignee_ids)
                   and (state is None or t.state == state)
                   and (site_id is None or t.site_id == site_id)
                   and (after is None or task_order(t) > after)), key=task_order)


def campaign_tasks(session: Session, user: User, campaign_id: int, *, mine: bool,
                   state: TaskState | None = None, site_id: int | None = None,
                   after: Order | None = None, limit: int | None = None) -> list[TaskOut]:
    """Every task of a campaign the user may read, over its whole window (the campaign's page
    lists a center's tasks, done yesterday or due today), filtered and paged like a day's."""
    rows = [TaskOut(**row._mapping) for row in session.execute(
        _listed(user).where(PatrolTask.campaign_id == campaign_id).order_by(*ORDER))]
    return [t for t in rows if (not mine or user.id in t.assignee_ids)
            and (state is None or t.state == state)
            and (site_id is None or t.site_id == site_id)
            and (after is None or task_order(t) > after)][:limit]
