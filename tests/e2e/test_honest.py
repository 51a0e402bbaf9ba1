"""The phone tells the truth (issue 9): a refusal is shown in the form, never as success; a parked
entry is fixed through 去修改 and arrives once; a refused token shows 重新登录 at once."""

import json
import uuid

import httpx2 as httpx
import pytest
from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.org import service as org
from backend.vocab import Category, Grade, ItemKind, Role, SiteKind
from tests.e2e.conftest import jpeg, shot
from tests.factories import PASSWORD
from tests.e2e.steps import api, fill_snap, login, snap_offline, submit_snap, synced, wait_until


@pytest.fixture(scope="module")
def people(live):  # noqa: ANN001
    session, make = live.factory()
    org_ = make.org
    inspector = make.user(Role.inspector, username=f"insp-{uuid.uuid4().hex[:6]}")
    manager = make.user(Role.center_manager, username=f"mgr-{uuid.uuid4().hex[:6]}")
    admin = make.user(Role.admin, username=f"adm-{uuid.uuid4().hex[:6]}")
    # a site that closes while a report made there waits on the phone (created before the browser runs:
    # the test thread can't use the database while Playwright's loop runs)
    closing = org.create_site(session, org_.group.id, campus_id=org_.campus.id, center_id=org_.catering.id,
                              name="二食堂后厨", kind=SiteKind.canteen, location=None)
    items = [ItemIn(code=f"s{n}", text=text, kind=ItemKind.pass_fail, category=Category.gas, photo_required_on_fail=True,
                    default_grade=Grade.general) for n, text in enumerate(["燃气软管无老化", "熄火保护装置有效"])]
    create_module(session, ModuleCreateIn(code=f"e2e-{uuid.uuid4().hex[:6]}", category=Category.gas,
                                          name="灶台燃气日检", items=items))
    session.commit()
    yield {"org": org_, "inspector": inspector, "manager": manager, "admin": admin, "closing": closing.id,
           "session": session}
    session.close()


def reported_hazard(live, people, title: str) -> dict:  # noqa: ANN001
    client = api(live, people["manager"])
    photo = client.post("/photos", files={"file": ("a.jpg", jpeg(800, 600, seed=hash(title) % 1000), "image/jpeg")})
    hazard = client.post("/hazards", json={"title": title, "site_id": people["org"].kitchen.id,
                                           "category": "fire", "grade": "general",
                                           "photo_ids": [photo.json()["id"]]})
    assert hazard.status_code == 201, hazard.text
    return hazard.json()


def test_an_online_refusal_is_shown_in_the_form_which_keeps_its_content(live, people, phone):  # noqa: ANN001
    hazard = reported_hazard(live, people, "消防通道堆放纸箱")
    page = phone.new_page()
    login(page, live, people["manager"])
    page.goto(f"{live.base_url}/hazards/{hazard['id']}")
    page.locator("[data-test=action-cancel]").click()
    page.locator("[data-test=f-reason] textarea").fill("重")  # the server wants at least 2 characters
    page.locator("[data-test=action-confirm]").click()

    error = page.locator("[data-test=form-error]")
    error.wait_for()
    assert "未被服务器接受" in error.inner_text()
    assert page.locator("[data-test=action-form]").is_visible()
    assert page.locator("[data-test=f-reason] textarea").input_value() == "重"
    assert page.locator(".van-toast", has_text="已提交").count() == 0
    synced(page)  # the refused action is not left in the queue to be sent again
    shot(page, "honest-01-refused-inline")

    page.locator("[data-test=f-reason] textarea").fill("重复上报，已合并")
    page.locator("[data-test=action-confirm]").click()
    page.locator(".van-toast", has_text="已提交").wait_for()
    page.locator("[data-test=hazard-status]", has_text="已撤销").wait_for()
    shot(page, "honest-02-accepted")
    after = api(live, people["manager"]).get(f"/hazards/{hazard['id']}").json()
    assert after["status"] == "cancelled"
    assert [e["action"] for e in after["timeline"]].count("cancel") == 1


def test_a_parked_report_is_fixed_through_the_queue_and_arrives_once(live, people, phone, tmp_path):  # noqa: ANN001
    org_ = people["org"]
    client = api(live, people["inspector"])
    before = {h["id"] for h in client.get("/hazards", params={"limit": 200}).json()["items"]}

    page = phone.new_page()
    login(page, live, people["inspector"])
    photo = tmp_path / "boxes.jpg"
    photo.write_bytes(jpeg(seed=21))
    snap_offline(phone, page, [photo], "二食堂后厨", "fire", "灭火器被纸箱挡住")

    # the site closes while the report waits: the server refuses it (409 site_inactive)
    closed = api(live, people["admin"]).patch(f"/sites/{people['closing']}", json={"is_active": False})
    assert closed.status_code == 200, closed.text
    phone.set_offline(False)
    page.locator("[data-test=sync-badge]", has_text="需处理").wait_for(timeout=30000)
    page.locator("[data-test=sync-badge]").click()
    page.locator("[data-test=fix]").first.wait_for()
    shot(page, "honest-03-queue-parked")
    page.locator("[data-test=fix]").first.click()

    page.locator("[data-test=fixing]").wait_for()
    assert page.locator("[data-test=snap-desc] textarea").input_value() == "灭火器被纸箱挡住"
    assert page.locator("[data-test=snap-photos] .van-uploader__preview").count() == 1
    assert "未被服务器接受" in page.locator("[data-test=form-error]").inner_text()
    shot(page, "honest-04-fix-form")
    fill_snap(page, org_.kitchen.name)
    submit_snap(page, "已提交")
    synced(page)

    new = wait_until(lambda: [h for h in client.get("/hazards", params={"limit": 200}).json()["items"]
                              if h["id"] not in before])
    assert len(new) == 1
    assert new[0]["site_id"] == org_.kitchen.id and new[0]["description"] == "灭火器被纸箱挡住"
    assert len(new[0]["photos"]) == 1
    page.reload()
    synced(page)
    assert len([h for h in client.get("/hazards", params={"limit": 200}).json()["items"]
                if h["id"] not in before]) == 1


