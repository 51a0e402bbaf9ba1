"""The facts the evaluation scores, read by the database: one grouped statement per kind of
fact for all centers at once (never a statement per center).

The period is ``[first, last]`` in Asia/Shanghai's calendar, up to now when it has not ended:
``start`` is the first day's midnight, ``end`` the instant after the last day or now, whichever
comes first, ``as_of_day`` the last day or today. Hazards are read as they are recorded now:
an extension moves the deadline the overdue count uses, a reopened hazard is open again."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from backend import clock
from backend.evaluation.scoring import CenterFacts
from backend.hazards.models import Hazard
from backend.hazards.workflow import OPEN, Status
from backend.modules.models import ModuleItem, ModuleVersion
from backend.org.models import Center
from backend.plans.models import PatrolTask, TaskState
from backend.records.models import (
    AccountabilityKind,
    AccountabilityRecord,
    ActionCampaign,
    OfficialTable,
    TableSubmission,
    Training,
    TrainingKind,
)
from backend.vocab import CenterKind


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    start: datetime
    end: datetime
    as_of_day: date

    @property
    def elapsed_days(self) -> int:
        return max(0, (self.as_of_day - self.first).days + 1)


def period(first: date, last: date, now: datetime) -> Period:
    today = now.astimezone(clock.SHANGHAI).date()
    return Period(first, last, clock.day_start(first),
                  min(clock.day_start(last, plus_days=1), now), min(last, today))


def evaluated_centers(session: Session, group_id: int) -> list[Center]:
    """The group's active operating centers (质监办, who evaluates, is not evaluated)."""
    return list(session.scalars(select(Center).where(
        Center.group_id == group_id, Center.is_active,
        Center.kind != CenterKind.quality_supervision).order_by(Center.id)))


Figures = dict[int, dict[str, Any]]  # center id -> CenterFacts fields


def _hazards(session: Session, ids: list[int], p: Period, into: Figures) -> None:
    closed_in = (Hazard.status == Status.closed) & (Hazard.closed_at >= p.start) & \
        (Hazard.closed_at < p.end)
    open_at_end = Hazard.closed_at.is_(None) | (Hazard.closed_at >= p.end)
    # open now, or closed since the period began (its end included), by status: the index on
    # (center_id, status, created_at) finds them (200,000 hazards, SQLite: 760 -> 540 ms
    # against closed_at IS NULL OR closed_at >= start)
    carried = (Hazard.center_id.in_(ids), Hazard.created_at < p.end,
               or_(Hazard.status.in_(OPEN),
                   (Hazard.status == Status.closed) & (Hazard.closed_at >= p.start)))

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    for center_id, closed, on_time, still_open in session.execute(
            select(Hazard.center_id, count(closed_in), count(closed_in & ~Hazard.closed_late),
                   count(open_at_end))
            .where(*carried)
            .group_by(Hazard.center_id)):
        into[center_id].update(closed=int(closed), closed_on_time=int(on_time),
                               open=int(still_open))
    overdue: dict[int, dict[int, int]] = defaultdict(dict)
    for center_id, deadline, n in session.execute(
            select(Hazard.center_id, Hazard.deadline, func.count())
            .where(*carried, open_at_end, Hazard.deadline < p.as_of_day)
            .group_by(Hazard.center_id, Hazard.deadline)):
        assert deadline is not None  # deadline < as_of_day holds for no NULL
        days = (p.as_of_day - deadline).days
        overdue[center_id][days] = overdue[center_id].get(days, 0) + n
    for center_id, by_days in overdue.items():
        into[center_id]["overdue_days"] = by_days


def _findings(session: Session, ids: list[int], p: Period, into: Figures) -> None:
    per_key = (select(Hazard.center_id, func.count().label("n"))
               .join(ModuleItem, ModuleItem.id == Hazard.item_id)
               .join(ModuleVersion, ModuleVersion.id == ModuleItem.module_version_id)
               .where(Hazard.center_id.in_(ids), Hazard.status != Status.cancelled,
                      Hazard.created_at >= p.start, Hazard.created_at < p.end)
               .group_by(Hazard.center_id, Hazard.site_id, ModuleVersion.module_id,
                         ModuleItem.code)
               .subquery())
    for center_id, findings, keys in session.execute(
            select(per_key.c.center_id, func.sum(per_key.c.n), func.count())
            .group_by(per_key.c.center_id)):
        # int(): PostgreSQL's SUM of counts is a numeric (a Decimal)
        into[center_id].update(findings=int(findings), finding_keys=keys)


