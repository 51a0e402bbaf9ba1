"""A hand-built quarter (Q1 2026) for two operating centers, each row written as the workflow
would have left it, with the figures it must give (worked out by hand in the comments)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from backend.clock import SHANGHAI
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.modules.models import ModuleItem, ModuleVersion
from backend.org import service as org
from backend.org.models import Center, Site
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
from backend.vocab import Category, CenterKind, Grade, HazardSource, Role, SiteKind
from tests.factories import Factory


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), SHANGHAI) + \
        timedelta(hours=hour)


@dataclass
class Quarter:
    transport: Center
    energy: Center


class Builder:
    def __init__(self, make: Factory) -> None:
        self.make, self.db = make, make.db
        self.reporter = make.user(Role.inspector, center=make.org.catering)
        version = self.db.scalars(select(ModuleVersion).order_by(ModuleVersion.id)).first()
        assert version is not None
        items = list(self.db.scalars(select(ModuleItem).where(
            ModuleItem.module_version_id == version.id).order_by(ModuleItem.position)))
        self.item1, self.item2 = items[0], items[1]
        # the module's next version: its first item keeps its code (the same check item)
        newer = ModuleVersion(module_id=version.module_id, version=version.version + 100,
                              name=version.name, content_hash="f" * 64)
        self.db.add(newer)
        self.db.flush()
        self.item1_v2 = ModuleItem(
            module_version_id=newer.id, position=1, code=self.item1.code, text=self.item1.text,
            kind=self.item1.kind, photo_required_on_fail=False, category=self.item1.category,
            default_grade=Grade.general)
        self.db.add(self.item1_v2)
        self.module_id = version.module_id

    def hazard(self, site: Site, created: str, status: Status, *, deadline: str | None = None,
               closed: str | None = None, late: bool = False,
               item: ModuleItem | None = None) -> None:
        self.db.add(Hazard(
            reporter_id=self.reporter.id, site_id=site.id, center_id=site.center_id,
            campus_id=site.campus_id, title="隐患", category=Category.fire, grade=Grade.general,
            source=HazardSource.inspection if item else HazardSource.adhoc, status=status,
            item_id=item.id if item else None, created_at=at(created),
            deadline=date.fromisoformat(deadline) if deadline else None,
            closed_at=at(closed) if closed else None, closed_late=late))

    def tasks(self, site: Site, due: str, state: TaskState, n: int = 1) -> None:
        for _ in range(n):
            self.db.add(PatrolTask(
                site_id=site.id, center_id=site.center_id, module_id=self.module_id,
                kind="routine", due_on=date.fromisoformat(due), window_start_at=at(due, 0),
                window_end_at=at(due, 23), assignee_ids=[self.reporter.id], state=state))


def build(make: Factory) -> Quarter:
    o, b = make.org, Builder(make)
    kitchen, dorm = o.kitchen, o.dorm
    kitchen2 = org.create_site(make.db, o.group.id, campus_id=o.campus.id,
                               center_id=o.catering.id, name="二食堂后厨",
                               kind=SiteKind.canteen, location=None)
    transport = org.create_center(make.db, o.group.id, code="t-bus", name="测试交通中心",
                                  kind=CenterKind.transport)
    energy = org.create_center(make.db, o.group.id, code="t-energy", name="测试能源中心",
                               kind=CenterKind.energy)
    org.create_center(make.db, o.group.id, code="t-old", name="已撤销中心",
                      kind=CenterKind.other, is_active=False)
    S = Status
    # catering: closed in Q1: H1 on time, H2 late; open at the end: H3 (10 days overdue on
    # 31 March), H4 (no deadline), H7 (closed after Q1: 30 days), H8 (90 days, capped at 30)
    b.hazard(kitchen, "2026-01-05", S.closed, deadline="2026-01-25", closed="2026-01-20",
             item=b.item1)  # H1
    b.hazard(kitchen, "2026-01-10", S.closed, deadline="2026-02-01", closed="2026-02-20",
             late=True, item=b.item2)  # H2
    b.hazard(kitchen, "2026-02-01", S.assigned, deadline="2026-03-21", item=b.item1)  # H3
    b.hazard(kitchen2, "2026-02-15", S.reported, item=b.item1)  # H4, another site
    b.hazard(kitchen, "2025-12-01", S.closed, deadline="2025-12-30",
             closed="2025-12-20")  # H5, before Q1
    b.hazard(kitchen, "2026-03-01", S.cancelled, item=b.item1)  # H6, cancelled
    b.hazard(kitchen, "2026-03-10", S.closed, deadline="2026-03-01", closed="2026-04-05",
             late=True, item=b.item1_v2)  # H7, the same check item in a newer version
    b.hazard(kitchen, "2025-11-01", S.assigned, deadline="2025-12-31")  # H8
    b.hazard(kitchen, "2026-04-03", S.reported, item=b.item1)  # H9, after Q1
    b.hazard(dorm, "2026-01-02", S.closed, deadline="2026-01-10", closed="2026-01-03")
    # patrol tasks: catering 8 done, 2 missed in Q1 (a task still due, a cancelled one and one
    # after Q1 left out)
    b.tasks(kitchen, "2026-02-03", TaskState.done, 8)
    b.tasks(kitchen, "2026-03-03", TaskState.missed, 2)
    b.tasks(kitchen, "2026-03-31", TaskState.due)
    b.tasks(kitchen, "2026-03-04", TaskState.cancelled)
    b.tasks(kitchen, "2026-04-02", TaskState.missed)
    # tables: 附表1 due 31 Jan and 附表2 due 31 March count; 附表3 (due 30 June) does not
    manager = make.user(Role.center_manager, center=o.catering)
    action = ActionCampaign(group_id=o.group.id, title="三年行动", first_year=2024,
                            last_year=2026, table1_due_on=date(2026, 1, 31),
                            table2_due_on=date(2026, 3, 31), table3_due_on=date(2026, 6, 30))
    earlier = ActionCampaign(group_id=o.group.id, title="上一轮", first_year=2023,
                             last_year=2025, table1_due_on=date(2025, 12, 31),
                             table2_due_on=date(2025, 12, 31), table3_due_on=date(2025, 12, 31))
    make.db.add_all([action, earlier])
    make.db.flush()
    for center, table, day, late in ((o.catering, OfficialTable.table1, "2026-01-30", False),
                                     (o.catering, OfficialTable.table3, "2026-03-01", False),
                                     (o.property, OfficialTable.table1, "2026-02-02", True)):
        make.db.add(TableSubmission(action_campaign_id=action.id, center_id=center.id,
                                    table_key=table, submitted_at=at(day),
                                    submitted_by_id=manager.id, late=late))
    # trainings: catering a drill (a training after Q1); property a drill and a training
    for center, kind, day in ((o.catering, TrainingKind.drill, "2026-02-10"),
                              (o.catering, TrainingKind.training, "2026-04-02"),
                              (o.property, TrainingKind.drill, "2026-03-05"),
                              (o.property, TrainingKind.training, "2026-01-15")):
        make.db.add(Training(center_id=center.id, kind=kind, held_on=date.fromisoformat(day),
                             topic="演练"))
    for center, kind, day in ((o.catering, AccountabilityKind.criticism, "2026-03-20"),
                              (o.catering, AccountabilityKind.interview, "2026-03-21"),
                              (o.catering, AccountabilityKind.praise, "2025-12-01"),
                              (o.property, AccountabilityKind.praise, "2026-02-02")):
        make.db.add(AccountabilityRecord(center_id=center.id, kind=kind,
                                         issued_on=date.fromisoformat(day), reason="督查结果"))
    make.db.commit()
    return Quarter(transport, energy)
