"""The group views (issue 12) in Chromium against the real app: the control room on a 1920x1080
wall (charts drawn, a hazard reported during the test arrives through the event stream without a
reload), refused to an inspector, and the monthly report printed to an A4 PDF."""

import json
import re
import shutil
import subprocess
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from backend import clock
from backend.hazards.models import Hazard
from backend.vocab import Role
from tests.e2e.conftest import ARTIFACTS, jpeg, new_phone, shot
from tests.e2e.test_pwa import api
from tests.factories import PASSWORD

WALL = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
OVERDUE_TITLE = "配电房灭火器过期未更换"


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    """质监办, an inspector and a manager of 饮食服务中心, an overdue hazard with a photo, a drill."""
    session, make = live.factory()
    tag = uuid.uuid4().hex[:6]
    people = {"qa": make.user(Role.qa_officer, center=make.org.qa, username=f"qa-{tag}"),
              "inspector": make.user(Role.inspector, username=f"insp-{tag}"),
              "manager": make.user(Role.center_manager, username=f"mgr-{tag}")}
    overdue = report(live, people["inspector"], make.org.kitchen.id, OVERDUE_TITLE)
    manager = api(live, people["manager"])
    resp = manager.post(f"/hazards/{overdue}/actions/assign", json={
        "assignee_id": people["inspector"].id, "measures": "更换灭火器", "cost_estimate": "0.10",
        "deadline": (clock.today() + timedelta(days=3)).isoformat(), "interim_measures": "临时增配"})
    assert resp.status_code == 200, resp.text
    # the deadline passed 5 days ago (the API accepts only future deadlines)
    session.execute(update(Hazard).where(Hazard.id == overdue).values(
        deadline=clock.today() - timedelta(days=5)))
    session.commit()
    for _ in range(2):
        make.hazard(people["inspector"])
    drill = api(live, people["qa"]).post("/trainings", json={
        "center_id": make.org.catering.id, "kind": "drill", "held_on": clock.today().isoformat(),
        "topic": "后厨燃气泄漏应急演练", "participant_count": 24, "duration_minutes": 60})
    assert drill.status_code == 201, drill.text
    yield {**people, "overdue_id": overdue, "org": make.org}
    session.close()


def report(live, user, site_id: int, title: str) -> int:  # noqa: ANN001
    """A hazard reported through the API with a real photo (its thumbnail is served)."""
    client = api(live, user)
    photo = client.post("/photos", files={"file": ("a.jpg", jpeg(800, 600), "image/jpeg")})
    assert photo.status_code == 201, photo.text
    resp = client.post("/hazards", json={"title": title, "site_id": site_id, "category": "fire",
                                         "grade": "general", "photo_ids": [photo.json()["id"]]})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def desk(browser, live, user, **options):  # noqa: ANN001, ANN201
    """A desktop browser signed in as ``user`` (the session the login page would store)."""
    login = httpx.post(f"{live.base_url}/api/v1/auth/login",
                       json={"username": user.username, "password": PASSWORD}).json()
    stored = {"token": login["access_token"], "user": login["user"],
              "expiresAt": login["expires_at"], "expired": False}
    context = browser.new_context(**{**WALL, **options})
    context.set_default_timeout(20000)
    context.add_init_script(
        f"try {{ localStorage.setItem('anxun.session', {json.dumps(json.dumps(stored))}) }} catch {{}}")
    context.on("page", lambda page: page.on("pageerror", lambda err: print(f"[pageerror] {err}")))
    return context


def drawn_charts(page) -> list[int]:  # noqa: ANN001
    """The number of drawn shapes in each chart's SVG (-1: the chart says 暂无数据 instead)."""
    return page.eval_on_selector_all("[data-test=chart]", """els => els.map(e => e.dataset.empty
        ? (e.parentElement.textContent.includes('暂无数据') ? -1 : -2)
        : e.querySelectorAll('svg path, svg text').length)""")


