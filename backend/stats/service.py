"""The control room's figures, computed by the database: a handful of GROUP BYs over covering
indexes (migration 0022) and one window query for the percentiles, whatever the number of
hazards; Python only adds the groups up. Who sees what: 质监办 and leaders every center of the
group, a center's manager their own center (another center is a 404, as for its objects)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.campaigns import service as campaigns
from backend.campaigns.models import Campaign, CampaignStatus, ReceiptStatus
from backend.errors import Forbidden, NotFound
from backend.hazards.models import Hazard
from backend.hazards.workflow import OPEN, Status
from backend.org.models import Center
from backend.org.service import CENTER_DATA_READERS
from backend.plans.models import PatrolTask, TaskState
from backend.records.models import Training, TrainingKind
from backend.stats import schemas
from backend.stats.errors import PeriodInvalid
from backend.stats.sqlfn import days_between, rounded, week_index
from backend.vocab import Category, Grade, Role

READERS = (*CENTER_DATA_READERS, Role.center_manager)
DEFAULT_WEEKS = 12
MAX_DAYS = 366
PERCENTILES = (50, 90)


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date

    @classmethod
    def of(cls, starts_on: date | None, ends_on: date | None, today: date) -> "Period":
        """The days asked for; by default the 12 weeks (Monday to Sunday) up to ``ends_on``,
        which is today by default."""
        ends_on = ends_on or today
        if starts_on is None:
            monday = ends_on - timedelta(days=ends_on.weekday())
            starts_on = monday - timedelta(weeks=DEFAULT_WEEKS - 1)
        if starts_on > ends_on or (ends_on - starts_on).days >= MAX_DAYS:
            raise PeriodInvalid(details={"from": starts_on, "to": ends_on,
                                         "max_days": MAX_DAYS})
        return cls(starts_on, ends_on)

    @property
    def first_monday(self) -> date:
        return self.starts_on - timedelta(days=self.starts_on.weekday())

    @property
    def weeks(self) -> int:
        return (self.ends_on - self.first_monday).days // 7 + 1

    def instants(self) -> tuple[datetime, datetime]:
        """The period as UTC instants: [its first midnight, the midnight after its last day)."""
        return clock.day_start(self.starts_on), clock.day_start(self.ends_on, plus_days=1)


def check_reader(user: User) -> User:
    """质监办, leaders and center managers read the control room (403 for anyone else)."""
    if not user.has_role(*READERS):
        raise Forbidden(details={"required_roles": [r.value for r in READERS]})
    return user


def centers_in_scope(session: Session, user: User, center_id: int | None) -> list[Center]:
    """The centers whose figures ``user`` may read (``center_id``: that one only), by id."""
    check_reader(user)
    stmt = select(Center).where(Center.group_id == user.group_id).order_by(Center.id)
    if not user.has_role(*CENTER_DATA_READERS):
        stmt = stmt.where(Center.id == user.center_id)
    if user.center_limit is not None:
        stmt = stmt.where(Center.id.in_(user.center_limit))
    if center_id is not None:
        stmt = stmt.where(Center.id == center_id)
    centers = list(session.scalars(stmt))
    if center_id is not None and not centers:
        raise NotFound(code="center_not_found", details={"center_id": center_id})
    return centers


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _sum(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


@dataclass
class _Tally:
    """What the queries count per center, before the rates."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, **values: int) -> None:
        for name, value in values.items():
            self.counts[name] += int(value or 0)

    def figures(self) -> dict[str, Any]:
        c = self.counts
        names = ("open", "major_open", "overdue", "reported", "cancelled", "closed",
                 "closed_on_time", "tasks_done", "tasks_missed", "tasks_pending",
                 "drills_this_year", "trainings_this_year")
        out: dict[str, Any] = {name: c[name] for name in names}
        out["tasks_due"] = c["tasks_done"] + c["tasks_missed"] + c["tasks_pending"]
        out["closure_rate"] = rate(c["closed"], c["reported"] - c["cancelled"])
        out["on_time_rate"] = rate(c["closed_on_time"], c["closed"])
        out["completion_rate"] = rate(c["tasks_done"], c["tasks_done"] + c["tasks_missed"])
        return out


