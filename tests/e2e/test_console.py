"""The desk console (issue 15, first slice) at 1440x900: login through /console, the hazards table
filtered by the server, the detail drawer, bulk assign (五定) with a refusal listed as the server
said it, 挂牌督办 by 质监办; and the phone's first screen never fetching a console chunk."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from backend import clock
from backend.hazards import service
from backend.hazards.bodies import AssignIn
from backend.hazards.workflow import Action
from backend.vocab import Grade, Role
from tests.e2e.conftest import PWA, new_phone, shot
from tests.e2e.steps import api, login
from tests.factories import PASSWORD

CONSOLE_CHUNK = re.compile(r"/assets/console-")
TAG = "控制台"


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    """A catering manager and inspector, 质监办, and hazards: three reported, one overdue, one major,
    and one of another center (which the manager must not see)."""
    session, make = live.factory()
    org = make.org
    people = {
        "inspector": make.user(Role.inspector, username=f"insp-{uuid.uuid4().hex[:6]}"),
        "manager": make.user(Role.center_manager, username=f"mgr-{uuid.uuid4().hex[:6]}"),
        "qa": make.user(Role.qa_officer, center=org.qa, username=f"qa-{uuid.uuid4().hex[:6]}"),
    }
    people["inspector"].display_name = "李巡检"
    hazards = {}
    for key, title in [("a", "排烟罩油污堆积"), ("b", "灭火器过期"), ("c", "插座面板破损"), ("late", "疏散通道堆物")]:
        h = make.hazard(people["inspector"])
        h.title = f"{TAG}·{title}"
        hazards[key] = h
    major = make.hazard(people["inspector"], grade=Grade.major)
    major.title = f"{TAG}·燃气管道锈蚀渗漏"
    hazards["major"] = major
    other = make.hazard(make.user(Role.inspector, center=org.property), site=org.dorm)
    other.title = f"{TAG}·公寓消防门损坏"
    hazards["other"] = other
    session.commit()
    service.perform(session, make.settings, people["manager"], hazards["late"].id, Action.assign,
                    AssignIn(assignee_id=people["inspector"].id, measures="清理通道", cost_estimate=Decimal("0"),
                             deadline=clock.today() + timedelta(days=2), interim_measures="设警示"))
    session.commit()
    hazards["late"].deadline = clock.today() - timedelta(days=3)  # three days overdue now
    session.commit()
    yield {"org": org, "session": session, "hazards": {k: h.id for k, h in hazards.items()}, **people}
    session.close()


def console_login(page, live, user, path: str = "/console", screen: str = "console-hazards",  # noqa: ANN001
                  password: str = PASSWORD) -> None:
    """Open the console signed out: the login page, then back to where the user was going (``screen``)."""
    page.goto(f"{live.base_url}{path}")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(password)
    page.locator("[data-test=login]").click()
    page.locator(f"[data-test={screen}]").wait_for()


def menu_items(page) -> list[str]:  # noqa: ANN001
    return [" ".join(t.split()) for t in page.locator("[data-test=console-menu] .el-menu-item").all_inner_texts()]


def rows(page):  # noqa: ANN001, ANN201
    return page.locator("[data-test=hazard-table] tbody tr")


def wait_rows(page, n: int) -> None:  # noqa: ANN001
    page.wait_for_function("n => document.querySelectorAll('[data-test=hazard-table] tbody tr').length === n", arg=n)


def pick(page, select: str, option: str) -> None:  # noqa: ANN001
    page.locator(f"[data-test={select}]").click()
    page.locator(".el-select-dropdown__item:visible", has_text=option).click()


def open_bulk_assign(page, measures: str, cost: str, days: int, interim: str):  # noqa: ANN001, ANN201
    """The bulk 五定 dialog for the selected rows, filled in for 李巡检 (not yet sent)."""
    page.locator("[data-test=bulk-assign]").click()
    dialog = page.locator("[data-test=bulk-dialog]")
    pick(page, "f-assignee", "李巡检")
    dialog.locator("[data-test=f-measures]").fill(measures)
    dialog.locator("[data-test=f-cost]").fill(cost)
    dialog.locator(f"[data-test=deadline-{days}]").click()
    dialog.locator("[data-test=f-interim]").fill(interim)
    return dialog


# what the hazards table's first screen may load of the console: its own chunk and Element Plus's core
# (console-<hash>, console-ui-<hash>); not another screen's, nor the dialogs' and drawer's parts
FIRST_SCREEN_CHUNK = re.compile(r"/assets/console-(ui-)?[\w-]{8}\.(js|css)$")


def test_a_manager_filters_opens_a_hazard_and_bulk_assigns_two(live, world, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, world["manager"])
    page.locator("[data-test=hazard-table] tbody tr").first.wait_for()
    loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    console_chunks = [url for url in loaded if CONSOLE_CHUNK.search(url)]
    assert console_chunks and all(FIRST_SCREEN_CHUNK.search(u) for u in console_chunks), console_chunks
    assert menu_items(page) == ["隐患管理", "巡检计划", "专项检查", "点位与二维码", "巡检模块",
                                "台账与报表"]  # no group views for a manager
    ids = world["hazards"]

    page.locator("[data-test=filter-q]").fill(TAG)
    page.locator("[data-test=filter-q]").press("Enter")
    page.wait_for_url(re.compile(r"q=%E6%8E%A7"))  # the address bar carries the filter
    pick(page, "filter-status", "待指派")
    page.keyboard.press("Escape")
    wait_rows(page, 4)  # a, b, c and the major one; never the other center's
    assert page.locator("[data-test=total]").inner_text() == "共 4 条"
    assert page.locator(f"[data-test=row-{ids['other']}]").count() == 0
    shot(page, "console-01-hazards-filtered")

    page.locator("[data-test=sort-deadline]").click()  # the API's order: soonest deadline first
    page.wait_for_url(re.compile(r"sort=deadline"))
    page.goto(f"{live.base_url}/console/hazards?overdue=true&q={TAG}")
    wait_rows(page, 1)
    late = rows(page).first
    assert "row--overdue" in (late.get_attribute("class") or "")
    assert late.locator("[data-test=overdue-days]").inner_text() == "逾期 3 天"
    shot(page, "console-02-overdue")

    page.goto(f"{live.base_url}/console/hazards?q=没有这样的隐患")
    page.locator("[data-test=table-empty]", has_text="没有符合条件的隐患").wait_for()
    assert page.locator("[data-test=total]").inner_text() == "共 0 条"
    shot(page, "console-02b-empty")

    page.goto(f"{live.base_url}/console/hazards?status=reported&q={TAG}")
    wait_rows(page, 4)
    page.locator(f"[data-test=row-{ids['a']}]").click()
    drawer = page.locator("[data-test=hazard-drawer]")
    drawer.locator("[data-test=drawer-title]").wait_for()
    assert drawer.locator("[data-test=drawer-title]").inner_text() == f"{TAG}·排烟罩油污堆积"
    # exactly the server's allowed_actions for this user: the phone's buttons
    detail = api(live, world["manager"]).get(f"/hazards/{ids['a']}").json()
    shown = [b.get_attribute("data-test") for b in drawer.locator("[data-test=drawer-actions] button").all()]
    assert shown == [f"action-{a}" for a in detail["allowed_actions"]]
    assert "上报" in drawer.locator("[data-test=timeline]").inner_text()
    shot(page, "console-03-drawer")
    page.keyboard.press("Escape")
    drawer.locator("[data-test=drawer-title]").wait_for(state="hidden")

    # the major hazard is assigned singly (its 治理方案): no checkbox for bulk
    assert page.locator(f"[data-test=select-{ids['major']}]").is_disabled()
    for key in ("a", "b"):
        page.locator(f"[data-test=select-{ids[key]}]").check()
    assert page.locator("[data-test=selected-count]").inner_text() == "已选 2 条"
    dialog = open_bulk_assign(page, "清洗并建立每周记录", "0.5", 7, "停用对应灶台")
    shot(page, "console-04-bulk-assign")
    dialog.locator("[data-test=bulk-send]").click()
    dialog.locator("[data-test=bulk-results]").wait_for()
    assert dialog.locator("[data-test=bulk-ok]").inner_text() == "已指派 2 条"
    assert dialog.locator("[data-test=bulk-refused]").count() == 0
    shot(page, "console-05-bulk-results")

    client = api(live, world["manager"])
    for key in ("a", "b"):
        h = client.get(f"/hazards/{ids[key]}").json()
        assert h["status"] == "assigned"
        assert h["assignee_id"] == world["inspector"].id
        assert h["measures"] == "清洗并建立每周记录" and h["interim_measures"] == "停用对应灶台"
    dialog.locator("[data-test=bulk-close]").click()
    wait_rows(page, 2)  # the table asked again: two still 待指派


def test_refusals_show_the_servers_message(live, world, desk):  # noqa: ANN001
    ids = world["hazards"]
    manager_api = api(live, world["manager"])
    page = desk.new_page()
    console_login(page, live, world["manager"], f"/console/hazards?status=reported&status=assigned&q={TAG}")
    page.locator(f"[data-test=row-{ids['c']}]").wait_for()
    seen = manager_api.get(f"/hazards/{ids['c']}").json()

    # someone else changes the hazard while the desk looks at it: the bulk assign is refused for it
    # with the server's own words, and the other row is assigned
    resp = manager_api.post(f"/hazards/{ids['c']}/actions/edit", json={"title": f"{TAG}·插座面板破损漏电"})
    assert resp.status_code == 200, resp.text
    for key in ("c", "late"):
        page.locator(f"[data-test=select-{ids[key]}]").check()
    dialog = open_bulk_assign(page, "更换面板", "0.1", 3, "断电挂牌")
    dialog.locator("[data-test=bulk-send]").click()
    dialog.locator("[data-test=bulk-results]").wait_for()
    refusal = manager_api.post(f"/hazards/{ids['c']}/actions/assign", headers={"If-Match": f'"{seen["version"]}"'},
                               json={"assignee_id": world["inspector"].id}).json()["error"]["message"]
    assert dialog.locator("[data-test=bulk-ok]").inner_text() == "已指派 1 条"
    assert dialog.locator("[data-test=bulk-refused]").inner_text() == "未被接受 1 条"
    assert refusal in dialog.locator(f"[data-test=bulk-row-{ids['c']}]").inner_text()
    shot(page, "console-06-bulk-refused")
    assert manager_api.get(f"/hazards/{ids['c']}").json()["status"] == "reported"
    assert manager_api.get(f"/hazards/{ids['late']}").json()["measures"] == "更换面板"
    dialog.locator("[data-test=bulk-close]").click()

    # in the drawer: an action on a hazard changed meanwhile keeps the form open with the server's message
    page.locator(f"[data-test=row-{ids['c']}]").click()
    drawer = page.locator("[data-test=hazard-drawer]")
    drawer.locator("[data-test=action-cancel]").wait_for()
    manager_api.post(f"/hazards/{ids['c']}/actions/edit", json={"title": f"{TAG}·插座面板破损"})
    drawer.locator("[data-test=action-cancel]").click()
    form = page.locator("[data-test=action-dialog]")
    form.locator("[data-test=f-reason]").fill("重复上报")
    form.locator("[data-test=action-confirm]").click()
    error = form.locator("[data-test=form-error]")
    error.wait_for()
    assert refusal in error.inner_text()
    shot(page, "console-07-action-refused")
    assert manager_api.get(f"/hazards/{ids['c']}").json()["status"] == "reported"
    # the drawer now shows the hazard as it is: a second 确定 acts on that
    page.locator(".el-message", has_text="已刷新为最新内容").wait_for()
    form.locator("[data-test=action-confirm]").click()
    page.locator("[data-test=drawer-status]", has_text="已撤销").wait_for()
    assert manager_api.get(f"/hazards/{ids['c']}").json()["status"] == "cancelled"


def test_qa_supervises_a_major_hazard_from_the_console(live, world, desk):  # noqa: ANN001
    ids = world["hazards"]
    page = desk.new_page()
    console_login(page, live, world["qa"], f"/console/hazards?grade=major&q={TAG}")
    page.locator("[data-test='menu-/control']").wait_for()  # GET /me says 质监办 reads the group views
    assert menu_items(page) == ["隐患管理", "巡检计划", "专项检查", "点位与二维码", "巡检模块", "台账与报表",
                                "审计日志", "总控制室 ↗", "月度报告 ↗"]  # the group views open in a tab
    page.locator(f"[data-test=row-{ids['major']}]").click()
    drawer = page.locator("[data-test=hazard-drawer]")
    drawer.locator("[data-test=action-supervise]").click()
    form = page.locator("[data-test=action-dialog]")
    form.locator("[data-test=f-supervisor]").fill("王主任")
    form.locator("[data-test=f-requirements]").fill("12月20日前完成管道更换，每周报告进展")
    shot(page, "console-08-supervise")
    form.locator("[data-test=action-confirm]").click()
    drawer.locator("[data-test=supervision]").wait_for()
    shot(page, "console-09-supervised")
    h = api(live, world["qa"]).get(f"/hazards/{ids['major']}").json()
    assert h["supervision"]["supervisor"] == "王主任"
    assert "supervise" not in h["allowed_actions"]
    assert drawer.locator("[data-test=action-supervise]").count() == 0


def test_the_phones_first_screen_requests_no_console_chunk(live, world, browser):  # noqa: ANN001
    assert list((PWA / "dist" / "assets").glob("console-*.js")), "the build has console chunks"
    assert "console-" not in (PWA / "dist" / "sw.js").read_text()  # never precached
    phone = new_phone(browser)
    try:
        page = phone.new_page()
        requested: list[str] = []
        page.on("request", lambda req: requested.append(req.url))
        login(page, live, world["manager"])
        page.wait_for_load_state("networkidle")
        page.locator(".van-tabbar-item", has_text="隐患").click()
        page.locator(".van-tabbar-item", has_text="我的").click()
        page.wait_for_load_state("networkidle")
        assert any("/assets/index-" in u for u in requested)  # the log does see the app's assets
        assert not [u for u in requested if CONSOLE_CHUNK.search(u)]
    finally:
        phone.close()

