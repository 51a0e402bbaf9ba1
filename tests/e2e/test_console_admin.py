"""The console's admin screens (issue 15) at 1440x900: 用户与角色 (a new user, a one-time password shown
once and used on the phone), 系统集成 (an API key shown once that authenticates, then is revoked; a
webhook's test send in its delivery log), 审计日志 with the chain's verification, and the refusal a
user without the role gets for a typed address."""

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import httpx2 as httpx
import pytest

from backend.vocab import Role
from backend.webhooks.delivery import Worker
from tests.e2e.conftest import new_phone, shot
from tests.e2e.steps import api, wait_until
from tests.e2e.test_console import console_login, menu_items, pick
from tests.webhooks.receiver import Receiver

NEW_PASSWORD = "Pump-Room-Lantern-58"
T = TypeVar("T")


@pytest.fixture(scope="module")
def people(live):  # noqa: ANN001
    """An administrator of no center, 质监办, and a catering manager (no admin screens)."""
    session, make = live.factory()
    tag = uuid.uuid4().hex[:6]
    admin = make.user(Role.admin, username=f"admin-{tag}")
    admin.display_name = "系统管理员 周"
    people = {"admin": admin, "qa": make.user(Role.qa_officer, center=make.org.qa, username=f"qa-{tag}"),
              "manager": make.user(Role.center_manager, username=f"mgr-{tag}"), "tag": tag,
              "catering": make.org.catering.name}
    session.commit()
    yield people
    session.close()


@pytest.fixture
def private_targets(live) -> Iterator[None]:  # noqa: ANN001
    """The test's receiver listens on 127.0.0.1: let the live server send there."""
    live.settings.webhook_allow_private_targets = True
    yield
    live.settings.webhook_allow_private_targets = False


