"""质监办 on a major hazard, on the phone: the detail shows the 治理方案 and 停用/封控; 挂牌督办 and
上报 are online-only (offline they say so and keep the form; a refusal shows its reason and keeps
it); the 督办单 opens in the page to print, and renders its Chinese; the 销号 takes its evidence."""

import re
import shutil
import subprocess
import uuid
from datetime import date, timedelta

import pytest

from backend.vocab import Role
from tests.e2e.conftest import jpeg, shot
from tests.e2e.steps import api, login
from tests.hazards.test_workflow_api import GOVERNANCE_PLAN

TITLE = "后厨燃气管道锈蚀漏气"
REQUIREMENTS = "12月20日前完成燃气管道更换，每周报告进展"


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    tag = uuid.uuid4().hex[:6]
    people = {"inspector": make.user(Role.inspector, username=f"mh-insp-{tag}"),
              "worker": make.user(Role.inspector, username=f"mh-work-{tag}"),
              "manager": make.user(Role.center_manager, username=f"mh-mgr-{tag}"),
              "qa": make.user(Role.qa_officer, center=make.org.qa, username=f"mh-qa-{tag}"),
              "qa2": make.user(Role.qa_officer, center=make.org.qa, username=f"mh-qa2-{tag}")}
    session.commit()
    yield {"org": make.org, **people}
    session.close()


