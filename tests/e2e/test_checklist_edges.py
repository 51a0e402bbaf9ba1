"""Checklist edges on the phone (issue 9): an offline checklist synced after its module was edited,
其余全部合格, one queue row per offline report, and a deleted draft that leaves none on the server."""

import json
import uuid
from pathlib import Path

import pytest
from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.vocab import Category, Grade, ItemKind, Role
from tests.e2e.conftest import jpeg, shot
from tests.e2e.steps import api, login, snap_offline, synced, wait_for_service_worker, wait_until

MIXED = "配电房综合检查"
EDITED = "燃气间日检"
MAJOR = "锅炉房安全检查"


def item(code: str, text: str, kind: ItemKind = ItemKind.pass_fail, **extra) -> ItemIn:  # noqa: ANN003
    return ItemIn(code=code, text=text, kind=kind, category=Category.water_power, default_grade=Grade.general,
                  photo_required_on_fail=extra.pop("photo_required_on_fail", False), **extra)


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    org_ = make.org
    inspector = make.user(Role.inspector, username=f"edge-{uuid.uuid4().hex[:6]}")
    admin = make.user(Role.admin, username=f"edge-adm-{uuid.uuid4().hex[:6]}")
    create_module(session, ModuleCreateIn(code=f"e2e-{uuid.uuid4().hex[:6]}", category=Category.water_power, name=MIXED, items=[
        item("a", "配电箱门关闭上锁", photo_required_on_fail=True),
        item("b", "配电房内无杂物堆放"),
        item("c", "室内温度", ItemKind.number, max=35, unit="℃"),
        item("d", "值班电工姓名", ItemKind.text),
        item("e", "配电柜外观", ItemKind.photo),
        item("f", "应急照明有效"),
    ]))
    edited, _ = create_module(session, ModuleCreateIn(code=f"e2e-{uuid.uuid4().hex[:6]}", category=Category.gas, name=EDITED, items=[
        item("g1", "燃气报警器工作正常", photo_required_on_fail=True),
        item("g2", "燃气管道无锈蚀"),
        item("g3", "切断阀开关灵活"),
    ]))
    create_module(session, ModuleCreateIn(code=f"e2e-{uuid.uuid4().hex[:6]}", category=Category.equipment, name=MAJOR, items=[
        ItemIn(code="m1", text="锅炉压力表在检定期内", kind=ItemKind.pass_fail, category=Category.equipment,
               default_grade=Grade.major, major_if_failed=True, photo_required_on_fail=True),
        item("m2", "锅炉房无易燃物"),
    ]))
    session.commit()
    yield {"org": org_, "inspector": inspector, "admin": admin, "edited": edited.id}
    session.close()


def photo(tmp_path: Path, seed: int) -> str:
    path = tmp_path / f"p{seed}.jpg"
    path.write_bytes(jpeg(1200, 900, seed=seed))
    return str(path)


def offline_ready(page, live, user) -> None:  # noqa: ANN001
    """Logged in with the service worker in control: the lazy screens load offline too."""
    login(page, live, user)
    wait_for_service_worker(page)


def open_checklist(page, world, name: str):  # noqa: ANN001, ANN201
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]", has_text=world["org"].kitchen.name).click()
    page.locator("[data-test=module]", has_text=name).click()
    page.locator("[data-test=checklist]").wait_for()
    items = page.locator("[data-test=item]")
    items.first.wait_for()
    return items


def still_shot(page, name: str) -> None:  # noqa: ANN001
    page.wait_for_timeout(400)  # Vant's dialog fades in over 300 ms: the picture shows it, not its fade
    shot(page, name)


def mine(client, name: str) -> list[dict]:  # noqa: ANN001
    return [i for i in client.get("/inspections", params={"limit": 100}).json()["items"] if i["module_name"] == name]


