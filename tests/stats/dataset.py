"""The hand-built data set of the overview tests: rows written directly (the overview reads
columns, not workflows), at instants chosen around the Asia/Shanghai day and week edges.
Today is Wednesday 2026-06-10 (``NOW``); the period asked for is 2026-05-25 (a Monday) to
today: three weeks. The figures every test expects are worked out in the comments."""

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from backend.campaigns.models import (
    Campaign,
    CampaignCenter,
    CampaignKind,
    CampaignStatus,
    ReceiptStatus,
)
from backend.clock import SHANGHAI
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.inspections.models import InspectionKind
from backend.modules.models import PatrolModule
from backend.org.models import Campus, Center, Group, Site
from backend.plans.models import PatrolTask, TaskState
from backend.records.models import Training, TrainingKind
from backend.vocab import Category, CenterKind, Grade, HazardSource, Role, SiteKind

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=SHANGHAI)
PERIOD = {"from": "2026-05-25", "to": "2026-06-10"}


def at(month: int, day: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime.combine(date(2026, month, day), time(hh, mm), SHANGHAI)


def hazard(make, site: Site, reporter, created: datetime, status: Status, *,  # noqa: ANN001
           category: Category = Category.fire, grade: Grade = Grade.general,
           deadline: date | None = None, closed: datetime | None = None,
           late: bool = False) -> Hazard:
    row = Hazard(reporter_id=reporter.id, site_id=site.id, center_id=site.center_id,
                 campus_id=site.campus_id, title=f"{category.value} {created:%m-%d %H:%M}",
                 category=category, grade=grade, source=HazardSource.adhoc, status=status,
                 deadline=deadline, closed_at=closed, closed_late=late,
                 cost_estimate=Decimal("0.1"), created_at=created, updated_at=created)
    make.db.add(row)
    return row


def task(make, site: Site, due_on: date, state: TaskState, module_id: int) -> None:  # noqa: ANN001
    make.db.add(PatrolTask(site_id=site.id, center_id=site.center_id, module_id=module_id,
                           kind=InspectionKind.routine, due_on=due_on, state=state, assignee_ids=[],
                           window_start_at=datetime.combine(due_on, time(8), SHANGHAI),
                           window_end_at=datetime.combine(due_on, time(18), SHANGHAI)))


def other_group_site(make) -> Site:  # noqa: ANN001
    """A site of another group: nothing of it may show."""
    group = Group(name="另一集团")
    make.db.add(group)
    make.db.flush()
    center = Center(group_id=group.id, code="x-center", name="外集团中心",
                    kind=CenterKind.property)
    campus = Campus(group_id=group.id, code="x-campus", name="外校区")
    make.db.add_all([center, campus])
    make.db.flush()
    site = Site(code="SXOTHER1", campus_id=campus.id, center_id=center.id, name="外点位",
                kind=SiteKind.dormitory)
    make.db.add(site)
    make.db.flush()
    return site


def build(make) -> dict[str, Hazard]:  # noqa: ANN001
    org = make.org
    kitchen, dorm = org.kitchen, org.dorm  # the catering (C) and property (P) centers
    cook = make.user(Role.inspector, center=org.catering)
    janitor = make.user(Role.inspector, center=org.property)
    qa = make.user(Role.qa_officer, center=org.qa)
    h = {
        # C, reported 00:10 on the period's first day (still 05-24 in UTC): in the period;
        # closed two days later, on time
        "c1": hazard(make, kitchen, cook, at(5, 25, 0, 10), Status.closed,
                     deadline=date(2026, 5, 30), closed=at(5, 27, 0, 10)),
        # C, closed 7 days later, after its deadline
        "c2": hazard(make, kitchen, cook, at(5, 26, 10), Status.closed,
                     category=Category.food, deadline=date(2026, 6, 1), closed=at(6, 2, 10),
                     late=True),
        # C, open major, overdue by 5 days
        "c3": hazard(make, kitchen, cook, at(6, 1, 8), Status.assigned, grade=Grade.major,
                     deadline=date(2026, 6, 5)),
        # C, reported 00:30 on Monday 06-08 (Sunday in UTC): the third week
        "c4": hazard(make, kitchen, cook, at(6, 8, 0, 30), Status.reported,
                     category=Category.gas),
        "c5": hazard(make, kitchen, cook, at(6, 10, 9), Status.reported,
                     category=Category.equipment),
        # P, reported 23:30 the day before the period: not in it; open, overdue by 9 days
        "p1": hazard(make, dorm, janitor, at(5, 24, 23, 30), Status.submitted,
                     category=Category.building, deadline=date(2026, 6, 1)),
        "p2": hazard(make, dorm, janitor, at(5, 28, 12), Status.cancelled),
        # P, fixed on the spot: closed without a deadline (on time), half a day later
        "p3": hazard(make, dorm, janitor, at(6, 3, 12), Status.closed,
                     category=Category.hygiene, closed=at(6, 4, 0)),
        # P, reported long before the period, closed in its third week, late
        "p4": hazard(make, dorm, janitor, at(4, 1), Status.closed, category=Category.other,
                     grade=Grade.major, deadline=date(2026, 5, 1), closed=at(6, 9, 10),
                     late=True),
        # P, reported and closed today, 6 hours later
        "p5": hazard(make, dorm, janitor, at(6, 10, 5), Status.closed,
                     deadline=date(2026, 6, 12), closed=at(6, 10, 11)),
    }
    # another group's open, overdue hazard
    other = other_group_site(make)
    hazard(make, other, janitor, at(6, 1), Status.assigned, deadline=date(2026, 5, 1))

    module_id = make.db.scalar(select(PatrolModule.id).limit(1))
    for day, state in [(date(2026, 5, 25), TaskState.done), (date(2026, 6, 1), TaskState.done),
                       (date(2026, 6, 9), TaskState.done), (date(2026, 6, 2), TaskState.missed),
                       (date(2026, 6, 10), TaskState.due), (date(2026, 6, 3), TaskState.cancelled),
                       (date(2026, 5, 24), TaskState.done)]:  # the last: before the period
        task(make, kitchen, day, state, module_id)
    for day, state in [(date(2026, 6, 4), TaskState.done), (date(2026, 6, 5), TaskState.missed)]:
        task(make, dorm, day, state, module_id)

    def campaign(title: str, starts: date, ends: date, due: date,
                 status: CampaignStatus = CampaignStatus.dispatched) -> Campaign:
        row = Campaign(group_id=org.group.id, title=title, kind=CampaignKind.special,
                       module_ids=[module_id], starts_on=starts, ends_on=ends,
                       receipt_due_on=due, status=status, created_by_id=qa.id,
                       dispatched_at=at(5, 20))
        make.db.add(row)
        make.db.flush()
        return row

    june = campaign("六月消防专项检查", date(2026, 6, 1), date(2026, 6, 5), date(2026, 6, 6))
    make.db.add_all([
        CampaignCenter(campaign_id=june.id, center_id=org.catering.id,
                       status=ReceiptStatus.submitted, done=True, findings_count=1,
                       submitted_by_id=cook.id, submitted_at=at(6, 5, 17)),
        CampaignCenter(campaign_id=june.id, center_id=org.property.id)])  # pending, late
    for row in (campaign("已撤销", date(2026, 6, 1), date(2026, 6, 3), date(2026, 6, 4),
                         CampaignStatus.cancelled),
                campaign("五月检查", date(2026, 5, 10), date(2026, 5, 15), date(2026, 5, 20))):
        make.db.add(CampaignCenter(campaign_id=row.id, center_id=org.catering.id))
    # this year's drills and trainings up to today (06-10): C two drills and a training, P a
    # training; last year's and tomorrow's are not counted
    make.db.add_all([
        Training(center_id=center.id, kind=kind, held_on=held_on, topic="演练与培训")
        for center, kind, held_on in (
            (org.catering, TrainingKind.drill, date(2026, 1, 1)),
            (org.catering, TrainingKind.drill, date(2026, 6, 10)),
            (org.catering, TrainingKind.training, date(2026, 3, 12)),
            (org.catering, TrainingKind.drill, date(2025, 12, 31)),
            (org.catering, TrainingKind.training, date(2026, 6, 11)),
            (org.property, TrainingKind.training, date(2026, 4, 2)))])
    make.db.commit()
    return h