def major_hazard(live, world) -> dict:  # noqa: ANN001
    """Reported and assigned with its 治理方案 and 停用/封控, through the API."""
    inspector = api(live, world["inspector"])
    photo = inspector.post("/photos", files={"file": ("a.jpg", jpeg(400, 300), "image/jpeg")}).json()
    hazard = inspector.post("/hazards", json={"title": TITLE, "site_id": world["org"].kitchen.id,
                                              "category": "gas", "grade": "major", "photo_ids": [photo["id"]]}).json()
    resp = api(live, world["manager"]).post(f"/hazards/{hazard['id']}/actions/assign", json={
        "assignee_id": world["worker"].id, "deadline": (date.today() + timedelta(days=14)).isoformat(),
        "governance_plan": GOVERNANCE_PLAN, "restricted_use": True})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_qa_supervises_prints_and_reports_upward(live, world, phone):  # noqa: ANN001
    hazard = major_hazard(live, world)
    url = f"{live.base_url}/hazards/{hazard['id']}"
    qa_api = api(live, world["qa"])
    page = phone.new_page()
    refused = []  # Chromium's word when a sandboxed frame may not print
    page.on("console", lambda m: refused.append(m.text) if "print()" in m.text else None)
    # a script in the sheet (were one ever rendered into it) must not run: the frame is sandboxed
    # (review-11 N3); the app's CSP alone would let a same-origin script file run
    page.route("**/supervision/sheet", lambda route: route.fulfill(
        response=(r := route.fetch()), body=r.text().replace(
            "</body>", '<script src="/sheet-probe.js"></script></body>')))
    page.route("**/sheet-probe.js", lambda route: route.fulfill(
        body="window.top.__sheetScript = 1", content_type="text/javascript"))
    login(page, live, world["qa"])
    page.goto(url)
    assert "消除燃气泄漏风险" in page.locator("[data-test=plan-objective]").inner_text()
    assert "停用/封控中" in page.locator("[data-test=restricted-use]").inner_text()
    assert page.locator("[data-test=upward-reports]").inner_text().strip() == "暂无上报记录"
    shot(page, "major-01-detail")

    page.locator("[data-test=action-supervise]").click()
    form = page.locator("[data-test=action-form]")
    form.locator("[data-test=action-confirm]").click()  # nothing filled: named at the fields
    assert "必填" in form.locator("[data-test=f-supervisor]").inner_text()
    assert "必填" in form.locator("[data-test=f-requirements]").inner_text()
    form.locator("[data-test=f-supervisor] input").fill("王主任")
    form.locator("[data-test=f-requirements] textarea").fill(REQUIREMENTS)
    form.locator("[data-test=f-sup-deadline] input").fill((date.today() + timedelta(days=18)).isoformat())
    # offline: it says so, sends nothing, keeps the form
    phone.set_offline(True)
    form.locator("[data-test=online-only]").wait_for()
    form.locator("[data-test=action-confirm]").click()
    assert "需联网" in form.locator("[data-test=form-error]").inner_text()
    page.wait_for_timeout(300)
    shot(page, "major-02-supervise-offline")
    phone.set_offline(False)
    assert qa_api.get(f"/hazards/{hazard['id']}").json()["supervision"] is None
    form.locator("[data-test=online-only]").wait_for(state="detached")
    assert form.locator("[data-test=f-supervisor] input").input_value() == "王主任"
    form.locator("[data-test=action-confirm]").click()
    card = page.locator("[data-test=supervision]")
    card.wait_for()
    assert REQUIREMENTS in card.inner_text() and "王主任" in card.inner_text()
    stored = qa_api.get(f"/hazards/{hazard['id']}").json()["supervision"]
    assert stored["order_no"] in page.locator("[data-test=supervision-order]").inner_text()
    assert page.locator("[data-test=action-supervise]").count() == 0  # once
    shot(page, "major-03-supervised")

    # 打印督办单: the server's sheet in a frame of the page, printed from there
    page.locator("[data-test=print-sheet]").click()
    sheet = page.frame_locator("[data-test=sheet-frame]")
    sheet.locator("h1", has_text="重大事故隐患挂牌督办单").wait_for()
    text = sheet.locator("body").inner_text()
    for expected in (TITLE, stored["order_no"], REQUIREMENTS, "王主任", "关闭总阀，禁止明火", "责任单位负责人签收"):
        assert expected in text, expected
    page.wait_for_timeout(400)
    # styled as printed, under the app's CSP: the table ruled, the signatures side by side
    assert sheet.locator("td").first.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"
    assert sheet.locator(".sign").first.evaluate("e => getComputedStyle(e).display") == "flex"
    shot(page, "major-04-sheet")
    assert page.evaluate("window.__sheetScript") is None
    # the print button prints the frame: headless Chromium opens no dialog but fires beforeprint
    page.evaluate("""() => { const w = document.querySelector('[data-test=sheet-frame]').contentWindow
        window.__printed = 0; w.addEventListener('beforeprint', () => { window.__printed++ }) }""")
    page.locator("[data-test=sheet-print]").click()
    page.wait_for_function("() => window.__printed === 1")
    assert refused == []
    page.locator("[data-test=sheet-close]").click()

    # 上报: another officer's report comes first; this one's is still taken, in order
    page.locator("[data-test=action-report_upward]").click()
    form.locator("[data-test=f-recipient] input").fill("学校保卫处")
    form.locator("[data-test=channel-phone]").click()
    form.locator("[data-test=f-reference_no] input").fill("后质〔2026〕12号")
    form.locator("[data-test=f-note] textarea").fill("电话报告隐患及治理方案")
    page.wait_for_timeout(300)
    shot(page, "major-05-report-form")
    form.locator("[data-test=action-confirm]").click()
    page.locator("[data-test=upward-report]", has_text="学校保卫处").wait_for()
    row = page.locator("[data-test=upward-report]").inner_text()
    assert "电话" in row and "后质〔2026〕12号" in row and "电话报告隐患及治理方案" in row
    [report] = qa_api.get(f"/hazards/{hazard['id']}").json()["upward_reports"]
    assert (report["recipient"], report["channel"]) == ("学校保卫处", "phone")
    page.locator("[data-test=upward-reports]").scroll_into_view_if_needed()
    shot(page, "major-06-reported")

    # in English: the same sections with English labels and dates
    page.evaluate("() => localStorage.setItem('anxun.lang', 'en-US')")
    page.reload()
    page.locator("[data-test=print-sheet]", has_text="Print the order").wait_for()
    assert "Out of use" in page.locator("[data-test=restricted-use]").inner_text()
    assert "By phone" in page.locator("[data-test=upward-report]").inner_text()
    assert re.search(r"\bDec \d+", page.locator("[data-test=supervision]").inner_text())  # not 12月2日
    page.locator("[data-test=supervision]").scroll_into_view_if_needed()
    shot(page, "major-10-english")


