from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.accounts.models import AuthToken
from backend.accounts.service import token_digest
from backend.clock import utcnow
from backend.vocab import Role
from tests.factories import PASSWORD


def login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_login_returns_a_working_token(client, make):
    user = make.user(Role.inspector)
    resp = login(client, user.username)
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["username"] == user.username
    assert body["user"]["roles"] == ["inspector"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == user.id


def test_login_is_case_insensitive_on_username(client, make):
    make.user(username="mixedcase")
    assert login(client, "MixedCase").status_code == 200


def test_each_login_issues_a_new_token_stored_only_as_a_hash(client, make, db):
    user = make.user()
    first = login(client, user.username).json()["access_token"]
    second = login(client, user.username).json()["access_token"]
    assert first != second
    hashes = set(db.scalars(select(AuthToken.token_hash).where(AuthToken.user_id == user.id)))
    assert hashes == {token_digest(first), token_digest(second)}
    assert first not in hashes


def test_token_lifetime_follows_the_setting(client, make, settings):
    user = make.user()
    body = login(client, user.username).json()
    from datetime import datetime

    expires_at = datetime.fromisoformat(body["expires_at"])
    expected = utcnow() + timedelta(hours=settings.token_lifetime_hours)
    assert abs((expires_at - expected).total_seconds()) < 60


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make):
    user = make.user()
    wrong = login(client, user.username, "not-the-password")
    unknown = login(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_expired_token_is_refused(client, make, db):
    user = make.user()
    token = make.token(user)
    row = db.scalar(select(AuthToken).where(AuthToken.token_hash == token_digest(token)))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "invalid_token"
    assert resp.headers["www-authenticate"] == "Bearer"


def test_logout_revokes_only_that_token(client, make):
    user = make.user()
    kept, dropped = make.headers(user), make.headers(user)
    assert client.post("/api/v1/auth/logout", headers=dropped).status_code == 204
    assert client.get("/api/v1/me", headers=dropped).status_code == 401
    assert client.get("/api/v1/me", headers=kept).status_code == 200


def test_disabling_a_user_revokes_their_tokens_and_blocks_login(client, make):
    admin = make.user(Role.admin)
    user = make.user()
    user_headers = make.headers(user)
    resp = client.patch(f"/api/v1/users/{user.id}", json={"is_active": False},
                        headers=make.headers(admin))
    assert resp.status_code == 200 and resp.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=user_headers).status_code == 401
    assert login(client, user.username).status_code == 401
    # enabling again does not bring the old tokens back
    client.patch(f"/api/v1/users/{user.id}", json={"is_active": True},
                 headers=make.headers(admin))
    assert client.get("/api/v1/me", headers=user_headers).status_code == 401
    assert login(client, user.username).status_code == 200


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, make, settings):
    user = make.user()
    for _ in range(settings.login_max_failures):
        assert login(client, user.username, "wrong-password").status_code == 401
    locked = login(client, user.username)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "login_locked"
    assert int(locked.headers["retry-after"]) > 0
    # an unknown username locks the same way, so a lockout reveals nothing
    for _ in range(settings.login_max_failures):
        login(client, "ghost-user", "wrong-password")
    ghost = login(client, "ghost-user", "wrong-password")
    assert ghost.status_code == 429
    assert ghost.json()["error"]["code"] == "login_locked"


def test_lock_expires(client, make, settings, monkeypatch):
    user = make.user()
    for _ in range(settings.login_max_failures):
        login(client, user.username, "wrong-password")
    assert login(client, user.username).status_code == 429
    later = utcnow() + timedelta(minutes=settings.login_lockout_minutes, seconds=1)
    monkeypatch.setattr("backend.accounts.service.utcnow", lambda: later)
    assert login(client, user.username).status_code == 200


def test_success_resets_the_failure_count(client, make, settings):
    user = make.user()
    for _ in range(settings.login_max_failures - 1):
        login(client, user.username, "wrong-password")
    assert login(client, user.username).status_code == 200
    for _ in range(settings.login_max_failures - 1):
        login(client, user.username, "wrong-password")
    assert login(client, user.username).status_code == 200


def test_oauth2_form_login_for_the_docs_authorize_button(client, make):
    user = make.user()
    resp = client.post("/api/v1/auth/token",
                       data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 200
    assert resp.json()["token_type"] == "bearer"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nonsense"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_me_needs_a_valid_token(client, headers):
    resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] in {"not_authenticated", "invalid_token"}


class TestPasswordChange:
    def test_change_logs_out_other_sessions(self, client, make):
        user = make.user()
        current, other = make.headers(user), make.headers(user)
        resp = client.post("/api/v1/me/password", headers=current,
                           json={"current_password": PASSWORD,
                                 "new_password": "Kitchen-Fire-Drill-77"})
        assert resp.status_code == 204
        assert client.get("/api/v1/me", headers=current).status_code == 200
        assert client.get("/api/v1/me", headers=other).status_code == 401
        assert login(client, user.username, "Kitchen-Fire-Drill-77").status_code == 200
        assert login(client, user.username).status_code == 401

    def test_wrong_current_password(self, client, make):
        user = make.user()
        resp = client.post("/api/v1/me/password", headers=make.headers(user),
                           json={"current_password": "nope-nope", "new_password": "Kitchen-Fire-77"})
        assert resp.status_code == 400
        assert resp.json()["error"]["code"] == "wrong_password"

    @pytest.mark.parametrize("new, reason", [("short1", "too_short"),
                                             ("password123", "too_common"),
                                             ("12345678", "too_common"),
                                             ("qwertyuiop", "too_common")])
    def test_weak_new_passwords_are_refused(self, client, make, new, reason):
        user = make.user()
        resp = client.post("/api/v1/me/password", headers=make.headers(user),
                           json={"current_password": PASSWORD, "new_password": new})
        assert resp.status_code == 422
        assert resp.json()["error"]["code"] == "weak_password"
        assert resp.json()["error"]["details"]["reason"] == reason
        assert login(client, user.username).status_code == 200
