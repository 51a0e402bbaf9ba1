"""What patrol tasks tell people: one ``task_due`` a day to each assignee naming the day's
tasks, and one ``task_missed`` per group of misses (a center's tasks missed by one pass) to each
assignee and to the center's managers, each written once however often the scheduler runs."""

import uuid
from datetime import timedelta

from backend.org.models import Site
from backend.vocab import Role, SiteKind
from tests.notifications.helpers import inbox, run_scheduler
from tests.plans.support import MONDAY, at_local, create_plan, module_with


def _canteens(make, count: int) -> None:  # noqa: ANN001
    for n in range(count):
        make.db.add(Site(code=f"NT{uuid.uuid4().hex[:6].upper()}{n}", campus_id=make.org.campus.id,
                         center_id=make.org.catering.id, name=f"二食堂{n}", kind=SiteKind.canteen))
    make.db.flush()


def _scene(client, make, db):  # noqa: ANN001, ANN202
    """Two plans in 08:00-11:00: the kitchen (one inspector), every canteen (two inspectors)."""
    first, second = (make.user(Role.inspector, center=make.org.catering) for _ in range(2))
    manager = make.user(Role.center_manager, center=make.org.catering)
    module_id, _ = module_with(db)
    _canteens(make, 2)
    create_plan(client, make, manager, module_id, [first], name="后厨日管控")
    create_plan(client, make, manager, module_id, [first, second], name="食堂巡查",
                site_id=None, site_kind="canteen")
    return first, second, manager


def _of(client, make, user, kind: str) -> list[dict]:  # noqa: ANN001
    return [n for n in inbox(client, make, user) if n["kind"] == kind]


def test_each_assignee_is_told_once_a_day_of_the_days_tasks(client, make, db, app):
    first, second, manager = _scene(client, make, db)
    assert run_scheduler(app, at_local(MONDAY, 5, 30)).reminders == 0  # before 06:00
    assert _of(client, make, first, "task_due") == []
    morning = run_scheduler(app, at_local(MONDAY, 6, 30))
    assert morning.reminders == 2  # first and second, one each
    for hour in (7, 8):
        assert run_scheduler(app, at_local(MONDAY, hour)).reminders == 0
    canteens = 3  # the kitchen is a canteen too
    [mine] = _of(client, make, first, "task_due")
    assert mine["title"] == "今日巡检任务" and mine["object_type"] == "patrol_task"
    assert f"今天（3月2日）有 {1 + canteens} 项巡检任务待完成" in mine["body"]
    assert "08:00–11:00" in mine["body"] and f"等 {1 + canteens} 项" in mine["body"]
    assert "2026-03-02" not in mine["body"]
    [theirs] = _of(client, make, second, "task_due")
    assert f"有 {canteens} 项巡检任务" in theirs["body"]
    assert _of(client, make, manager, "task_due") == []
    tuesday = run_scheduler(app, at_local(MONDAY + timedelta(days=1), 6, 30))
    assert tuesday.reminders == 2 and len(_of(client, make, first, "task_due")) == 2


def test_a_plan_added_in_the_day_tells_only_its_new_assignees(client, make, db, app):
    first, _, manager = _scene(client, make, db)
    run_scheduler(app, at_local(MONDAY, 6, 30))
    newcomer = make.user(Role.inspector, center=make.org.catering)
    module_id, _ = module_with(db)
    create_plan(client, make, manager, module_id, [newcomer, first], name="午间巡查",
                window_start="12:00", window_end="14:00")
    later = run_scheduler(app, at_local(MONDAY, 9))
    assert later.tasks_written == 1 and later.reminders == 1
    [told] = _of(client, make, newcomer, "task_due")
    assert "有 1 项巡检任务" in told["body"] and "12:00–14:00" in told["body"]
    assert len(_of(client, make, first, "task_due")) == 1  # once a day, whatever changes


def test_misses_of_one_pass_are_one_message_per_person(client, make, db, app):
    first, second, manager = _scene(client, make, db)
    run_scheduler(app, at_local(MONDAY, 7))
    noon = run_scheduler(app, at_local(MONDAY, 12))
    assert noon.tasks_missed == 4
    assert run_scheduler(app, at_local(MONDAY, 13)).notifications == 0
    [mine] = _of(client, make, first, "task_missed")
    assert "您3月2日有 4 项巡检任务未在时段内完成（漏检）" in mine["body"]
    assert mine["object_type"] == "patrol_task"
    [theirs] = _of(client, make, second, "task_missed")
    assert "有 3 项" in theirs["body"]
    [center] = _of(client, make, manager, "task_missed")
    assert center["body"].startswith(f"{make.org.catering.name}3月2日有 4 项")


def test_a_manager_who_is_also_an_assignee_gets_the_centers_message_only(client, make, db, app):
    manager = make.user(Role.center_manager, center=make.org.catering)
    module_id, _ = module_with(db)
    create_plan(client, make, manager, module_id, [manager])
    run_scheduler(app, at_local(MONDAY, 7))
    run_scheduler(app, at_local(MONDAY, 12))
    [only] = _of(client, make, manager, "task_missed")
    assert only["body"].startswith(make.org.catering.name)