def test_a_refused_supervision_shows_why_and_keeps_the_form(live, world, phone):  # noqa: ANN001
    hazard = major_hazard(live, world)
    page = phone.new_page()
    login(page, live, world["qa"])
    page.goto(f"{live.base_url}/hazards/{hazard['id']}")
    page.locator("[data-test=action-supervise]").click()
    form = page.locator("[data-test=action-form]")
    form.locator("[data-test=f-supervisor] input").fill("李主任")
    form.locator("[data-test=f-requirements] textarea").fill("限期整改")
    # meanwhile another officer supervised it
    assert api(live, world["qa2"]).post(f"/hazards/{hazard['id']}/actions/supervise", json={
        "supervisor": "王主任", "requirements": REQUIREMENTS}).status_code == 200
    form.locator("[data-test=action-confirm]").click()
    refusal = form.locator("[data-test=form-error]")
    refusal.wait_for()
    assert "当前状态不允许此操作" in refusal.inner_text()
    assert form.locator("[data-test=f-supervisor] input").input_value() == "李主任"
    shot(page, "major-07-supervise-refused")


def test_the_closing_of_a_major_hazard_takes_its_evidence(live, world, phone, tmp_path):  # noqa: ANN001
    hazard = major_hazard(live, world)
    worker = api(live, world["worker"])
    after = worker.post("/photos", files={"file": ("b.jpg", jpeg(400, 300, seed=5), "image/jpeg")}).json()
    assert worker.post(f"/hazards/{hazard['id']}/actions/submit", json={
        "description": "已更换燃气管道", "photo_ids": [after["id"]]}).status_code == 200
    page = phone.new_page()
    login(page, live, world["qa"])
    page.goto(f"{live.base_url}/hazards/{hazard['id']}")
    page.locator("[data-test=action-verify]").click()
    form = page.locator("[data-test=action-form]")
    form.locator("[data-test=action-confirm]").click()
    assert "必填" in form.locator("[data-test=f-opinion]").inner_text()
    assert "error" in (form.locator("[data-test=evidence-hint]").get_attribute("class") or "")
    form.locator("[data-test=f-opinion] textarea").fill("经专家评估，隐患已消除，同意销号")
    form.locator("[data-test=f-documents] textarea").fill("专家评估报告（12月5日）")
    evidence = tmp_path / "evidence.jpg"
    evidence.write_bytes(jpeg(seed=6))
    form.locator("[data-test=evidence-photos] input[type=file]").set_input_files(str(evidence))
    form.locator("[data-test=evidence-photos] .van-uploader__preview").wait_for()
    page.wait_for_timeout(300)
    shot(page, "major-08-closure-form")
    form.locator("[data-test=action-confirm]").click()
    page.locator("[data-test=hazard-status]", has_text="已闭环").wait_for(timeout=30000)
    closure = page.locator("[data-test=closure]")
    closure.wait_for()
    assert "经专家评估，隐患已消除，同意销号" in closure.inner_text()
    assert "专家评估报告（12月5日）" in closure.inner_text()
    assert page.locator("[data-test=closure-photos] img").count() == 1
    assert page.locator("[data-test=restricted-use]").count() == 0  # lifted by the 销号
    closure.scroll_into_view_if_needed()
    shot(page, "major-09-closed")
    closed = api(live, world["qa"]).get(f"/hazards/{hazard['id']}").json()
    assert closed["closure"]["verifier_id"] == world["qa"].id and len(closed["closure"]["photos"]) == 1


def _cjk_families() -> list[str]:
    fc = shutil.which("fc-list")
    if fc is None:
        return []
    out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True).stdout
    return sorted({re.sub(r"\s+", "", f) for line in out.splitlines() for f in line.split(",") if f.isascii()})


def test_the_sheet_prints_on_one_a4_page_in_a_chinese_font(live, world, browser):  # noqa: ANN001
    families = _cjk_families()
    if not families:
        pytest.skip("no font for Chinese on this machine (fc-list :lang=zh): apt-get install fonts-wqy-microhei")
    hazard = major_hazard(live, world)
    qa = api(live, world["qa"])
    assert qa.post(f"/hazards/{hazard['id']}/actions/supervise", json={
        "supervisor": "王主任", "requirements": REQUIREMENTS * 3}).status_code == 200
    html = qa.get(f"/hazards/{hazard['id']}/supervision/sheet").text
    page = browser.new_page()
    page.set_content(html)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    page.close()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # one sheet of paper
    embedded = {m.decode("latin-1") for m in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/<>\[\]]+)", pdf)}
    assert any(f.replace("-", "") in (e.replace("-", "") for e in embedded) for f in families) or \
        any(any(f.lower() in e.lower() for f in families) for e in embedded), (embedded, families)
