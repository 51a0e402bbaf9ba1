"""Credential bounds, the login throttle's storage, the current-password check's throttle, and
what the audit log keeps of failed logins."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.accounts.models import LoginThrottle
from backend.accounts.service import username_hmac
from backend.audit.models import AuditEntry
from backend.clock import utcnow
from backend.vocab import Role
from tests.factories import PASSWORD

HUGE = "x" * 1_000_000


def login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def form_login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password,
                                                   "grant_type": "password"})


def throttle_rows(db) -> int:
    return db.scalar(select(func.count()).select_from(LoginThrottle))


def change_password(client, headers, current, new="Kitchen-Fire-Drill-77"):
    return client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": current, "new_password": new})


def later(monkeypatch, delta: timedelta) -> None:
    moved = utcnow() + delta
    monkeypatch.setattr("backend.accounts.service.utcnow", lambda: moved)


@pytest.mark.parametrize("send", [login, form_login])
@pytest.mark.parametrize("field", ["username", "password"])
def test_oversized_credentials_are_refused_before_anything_is_stored(client, db, send, field):
    before = throttle_rows(db)
    values = {"username": "someone", "password": "wrong-password-1", field: HUGE}
    resp = send(client, values["username"], values["password"])
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"
    assert HUGE[:100] not in resp.text
    assert throttle_rows(db) == before


def test_the_form_login_still_logs_in_and_fails_like_the_json_one(client, make):
    user = make.user()
    assert form_login(client, user.username).status_code == 200
    wrong = form_login(client, user.username, "wrong-password-1")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("path, body", [
    ("/api/v1/me/password", {"current_password": HUGE, "new_password": "Kitchen-Fire-Drill-77"}),
    ("/api/v1/me/password", {"current_password": PASSWORD, "new_password": HUGE}),
    ("/api/v1/users", {"username": "newbie", "display_name": "新人", "password": HUGE,
                       "roles": ["leader"]}),
    ("/api/v1/users", {"username": "u" * 65, "display_name": "新人",
                       "password": "Kitchen-Fire-Drill-77", "roles": ["leader"]}),
    ("/api/v1/users/{id}/password", {"new_password": HUGE}),
])
def test_every_credential_field_is_bounded(client, make, path, body):
    admin = make.user(Role.admin)
    resp = client.post(path.format(id=admin.id), json=body, headers=make.headers(admin))
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"


def test_throttle_rows_keep_a_fixed_size_keyed_hash_never_the_typed_text(client, db, settings):
    typed = "My-Secret-Passw0rd-In-The-Wrong-Box"
    assert login(client, typed, "whatever-1").status_code == 401
    keys = list(db.scalars(select(LoginThrottle.username_hmac)))
    assert username_hmac(settings, typed) in keys
    assert all(len(key) == 64 for key in keys)
    assert not any(typed.lower() in key for key in keys)


def test_throttle_rows_expire_instead_of_piling_up(client, db, settings, monkeypatch):
    for n in range(5):
        login(client, f"one-off-name-{n}", "wrong-password-1")
    assert throttle_rows(db) >= 5
    later(monkeypatch, timedelta(minutes=settings.login_failure_window_minutes
                                 + settings.login_lockout_minutes + 1))
    login(client, "another-name", "wrong-password-1")
    keys = set(db.scalars(select(LoginThrottle.username_hmac)))
    assert keys == {username_hmac(settings, "another-name")}


def test_a_lock_longer_than_the_window_is_not_purged_while_it_holds(client, make, settings,
                                                                     monkeypatch):
    settings.login_lockout_minutes = 4 * settings.login_failure_window_minutes
    user = make.user()
    for _ in range(settings.login_max_failures):
        login(client, user.username, "wrong-password-1")
    later(monkeypatch, timedelta(minutes=settings.login_lockout_minutes - 1))
    login(client, "someone-else", "wrong-password-1")  # purges what has expired
    assert login(client, user.username).status_code == 429


def test_failed_logins_of_unknown_names_keep_only_a_keyed_hash(client, make, db, settings):
    typed = "Tr0ub4dor&3-typed-as-username"
    for _ in range(2):
        assert login(client, typed, "wrong-password-1").status_code == 401
    entries = list(db.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
                              .order_by(AuditEntry.id.desc()).limit(2)))
    label = f"unknown:{username_hmac(settings, typed)[:16]}"
    assert [e.actor_label for e in entries] == [label, label]  # repeated attempts correlate
    stored = " ".join(f"{e.actor_label} {e.summary} {e.object_id}" for e in entries)
    assert typed.lower() not in stored.lower()
    other = login(client, "another-unknown-name", "wrong-password-1")
    assert other.status_code == 401
    newest = db.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert newest.actor_label != label


def test_failed_logins_of_real_users_name_the_user(client, make, db):
    user = make.user()
    login(client, user.username.upper(), "wrong-password-1")
    entry = db.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (entry.actor_label, entry.object_id) == (user.username, str(user.id))
    assert entry.summary == {"reason": "wrong_password"}


class TestCurrentPasswordThrottle:
    def test_guesses_are_limited_like_logins(self, client, make, settings):
        user = make.user()
        headers = make.headers(user)
        for _ in range(settings.login_max_failures):
            resp = change_password(client, headers, "guess-password-1")
            assert resp.status_code == 400 and resp.json()["error"]["code"] == "wrong_password"
        locked = change_password(client, headers, PASSWORD)  # even the right one, now
        assert locked.status_code == 429
        assert locked.json()["error"]["code"] == "password_check_locked"
        assert int(locked.headers["retry-after"]) > 0
        assert locked.json()["error"]["details"]["retry_after"] > 0
        assert login(client, user.username).status_code == 429  # one budget for both doors

    def test_the_lock_expires(self, client, make, settings, monkeypatch):
        user = make.user()
        headers = make.headers(user)
        for _ in range(settings.login_max_failures):
            change_password(client, headers, "guess-password-1")
        later(monkeypatch, timedelta(minutes=settings.login_lockout_minutes, seconds=1))
        assert change_password(client, headers, PASSWORD).status_code == 204

    def test_failed_logins_count_against_the_check_too(self, client, make, settings):
        user = make.user()
        headers = make.headers(user)
        for _ in range(settings.login_max_failures):
            login(client, user.username, "wrong-password-1")
        assert change_password(client, headers, PASSWORD).status_code == 429

    def test_a_right_check_resets_the_count(self, client, make, settings):
        user = make.user()
        headers = make.headers(user)
        for _ in range(settings.login_max_failures - 1):
            change_password(client, headers, "guess-password-1")
        assert change_password(client, headers, PASSWORD).status_code == 204
        for _ in range(settings.login_max_failures - 1):
            change_password(client, headers, "guess-password-1")
        assert change_password(client, headers, "Kitchen-Fire-Drill-77",
                               "Another-Strong-Passphrase-77").status_code == 204

    def test_failed_checks_are_audited_without_the_guess(self, client, make, db, settings):
        user = make.user()
        headers = make.headers(user)
        for _ in range(settings.login_max_failures + 1):
            change_password(client, headers, "guess-password-1")
        failed = list(db.scalars(select(AuditEntry.summary).where(
            AuditEntry.action == "user.password_change_failed", AuditEntry.actor_id == user.id)
            .order_by(AuditEntry.id)))
        assert [s["reason"] for s in failed] == \
            ["wrong_password"] * settings.login_max_failures + ["locked"]
        assert "guess-password-1" not in str(failed)
