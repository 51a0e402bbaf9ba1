"""The phone for 质监办's campaigns and the escalation ladder: a campaign dispatched through the
API reaches the manager's bell and list, the inspector's 今日任务 (done with a real checklist),
the manager's 回执 (a refusal shown as such, never a false success), 质监办's per-center table;
an escalated hazard in the 逾期升级 list."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from backend import clock
from backend.clock import frozen
from backend.deps import request_session
from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.scheduler import PassResult, run_once
from backend.vocab import Category, Grade, ItemKind, Role
from tests.e2e.conftest import new_phone, shot
from tests.e2e.steps import api, login, report, synced, wait_for_service_worker

MODULE = "节前消防专项"
TITLE = "元旦节前消防安全专项检查"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    org = make.org
    tag = uuid.uuid4().hex[:6]
    people = {
        "qa": make.user(Role.qa_officer, center=org.qa, username=f"qa-{tag}"),
        "manager": make.user(Role.center_manager, center=org.catering, username=f"mgr-{tag}"),
        "inspector": make.user(Role.inspector, center=org.catering, username=f"insp-{tag}"),
        "property_manager": make.user(Role.center_manager, center=org.property,
                                      username=f"pmgr-{tag}"),
    }
    module, _ = create_module(session, ModuleCreateIn(
        code=f"holiday-{tag}", category=Category.fire, name=MODULE,
        items=[ItemIn(code="exit", text="疏散通道畅通", kind=ItemKind.pass_fail,
                      photo_required_on_fail=False, category=Category.fire,
                      default_grade=Grade.general),
               ItemIn(code="exting", text="灭火器在有效期内", kind=ItemKind.pass_fail,
                      photo_required_on_fail=False, category=Category.fire,
                      default_grade=Grade.general)]))
    session.commit()
    yield {"org": org, "module_id": module.id, **people}
    session.close()


def scheduler_pass(live, now: datetime | None = None) -> PassResult:  # noqa: ANN001
    """One pass on the live server's database in a worker thread (Playwright's loop owns ours)."""
    sessions = partial(request_session, live.engine, read_only=False)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run_once, sessions, live.settings, now).result()


def settle(page) -> None:  # noqa: ANN001
    page.wait_for_timeout(400)


def test_before_any_campaign_the_lists_say_so(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["property_manager"])
    page.locator("[data-test=tile-campaigns]").click()
    page.locator("[data-test=campaigns-none]", has_text="暂无专项检查").wait_for()
    settle(page)
    shot(page, "camp-list-empty")
    page.goto(f"{live.base_url}/me")
    page.locator("[data-test=me-escalations]").click()
    page.locator("[data-test=escalations-none]", has_text="没有逾期升级的隐患").wait_for()
    settle(page)
    shot(page, "esc-list-empty")


def test_a_campaign_from_dispatch_to_receipt(live, world, browser):  # noqa: ANN001
    org, today = world["org"], clock.today()
    qa = api(live, world["qa"])
    resp = qa.post("/campaigns", json={
        "title": TITLE, "kind": "holiday", "module_ids": [world["module_id"]],
        "center_ids": [org.catering.id, org.property.id],
        "starts_on": (today - timedelta(days=2)).isoformat(), "ends_on": today.isoformat(),
        "receipt_due_on": today.isoformat(),  # due the day the window ends: 今天截止
        "notes": "重点检查疏散通道、灭火器；节前最后一天前完成"})
    assert resp.status_code == 201, resp.text
    campaign = resp.json()
    upload = qa.put(f"/campaigns/{campaign['id']}/attachment",
                    files={"file": ("元旦检查通知.pdf", PDF, "application/pdf")})
    assert upload.status_code == 200, upload.text
    assert scheduler_pass(live).notifications >= 2
    report(live, world, world["inspector"], "安全出口指示灯不亮")  # a finding in the window

    # the manager: the bell's notice opens the campaign
    manager = new_phone(browser)
    page = manager.new_page()
    login(page, live, world["manager"])
    page.locator("[data-test=bell] .van-badge").wait_for()
    page.locator("[data-test=bell]").click()
    notice = page.locator("[data-test=notification]", has_text="新的检查任务")
    notice.wait_for()
    assert TITLE in notice.inner_text()
    notice.click()
    page.wait_for_url(re.compile(rf"/campaigns/{campaign['id']}$"))
    page.locator("[data-test=campaign-title]", has_text=TITLE).wait_for()

    # ... and the list from home's tile
    page.goto(f"{live.base_url}/")
    page.locator("[data-test=tile-campaigns]").click()
    row = page.locator("[data-test=campaign]", has_text=TITLE)
    row.wait_for()
    assert "节假日检查" in row.inner_text() and "今天截止" in row.inner_text()
    assert row.locator("[data-test=campaign-receipt]").inner_text().strip() == "未回执"
    settle(page)
    shot(page, "camp-list-manager")

    # the inspector: the task in 今日任务, tagged with the campaign, done with the checklist
    inspector_ctx = new_phone(browser)
    ipage = inspector_ctx.new_page()
    login(ipage, live, world["inspector"])
    task = ipage.locator("[data-test=task-due]", has_text=org.kitchen.name)
    task.wait_for()
    text = task.inner_text()
    assert TITLE in text and "节假日检查" in text and MODULE in text
    assert f"至{today.month}月{today.day}日" in text
    settle(ipage)
    shot(ipage, "camp-home-task")
    task.click()
    ipage.locator("[data-test=checklist]").wait_for()
    items = ipage.locator("[data-test=item]")
    items.nth(1).wait_for()
    for n in range(items.count()):
        items.nth(n).locator("[data-test=result-pass]").click()
    ipage.locator("[data-test=submit]").click()
    ipage.locator(".van-dialog__confirm").click()
    ipage.locator("[data-test=home]").wait_for()
    synced(ipage)
    ipage.locator("[data-test=task-done]", has_text=org.kitchen.name).wait_for()
    inspector_ctx.close()

    # the manager's campaign page: the task done, the document, the 回执 form prefilled
    page.goto(f"{live.base_url}/campaigns/{campaign['id']}")
    page.locator("[data-test=campaign-task-done]", has_text=org.kitchen.name).wait_for()
    with page.expect_download() as download:
        page.locator("[data-test=campaign-attachment]").click()
    assert download.value.suggested_filename == "元旦检查通知.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    findings = page.locator("[data-test=receipt-findings] input")
    page.locator("[data-test=receipt-findings-hint]").wait_for()
    assert findings.input_value() == "1"
    settle(page)
    shot(page, "camp-detail-manager")

    # a second tab, opened before the 回执 went: its tap later meets the server's refusal
    stale = manager.new_page()
    stale.goto(f"{live.base_url}/campaigns/{campaign['id']}")
    stale.locator("[data-test=receipt-form]").wait_for()

    page.locator("[data-test=receipt-done-yes]").click()
    findings.fill("2")
    page.locator("[data-test=receipt-note] textarea").fill("全部点位已检查，发现问题已上报整改")
    manager.set_offline(True)
    page.locator("[data-test=receipt-submit]").click()
    if page.locator(".van-dialog__confirm").is_visible():
        page.locator(".van-dialog__confirm").click()
    page.locator("[data-test=receipt-error]", has_text="离线").wait_for()
    assert findings.input_value() == "2"
    assert _receipt(qa, campaign["id"], org.catering.id)["status"] == "pending"
    settle(page)
    shot(page, "camp-receipt-offline")
    manager.set_offline(False)

    page.locator("[data-test=receipt-submit]").click()
    page.locator(".van-dialog__confirm").click()
    stored = page.locator("[data-test=receipt-stored]")
    stored.wait_for()
    assert stored.locator("[data-test=receipt-state]").inner_text().strip() == "已回执"
    assert "2" in stored.locator("[data-test=receipt-findings-stored]").inner_text()
    assert _receipt(qa, campaign["id"], org.catering.id)["findings_count"] == 2
    settle(page)
    shot(page, "camp-receipt-stored")

    stale.locator("[data-test=receipt-done-no]").click()
    stale.locator("[data-test=receipt-findings] input").fill("0")
    stale.locator("[data-test=receipt-submit]").click()
    stale.locator(".van-dialog__confirm").click()
    refusal = stale.locator("[data-test=receipt-error]")
    refusal.wait_for()
    assert "已经提交过" in refusal.inner_text()
    assert stale.locator(".van-toast", has_text="回执已提交").count() == 0
    assert stale.locator("[data-test=receipt-findings] input").input_value() == "0"
    settle(stale)
    shot(stale, "camp-receipt-refused")
    assert _receipt(qa, campaign["id"], org.catering.id)["findings_count"] == 2
    stale.locator("[data-test=receipt-view-stored]").click()
    stale.locator("[data-test=receipt-stored]").wait_for()
    manager.close()

    # 质监办, the day after the due day: catering done on time, property late and listed first
    with frozen(clock.utcnow() + timedelta(days=1)):
        qa_ctx = new_phone(browser)
        qpage = qa_ctx.new_page()
        login(qpage, live, world["qa"])
        qpage.goto(f"{live.base_url}/campaigns/{campaign['id']}")
        rows = qpage.locator("[data-test=center-row]")
        rows.nth(1).wait_for()
        first, second = rows.nth(0), rows.nth(1)
        assert first.get_attribute("data-center") == str(org.property.id)
        assert first.get_attribute("data-late") == "yes" and "逾期未回执" in first.inner_text()
        assert second.get_attribute("data-late") == "no" and "已回执" in second.inner_text()
        assert "1/1" in second.inner_text() and "发现 2 处" in second.inner_text()
        assert "迟报 1 个中心" in qpage.locator("[data-test=late-count]").inner_text()
        settle(qpage)
        shot(qpage, "camp-detail-qa")
        qpage.goto(f"{live.base_url}/campaigns")
        qpage.locator("[data-test=campaign]", has_text=TITLE).wait_for()
        settle(qpage)
        shot(qpage, "camp-list-qa")
        qa_ctx.close()


def _receipt(client, campaign_id: int, center_id: int) -> dict:  # noqa: ANN001
    detail = client.get(f"/campaigns/{campaign_id}").json()
    return next(c["receipt"] for c in detail["centers"] if c["center_id"] == center_id)


def test_the_escalation_list_shows_an_escalated_hazard(live, world, browser):  # noqa: ANN001
    hazard = report(live, world, world["inspector"], "厨房排烟罩油污严重")
    assigned = api(live, world["manager"]).post(f"/hazards/{hazard['id']}/actions/assign", json={
        "assignee_id": world["inspector"].id, "measures": "清洗排烟罩", "cost_estimate": "0.2",
        "deadline": clock.today().isoformat(), "interim_measures": "停用明火灶"})
    assert assigned.status_code == 200, assigned.text
    later = clock.utcnow() + timedelta(days=8)
    assert scheduler_pass(live, later).escalations >= 2
    # the server's day is the one the scheduler ran on (its tokens are issued then too)
    with frozen(later):
        for who, level in (("qa", "已报质监办"), ("manager", "已报质监办")):
            ctx = new_phone(browser)
            page = ctx.new_page()
            login(page, live, world[who])
            tile = page.locator("[data-test=tile-escalations]")
            tile.locator(".ax-tile__n", has_text=re.compile(r"[1-9]")).wait_for()
            settle(page)
            shot(page, f"esc-home-{who}")
            tile.click()
            row = page.locator("[data-test=escalation]", has_text="厨房排烟罩油污严重")
            # the centers' names come from a request of their own: wait for them too
            row.filter(has_text=org_name(world)).wait_for()
            assert level in row.inner_text() and "逾期 8 天" in row.inner_text()
            assert org_name(world) in row.inner_text()
            settle(page)
            shot(page, f"esc-list-{who}")
            row.click()
            page.wait_for_url(re.compile(rf"/hazards/{hazard['id']}$"))
            ctx.close()
        ctx = new_phone(browser)
        page = ctx.new_page()
        login(page, live, world["inspector"])
        page.locator("[data-test=tile-campaigns]").wait_for()
        assert page.locator("[data-test=tile-escalations]").count() == 0
        ctx.close()


def test_qa_reads_the_campaign_in_english(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["qa"])
    page.goto(f"{live.base_url}/me")
    page.locator("[data-test=lang-en]").click()
    page.locator("[data-test=me-campaigns]", has_text="Campaigns").click()
    row = page.locator("[data-test=campaign]", has_text=TITLE)
    row.wait_for()
    assert "Holiday" in row.inner_text() and "Receipts 1/2" in row.inner_text()
    settle(page)
    shot(page, "camp-list-qa-en")
    row.click()
    page.locator("[data-test=campaign-centers]").wait_for()
    assert "Receipt due" in page.locator("[data-test=campaign-receipt-due]").inner_text()
    settle(page)
    shot(page, "camp-detail-qa-en")


def test_offline_the_campaigns_are_the_last_copy_and_say_so(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["manager"])
    wait_for_service_worker(page)
    page.goto(f"{live.base_url}/campaigns")
    page.locator("[data-test=campaign]", has_text=TITLE).click()
    page.locator("[data-test=receipt-stored]").wait_for()
    phone.set_offline(True)
    page.goto(f"{live.base_url}/campaigns")
    page.locator("[data-test=campaigns-cached]").wait_for()
    page.locator("[data-test=campaign]", has_text=TITLE).click()
    page.locator("[data-test=campaign-cached]").wait_for()
    page.locator("[data-test=receipt-stored]").wait_for()
    settle(page)
    shot(page, "camp-detail-offline")
    phone.set_offline(False)


def org_name(world) -> str:  # noqa: ANN001
    return world["org"].catering.name

