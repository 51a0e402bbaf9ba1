"""The console's 点位与二维码 screen (issue 15) at 1440x900: an administrator creates a site, selects it,
prints its label sheet and downloads the labels PDF; both QR codes, read as a phone would, hold the
same check-in link, which opens that site's check-in on a phone. 质监办 reads every site and prints
labels, without the editing controls the server would refuse them; an edit the server refuses shows
its message."""

import io
import re
import uuid

import pytest
import zxingcpp
from PIL import Image

from backend.org import service as org_service
from backend.vocab import Role, SiteKind
from tests.e2e.conftest import new_phone, shot
from tests.e2e.steps import api, login
from tests.e2e.test_console import console_login, menu_items, pick
from tests.org.test_labels import scanned


TAG = "标签测试"
MANY = 21  # one more than a page: 选择全部筛选结果 takes the second page too


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    """Two administrators (no center), 质监办, a catering inspector, and MANY tagged sites."""
    session, make = live.factory()
    org = make.org
    tag = uuid.uuid4().hex[:6]
    people = {
        "admin": make.user(Role.admin, username=f"adm-{tag}"),
        "admin2": make.user(Role.admin, username=f"adm2-{tag}"),
        "qa": make.user(Role.qa_officer, center=org.qa, username=f"qa-{tag}"),
        "inspector": make.user(Role.inspector, username=f"insp-{tag}"),
    }
    sites = [org_service.create_site(session, org.group.id, campus_id=org.campus.id, center_id=org.catering.id,
                                     name=f"{TAG}·{n + 1}号库房", kind=SiteKind.warehouse, location=f"{n + 1}号楼地下一层")
             for n in range(MANY)]
    session.commit()
    yield {"org": org, "sites": [s.id for s in sites], **people}
    session.close()


def site_rows(page):  # noqa: ANN001, ANN201
    return page.locator("[data-test=site-table] tbody tr")


def search(page, text: str) -> None:  # noqa: ANN001
    page.locator("[data-test=filter-q]").fill(text)
    page.locator("[data-test=filter-q]").press("Enter")