def _tasks(session: Session, ids: list[int], p: Period, into: Figures) -> None:
    names = {TaskState.done: "tasks_done", TaskState.missed: "tasks_missed"}
    for center_id, state, n in session.execute(
            select(PatrolTask.center_id, PatrolTask.state, func.count())
            .where(PatrolTask.center_id.in_(ids), PatrolTask.due_on >= p.first,
                   PatrolTask.due_on <= p.last, PatrolTask.state.in_(list(names)))
            .group_by(PatrolTask.center_id, PatrolTask.state)):
        into[center_id][names[state]] = n


def _tables(session: Session, group_id: int, ids: list[int], p: Period, into: Figures) -> None:
    """Each (action, table) due in the period counts for every center once its due day is over
    at the period's end, or once the center handed it in."""
    due: dict[tuple[int, OfficialTable], bool] = {}  # (action, table) -> due day over
    for action in session.scalars(select(ActionCampaign)
                                  .where(ActionCampaign.group_id == group_id)):
        for table in OfficialTable:
            day: date = getattr(action, f"{table.value}_due_on")
            if p.first <= day <= p.last:
                due[action.id, table] = p.end >= clock.day_start(day, plus_days=1)
    if not due:
        return
    handed_in: dict[int, set[tuple[int, OfficialTable]]] = defaultdict(set)
    for center_id, action_id, table, late in session.execute(
            select(TableSubmission.center_id, TableSubmission.action_campaign_id,
                   TableSubmission.table_key, TableSubmission.late)
            .where(TableSubmission.center_id.in_(ids),
                   or_(*(and_(TableSubmission.action_campaign_id == action_id,
                              TableSubmission.table_key == table) for action_id, table in due)))):
        handed_in[center_id].add((action_id, table))
        name = "tables_late" if late else "tables_on_time"
        into[center_id][name] = into[center_id].get(name, 0) + 1
    over = {key for key, is_over in due.items() if is_over}
    for center_id in ids:
        into[center_id]["tables_missing"] = len(over - handed_in[center_id])


def _trainings(session: Session, ids: list[int], p: Period, into: Figures) -> None:
    names = {TrainingKind.drill: "drills", TrainingKind.training: "trainings"}
    for center_id, kind, n in session.execute(
            select(Training.center_id, Training.kind, func.count())
            .where(Training.center_id.in_(ids), Training.held_on >= p.first,
                   Training.held_on <= p.as_of_day)
            .group_by(Training.center_id, Training.kind)):
        into[center_id][names[kind]] = n


def center_facts(session: Session, group_id: int, ids: list[int],
                 p: Period) -> dict[int, CenterFacts]:
    figures: Figures = {center_id: {} for center_id in ids}
    if ids:
        _hazards(session, ids, p, figures)
        _findings(session, ids, p, figures)
        _tasks(session, ids, p, figures)
        _tables(session, group_id, ids, p, figures)
        _trainings(session, ids, p, figures)
    return {center_id: CenterFacts(**values) for center_id, values in figures.items()}


def accountability_counts(session: Session, ids: list[int],
                          p: Period) -> dict[int, dict[AccountabilityKind, int]]:
    """通报表扬 / 通报批评 / 约谈 issued in the period, per center and kind."""
    counts: dict[int, dict[AccountabilityKind, int]] = {
        center_id: dict.fromkeys(AccountabilityKind, 0) for center_id in ids}
    for center_id, kind, n in session.execute(
            select(AccountabilityRecord.center_id, AccountabilityRecord.kind, func.count())
            .where(AccountabilityRecord.center_id.in_(ids),
                   AccountabilityRecord.issued_on >= p.first,
                   AccountabilityRecord.issued_on <= p.as_of_day)
            .group_by(AccountabilityRecord.center_id, AccountabilityRecord.kind)):
        counts[center_id][kind] = n
    return counts
