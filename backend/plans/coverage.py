"""Patrol coverage over a period (GET /tasks/coverage/...): per site and per inspector, the
tasks that fell due on those days and what became of them: done, missed (漏检), still open,
cancelled. A done task counts for the inspector who submitted its inspection; a missed or
open one for each inspector it named (a task naming nobody is anyone's of its center: its
row has no inspector)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.inspections.models import Inspection
from backend.org.models import Center, Site
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.plans.errors import CoveragePeriodInvalid
from backend.plans.models import PatrolTask, TaskState

MAX_DAYS = 366


@dataclass
class Tally:
    counts: Counter[TaskState] = field(default_factory=Counter)

    def fields(self) -> dict[str, Any]:
        done, missed = self.counts[TaskState.done], self.counts[TaskState.missed]
        return {"tasks": sum(self.counts.values()), "done": done, "missed": missed,
                "open": self.counts[TaskState.due],
                "cancelled": self.counts[TaskState.cancelled],
                "done_rate": round(done / (done + missed), 4) if done + missed else None}


def check_period(start: date, end: date) -> None:
    if end < start or (end - start).days >= MAX_DAYS:
        raise CoveragePeriodInvalid(details={"from": start, "to": end})


def _tasks(user: User, columns: tuple[Any, ...], start: date, end: date,
           center_id: int | None) -> Select[Any]:
    stmt = scoped_to_user(select(*columns).select_from(PatrolTask), PatrolTask.center_id, user,
                          CENTER_DATA_READERS).where(PatrolTask.due_on.between(start, end))
    return stmt if center_id is None else stmt.where(PatrolTask.center_id == center_id)


def by_site(session: Session, user: User, start: date, end: date,
            center_id: int | None) -> list[dict[str, Any]]:
    """One row per site with tasks in the period, the most missed first."""
    check_period(start, end)
    tallies: defaultdict[int, Tally] = defaultdict(Tally)
    stmt = _tasks(user, (PatrolTask.site_id, PatrolTask.state, func.count()), start, end,
                  center_id).group_by(PatrolTask.site_id, PatrolTask.state)
    for site_id, state, count in session.execute(stmt):
        tallies[site_id].counts[state] += count
    sites = session.execute(select(Site.id, Site.name, Site.center_id, Center.name)
                            .join(Center, Center.id == Site.center_id)
                            .where(Site.id.in_(tallies))).all()
    rows = [{"site_id": site_id, "site_name": name, "center_id": center, "center_name": cname,
             **tallies[site_id].fields()} for site_id, name, center, cname in sites]
    return sorted(rows, key=lambda r: (-r["missed"], r["done_rate"] or 0, r["site_id"]))


def by_inspector(session: Session, user: User, start: date, end: date,
                 center_id: int | None) -> list[dict[str, Any]]:
    """One row per inspector (and one with none for tasks naming nobody), most missed first."""
    check_period(start, end)
    tallies: defaultdict[tuple[int | None, int], Tally] = defaultdict(Tally)
    done = _tasks(user, (Inspection.inspector_id, PatrolTask.center_id, func.count()), start,
                  end, center_id).join(Inspection, Inspection.id == PatrolTask.inspection_id) \
        .where(PatrolTask.state == TaskState.done) \
        .group_by(Inspection.inspector_id, PatrolTask.center_id)
    for inspector_id, center, count in session.execute(done):
        tallies[(inspector_id, center)].counts[TaskState.done] += count
    named = _tasks(user, (PatrolTask.assignee_ids, PatrolTask.center_id, PatrolTask.state),
                   start, end, center_id).where(PatrolTask.state != TaskState.done)
    for assignees, center, state in session.execute(named):
        for inspector_id in assignees or [None]:
            tallies[(inspector_id, center)].counts[state] += 1
    names = {user_id: name for user_id, name in session.execute(
        select(User.id, User.display_name).where(
            User.id.in_({i for i, _ in tallies if i is not None})))}
    centers = {center: name for center, name in session.execute(
        select(Center.id, Center.name).where(Center.id.in_({c for _, c in tallies})))}
    rows = [{"inspector_id": inspector_id, "inspector_name": names.get(inspector_id)
             if inspector_id is not None else None, "center_id": center,
             "center_name": centers[center], **tally.fields()}
            for (inspector_id, center), tally in tallies.items()]
    return sorted(rows, key=lambda r: (-r["missed"], r["done_rate"] or 0,
                                       r["inspector_id"] or 0, r["center_id"]))