def test_the_control_room_draws_its_figures_and_shows_a_new_hazard_live(live, world, browser):  # noqa: ANN001
    context = desk(browser, live, world["qa"])
    page = context.new_page()
    page.goto(f"{live.base_url}/me")  # 我的 links the group views for 质监办 and leaders
    page.locator("[data-test=me-report]").wait_for()
    page.locator("[data-test=me-control]").click()
    page.wait_for_url(re.compile(r"/control$"))
    page.locator("[data-test=control-room][data-loaded=yes]").wait_for()
    page.locator("[data-test=room-stream][data-state=live]").wait_for()
    # status, grade, weekly, category drawn; no patrol task is due: completion says so in words
    charts = drawn_charts(page)
    assert len(charts) == 5 and all(n > 0 for n in charts[:4]) and charts[4] == -1, charts
    expected = api(live, world["qa"]).get("/stats/overview").json()
    assert page.locator("[data-test=kpi-open]").inner_text() == str(expected["open"]["total"])
    assert page.locator("[data-test=league-row]").count() == len(expected["centers"])
    overdue = page.locator("[data-test=overdue-row]", has_text=OVERDUE_TITLE)
    assert "逾期 5 天" in overdue.inner_text()
    page.wait_for_timeout(300)
    shot(page, "i12-control-room-1920")

    # the league sorts by overdue, worst first on a second tap
    page.locator("[data-test=league-sort-overdue]").click()
    page.locator("[data-test=league-sort-overdue]").click()
    assert page.locator("[data-test=league-row]").first.locator("[data-test=league-overdue]").inner_text() != "0"

    # a hazard reported now reaches the wall through the stream, without a reload
    page.evaluate("() => { window.__sameDocument = true }")
    title = f"走廊应急灯不亮 {uuid.uuid4().hex[:4]}"
    report(live, world["inspector"], world["org"].kitchen.id, title)
    page.locator("[data-test=feed-row]", has_text=title).wait_for(timeout=15000)
    assert page.locator("[data-test=feed-row]").first.inner_text().find(title) >= 0
    # and the figures follow (debounced), in the same document
    page.wait_for_function("n => document.querySelector('[data-test=kpi-open]').textContent === String(n)",
                           arg=expected["open"]["total"] + 1, timeout=15000)
    assert page.evaluate("() => window.__sameDocument === true")
    shot(page, "i12-control-room-live")

    small = desk(browser, live, world["qa"], viewport={"width": 1366, "height": 768})
    page = small.new_page()
    page.goto(f"{live.base_url}/control")
    page.locator("[data-test=control-room][data-loaded=yes]").wait_for()
    page.wait_for_timeout(300)
    shot(page, "i12-control-room-1366")
    small.close()
    context.close()


def test_the_control_room_is_refused_to_an_inspector(live, world, browser):  # noqa: ANN001
    context = new_phone(browser)
    page = context.new_page()
    login = httpx.post(f"{live.base_url}/api/v1/auth/login", json={
        "username": world["inspector"].username, "password": PASSWORD}).json()
    page.goto(f"{live.base_url}/login")
    page.evaluate("s => localStorage.setItem('anxun.session', s)", json.dumps({
        "token": login["access_token"], "user": login["user"], "expiresAt": login["expires_at"],
        "expired": False}))
    page.goto(f"{live.base_url}/me")
    page.locator("[data-test=me-title], .van-cell-group").first.wait_for()
    page.wait_for_timeout(500)
    assert page.locator("[data-test=me-control]").count() == 0
    page.goto(f"{live.base_url}/control")
    page.locator(".van-toast", has_text="仅供质监办、集团领导查看").wait_for()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("[data-test=control-room]").count() == 0
    assert api(live, world["inspector"]).get("/stats/overview").status_code == 403
    context.close()


def test_the_monthly_report_prints_to_a_few_a4_pages_with_its_charts(live, world, browser):  # noqa: ANN001
    context = desk(browser, live, world["qa"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    month = clock.today().isoformat()[:7]
    page.goto(f"{live.base_url}/report/monthly?month={month}")
    page.locator("[data-test=monthly-report][data-ready=yes]").wait_for()
    assert page.locator("[data-test=report-problems]").count() == 0
    charts = drawn_charts(page)  # weekly, status, completion (no task: in words), category
    assert len(charts) == 4 and charts[2] == -1 and all(n > 0 for n in (charts[0], charts[1], charts[3])), charts
    row = page.locator("[data-test=report-overdue-row]", has_text=OVERDUE_TITLE)
    assert row.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("[data-test=report-training-row]", has_text="后厨燃气泄漏应急演练").count() == 1
    assert page.locator("[data-test=report-ranking-row]").count() >= 1
    year, mon = month.split("-")
    assert page.locator("[data-test=report-month]").inner_text() == f"{year}年{int(mon)}月"
    shot(page, "i12-report-screen")

    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert 2 <= pages <= 6, pages
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "i12-report.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):  # the pages as a reader sees them, to look at
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(ARTIFACTS / "i12-report.pdf"),
                        str(ARTIFACTS / "i12-report-page")], check=True)
    # the print shows no app chrome and no button
    page.emulate_media(media="print")
    assert not page.locator("[data-test=report-print]").is_visible()
    context.close()

