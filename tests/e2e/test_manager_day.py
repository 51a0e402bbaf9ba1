"""The phone app for issue 9: the checklist judged as the server does, the kinds and plan fields
the server allows, the manager's day on the home screen, the reject loop, titles, empty states."""

import time
import uuid
from datetime import UTC, datetime

import pytest

from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.vocab import Category, Grade, ItemKind, Role
from tests.e2e.conftest import PHONE, jpeg, shot
from tests.e2e.steps import api, login, report, synced

FRIDGE = "冷库温度日检"


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    org = make.org
    people = {
        "inspector": make.user(Role.inspector, username=f"insp-{uuid.uuid4().hex[:6]}"),
        "manager": make.user(Role.center_manager, username=f"mgr-{uuid.uuid4().hex[:6]}"),
        "qa": make.user(Role.qa_officer, center=org.qa, username=f"qa-{uuid.uuid4().hex[:6]}"),
    }
    items = [
        ItemIn(code="fridge", text="冷藏库温度", kind=ItemKind.number, photo_required_on_fail=False,
               category=Category.food, default_grade=Grade.general, max=4, unit="℃"),
        ItemIn(code="labels", text="食品标签齐全", kind=ItemKind.pass_fail,
               photo_required_on_fail=False, category=Category.food,
               default_grade=Grade.general),
    ]
    create_module(session, ModuleCreateIn(code=f"fridge-{uuid.uuid4().hex[:6]}",
                                          category=Category.food, name=FRIDGE, items=items))
    session.commit()
    yield {"org": org, "session": session, **people}
    session.close()


def open_checklist(page, world, module: str):  # noqa: ANN001, ANN201
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]", has_text=world["org"].kitchen.name).click()
    page.locator("[data-test=module]", has_text=module).click()
    page.locator("[data-test=checklist]").wait_for()
    return page.locator("[data-test=item]")