class _Overview:
    """The queries of one overview, over the centers ``ids``. A computed key (a week, a
    duration) is computed in a subquery and grouped on outside: SQLite does not see that two
    copies of an expression with bound parameters are the same, and computed and sorted it
    again for the GROUP BY."""

    def __init__(self, session: Session, ids: list[int], period: Period, today: date) -> None:
        self.session, self.ids, self.period, self.today = session, ids, period, today
        self.tally: dict[int, _Tally] = defaultdict(_Tally)
        self.start, self.end = period.instants()
        # typed as the columns: an untyped datetime is bound as local wall time on SQLite
        self.week0 = literal(clock.day_start(period.first_monday), Hazard.created_at.type)

    def open_hazards(self) -> schemas.OpenHazards:
        """Open hazards by center, category, grade and status, with how many are overdue:
        one GROUP BY over ix_hazards_open (status, center_id, category, grade, deadline)."""
        by_status: dict[Status, int] = {s: 0 for s in Status if s in OPEN}
        by_grade: dict[Grade, int] = dict.fromkeys(Grade, 0)
        by_category: dict[Category, int] = dict.fromkeys(Category, 0)
        rows = self.session.execute(
            select(Hazard.center_id, Hazard.category, Hazard.grade, Hazard.status, func.count(),
                   _sum(Hazard.deadline < self.today))
            .where(Hazard.status.in_(OPEN), Hazard.center_id.in_(self.ids))
            .group_by(Hazard.center_id, Hazard.category, Hazard.grade, Hazard.status))
        for center_id, category, grade, status, n, overdue in rows:
            by_status[status] += n
            by_grade[grade] += n
            by_category[category] += n
            self.tally[center_id].add(open=n, overdue=overdue,
                                      major_open=n if grade is Grade.major else 0)
        return schemas.OpenHazards(total=sum(by_status.values()), by_status=by_status,
                                   by_grade=by_grade, by_category=by_category)

    def oldest_overdue(self) -> schemas.OldestOverdue | None:
        """The first entry of each open status in ix_hazards_status_deadline, the earliest of
        them. One statement with ``status IN (...)`` made PostgreSQL fetch every overdue
        hazard's row to sort them (57 ms on 200,000 hazards, against 1 ms for the three)."""
        rows = [self.session.execute(
            select(Hazard.id, Hazard.title, Hazard.center_id, Hazard.site_id, Hazard.grade,
                   Hazard.deadline)
            .where(Hazard.status == status, Hazard.deadline < self.today,
                   Hazard.center_id.in_(self.ids))
            .order_by(Hazard.deadline, Hazard.id).limit(1)).first() for status in OPEN]
        found = [r for r in rows if r is not None]
        if not found:
            return None
        row = min(found, key=lambda r: (r.deadline, r.id))
        return schemas.OldestOverdue(hazard_id=row.id, title=row.title,
                                     center_id=row.center_id, site_id=row.site_id,
                                     grade=row.grade, deadline=row.deadline,
                                     days_overdue=(self.today - row.deadline).days)

    def reported(self) -> list[int]:
        """The period's hazards by center and week of report, with what became of them (over
        ix_hazards_center_created_outcome); returns the reports per week."""
        h = select(Hazard.center_id, week_index(Hazard.created_at, self.week0).label("week"),
                   Hazard.status, Hazard.closed_late) \
            .where(self._reported_in_period()).subquery()
        closed = h.c.status == Status.closed
        rows = self.session.execute(
            select(h.c.center_id, h.c.week, func.count(), _sum(h.c.status == Status.cancelled),
                   _sum(closed), _sum(and_(closed, h.c.closed_late.is_(False))))
            .group_by(h.c.week, h.c.center_id))  # SQLite: 20x slower grouped (center, week)
        weekly = [0] * self.period.weeks
        for center_id, index, n, cancelled, closed_n, on_time in rows:
            weekly[index] += n
            self.tally[center_id].add(reported=n, cancelled=cancelled, closed=closed_n,
                                      closed_on_time=on_time)
        return weekly

    def _reported_in_period(self) -> ColumnElement[bool]:
        return and_(Hazard.created_at >= self.start, Hazard.created_at < self.end,
                    Hazard.center_id.in_(self.ids))

    def closed_per_week(self) -> list[int]:
        """Closures in the period per week (``closed_at`` is set exactly while a hazard is
        closed), over ix_hazards_center_closed (center_id, closed_at)."""
        h = select(week_index(Hazard.closed_at, self.week0).label("week")) \
            .where(Hazard.closed_at >= self.start, Hazard.closed_at < self.end,
                   Hazard.center_id.in_(self.ids)).subquery()
        weekly = [0] * self.period.weeks
        for index, n in self.session.execute(select(h.c.week, func.count())
                                             .group_by(h.c.week)):
            weekly[index] += n
        return weekly

    def days_to_close(self) -> schemas.DaysToClose:
        """Nearest-rank percentiles of the days from report to close, in hundredths of a day
        (14.4 minutes): the database groups the period's closed hazards by that (a few
        thousand groups at most); the ranks are then looked up in the cumulative counts.
        Ranking every row in SQL (``row_number() OVER (ORDER BY days)``, which both
        databases have) took 10x longer on SQLite than the GROUP BY (bench/README.md)."""
        h = select(rounded(days_between(Hazard.closed_at, Hazard.created_at) * 100)
                   .label("hundredths")) \
            .where(self._reported_in_period(), Hazard.closed_at.is_not(None)).subquery()
        histogram = self.session.execute(select(h.c.hundredths, func.count())
                                         .group_by(h.c.hundredths)
                                         .order_by(h.c.hundredths)).all()
        closed = sum(n for _, n in histogram)
        wanted = {p: -(-closed * p // 100) for p in PERCENTILES}  # ceil(closed * p / 100)
        found: dict[int, float] = {}
        seen = 0
        for value, n in histogram:
            seen += n
            for p, rank in wanted.items():
                if p not in found and seen >= rank:
                    found[p] = value / 100
        return schemas.DaysToClose(closed=closed, median=found.get(50), p90=found.get(90))

    def tasks(self) -> None:
        """Patrol tasks due in the period by center and state (ix_patrol_tasks_due_on_center:
        a period's tasks are a few thousand rows)."""
        names = {TaskState.done: "tasks_done", TaskState.missed: "tasks_missed",
                 TaskState.due: "tasks_pending"}
        for center_id, state, n in self.session.execute(
                select(PatrolTask.center_id, PatrolTask.state, func.count())
                .where(PatrolTask.due_on >= self.period.starts_on,
                       PatrolTask.due_on <= self.period.ends_on,
                       PatrolTask.center_id.in_(self.ids),
                       PatrolTask.state != TaskState.cancelled)
                .group_by(PatrolTask.center_id, PatrolTask.state)):
            self.tally[center_id].add(**{names[state]: n})

    def trainings(self) -> None:
        """Drills and trainings held this calendar year (Asia/Shanghai) up to today, by center
        and kind (ix_trainings_center_held)."""
        names = {TrainingKind.drill: "drills_this_year",
                 TrainingKind.training: "trainings_this_year"}
        for center_id, kind, n in self.session.execute(
                select(Training.center_id, Training.kind, func.count())
                .where(Training.center_id.in_(self.ids),
                       Training.held_on >= date(self.today.year, 1, 1),
                       Training.held_on <= self.today)
                .group_by(Training.center_id, Training.kind)):
            self.tally[center_id].add(**{names[kind]: n})


def _campaigns(session: Session, user: User, ids: Iterable[int],
               period: Period) -> list[schemas.CampaignReceipts]:
    """Dispatched campaigns running or owed a 回执 in the period, with their receipts from
    the centers in scope (a few rows per campaign: lateness is the campaigns' own rule)."""
    scope, now = set(ids), clock.utcnow()
    rows = list(session.scalars(
        campaigns.readable_campaigns(user)
        .where(Campaign.status == CampaignStatus.dispatched,
               Campaign.starts_on <= period.ends_on,
               Campaign.receipt_due_on >= period.starts_on)
        .order_by(Campaign.receipt_due_on.desc(), Campaign.id.desc())))
    receipts = campaigns.receipts_of(session, user, [c.id for c in rows])
    out = []
    for campaign in rows:
        mine = [r for r, _ in receipts[campaign.id] if r.center_id in scope]
        if not mine:
            continue
        late = [campaigns.late(campaign, r, now) for r in mine]
        submitted = [r.status is ReceiptStatus.submitted for r in mine]
        out.append(schemas.CampaignReceipts(
            campaign_id=campaign.id, title=campaign.title, kind=campaign.kind,
            starts_on=campaign.starts_on, ends_on=campaign.ends_on,
            receipt_due_on=campaign.receipt_due_on, centers=len(mine),
            submitted=sum(submitted),
            submitted_late=sum(s and x for s, x in zip(submitted, late, strict=True)),
            pending=len(mine) - sum(submitted),
            pending_late=sum(not s and x for s, x in zip(submitted, late, strict=True))))
    return out


def overview(session: Session, user: User, starts_on: date | None, ends_on: date | None,
             center_id: int | None) -> schemas.OverviewOut:
    today = clock.today()
    period = Period.of(starts_on, ends_on, today)
    centers = centers_in_scope(session, user, center_id)
    ids = [c.id for c in centers]
    q = _Overview(session, ids, period, today)
    open_now = q.open_hazards()
    reported, closed = q.reported(), q.closed_per_week()
    q.tasks()
    q.trainings()
    total = _Tally()
    for tally in q.tally.values():
        total.add(**tally.counts)
    totals = schemas.Figures(**total.figures())
    return schemas.OverviewOut(
        generated_at=clock.utcnow(), today=today, starts_on=period.starts_on,
        ends_on=period.ends_on, center_id=center_id, totals=totals,
        centers=[schemas.CenterFigures(center_id=c.id, name=c.name, **q.tally[c.id].figures())
                 for c in centers],
        open=open_now, overdue=schemas.Overdue(count=totals.overdue, oldest=q.oldest_overdue()),
        days_to_close=q.days_to_close(),
        weekly=[schemas.Week(starts_on=period.first_monday + timedelta(weeks=i),
                             reported=reported[i], closed=closed[i])
                for i in range(period.weeks)],
        campaigns=_campaigns(session, user, ids, period))