def test_pass_the_rest_after_a_confirmation_then_submit(live, world, phone, tmp_path):  # noqa: ANN001
    client = api(live, world["inspector"])
    page = phone.new_page()
    login(page, live, world["inspector"])
    items = open_checklist(page, world, MIXED)
    assert items.count() == 6
    items.nth(0).locator("[data-test=result-fail]").click()
    items.nth(0).locator("input[type=file]").set_input_files(photo(tmp_path, 1))
    items.nth(0).locator(".van-uploader__preview").wait_for()

    button = page.locator("[data-test=pass-rest]")
    assert button.inner_text().strip() == "其余 3 项全部合格"  # b, the photo item e and f; not the number c or the text d
    shot(page, "edges-01-pass-rest-button")
    button.click()
    dialog = page.locator(".van-dialog")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "将其余 3 项未作答的检查项标为合格" in text
    assert "其中 1 项为拍照项" in text and "另有 2 项数值或填写项" in text
    still_shot(page, "edges-02-pass-rest-confirm")
    dialog.locator(".van-dialog__cancel").click()
    dialog.wait_for(state="hidden")
    assert page.locator("[data-test=progress]").inner_text() == "1/6"  # cancelled: nothing marked

    button.click()
    page.locator(".van-dialog__confirm").click()
    page.locator(".van-toast", has_text="已将 3 项标为合格").wait_for()
    for n in (1, 4, 5):
        assert items.nth(n).locator("[data-test=result-pass]").get_attribute("aria-pressed") == "true"
    assert items.nth(0).locator("[data-test=result-fail]").get_attribute("aria-pressed") == "true"
    assert page.locator("[data-test=progress]").inner_text() == "4/6"
    assert button.count() == 0  # nothing left that it could mark

    items.nth(2).locator("[data-test=value] input").fill("28")
    items.nth(3).locator("textarea").fill("王师傅")
    page.locator("[data-test=submit]").click()
    problems = page.locator(".van-dialog")
    problems.wait_for()
    assert "还有 1 项不能提交" in problems.inner_text() and "配电柜外观：需要照片" in problems.inner_text()
    still_shot(page, "edges-03-pass-rest-photo-missing")
    page.locator(".van-dialog__confirm").click()
    assert items.nth(4).locator("[data-test=problem]").inner_text() == "需要照片"

    items.nth(4).locator("input[type=file]").set_input_files(photo(tmp_path, 2))
    items.nth(4).locator(".van-uploader__preview").wait_for()
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator(".van-toast", has_text="已提交").wait_for()
    page.locator("[data-test=home]").wait_for()
    done = mine(client, MIXED)
    assert len(done) == 1 and done[0]["status"] == "submitted" and len(done[0]["hazard_ids"]) == 1
    detail = client.get(f"/inspections/{done[0]['id']}").json()
    assert sorted(a["result"] for a in detail["answers"]) == ["fail", "pass", "pass", "pass", "pass", "pass"]


def test_an_offline_checklist_is_accepted_after_its_module_was_edited(live, world, phone, tmp_path):  # noqa: ANN001
    client = api(live, world["inspector"])
    admin = api(live, world["admin"])
    v1 = admin.get(f"/modules/{world['edited']}").json()
    page = phone.new_page()
    offline_ready(page, live, world["inspector"])
    items = open_checklist(page, world, EDITED)  # the module is on the phone now

    phone.set_offline(True)
    items.nth(0).locator("[data-test=result-fail]").click()
    items.nth(0).locator("input[type=file]").set_input_files(photo(tmp_path, 3))
    items.nth(0).locator(".van-uploader__preview").wait_for()
    items.nth(0).locator("[data-test=note] textarea").fill("报警器不响")
    items.nth(1).locator("[data-test=result-fail]").click()
    items.nth(1).locator("[data-test=note] textarea").fill("接头处锈蚀")
    items.nth(2).locator("[data-test=result-pass]").click()
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator(".van-toast", has_text="已保存，等待同步").wait_for()
    page.locator("[data-test=home]").wait_for()
    page.locator("[data-test=sync-badge]", has_text="1 条待同步").wait_for()
    shot(page, "edges-04-offline-checklist-queued")

    # meanwhile the module is edited: an item reworded, one removed, one added
    v2 = admin.post(f"/modules/{world['edited']}/versions", json={"name": EDITED, "items": [
        {"code": "g1", "text": "燃气报警器每月测试并记录", "kind": "pass_fail", "photo_required_on_fail": True,
         "category": "gas", "default_grade": "general"},
        {"code": "g4", "text": "燃气间通风良好", "kind": "pass_fail", "photo_required_on_fail": False,
         "category": "gas", "default_grade": "general"},
    ]})
    assert v2.status_code == 201, v2.text
    assert v2.json()["version_id"] != v1["version_id"]

    phone.set_offline(False)
    synced(page)
    done = wait_until(lambda: [i for i in mine(client, EDITED) if i["status"] == "submitted"])
    assert len(done) == 1
    assert done[0]["module_version_id"] == v1["version_id"]  # judged against the version it started from
    hazards = done[0]["hazard_ids"]
    assert len(hazards) == 2 == len(set(hazards))
    titles = sorted(client.get(f"/hazards/{h}").json()["title"] for h in hazards)
    assert titles == ["报警器不响", "接头处锈蚀"], titles  # the notes of the two failed items
    page.reload()
    synced(page)
    assert len(mine(client, EDITED)) == 1  # sent once


