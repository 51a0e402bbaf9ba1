"""The console's 巡检计划 and 专项检查 (issue 15) at 1440x900: a manager creates a plan and its task
reaches the inspector; coverage shows the missed patrol of a past day (and the server's refusal of
a period too long); 质监办 dispatches a campaign and follows a center's 回执 as it comes in; an
inspector has neither screen."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest

from backend import clock
from backend.deps import request_session
from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.org import service as org_service
from backend.plans import service as plans
from backend.plans import tasks
from backend.plans.models import Frequency
from backend.plans.schemas import PlanIn
from backend.vocab import Category, Grade, ItemKind, Role, SiteKind
from tests.e2e.conftest import shot
from tests.e2e.steps import api
from tests.e2e.test_campaigns_phone import PDF
from tests.e2e.test_console import console_login, menu_items, pick

PLAN_MODULE = "后厨日管控检查"
CAMPAIGN_MODULE = "节前安全专项检查表"


def module(session, code: str, name: str, kinds: list[SiteKind]) -> int:  # noqa: ANN001
    made, _ = create_module(session, ModuleCreateIn(
        code=code, category=Category.food, name=name, site_kinds=kinds,
        items=[ItemIn(code="clean", text="操作台面清洁无油污", kind=ItemKind.pass_fail,
                      photo_required_on_fail=False, category=Category.hygiene,
                      default_grade=Grade.general)]))
    return made.id


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    """The catering center's manager and inspector, the property center's manager, 质监办; a
    second kitchen with yesterday's patrol missed (a plan written and marked by the scheduler's own
    steps), and the modules the plan and the campaign run."""
    session, make = live.factory()
    org = make.org
    tag = uuid.uuid4().hex[:6]
    people = {
        "manager": make.user(Role.center_manager, center=org.catering, username=f"mgr-{tag}"),
        "inspector": make.user(Role.inspector, center=org.catering, username=f"insp-{tag}"),
        "property_manager": make.user(Role.center_manager, center=org.property, username=f"pmgr-{tag}"),
        "qa": make.user(Role.qa_officer, center=org.qa, username=f"qa-{tag}"),
        "leader": make.user(Role.leader, username=f"lead-{tag}"),
    }
    people["manager"].display_name = "赵主任"
    people["inspector"].display_name = "王巡检"
    people["property_manager"].display_name = "钱经理"
    second = org_service.create_site(session, org.group.id, campus_id=org.campus.id, center_id=org.catering.id,
                                     name="二食堂后厨", kind=SiteKind.canteen, location=None)
    plan_module = module(session, f"kitchen-{tag}", PLAN_MODULE, [SiteKind.canteen])
    campaign_module = module(session, f"holiday-{tag}", CAMPAIGN_MODULE, [])
    yesterday = clock.today() - timedelta(days=1)
    missed_plan = plans.create(session, people["manager"], PlanIn(
        name="二食堂晨检", site_id=second.id, module_id=plan_module, frequency=Frequency.daily,
        starts_on=yesterday, window_start=time(8), window_end=time(10),
        inspector_ids=[people["inspector"].id]))
    session.commit()
    _written_and_marked(live, yesterday)
    yield {"org": org, "second": second, "plan_module": plan_module, "campaign_module": campaign_module,
           "missed_plan": missed_plan.id, **people}
    session.close()


def _written_and_marked(live, day) -> None:  # noqa: ANN001
    """The scheduler's two task steps for a past day, on the live server's database in a worker
    thread (Playwright's loop owns ours): the day's tasks written, then those whose window ended
    marked missed (漏检)."""
    def steps() -> None:
        with request_session(live.engine, read_only=False) as session:
            tasks.materialize(session, day)
        with request_session(live.engine, read_only=False) as session:
            tasks.mark_missed(session, clock.utcnow())

    with ThreadPoolExecutor(1) as pool:
        pool.submit(steps).result()


def open_screen(page, title: str, marker: str) -> None:  # noqa: ANN001
    page.locator("[data-test=console-menu] .el-menu-item", has_text=title).click()
    page.locator(f"[data-test={marker}]").wait_for()


def settle(page) -> None:  # noqa: ANN001
    page.wait_for_timeout(400)  # dialogs and drawers finish their transition before a screenshot


def test_a_manager_creates_a_plan_and_its_task_reaches_the_inspector(live, world, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, world["manager"])
    assert {"巡检计划", "专项检查"} <= set(menu_items(page))
    open_screen(page, "巡检计划", "console-plans")
    page.locator(f"[data-test=plan-name-{world['missed_plan']}]").wait_for()
    assert page.locator("[data-test=plans-center]").count() == 0  # one center's manager: no center filter

    page.locator("[data-test=plan-new]").click()
    dialog = page.locator("[data-test=plan-dialog]")
    dialog.locator("[data-test=f-name]").fill("一食堂后厨日管控")
    pick(page, "f-site", "一食堂后厨")
    pick(page, "f-module", PLAN_MODULE)
    pick(page, "f-inspectors", "王巡检")
    page.keyboard.press("Escape")
    settle(page)
    shot(page, "console-plans-01-new-plan")
    dialog.locator("[data-test=plan-save]").click()
    page.locator(".el-message", has_text="已创建巡检计划").wait_for()

    created = [p for p in api(live, world["manager"]).get("/plans").json()["items"] if p["name"] == "一食堂后厨日管控"]
    assert len(created) == 1
    plan = created[0]
    assert plan["site_id"] == world["org"].kitchen.id and plan["inspector_ids"] == [world["inspector"].id]
    row = page.locator(f"[data-test=plans-row-{plan['id']}]")
    row.wait_for()
    assert "每天" in row.inner_text() and "08:00–17:00" in row.inner_text() and "王巡检" in row.inner_text()
    shot(page, "console-plans-02-list")

    # the inspector's day (GET /tasks: theirs by default) has the plan's task
    mine = api(live, world["inspector"]).get("/tasks").json()["items"]
    assert [(t["plan_name"], t["site_name"]) for t in mine if t["plan_id"] == plan["id"]] == [("一食堂后厨日管控", "一食堂后厨")]

    # paused: no new tasks; the list says so
    page.locator(f"[data-test=plan-toggle-{plan['id']}]").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    page.locator(f"[data-test=plan-state-{plan['id']}]", has_text="已暂停").wait_for()
    assert api(live, world["manager"]).get(f"/plans/{plan['id']}").json()["is_active"] is False

    page.locator("[data-test=plan-from-template]").click()
    page.locator("[data-test=t-template]").click()
    page.locator(".el-select-dropdown__item:visible", has_text="食品安全日管控").click()
    page.locator("[data-test=t-creates]").wait_for()
    settle(page)
    shot(page, "console-plans-03-template")


def test_coverage_shows_yesterdays_missed_patrol(live, world, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, world["manager"], "/console/plans?tab=coverage", "coverage")
    site = world["second"].id
    row = page.locator(f"[data-test=cov-sites-row-{site}]")
    row.wait_for()
    assert "row--alert" in (row.get_attribute("class") or "")
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "二食堂后厨" and cells[1:4] == ["1", "0", "1"]  # due 1, done 0, missed 1
    person = page.locator(f"[data-test=cov-inspectors-row-{world['inspector'].id}-{world['org'].catering.id}]")
    assert "row--alert" in (person.get_attribute("class") or "")
    assert "1 个点位有漏检" in page.locator("[data-test=cov-summary]").inner_text()
    page.locator("[data-test=cov-sites-sort-missed]").click()
    page.locator("[data-test=cov-sites-sort-missed]", has_text="↓").wait_for()
    shot(page, "console-plans-04-coverage")

    # a period the server refuses (over 366 days): its words, not an empty table
    today = clock.today()
    page.goto(f"{live.base_url}/console/plans?tab=coverage&from={(today - timedelta(days=400)).isoformat()}&to={today.isoformat()}")
    error = page.locator("[data-test=cov-error]")
    error.wait_for()
    assert "统计期间无效" in error.inner_text()
    shot(page, "console-plans-05-coverage-refused")


def test_an_edit_over_someone_elses_change_is_reloaded_never_overwritten(live, world, desk):  # noqa: ANN001
    plan_id = world["missed_plan"]
    manager = api(live, world["manager"])
    page = desk.new_page()
    console_login(page, live, world["manager"], "/console/plans", "console-plans")
    page.locator(f"[data-test=plan-edit-{plan_id}]").click()
    dialog = page.locator("[data-test=plan-dialog]")
    dialog.locator("[data-test=f-name]").fill("二食堂晨检（周末照常）")
    assert manager.patch(f"/plans/{plan_id}", json={"window_end": "10:30"}).status_code == 200  # someone else, meanwhile
    dialog.locator("[data-test=plan-save]").click()
    dialog.locator("[data-test=form-error]", has_text="已被他人修改").wait_for()
    assert dialog.locator("[data-test=f-name]").input_value() == "二食堂晨检"  # the plan as it is now
    settle(page)
    shot(page, "console-plans-08-edit-stale")
    dialog.locator("[data-test=f-name]").fill("二食堂晨检（周末照常）")
    dialog.locator("[data-test=plan-save]").click()
    page.locator(f"[data-test=plan-name-{plan_id}]", has_text="周末照常").wait_for()
    stored = manager.get(f"/plans/{plan_id}").json()
    assert (stored["name"], stored["window_end"]) == ("二食堂晨检（周末照常）", "10:30:00")
    assert "08:00–10:30" in page.locator(f"[data-test=plans-row-{plan_id}]").inner_text()


def test_qa_dispatches_a_campaign_and_follows_a_centers_receipt(live, world, desk):  # noqa: ANN001
    org = world["org"]
    page = desk.new_page()
    console_login(page, live, world["qa"])
    page.locator("[data-test='menu-/control']").wait_for()
    assert {"巡检计划", "专项检查", "总控制室 ↗"} <= set(menu_items(page))
    open_screen(page, "专项检查", "console-campaigns")

    page.locator("[data-test=campaign-dispatch]").click()
    dialog = page.locator("[data-test=dispatch-dialog]")
    dialog.locator("[data-test=d-title]").fill("元旦节前食品安全专项检查")
    pick(page, "d-modules", CAMPAIGN_MODULE)
    page.keyboard.press("Escape")
    pick(page, "d-centers", org.catering.name)
    page.locator(".el-select-dropdown__item:visible", has_text=org.property.name).click()  # the list stays open
    page.keyboard.press("Escape")
    dialog.locator("[data-test=d-notes]").fill("重点检查后厨卫生、燃气阀门；节前最后一天前完成并回执")
    settle(page)
    shot(page, "console-campaigns-01-dispatch")
    dialog.locator("[data-test=d-send]").click()

    drawer = page.locator("[data-test=campaign-drawer]")
    drawer.locator("[data-test=campaign-title]", has_text="元旦节前食品安全专项检查").wait_for()
    campaign = api(live, world["qa"]).get("/campaigns").json()["items"][0]
    assert campaign["title"] == "元旦节前食品安全专项检查"
    assert sorted(campaign["center_ids"]) == sorted([org.catering.id, org.property.id])
    receipt = drawer.locator(f"[data-test=receipt-{org.catering.id}]")
    assert receipt.inner_text() == "未回执"
    settle(page)
    shot(page, "console-campaigns-02-receipts-pending")

    # the catering center's manager submits the 回执 (as the phone does); 质监办 refreshes
    resp = api(live, world["manager"]).post(f"/campaigns/{campaign['id']}/receipt",
                                            json={"done": True, "findings_count": 2, "note": "已全部检查，2 处已上报整改"})
    assert resp.status_code == 200, resp.text
    drawer.locator("[data-test=campaign-refresh]").click()
    drawer.locator(f"[data-test=receipt-{org.catering.id}]", has_text="已回执").wait_for()
    row = drawer.locator(f"[data-test=receipts-row-{org.catering.id}]")
    assert "赵主任" in row.inner_text()
    assert drawer.locator(f"[data-test=receipt-{org.property.id}]").inner_text() == "未回执"
    drawer.locator(f"[data-test=center-tasks-{org.catering.id}]").click()
    detail = drawer.locator("[data-test=center-detail]")
    detail.wait_for()
    assert "一食堂后厨" in detail.inner_text() and "二食堂后厨" in detail.inner_text()
    settle(page)
    shot(page, "console-campaigns-03-receipt-in")

    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/console/campaigns$"))
    page.locator(f"[data-test=campaign-receipts-{campaign['id']}]", has_text="1/2 已回执").wait_for()
    shot(page, "console-campaigns-04-list")


def test_qa_attaches_the_notice_and_cancels_a_campaign(live, world, desk):  # noqa: ANN001
    org, today = world["org"], clock.today()
    resp = api(live, world["qa"]).post("/campaigns", json={
        "title": "寒假前宿舍安全检查", "kind": "holiday", "module_ids": [world["campaign_module"]],
        "center_ids": [org.property.id], "starts_on": today.isoformat(), "ends_on": today.isoformat(),
        "receipt_due_on": today.isoformat()})
    assert resp.status_code == 201, resp.text
    campaign = resp.json()
    page = desk.new_page()
    console_login(page, live, world["qa"], f"/console/campaigns?open={campaign['id']}", "campaign-drawer")
    drawer = page.locator("[data-test=campaign-drawer]")
    drawer.locator("input[type=file]").set_input_files(
        files=[{"name": "寒假检查通知.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    drawer.locator("[data-test=campaign-attachment]", has_text="寒假检查通知.pdf").wait_for()

    drawer.locator("[data-test=campaign-cancel]").click()
    box = page.locator(".el-message-box")
    box.locator("input").fill("与期末考试安排冲突，改期")
    box.locator(".el-button--primary").click()
    drawer.locator(".el-alert", has_text="与期末考试安排冲突，改期").wait_for()
    assert drawer.locator("[data-test=campaign-cancel]").count() == 0
    assert drawer.locator(f"[data-test=receipt-{org.property.id}]").inner_text() == "无需回执"
    stored = api(live, world["qa"]).get(f"/campaigns/{campaign['id']}").json()
    assert stored["status"] == "cancelled" and stored["attachment"]["name"] == "寒假检查通知.pdf"
    settle(page)
    shot(page, "console-campaigns-07-cancelled")


def test_a_center_manager_submits_the_receipt_from_the_console(live, world, desk):  # noqa: ANN001
    org, today = world["org"], clock.today()
    resp = api(live, world["qa"]).post("/campaigns", json={
        "title": "冬季用电安全专项检查", "kind": "special", "module_ids": [world["campaign_module"]],
        "center_ids": [org.property.id], "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=3)).isoformat(), "receipt_due_on": (today + timedelta(days=3)).isoformat()})
    assert resp.status_code == 201, resp.text
    campaign = resp.json()
    page = desk.new_page()
    console_login(page, live, world["property_manager"], f"/console/campaigns?open={campaign['id']}", "campaign-drawer")
    form = page.locator("[data-test=receipt-form]")
    form.wait_for()
    assert world["qa"].username not in page.locator("[data-test=campaign-drawer]").inner_text()
    form.locator("[data-test=r-done] label", has_text="已完成").click()
    form.locator("[data-test=r-findings] input").fill("1")
    form.locator("[data-test=r-note]").fill("3号公寓配电箱已整改")
    settle(page)
    shot(page, "console-campaigns-05-receipt-form")
    form.locator("[data-test=r-submit]").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    page.locator(f"[data-test=receipt-{org.property.id}]", has_text="已回执").wait_for()
    assert page.locator("[data-test=receipt-form]").count() == 0
    stored = api(live, world["qa"]).get(f"/campaigns/{campaign['id']}").json()["centers"][0]["receipt"]
    assert (stored["status"], stored["findings_count"], stored["note"]) == ("submitted", 1, "3号公寓配电箱已整改")


def test_a_leader_reads_both_screens_in_english(live, world, desk):  # noqa: ANN001
    """Leaders read every center's plans and campaigns but change none: no create, edit or dispatch."""
    page = desk.new_page()
    console_login(page, live, world["leader"], "/console/plans", "console-plans")
    page.locator(f"[data-test=plan-name-{world['missed_plan']}]").wait_for()
    assert page.locator("[data-test=plan-new]").count() == 0
    assert page.locator(f"[data-test=plan-edit-{world['missed_plan']}]").count() == 0
    shot(page, "console-plans-07-leader-list")
    page.locator("[data-test=console-header] button", has_text="English").click()
    page.locator("[data-test=console-plans] .el-tabs__item", has_text="Coverage").click()
    page.locator(f"[data-test=cov-sites-row-{world['second'].id}]").wait_for()
    assert "Missed" in page.locator("[data-test=cov-sites]").inner_text()
    page.wait_for_timeout(400)  # the tab's underline moves to its new width
    shot(page, "console-plans-06-coverage-en")
    page.goto(f"{live.base_url}/console/campaigns")
    page.locator("[data-test=console-campaigns]").wait_for()
    assert page.locator("[data-test=campaign-dispatch]").count() == 0
    page.wait_for_timeout(400)
    shot(page, "console-campaigns-06-list-en")
    page.locator("[data-test=console-header] button", has_text="中文").click()


def test_an_inspector_has_neither_screen(live, world, desk):  # noqa: ANN001
    """Neither entry in an inspector's menu; typed, a screen shows what the server lets them read,
    with none of the controls of those who plan and dispatch (the server refuses those too)."""
    page = desk.new_page()
    console_login(page, live, world["inspector"])
    assert not {"巡检计划", "专项检查"} & set(menu_items(page))  # an inspector's are tasks on the phone
    for path, marker, control in [("/console/plans", "console-plans", "plan-new"),
                                  ("/console/campaigns", "console-campaigns", "campaign-dispatch")]:
        page.goto(f"{live.base_url}{path}")
        page.locator(f"[data-test={marker}]").wait_for()
        page.wait_for_timeout(500)
        assert page.locator(f"[data-test={control}]").count() == 0, path