def test_a_number_item_is_refused_without_its_reading(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    items = open_checklist(page, world, FRIDGE)
    fridge, labels = items.nth(0), items.nth(1)
    # the reading judges a number item: no 合格/不合格 to tap, only 不适用; its limit as written
    assert fridge.locator("[data-test=result-pass]").count() == 0
    assert fridge.locator("[data-test=result-fail]").count() == 0
    assert fridge.locator("[data-test=limit]").inner_text() == "≤ 4 ℃"
    labels.locator("[data-test=result-pass]").click()
    page.locator("[data-test=submit]").click()
    dialog = page.locator(".van-dialog")
    dialog.wait_for()
    assert "冷藏库温度：请填写数值" in dialog.inner_text()
    page.wait_for_timeout(400)  # the dialog's animation
    shot(page, "i9-checklist-refused-without-value")
    dialog.locator(".van-dialog__confirm").click()
    dialog.wait_for(state="hidden")
    assert fridge.locator("[data-test=problem]").inner_text() == "请填写数值"

    fridge.locator("[data-test=value] input").fill("6.5")
    fridge.locator("[data-test=judged]", has_text="不合格").wait_for()
    fridge.locator("[data-test=value] input").fill("3")
    fridge.locator("[data-test=judged]", has_text="合格").wait_for()
    shot(page, "i9-checklist-number-judged")
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator("[data-test=home]").wait_for()
    synced(page)
    client = api(live, world["inspector"])
    done = [i for i in client.get("/inspections", params={"limit": 10}).json()["items"]
            if i["module_name"] == FRIDGE and i["status"] == "submitted"]
    assert len(done) == 1 and done[0]["progress"]["failed"] == 0
    answers = client.get(f"/inspections/{done[0]['id']}").json()["answers"]
    assert {(a["result"], a["value"]) for a in answers} == {("pass", "3.0000"), ("pass", None)}


KIND_LABELS = {"routine": "日常巡查", "special": "专项检查", "holiday": "节假日检查",
               "supervision": "督查", "external": "上级检查"}


def offered_kinds(page, live, site: str) -> list[str]:  # noqa: ANN001
    page.goto(f"{live.base_url}/patrol")
    page.locator("[data-test=site]", has_text=site).click()
    page.locator("[data-test=module], [data-test=no-kinds]").first.wait_for()
    return [c.get_attribute("data-test").removeprefix("kind-")
            for c in page.locator("[data-test^=kind-]").all()]


def test_the_kinds_offered_are_the_servers(live, world, browser):  # noqa: ANN001
    qa, inspector = world["qa"], world["inspector"]
    me = api(live, qa).get("/me").json()
    expected = me.get("capabilities", {}).get("inspection_kinds", {}).get(
        "other_centers", ["special", "holiday", "supervision", "external"])
    ctx = browser.new_context(**PHONE)
    try:
        page = ctx.new_page()
        login(page, live, qa)
        kinds = offered_kinds(page, live, world["org"].kitchen.name)
        assert sorted(kinds) == sorted(expected) and "routine" not in kinds  # 质监办: no 日常巡查
        shot(page, "i9-patrol-kinds-qa")
    finally:
        ctx.close()

    # whatever the server says is what the phone offers: here a server allowing one kind
    # (no service worker: its fetches would bypass the route)
    ctx = browser.new_context(**PHONE, service_workers="block")
    try:
        page = ctx.new_page()
        allowed = ["holiday"]
        page.route("**/api/v1/me", lambda route: route.fulfill(json={
            **api(live, inspector).get("/me").json(),
            "capabilities": {"inspection_kinds": {"own_center": allowed, "other_centers": []},
                             "plan_required": []}}))
        login(page, live, inspector)
        assert offered_kinds(page, live, world["org"].kitchen.name) == ["holiday"]
        page.locator("[data-test=kind-holiday].ax-chip--on").wait_for()
        allowed.clear()
        assert offered_kinds(page, live, world["org"].kitchen.name) == []
        assert page.locator("[data-test=module]").count() == 0
        shot(page, "i9-patrol-no-kinds")
    finally:
        ctx.close()


def test_the_managers_home_counts_are_the_servers(live, world, browser):  # noqa: ANN001
    manager, inspector = world["manager"], world["inspector"]
    mgr = api(live, manager)
    report(live, world, inspector, "灭火器压力不足")
    report(live, world, inspector, "燃气管道锈蚀漏气", grade="major")
    todo = mgr.get("/me/todo").json()
    to_assign = mgr.get("/hazards", params={"can": "assign", "limit": 100}).json()["items"]
    assert todo["to_assign"] == len(to_assign) >= 2

    ctx = browser.new_context(**PHONE)
    try:
        page = ctx.new_page()
        login(page, live, manager)
        tiles = page.locator("[data-test=todo]")
        tiles.wait_for()
        for key in ("to_assign", "to_verify", "overdue", "major_open"):
            tile = tiles.locator(f"[data-test=todo-{key}] .ax-tile__n")
            if todo[key]:
                assert tile.inner_text() == str(todo[key])
            else:
                assert tile.count() == 0  # nothing to do there: no tile
        rows = page.locator("[data-test=assign-row]")
        rows.first.wait_for()
        assert rows.count() == min(len(to_assign), 20)
        assert "燃气管道锈蚀漏气" in rows.first.inner_text()  # 重大 first
        shot(page, "i9-home-manager")
        tiles.locator("[data-test=todo-to_assign]").click()
        page.locator("[data-test=list-scope]", has_text="待我指派").wait_for()
        page.locator("[data-test=hazard-row]").first.wait_for()
        assert page.locator("[data-test=hazard-row]").count() == min(len(to_assign), 20)
        shot(page, "i9-hazards-to-assign")
    finally:
        ctx.close()


def test_a_missing_hazard_shows_a_way_back(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    page.goto(f"{live.base_url}/hazards/999999")
    page.locator("[data-test=hazard-missing]").wait_for()
    shot(page, "i9-hazard-missing")
    page.locator("[data-test=back-to-list]").click()
    page.locator("[data-test=hazards]").wait_for()


def test_the_assign_form_checks_each_field_inline(live, world, phone):  # noqa: ANN001
    hazard = report(live, world, world["inspector"], "配电箱门未关")
    page = phone.new_page()
    login(page, live, world["manager"])
    page.goto(f"{live.base_url}/hazards/{hazard['id']}")
    page.locator("[data-test=action-assign]").click()
    form = page.locator("[data-test=action-form]")
    form.locator("[data-test=f-assignee] .ax-chip").first.wait_for()
    assert form.locator("[data-test=f-assignee] .ax-chip--on").count() == 0  # nobody by default
    form.locator("[data-test=f-deadline] input").fill("2020-01-01")
    form.locator("[data-test=action-confirm]").click()
    form.locator("[data-test=error-assignee_id]").wait_for()
    assert "时限不能早于今天" in form.locator("[data-test=f-deadline]").inner_text()
    assert "必填" in form.locator("[data-test=f-measures]").inner_text()
    page.wait_for_timeout(300)
    shot(page, "i9-assign-errors")
    form.locator("[data-test=f-assignee] .ax-chip", has_text="测试用户").first.click()
    form.locator("[data-test=deadline-7]").click()
    form.locator("[data-test=f-measures] textarea").fill("关闭配电箱门并加锁")
    form.locator("[data-test=f-cost] input").fill("0.05")
    form.locator("[data-test=f-interim] textarea").fill("张贴警示标识")
    assert form.locator("[data-test=error-assignee_id]").count() == 0
    shot(page, "i9-assign-filled")
    form.locator("[data-test=action-confirm]").click()
    page.locator("[data-test=hazard-status]", has_text="整改中").wait_for(timeout=30000)
    assigned = api(live, world["manager"]).get(f"/hazards/{hazard['id']}").json()
    assert assigned["deadline"] > datetime.now(UTC).date().isoformat()


def test_the_assignee_sees_the_rejection_and_each_rounds_photos(live, world, phone):  # noqa: ANN001
    inspector, manager = world["inspector"], world["manager"]
    hazard = report(live, world, inspector, "排水沟堵塞")
    mgr, insp = api(live, manager), api(live, inspector)
    assert mgr.post(f"/hazards/{hazard['id']}/actions/assign", json={
        "assignee_id": inspector.id, "measures": "疏通排水沟", "cost_estimate": "0.10",
        "deadline": "2030-01-31", "interim_measures": "放置防滑标识"}).status_code == 200
    after = insp.post("/photos", files={"file": ("b.jpg", jpeg(400, 300, seed=9), "image/jpeg")}).json()
    assert insp.post(f"/hazards/{hazard['id']}/actions/submit", json={
        "description": "已疏通", "photo_ids": [after["id"]]}).status_code == 200
    assert mgr.post(f"/hazards/{hazard['id']}/actions/reject",
                    json={"reason": "照片看不清，请补拍"}).status_code == 200

    page = phone.new_page()
    login(page, live, inspector)
    page.goto(f"{live.base_url}/hazards/{hazard['id']}")
    banner = page.locator("[data-test=rejected-banner]")
    banner.wait_for()
    assert "已驳回：照片看不清，请补拍" in banner.inner_text()
    page.locator("[data-test=event-photos-submit] [data-test=round-rejected]").wait_for()
    assert page.locator("[data-test=event-photos-submit] img").count() == 1
    shot(page, "i9-hazard-rejected")
    timeline = page.locator("[data-test=timeline]")
    timeline.scroll_into_view_if_needed()
    assert "上报" in timeline.inner_text() and "report" not in timeline.inner_text()
    shot(page, "i9-hazard-rejected-timeline")


def test_the_reporter_corrects_the_title(live, world, phone):  # noqa: ANN001
    inspector = world["inspector"]
    hazard = report(live, world, inspector, "煎炸油按规定更换")  # reads as compliance
    assert "edit" in hazard["allowed_actions"]
    page = phone.new_page()
    login(page, live, inspector)
    page.goto(f"{live.base_url}/hazards/{hazard['id']}")
    page.locator("[data-test=action-edit]").click()
    form = page.locator("[data-test=action-form]")
    title = form.locator("[data-test=f-title] input")
    assert title.input_value() == "煎炸油按规定更换"
    title.fill("煎炸油颜色发黑，未按规定更换")
    page.wait_for_timeout(400)  # the sheet's animation
    shot(page, "i9-edit-title")
    form.locator("[data-test=action-confirm]").click()
    page.locator("[data-test=hazard-title]", has_text="煎炸油颜色发黑，未按规定更换").wait_for(timeout=30000)
    assert api(live, inspector).get(f"/hazards/{hazard['id']}").json()["title"] == \
        "煎炸油颜色发黑，未按规定更换"


def test_a_mistapped_module_creates_nothing_and_its_draft_can_be_deleted(live, world, phone):  # noqa: ANN001
    inspector = world["inspector"]
    client = api(live, inspector)
    before = {i["id"] for i in client.get("/inspections", params={"limit": 100}).json()["items"]}
    page = phone.new_page()
    login(page, live, inspector)
    open_checklist(page, world, FRIDGE)  # the wrong module: straight back, nothing answered
    page.goto(f"{live.base_url}/")
    draft = page.locator("[data-test=draft]", has_text=FRIDGE)
    draft.wait_for()
    synced(page)
    time.sleep(1)
    after = {i["id"] for i in client.get("/inspections", params={"limit": 100}).json()["items"]}
    assert after == before  # the server's inspection starts with the first answers
    shot(page, "i9-home-draft")
    draft.locator("[data-test=delete-draft]").click()
    page.locator(".van-dialog__confirm").click()
    draft.wait_for(state="detached")


def test_the_english_screens_have_english_dates_and_money(live, world, phone):  # noqa: ANN001
    inspector, manager = world["inspector"], world["manager"]
    hazard = report(live, world, inspector, "楼梯扶手松动")
    assert api(live, manager).post(f"/hazards/{hazard['id']}/actions/assign", json={
        "assignee_id": inspector.id, "measures": "紧固扶手", "cost_estimate": "0.10",
        "deadline": "2030-01-31", "interim_measures": "张贴提示"}).status_code == 200
    phone.add_init_script("localStorage.setItem('anxun.lang', 'en-US')")
    page = phone.new_page()
    login(page, live, inspector)
    page.goto(f"{live.base_url}/hazards/{hazard['id']}")
    page.locator("[data-test=timeline]").wait_for()
    text = page.locator("[data-test=hazard-detail]").inner_text()
    assert "Jan 31, 2030" in text and "Cost (10k CNY)\n0.10" in text and "Reported" in text
    assert "万元" not in text and "月" not in text
    shot(page, "i9-hazard-english")
