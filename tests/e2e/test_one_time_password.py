"""A one-time password on the phone: the login asks for a new password (twice, checked alike)
and logs in with it; the one-time password never gives a session."""

import uuid

import httpx2 as httpx
import pytest

from backend.vocab import Role
from tests.e2e.conftest import shot
from tests.e2e.steps import api

NEW = "Boiler-Room-Key-42"


@pytest.fixture(scope="module")
def people(live):  # noqa: ANN001
    session, make = live.factory()
    inspector = make.user(Role.inspector, username=f"otp-{uuid.uuid4().hex[:6]}")
    admin = make.user(Role.admin, username=f"adm-{uuid.uuid4().hex[:6]}")
    session.commit()
    yield {"inspector": inspector, "admin": admin}
    session.close()


def test_the_phone_sets_a_new_password_in_place_of_a_one_time_one(live, people, phone):  # noqa: ANN001
    inspector = people["inspector"]
    made = api(live, people["admin"]).post(f"/users/{inspector.id}/one-time-password")
    assert made.status_code == 201, made.text
    page = phone.new_page()
    page.goto(f"{live.base_url}/login")
    page.locator("input[name=username]").fill(inspector.username)
    page.locator("input[name=password]").fill(made.json()["one_time_password"])
    page.locator("[data-test=login]").click()
    page.locator("[data-test=must-change]").wait_for()
    assert "临时密码" in page.locator("[data-test=must-change]").inner_text()
    assert page.url.endswith("/login")  # no session yet
    page.locator("input[name=new_password]").fill(NEW)
    page.locator("input[name=confirm_password]").fill(NEW + "x")
    page.locator("[data-test=login]").click()
    assert "不一致" in page.locator(".err").inner_text()
    page.locator("input[name=confirm_password]").fill(NEW)
    shot(page, "login-one-time-password")
    page.locator("[data-test=login]").click()
    page.locator("[data-test=home]").wait_for()
    again = httpx.post(f"{live.base_url}/api/v1/auth/login",
                       json={"username": inspector.username, "password": NEW})
    assert again.status_code == 200