def test_one_offline_report_is_one_queue_row(live, world, phone, tmp_path):  # noqa: ANN001
    client = api(live, world["inspector"])
    before = {h["id"] for h in client.get("/hazards", params={"limit": 200}).json()["items"]}
    page = phone.new_page()
    offline_ready(page, live, world["inspector"])
    snap_offline(phone, page, [photo(tmp_path, 4), photo(tmp_path, 5)], world["org"].kitchen.name,
                 "fire", "消防栓被杂物遮挡")
    badge = page.locator("[data-test=sync-badge]", has_text="1 条待同步")
    badge.wait_for()  # two photos and the report: one report

    badge.click()
    rows = page.locator("[data-test=queue-entry]")
    rows.first.wait_for()
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "消防栓被杂物遮挡" in row and "等待发送" in row and "2 张照片" in row and "网络不可用" in row
    shot(page, "edges-05-queue-one-report")

    # the server refuses the report once it is online: still one row, now with the reason and what to do
    refusal = {"error": {"code": "site_inactive", "message": "该点位已停用"}}
    page.route("**/api/v1/hazards", lambda route: route.fulfill(status=409, content_type="application/json",
                                                               body=json.dumps(refusal))
               if route.request.method == "POST" else route.continue_())
    phone.set_offline(False)
    page.locator("[data-test=sync-badge]", has_text="1 条需处理").wait_for(timeout=30000)
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "需处理" in row and "409 · 该点位已停用" in row
    assert [rows.first.locator(f"[data-test={b}]").count() for b in ("fix", "retry", "discard")] == [1, 1, 1]
    shot(page, "edges-06-queue-one-report-parked")

    page.unroute("**/api/v1/hazards")
    rows.first.locator("[data-test=retry]").click()
    synced(page)
    page.locator("[data-test=queue] .van-empty").wait_for()
    new = wait_until(lambda: [h for h in client.get("/hazards", params={"limit": 200}).json()["items"]
                              if h["id"] not in before])
    assert len(new) == 1 and len(new[0]["photos"]) == 2


def test_deleting_a_draft_whose_answers_reached_the_server_deletes_it_there(live, world, phone):  # noqa: ANN001
    client = api(live, world["inspector"])
    page = phone.new_page()
    offline_ready(page, live, world["inspector"])
    items = open_checklist(page, world, MIXED)
    items.nth(1).locator("[data-test=result-pass]").click()
    page.locator("[data-test=save-draft]").click()
    page.locator("[data-test=home]").wait_for()
    synced(page)
    on_server = [i for i in mine(client, MIXED) if i["status"] == "draft"]
    assert len(on_server) == 1

    phone.set_offline(True)  # deleted offline: the server's draft goes when the phone is back online
    page.locator("[data-test=draft]", has_text=MIXED).locator("[data-test=delete-draft]").click()
    dialog = page.locator(".van-dialog")
    dialog.wait_for()
    assert "已保存到服务器的草稿也会删除" in dialog.inner_text()
    page.locator(".van-dialog__confirm").click()
    page.locator("[data-test=draft]").wait_for(state="detached")
    page.locator("[data-test=sync-badge]", has_text="1 条待同步").click()
    rows = page.locator("[data-test=queue-entry]")
    rows.first.wait_for()
    assert rows.count() == 1 and "删除草稿" in rows.first.inner_text()
    shot(page, "edges-07-queue-draft-delete")

    phone.set_offline(False)
    synced(page)
    assert client.get(f"/inspections/{on_server[0]['id']}").status_code == 404
    assert not [i for i in mine(client, MIXED) if i["status"] == "draft"]


def test_a_major_item_marked_not_applicable_takes_its_reason(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    items = open_checklist(page, world, MAJOR)
    items.nth(0).locator("[data-test=result-na]").click()
    page.locator("[data-test=pass-rest]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator("[data-test=submit]").click()
    problems = page.locator(".van-dialog")
    problems.wait_for()
    assert "锅炉压力表在检定期内：重大项标为不适用须说明原因" in problems.inner_text()
    page.locator(".van-dialog__confirm").click()
    problems.wait_for(state="hidden")
    items.nth(0).locator("[data-test=na-reason] textarea").fill("本校区锅炉已停用拆除")
    shot(page, "edges-08-major-na-reason")
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator(".van-toast", has_text="已提交").wait_for()
    done = mine(api(live, world["inspector"]), MAJOR)
    assert len(done) == 1 and done[0]["status"] == "submitted" and done[0]["hazard_ids"] == []
