"""The phone app end to end: checklist, offline report, rectification, offline start."""

import time
import uuid
from datetime import UTC, datetime

import pytest
from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.vocab import Category, Grade, ItemKind, Role
from tests.e2e.conftest import jpeg, new_phone, shot
from tests.e2e.steps import (
    add_snap_photos,
    api,
    fill_snap,
    login,
    open_snap,
    submit_snap,
    synced,
    wait_for_service_worker,
    wait_until,
)


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    """Users and a short checklist on the live server's database."""
    session, make = live.factory()
    org = make.org
    inspector = make.user(Role.inspector, username=f"insp-{uuid.uuid4().hex[:6]}")
    manager = make.user(Role.center_manager, username=f"mgr-{uuid.uuid4().hex[:6]}")
    items = [ItemIn(code=f"i{n}", text=text, kind=ItemKind.pass_fail, photo_required_on_fail=True,
                    category=Category.fire, default_grade=Grade.general)
             for n, text in enumerate(["灭火器在有效期内，压力正常", "疏散通道畅通无杂物",
                                       "燃气报警器工作正常"], start=1)]
    create_module(session, ModuleCreateIn(code=f"e2e-{uuid.uuid4().hex[:6]}", category=Category.fire,
                                          name="后厨消防日检", items=items))
    session.commit()
    yield {"org": org, "inspector": inspector, "manager": manager, "session": session}
    session.close()


def test_checklist_with_a_failed_item_and_photo_becomes_a_hazard(live, world, phone, tmp_path):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    shot(page, "01-home")
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]", has_text=world["org"].kitchen.name).click()
    shot(page, "02-patrol-modules")
    page.locator("[data-test=module]", has_text="后厨消防日检").click()
    page.locator("[data-test=checklist]").wait_for()
    items = page.locator("[data-test=item]")
    items.nth(2).wait_for()
    assert items.count() == 3
    items.nth(0).locator("[data-test=result-fail]").click()
    photo = tmp_path / "extinguisher.jpg"
    photo.write_bytes(jpeg(seed=1, taken="2025:03:04 09:15:30"))  # no offset: Asia/Shanghai
    items.nth(0).locator("input[type=file]").set_input_files(str(photo))
    items.nth(0).locator(".van-uploader__preview").wait_for()
    items.nth(0).locator("[data-test=note] textarea").fill("压力表指针在红区")
    items.nth(1).locator("[data-test=result-pass]").click()
    items.nth(2).locator("[data-test=result-na]").click()
    assert page.locator("[data-test=progress]").inner_text() == "3/3"
    shot(page, "03-checklist")
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator("[data-test=home]").wait_for()
    synced(page)

    client = api(live, world["inspector"])
    inspections = client.get("/inspections", params={"limit": 10}).json()["items"]
    done = [i for i in inspections if i["module_name"] == "后厨消防日检"]
    assert len(done) == 1 and done[0]["status"] == "submitted"
    assert len(done[0]["hazard_ids"]) == 1
    hazard = client.get(f"/hazards/{done[0]['hazard_ids'][0]}").json()
    assert hazard["status"] == "reported"
    assert len(hazard["photos"]) == 1
    assert max(hazard["photos"][0]["width"], hazard["photos"][0]["height"]) <= 2048  # shrunk on the phone
    # the resize dropped EXIF: the capture time came from the phone's reading of the original
    assert hazard["photos"][0]["taken_at_source"] == "client"
    taken = datetime.fromisoformat(hazard["photos"][0]["taken_at"])
    assert (taken if taken.tzinfo else taken.replace(tzinfo=UTC)) == datetime(2025, 3, 4, 1, 15, 30, tzinfo=UTC)