def qr_on_screen(element) -> str:  # noqa: ANN001
    """The QR code an element shows, read off a screenshot of it."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(element.screenshot())))
    assert len(found) == 1, found
    return found[0].text


def test_an_admin_creates_a_site_and_its_label_opens_its_check_in(live, world, desk, browser, tmp_path):  # noqa: ANN001
    org = world["org"]
    page = desk.new_page()
    console_login(page, live, world["admin"], "/console/sites", screen="console-sites")
    items = menu_items(page)
    assert "点位与二维码" in items and "隐患管理" not in items  # an administrator of no center reads no hazards
    site_rows(page).first.wait_for()
    shot(page, "sites-01-list")

    page.locator("[data-test=create-site]").click()
    dialog = page.locator("[data-test=site-dialog]")
    dialog.locator("[data-test=f-name]").wait_for()
    name = "二食堂面点间"
    dialog.locator("[data-test=f-name]").fill(name)
    pick(page, "f-kind", "食堂后厨")
    pick(page, "f-campus", org.campus.name)
    pick(page, "f-center", org.catering.name)
    dialog.locator("[data-test=f-location]").fill("二食堂一楼东侧")
    dialog.locator("[data-test=f-height] input").fill("12.5")
    dialog.locator("[data-test=f-span]").click()
    # the kitchen's code is taken: the server's 409, in the dialog, and nothing created
    dialog.locator("[data-test=f-code]").fill(org.kitchen.code)
    shot(page, "sites-02-create-dialog")
    dialog.locator("[data-test=f-save]").click()
    error = dialog.locator("[data-test=form-error]")
    error.wait_for()
    assert "点位编码已存在" in error.inner_text() and "duplicate" in error.inner_text()
    shot(page, "sites-03-create-refused")
    dialog.locator("[data-test=f-code]").fill("")
    dialog.locator("[data-test=f-save]").click()
    dialog.wait_for(state="hidden")

    admin_api = api(live, world["admin"])
    created = admin_api.get("/sites", params={"q": "面点间"}).json()["items"]
    assert [(s["name"], s["kind"], s["center_id"], s["building_height_m"], s["large_span_roof"]) for s in created] == [
        (name, "canteen", org.catering.id, 12.5, True)]
    site = created[0]
    search(page, "面点间")
    page.locator(f"[data-test=site-{site['id']}]").wait_for()
    assert site_rows(page).count() == 1
    page.locator(f"[data-test=select-{site['id']}]").check()
    assert page.locator("[data-test=selected-count]").inner_text() == "已选 1 个"

    # the print page: the same label, its QR the PDF's link
    with desk.expect_page() as opened:
        page.locator("[data-test=print-labels]").click()
    sheet = opened.value
    label = sheet.locator(f"[data-test=label-{site['id']}]")
    label.wait_for()
    sheet.wait_for_function("() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)")
    assert sheet.locator("[data-test=sheet-count]").inner_text().startswith("共 1 个标签，1 页 A4")
    shot(sheet, "sites-04-print-page")
    on_screen = qr_on_screen(label.locator("img"))
    sheet.emulate_media(media="print")
    assert sheet.locator("[data-test=sheet-print]").is_hidden()  # only the sheet is printed
    shot(sheet, "sites-05-print-media")

    with page.expect_download() as got:
        page.locator("[data-test=download-pdf]").click()
    pdf = tmp_path / "labels.pdf"
    got.value.save_as(pdf)
    assert got.value.suggested_filename == "site-labels.pdf"
    link = f"{live.base_url}/s/{site['code']}"
    assert scanned(pdf.read_bytes()) == [[link]]
    assert on_screen == link

    phone = new_phone(browser)
    try:
        handset = phone.new_page()
        login(handset, live, world["inspector"])
        handset.goto(link)
        handset.wait_for_url(re.compile(rf"/patrol\?site={site['id']}&checkin=qr"))
        handset.locator(".picked", has_text=name).wait_for()
        shot(handset, "sites-06-phone-check-in")
    finally:
        phone.close()


def test_qa_prints_every_filtered_site_without_editing_controls(live, world, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, world["qa"], f"/console/sites?q={TAG}", screen="console-sites")
    site_rows(page).nth(19).wait_for()
    assert page.locator("[data-test=total]").inner_text() == f"共 {MANY} 个点位"
    # POST and PATCH /sites are an administrator's: no 新建, no 编辑 column for 质监办
    assert page.locator("[data-test=create-site]").count() == 0
    assert page.locator("[data-test^=edit-]").count() == 0
    page.locator("[data-test=select-filtered]").click()
    page.locator("[data-test=selected-count]", has_text=f"已选 {MANY} 个").wait_for()
    page.locator("[data-test=select-filtered]").wait_for(state="hidden")  # all of them are chosen
    shot(page, "sites-07-qa-selected-all")
    with desk.expect_page() as opened:
        page.locator("[data-test=print-labels]").click()
    sheet = opened.value
    sheet.locator(f"[data-test=label-{world['sites'][-1]}]").wait_for()
    assert sheet.locator("[data-test=sheet-count]").inner_text().startswith(f"共 {MANY} 个标签，3 页 A4")
    assert sheet.locator("section.sheet").count() == 3
    sheet.wait_for_function("() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)")
    sheet.emulate_media(media="print")
    shot(sheet, "sites-10-qa-sheet-printed")
    page.locator(".console__user .el-button", has_text="English").click()  # every string has its English
    page.locator("[data-test=selected-count]", has_text=f"{MANY} selected").wait_for()
    shot(page, "sites-11-english")


def test_an_edit_the_server_refuses_shows_its_message(live, world, desk):  # noqa: ANN001
    site_id = world["sites"][0]
    page = desk.new_page()
    console_login(page, live, world["admin2"], f"/console/sites?q={TAG}", screen="console-sites")
    page.locator(f"[data-test=edit-{site_id}]").click()
    dialog = page.locator("[data-test=site-dialog]")
    dialog.locator("[data-test=f-location]").fill("改到二号楼")
    shot(page, "sites-08-edit-dialog")
    # meanwhile another administrator makes this one a leader: the server now refuses the edit
    resp = api(live, world["admin"]).patch(f"/users/{world['admin2'].id}", json={"roles": ["leader"]})
    assert resp.status_code == 200, resp.text
    refusal = api(live, world["admin2"]).patch(f"/sites/{site_id}", json={"location": "改到二号楼"})
    assert refusal.status_code == 403
    dialog.locator("[data-test=f-save]").click()
    error = dialog.locator("[data-test=form-error]")
    error.wait_for()
    assert refusal.json()["error"]["message"] in error.inner_text()
    assert "HTTP 403" in error.inner_text()
    shot(page, "sites-09-edit-refused")
    assert api(live, world["qa"]).get(f"/sites/{site_id}").json()["location"] == "1号楼地下一层"