def off_the_loop(run: Callable[[], T]) -> T:
    """Run ``run`` in a thread of its own: Playwright's event loop runs in the test's thread, where the
    app refuses database access."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def confirm_box(page) -> None:  # noqa: ANN001
    page.locator(".el-message-box__btns .el-button--primary").click()


def secret_shown(page) -> str:  # noqa: ANN001
    """The secret of the once-only dialog, after checking it says so; the dialog is closed."""
    dialog = page.locator("[data-test=secret-dialog]")
    dialog.wait_for()
    assert "只显示这一次" in dialog.locator("[data-test=secret-warning]").inner_text()
    secret = dialog.locator("[data-test=secret-value]").input_value()
    assert secret
    return secret


def close_secret(page) -> None:  # noqa: ANN001
    page.locator("[data-test=secret-done]").click()
    page.locator("[data-test=secret-dialog]").wait_for(state="hidden")


def user_row(page, username: str):  # noqa: ANN001, ANN201
    return page.locator(f"[data-test=user-table] tr.user-{username}")


def test_an_admin_creates_a_user_who_logs_in_with_a_one_time_password(live, people, desk, browser):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, people["admin"], "/console/users", screen="console-users")
    assert menu_items(page) == ["点位与二维码", "巡检模块", "用户与角色", "系统集成", "审计日志"]
    username = f"wu-{people['tag']}"
    shot(page, "admin-01-users")

    page.locator("[data-test=user-table] [data-test=list-new]").click()
    dialog = page.locator("[data-test=user-dialog]")
    dialog.locator("[data-test=f-username]").fill(username)
    dialog.locator("[data-test=f-display-name]").fill("饮食中心 吴师傅")
    dialog.locator("[data-test=role-inspector]").click()
    pick(page, "f-center", people["catering"])
    page.locator(".el-select-dropdown:visible").wait_for(state="hidden")
    shot(page, "admin-02-new-user")
    dialog.locator("[data-test=form-submit]").click()
    first = secret_shown(page)  # a new user gets a one-time password at once: nobody knows their password
    shot(page, "admin-03-new-user-otp")
    close_secret(page)
    row = user_row(page, username)
    assert "待设置新密码" in row.inner_text()

    # the same username again: the server's words in the form
    page.locator("[data-test=user-table] [data-test=list-new]").click()
    dialog.locator("[data-test=f-username]").fill(username.upper())
    dialog.locator("[data-test=f-display-name]").fill("重名")
    dialog.locator("[data-test=role-inspector]").click()
    pick(page, "f-center", people["catering"])
    dialog.locator("[data-test=form-submit]").click()
    assert dialog.locator("[data-test=form-error]").inner_text() == "用户名已存在"
    shot(page, "admin-04-username-taken")
    dialog.locator(".el-dialog__headerbtn").click()

    # 重置密码: a second one-time password, shown once; the first one no longer logs in
    user_id = int((row.locator("[data-test^=reset-]").get_attribute("data-test") or "").removeprefix("reset-"))
    row.locator(f"[data-test=reset-{user_id}]").click()
    confirm_box(page)
    otp = secret_shown(page)
    assert otp != first
    assert "有效期至" in page.locator("[data-test=secret-expires]").inner_text()
    shot(page, "admin-05-reset-otp")
    close_secret(page)
    stale = httpx.post(f"{live.base_url}/api/v1/auth/login", timeout=30, json={"username": username, "password": first})
    assert stale.status_code == 401, stale.text

    phone = new_phone(browser)
    try:
        handset = phone.new_page()
        handset.goto(f"{live.base_url}/login")
        handset.locator("input[name=username]").fill(username)
        handset.locator("input[name=password]").fill(otp)
        handset.locator("[data-test=login]").click()
        handset.locator("[data-test=must-change]").wait_for()  # made to set a new password first
        handset.locator("input[name=new_password]").fill(NEW_PASSWORD)
        handset.locator("input[name=confirm_password]").fill(NEW_PASSWORD)
        handset.locator("[data-test=login]").click()
        handset.locator("[data-test=home]").wait_for()
    finally:
        phone.close()
    page.reload()
    user_row(page, username).wait_for()
    assert "待设置新密码" not in user_row(page, username).inner_text()

    # the administrator cannot disable themself: the server's refusal as it said it
    me = user_row(page, people["admin"].username)
    me.locator("[data-test^=toggle-]").click()
    confirm_box(page)
    page.locator(".el-message--error", has_text="不能停用自己").wait_for()
    page.locator(".el-message-box").wait_for(state="hidden")
    shot(page, "admin-06-refused")


def test_an_api_key_is_shown_once_authenticates_and_is_revoked(live, people, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, people["admin"], "/console/integrations", screen="console-integrations")
    page.locator("[data-test=key-table] [data-test=list-new]").click()
    dialog = page.locator("[data-test=key-dialog]")
    dialog.locator("[data-test=f-key-name]").fill(f"燃气报警器-{people['tag']}")
    dialog.locator("[data-test=scope-hazards\\:read]").click()
    shot(page, "admin-07-new-key")
    dialog.locator("[data-test=form-submit]").click()
    secret = secret_shown(page)
    shot(page, "admin-08-key-secret")
    close_secret(page)

    bearer = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{live.base_url}/api/v1/hazards", headers=bearer, timeout=30).status_code == 200
    key = next(k for k in api(live, people["admin"]).get("/api-keys").json()["items"] if k["name"].endswith(people["tag"]))
    page.reload()
    page.locator(f"[data-test=key-status-{key['id']}]", has_text="有效").wait_for()
    shot(page, "admin-09-keys")

    page.locator(f"[data-test=key-revoke-{key['id']}]").click()
    assert "401" in page.locator(".el-message-box").inner_text()
    confirm_box(page)
    page.locator(f"[data-test=key-status-{key['id']}]", has_text="已吊销").wait_for()
    assert httpx.get(f"{live.base_url}/api/v1/hazards", headers=bearer, timeout=30).status_code == 401


def test_a_webhook_test_send_appears_in_its_delivery_log(live, people, desk, private_targets):  # noqa: ANN001, ARG001
    page = desk.new_page()
    console_login(page, live, people["admin"], "/console/integrations?tab=webhooks", screen="webhooks")
    with Receiver() as receiver, Worker(live.server.config.app.state.sessions, live.settings) as worker:
        page.locator("[data-test=hook-table] [data-test=list-new]").click()
        dialog = page.locator("[data-test=hook-dialog]")
        dialog.locator("[data-test=f-hook-name]").fill(f"智慧后勤平台-{people['tag']}")
        dialog.locator("[data-test=f-hook-url]").fill(receiver.url)
        pick(page, "f-hook-events", "全部事件")
        page.keyboard.press("Escape")
        page.locator(".el-select-dropdown:visible").wait_for(state="hidden")
        shot(page, "admin-10-new-webhook")
        dialog.locator("[data-test=form-submit]").click()
        assert secret_shown(page).startswith("whsec_")
        close_secret(page)

        hook = next(h for h in api(live, people["admin"]).get("/webhooks").json()["items"] if h["name"].endswith(people["tag"]))
        page.locator(f"[data-test=hook-test-{hook['id']}]").click()
        log = page.locator("[data-test=deliveries]")
        log.locator("[data-test=delivery-table] tbody tr").first.wait_for()
        assert "测试消息" in log.inner_text()
        wait_until(lambda: off_the_loop(worker.run_once).sent)  # the app's worker does this every few seconds
        log.locator("[data-test^=delivery-status-]", has_text="成功").wait_for()  # the log asks again while one waits
        assert log.locator("[data-test=delivery-code]").first.inner_text() == "200"
        assert log.locator("[data-test=delivery-attempts]").first.inner_text() == "1"
        assert [r.headers["x-anxun-event"] for r in receiver.requests] == ["webhook.test"]
        shot(page, "admin-11-delivery-log")


def test_the_audit_screen_shows_the_chains_verification(live, people, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, people["qa"], "/console/audit", screen="console-audit")
    card = page.locator("[data-test=verification]")
    card.locator("[data-test=verification-title]", has_text="审计链完整").wait_for()
    assert card.get_attribute("data-state") == "ok"
    assert "已校验" in card.inner_text()
    page.locator("[data-test=audit-table] tbody tr").first.wait_for()
    shot(page, "admin-12-audit")

    page.locator("[data-test=filter-action]").fill("user.")
    page.locator("[data-test=filter-action]").press("Enter")
    page.wait_for_function("() => [...document.querySelectorAll('[data-test=audit-action]')].every(e => e.textContent.startsWith('user.'))"
                           " && document.querySelectorAll('[data-test=audit-action]').length > 0")
    shot(page, "admin-13-audit-filtered")


def test_who_is_not_an_admin_sees_no_admin_screen_and_the_servers_refusal(live, people, desk):  # noqa: ANN001
    page = desk.new_page()
    console_login(page, live, people["manager"])
    assert not {"用户与角色", "系统集成", "审计日志"} & set(menu_items(page))
    refusal = api(live, people["manager"]).get("/users").json()["error"]["message"]
    for path in ("/console/users", "/console/integrations", "/console/audit"):
        page.goto(f"{live.base_url}{path}")
        assert page.locator("[data-test=refused]").inner_text().count(refusal) == 1
    shot(page, "admin-14-refused")