def test_offline_report_survives_a_reload_and_is_sent_once(live, world, phone, tmp_path):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    wait_for_service_worker(page)
    client = api(live, world["inspector"])
    before = {h["id"] for h in client.get("/hazards", params={"limit": 200}).json()["items"]}

    open_snap(page)
    phone.set_offline(True)
    photo = tmp_path / "wire.jpg"
    photo.write_bytes(jpeg(seed=2))
    add_snap_photos(page, [photo])
    fill_snap(page, world["org"].kitchen.name, "water_power", "配电箱门未关，电线裸露")
    shot(page, "04-snap-offline")
    submit_snap(page)
    page.locator("[data-test=sync-badge]", has_text="1 条待同步").wait_for()
    page.locator("[data-test=local-hazard]", has_text="配电箱门未关").wait_for()
    shot(page, "05-hazards-offline-queued")

    page.reload()  # offline: the service worker serves the app, IndexedDB still has the queue
    page.locator("[data-test=sync-badge]", has_text="1 条待同步").wait_for()
    page.locator("[data-test=sync-badge]").click()
    page.locator("[data-test=queue-entry]").first.wait_for()
    shot(page, "06-queue-offline")
    assert not {h["id"] for h in client.get("/hazards", params={"limit": 200}).json()["items"]} - before

    phone.set_offline(False)
    synced(page)
    new = wait_until(lambda: [h for h in client.get("/hazards", params={"limit": 200}).json()["items"]
                              if h["id"] not in before])
    assert len(new) == 1
    assert new[0]["title"] == "配电箱门未关" and new[0]["category"] == "water_power"
    assert len(new[0]["photos"]) == 1
    page.reload()
    synced(page)
    time.sleep(1)
    assert len([h for h in client.get("/hazards", params={"limit": 200}).json()["items"]
                if h["id"] not in before]) == 1


def test_rectification_then_verification_closes_the_hazard(live, world, browser, tmp_path):  # noqa: ANN001
    inspector, manager = world["inspector"], world["manager"]
    mgr_api = api(live, manager)
    photo_id = mgr_api.post("/photos", files={"file": ("a.jpg", jpeg(800, 600, seed=3), "image/jpeg")}).json()["id"]
    hazard = mgr_api.post("/hazards", json={"title": "排烟罩油污堆积", "site_id": world["org"].kitchen.id,
                                             "category": "fire", "grade": "general",
                                             "photo_ids": [photo_id]}).json()
    resp = mgr_api.post(f"/hazards/{hazard['id']}/actions/assign", json={
        "assignee_id": inspector.id, "measures": "清洗排烟罩并建立每周清洗记录", "cost_estimate": "0.50",
        "deadline": "2030-01-31", "interim_measures": "停用对应灶台"})
    assert resp.status_code == 200, resp.text

    ctx = new_phone(browser)
    try:
        page = ctx.new_page()
        login(page, live, inspector)
        page.locator("[data-test=home]").get_by_text("排烟罩油污堆积").click()
        page.locator("[data-test=hazard-detail]").wait_for()
        shot(page, "07-hazard-assigned")
        page.locator("[data-test=action-submit]").click()
        page.locator("[data-test=f-description] textarea").fill("已清洗，附清洗记录")
        after = tmp_path / "after.jpg"
        after.write_bytes(jpeg(seed=4))
        page.locator("[data-test=after-photos] input[type=file]").set_input_files(str(after))
        page.locator("[data-test=after-photos] .van-uploader__preview").wait_for()
        page.locator("[data-test=action-confirm]").click()
        page.locator("[data-test=hazard-status]", has_text="待验收").wait_for(timeout=30000)
    finally:
        ctx.close()

    ctx = new_phone(browser)
    try:
        page = ctx.new_page()
        login(page, live, manager)
        page.locator("[data-test=home]").get_by_text("排烟罩油污堆积").click()
        page.locator("[data-test=after-photo]").first.wait_for()
        shot(page, "08-hazard-to-verify")
        page.locator("[data-test=action-verify]").click()
        page.locator("[data-test=action-confirm]").click()
        page.locator("[data-test=hazard-status]", has_text="已闭环").wait_for(timeout=30000)
        shot(page, "09-hazard-closed")
    finally:
        ctx.close()

    closed = mgr_api.get(f"/hazards/{hazard['id']}").json()
    assert closed["status"] == "closed"
    assert len(closed["rectification_photos"]) == 1


def test_the_app_starts_offline_after_a_first_visit(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    wait_for_service_worker(page)
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]").first.wait_for()  # the catalogue is now on the phone
    phone.set_offline(True)
    page.goto(f"{live.base_url}/")
    page.locator("[data-test=home]").wait_for()
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]", has_text=world["org"].kitchen.name).wait_for()
    page.goto(f"{live.base_url}/me")
    page.locator("[data-test=me]").wait_for()
    shot(page, "10-me-offline")
    phone.set_offline(False)
