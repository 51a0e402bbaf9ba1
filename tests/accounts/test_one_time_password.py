"""One-time passwords: an administrator's reset the user's next login must replace; no token
is ever issued for a password someone else has seen."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend import clock
from backend.accounts.models import AuthToken
from backend.audit.models import AuditEntry
from backend.vocab import Role
from tests.factories import PASSWORD

LOGIN = "/api/v1/auth/login"
NEW = "Boiler-Room-Key-42"


@pytest.fixture
def reset(client, make):
    """An inspector logged in, then given a one-time password by an admin."""
    admin = make.user(Role.admin)
    user = make.user(Role.inspector)
    old_headers = make.headers(user)
    resp = client.post(f"/api/v1/users/{user.id}/one-time-password",
                       headers=make.headers(admin))
    assert resp.status_code == 201, resp.text
    return user, resp.json(), old_headers, admin


def tokens(db, user) -> int:
    return db.scalar(select(func.count()).select_from(AuthToken).where(
        AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None)))


def test_it_is_shown_once_and_ends_the_users_sessions(client, make, db, reset):
    user, made, old_headers, admin = reset
    assert re.fullmatch(r"([2-9A-HJ-NP-Za-km-z]{4}-){3}[2-9A-HJ-NP-Za-km-z]{4}",
                        made["one_time_password"])
    expires = datetime.fromisoformat(made["expires_at"].replace("Z", "+00:00"))
    assert expires > clock.utcnow() + timedelta(hours=71)
    assert client.get("/api/v1/me", headers=old_headers).status_code == 401
    shown = client.get(f"/api/v1/users/{user.id}", headers=make.headers(admin)).json()
    assert shown["must_change_password"] is True
    assert made["one_time_password"] not in client.get(
        f"/api/v1/users/{user.id}", headers=make.headers(admin)).text
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset")
                      .order_by(AuditEntry.id.desc()))
    assert entry.summary == {"one_time": True}
    assert made["one_time_password"] not in str(entry.summary)


def test_alone_it_logs_nobody_in(client, db, reset):
    user, made, _, _ = reset
    resp = client.post(LOGIN, json={"username": user.username,
                                    "password": made["one_time_password"]})
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "password_change_required"
    assert "access_token" not in resp.text
    assert tokens(db, user) == 0


def test_with_a_new_password_it_is_replaced_and_logs_in(client, make, reset):
    user, made, _, admin = reset
    resp = client.post(LOGIN, json={"username": user.username,
                                    "password": made["one_time_password"], "new_password": NEW})
    assert resp.status_code == 200, resp.text
    assert resp.json()["user"]["must_change_password"] is False
    me = client.get("/api/v1/me", headers={
        "Authorization": f"Bearer {resp.json()['access_token']}"})
    assert me.status_code == 200
    assert client.post(LOGIN, json={"username": user.username,
                                    "password": made["one_time_password"]}).status_code == 401
    again = client.post(LOGIN, json={"username": user.username, "password": NEW})
    assert again.status_code == 200
    assert client.get(f"/api/v1/users/{user.id}", headers=make.headers(admin)) \
        .json()["must_change_password"] is False


@pytest.mark.parametrize("replacement, reason", [("12345678", None), ("same", "unchanged")])
def test_a_weak_or_unchanged_replacement_is_refused(client, db, reset, replacement, reason):
    user, made, _, _ = reset
    new = made["one_time_password"] if replacement == "same" else replacement
    resp = client.post(LOGIN, json={"username": user.username,
                                    "password": made["one_time_password"], "new_password": new})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "weak_password"
    if reason:
        assert resp.json()["error"]["details"]["reason"] == reason
    assert tokens(db, user) == 0


def test_a_wrong_password_with_a_new_one_is_a_failed_login(client, reset):
    user, _, _, _ = reset
    resp = client.post(LOGIN, json={"username": user.username, "password": "Not-The-One-99",
                                    "new_password": NEW})
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "invalid_credentials"


def test_unused_it_expires(client, reset, settings):
    user, made, _, _ = reset
    later = clock.utcnow() + timedelta(hours=settings.one_time_password_hours, minutes=1)
    with clock.frozen(lambda: later):
        resp = client.post(LOGIN, json={"username": user.username,
                                        "password": made["one_time_password"],
                                        "new_password": NEW})
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "one_time_password_expired"


def test_a_new_password_with_an_ordinary_one_is_refused(client, make):
    user = make.user(Role.inspector)
    resp = client.post(LOGIN, json={"username": user.username, "password": PASSWORD,
                                    "new_password": NEW})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "password_change_not_required"


def test_only_an_admin_of_the_group_makes_one(client, make):
    user = make.user(Role.inspector)
    for role in (Role.center_manager, Role.qa_officer, Role.leader, Role.inspector):
        caller = make.user(role, center=make.org.qa if role is Role.qa_officer else None)
        resp = client.post(f"/api/v1/users/{user.id}/one-time-password",
                           headers=make.headers(caller))
        assert resp.status_code == 403, role
    resp = client.post("/api/v1/users/999999/one-time-password",
                       headers=make.headers(make.user(Role.admin)))
    assert resp.status_code == 404
