"""The phone for issue 11: today's patrol tasks first on home (a due one opens its checklist at its
site, and resumes it), and the bell: unread count, the list, a tap opens the hazard and reads it."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

import pytest

from backend import clock
from backend.deps import request_session
from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.scheduler import PassResult, run_once
from backend.vocab import Category, Grade, ItemKind, Role
from tests.e2e.conftest import shot
from tests.e2e.steps import api, login, report

FIRE = "后厨防火日巡"


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    people = {
        "inspector": make.user(Role.inspector, username=f"insp-{uuid.uuid4().hex[:6]}"),
        "manager": make.user(Role.center_manager, username=f"mgr-{uuid.uuid4().hex[:6]}"),
    }
    module, _ = create_module(session, ModuleCreateIn(
        code=f"fire-{uuid.uuid4().hex[:6]}", category=Category.fire, name=FIRE,
        items=[ItemIn(code="exting", text="灭火器压力正常", kind=ItemKind.pass_fail,
                      photo_required_on_fail=False, category=Category.fire,
                      default_grade=Grade.general)]))
    session.commit()
    yield {"org": make.org, "module_id": module.id, **people}
    session.close()


def scheduler_pass(live, now=None) -> PassResult:  # noqa: ANN001
    """One pass on the live server's database, in a worker thread: Playwright's event loop owns
    the test's thread."""
    sessions = partial(request_session, live.engine, read_only=False)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run_once, sessions, live.settings, now).result()


def test_todays_task_opens_its_checklist_at_its_site(live, world, phone):  # noqa: ANN001
    kitchen = world["org"].kitchen
    resp = api(live, world["manager"]).post("/plans", json={
        "name": "后厨防火", "site_id": kitchen.id, "module_id": world["module_id"], "frequency": "daily",
        "inspector_ids": [world["inspector"].id], "starts_on": clock.today().isoformat()})
    assert resp.status_code == 201, resp.text
    assert scheduler_pass(live).tasks_written >= 1

    page = phone.new_page()
    login(page, live, world["inspector"])
    task = page.locator("[data-test=task-due]", has_text=kitchen.name)
    task.wait_for()
    assert FIRE in task.inner_text() and "00:00–24:00" in task.inner_text()
    assert "待完成" in task.inner_text()
    page.wait_for_timeout(300)
    shot(page, "i11-home-tasks")

    task.click()
    page.locator("[data-test=checklist]").wait_for()
    head = page.locator("[data-test=checklist]").inner_text()
    assert FIRE in head and kitchen.name in head
    first = page.url
    assert re.search(r"/patrol/[0-9a-f-]{36}$", first)
    shot(page, "i11-task-checklist")

    # back home, the same task resumes that checklist rather than starting a second one
    page.locator(".van-nav-bar__left").click()
    page.locator("[data-test=task-due]", has_text=kitchen.name).click()
    page.locator("[data-test=checklist]").wait_for()
    assert page.url == first

    # offline, home shows the last known list, marked as such
    phone.set_offline(True)
    page.locator(".van-nav-bar__left").click()
    page.locator("[data-test=home-cached]").wait_for()
    assert page.locator("[data-test=task-due]", has_text=kitchen.name).count() == 1
    page.wait_for_timeout(300)
    shot(page, "i11-home-tasks-offline")
    phone.set_offline(False)


def test_the_bell_counts_lists_and_opens_the_hazard(live, world, phone):  # noqa: ANN001
    # the first test's pass may have told the inspector of today's tasks (task_due): read
    read = api(live, world["inspector"]).post("/notifications/read-all")
    assert read.status_code == 200, read.text
    page = phone.new_page()
    login(page, live, world["inspector"])
    bell = page.locator("[data-test=bell]")
    bell.wait_for()
    assert bell.locator(".van-badge").count() == 0

    hazard = report(live, world, world["inspector"], "配电箱门未关闭")
    assigned = api(live, world["manager"]).post(f"/hazards/{hazard['id']}/actions/assign", json={
        "assignee_id": world["inspector"].id, "measures": "关闭并上锁", "cost_estimate": "0",
        "deadline": (clock.today() + timedelta(days=5)).isoformat(), "interim_measures": "警示"})
    assert assigned.status_code == 200, assigned.text
    assert scheduler_pass(live).notifications >= 1

    page.reload()
    page.locator("[data-test=bell] .van-badge", has_text="1").wait_for()
    shot(page, "i11-home-bell")
    bell.click()
    row = page.locator("[data-test=notification]", has_text="配电箱门未关闭")
    row.first.wait_for()
    assert row.count() == 1 and row.first.get_attribute("data-unread") == "yes"
    page.wait_for_timeout(300)
    shot(page, "i11-notifications")

    row.first.click()
    page.wait_for_url(re.compile(rf"/hazards/{hazard['id']}$"))
    page.goto(f"{live.base_url}/")
    page.locator("[data-test=home]").wait_for()
    page.wait_for_timeout(1000)
    assert bell.locator(".van-badge").count() == 0
    bell.click()
    assert row.first.get_attribute("data-unread") == "no"


def test_task_notices_open_todays_tasks_and_a_missed_tasks_checklist(live, world, phone):  # noqa: ANN001
    """今日巡检 opens home with its task shown; 漏检 opens the missed task's checklist (a late
    patrol). The pass is dated no earlier than 06:30 today, when the day's notices go out."""
    kitchen = world["org"].kitchen
    resp = api(live, world["manager"]).post("/plans", json={
        "name": "后厨开档检查", "site_id": kitchen.id, "module_id": world["module_id"],
        "frequency": "daily", "window_start": "00:00", "window_end": "00:01",
        "inspector_ids": [world["inspector"].id], "starts_on": clock.today().isoformat()})
    assert resp.status_code == 201, resp.text
    now = max(clock.utcnow(), clock.day_start(clock.today()) + timedelta(hours=6, minutes=30))
    scheduler_pass(live, now)
    scheduler_pass(live, now)  # the misses' events are notified in the pass that marks them

    page = phone.new_page()
    login(page, live, world["inspector"])
    page.locator("[data-test=bell]").click()
    due = page.locator("[data-test=notification]", has_text="今日巡检任务")
    missed = page.locator("[data-test=notification]", has_text="巡检任务漏检")
    missed.wait_for()
    assert "漏检" in missed.inner_text() and "00:00–00:01" in missed.inner_text()
    page.wait_for_timeout(300)
    shot(page, "i11-task-notices")

    due.click()
    page.locator("[data-test=tasks] [data-focused=yes]").wait_for()
    assert re.search(r"/\?task=\d+$", page.url)
    page.wait_for_timeout(300)
    shot(page, "i11-task-due-opens-home")

    page.locator("[data-test=bell]").click()
    missed.click()
    page.locator("[data-test=checklist]").wait_for()
    assert kitchen.name in page.locator("[data-test=checklist]").inner_text()
    shot(page, "i11-task-missed-opens-checklist")