def test_a_refused_token_shows_relogin_at_once(live, people, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, people["inspector"])
    synced(page)
    stored = json.loads(page.evaluate("() => localStorage.getItem('anxun.session')"))
    revoked = httpx.post(f"{live.base_url}/api/v1/auth/logout",
                         headers={"Authorization": f"Bearer {stored['token']}"})
    assert revoked.status_code in (200, 204), revoked.text

    page.locator(".van-tabbar-item", has_text="隐患").click()  # any request: no sync run needed
    page.locator("[data-test=relogin-banner]").wait_for(timeout=5000)
    assert page.locator("[data-test=sync-badge]", has_text="已全部同步").count() == 0
    shot(page, "honest-05-relogin-banner")
    page.locator("[data-test=relogin]").click()
    assert page.locator("input[name=username]").input_value() == people["inspector"].username  # kept
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("[data-test=login]").click()
    page.locator("[data-test=hazard-list], [data-test=hazards]").first.wait_for()
    synced(page)
    assert page.locator("[data-test=relogin-banner]").count() == 0


def test_a_refused_checklist_submit_keeps_the_checklist_open_and_is_sent_once(live, people, phone):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, people["inspector"])
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]", has_text=people["org"].kitchen.name).click()
    page.locator("[data-test=module]", has_text="灶台燃气日检").click()
    items = page.locator("[data-test=item]")
    items.nth(1).wait_for()
    for n in range(2):
        items.nth(n).locator("[data-test=result-pass]").click()
    first_item = int(items.nth(0).get_attribute("data-item"))
    refusal = {"error": {"code": "inspection_incomplete", "message": "检查未完成，不能提交",
                         "details": {"problems": [{"item_id": first_item, "problem": "photo_required"}]}}}
    # the server's answer to this submit is replaced by a refusal (the phone now judges as the server
    # does, so a real one can't be provoked from the form); the server never sees it
    page.route("**/api/v1/inspections/*/submit",
               lambda route: route.fulfill(status=422, content_type="application/json", body=json.dumps(refusal)))
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()

    page.locator("[data-test=form-error]", has_text="检查未完成").wait_for()
    assert page.locator("[data-test=checklist]").is_visible()
    assert items.nth(0).locator("[data-test=problem]").inner_text() == "需要照片"
    assert items.nth(1).locator("[data-test=result-pass]").get_attribute("aria-pressed") == "true"
    synced(page)  # the refused submit is not left in the queue
    page.locator(".van-dialog").wait_for(state="hidden")
    shot(page, "honest-06-checklist-refused")

    page.unroute("**/api/v1/inspections/*/submit")
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator(".van-toast", has_text="已提交").wait_for()
    page.locator("[data-test=home]").wait_for()
    done = [i for i in api(live, people["inspector"]).get("/inspections", params={"limit": 50}).json()["items"]
            if i["module_name"] == "灶台燃气日检"]
    assert len(done) == 1 and done[0]["status"] == "submitted"
    assert page.locator("[data-test=home]").get_by_text("未完成的巡检").count() == 0


def test_a_parked_checklist_submit_reopens_from_the_home_row(live, people, phone):  # noqa: ANN001
    client = api(live, people["inspector"])
    before = {i["id"] for i in client.get("/inspections", params={"limit": 50}).json()["items"]}
    page = phone.new_page()
    login(page, live, people["inspector"])
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=site]", has_text=people["org"].kitchen.name).click()
    page.locator("[data-test=module]", has_text="灶台燃气日检").click()
    items = page.locator("[data-test=item]")
    items.nth(1).wait_for()
    synced(page)  # the start is on the server: it lists the draft
    phone.set_offline(True)
    for n in range(2):
        items.nth(n).locator("[data-test=result-pass]").click()
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator(".van-toast", has_text="已保存，等待同步").wait_for()
    page.locator("[data-test=home]").wait_for()

    refusal = {"error": {"code": "inspection_incomplete", "message": "检查未完成，不能提交", "details": {"problems": []}}}
    page.route("**/api/v1/inspections/*/submit",
               lambda route: route.fulfill(status=422, content_type="application/json", body=json.dumps(refusal)))
    phone.set_offline(False)
    page.locator("[data-test=sync-badge]", has_text="需处理").wait_for(timeout=30000)
    page.reload()
    row = page.locator("[data-test=recent-inspection]", has_text="灶台燃气日检").filter(has_text="草稿")
    row.wait_for()
    shot(page, "honest-07-home-parked-checklist")
    row.click()
    page.locator("[data-test=checklist]").wait_for()
    assert items.nth(0).locator("[data-test=result-pass]").get_attribute("aria-pressed") == "true"
    synced(page)  # reopened: its refused submit left the queue

    page.unroute("**/api/v1/inspections/*/submit")
    page.locator("[data-test=submit]").click()
    page.locator(".van-dialog__confirm").click()
    page.locator(".van-toast", has_text="已提交").wait_for()
    new = [i for i in client.get("/inspections", params={"limit": 50}).json()["items"] if i["id"] not in before]
    assert len(new) == 1 and new[0]["status"] == "submitted"
