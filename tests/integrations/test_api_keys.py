"""API keys through HTTP: created by an administrator, the secret shown once and stored as a
hash, usable as a bearer token, revoked and expired keys 401, never locked out, last use noted
at most once a minute, writes audited under the key's name."""

import hashlib
from datetime import timedelta

from sqlalchemy import select

from backend import clock
from backend.accounts.models import ApiKey, User
from backend.audit.models import AuditEntry
from backend.clock import utcnow
from backend.vocab import Role

KEYS = "/api/v1/api-keys"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def create(client, make, **body):
    admin = make.user(Role.admin)
    body = {"name": "智慧后勤平台", "scopes": ["hazards:read"], **body}
    return client.post(KEYS, headers=make.headers(admin), json=body), admin


def test_a_created_key_is_usable_and_its_secret_is_never_shown_again(client, make, db):
    resp, admin = create(client, make, scopes=["hazards:read", "inspections:read"])
    assert resp.status_code == 201, resp.text
    created = resp.json()
    secret = created["secret"]
    assert secret.startswith("anx_") and len(secret) > 40
    assert created["prefix"] == secret[:12] and created["status"] == "active"
    assert created["scopes"] == ["hazards:read", "inspections:read"]
    resp = client.get("/api/v1/hazards", headers=bearer(secret))
    assert resp.status_code == 200, resp.text
    # only the hash is kept
    row = db.get(ApiKey, created["id"])
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr([getattr(row, c.key) for c in ApiKey.__table__.columns])
    # never shown again: neither in the list nor in the key
    listed = client.get(KEYS, headers=make.headers(admin))
    one = client.get(f"{KEYS}/{created['id']}", headers=make.headers(admin))
    for answer in (listed, one):
        assert answer.status_code == 200
        assert secret not in answer.text and "secret" not in answer.text
    assert [k["id"] for k in listed.json()["items"]][0] == created["id"]


def test_revoked_and_expired_keys_are_401(client, make):
    _, secret = make.api_key("hazards:read")
    key_id = _key_id(make, secret)
    admin = make.user(Role.admin)
    revoked = client.post(f"{KEYS}/{key_id}/revoke", headers=make.headers(admin))
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    resp = client.get("/api/v1/hazards", headers=bearer(secret))
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "invalid_token"
    again = client.post(f"{KEYS}/{key_id}/revoke", headers=make.headers(admin))
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]

    _, expiring = make.api_key("hazards:read", expires_at=utcnow() + timedelta(hours=1))
    assert client.get("/api/v1/hazards", headers=bearer(expiring)).status_code == 200
    with clock.frozen(utcnow() + timedelta(hours=1, seconds=1)):
        resp = client.get("/api/v1/hazards", headers=bearer(expiring))
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "invalid_token"
        listed = client.get(KEYS, headers=make.headers(admin)).json()["items"]
        assert {k["status"] for k in listed if k["prefix"] == expiring[:12]} == {"expired"}
    # a made-up secret with the prefix is no key
    assert client.get("/api/v1/hazards", headers=bearer("anx_" + "x" * 43)).status_code == 401


def _key_id(make, secret: str) -> int:
    return make.db.scalar(select(ApiKey.id).where(
        ApiKey.secret_hash == hashlib.sha256(secret.encode()).hexdigest()))


def test_failed_password_logins_never_lock_a_key_out(client, make, db):
    key, secret = make.api_key("hazards:read", name="sensor-hub")
    service_user = db.get(User, key.user_id)
    for username in (service_user.username, "sensor-hub", key.prefix, "admin"):
        for _ in range(make.settings.login_max_failures + 1):
            client.post("/api/v1/auth/login", json={"username": username, "password": "wrong!!"})
        locked = client.post("/api/v1/auth/login", json={"username": username,
                                                         "password": "wrong!!"})
        assert locked.status_code == 429
    assert client.get("/api/v1/hazards", headers=bearer(secret)).status_code == 200


def test_a_service_user_cannot_log_in_nor_be_managed_as_a_person(client, make, db):
    key, _ = make.api_key("hazards:read")
    service_user = db.get(User, key.user_id)
    assert service_user.is_integration and service_user.roles == [Role.leader]
    admin = make.user(Role.admin)
    assert client.get(f"/api/v1/users/{key.user_id}",
                      headers=make.headers(admin)).status_code == 404
    users = client.get("/api/v1/users?limit=200", headers=make.headers(admin)).json()["items"]
    assert key.user_id not in {u["id"] for u in users}


def test_last_use_is_noted_at_most_once_a_minute(client, make, db):
    key, secret = make.api_key("hazards:read")
    assert key.last_used_at is None
    start = utcnow()
    with clock.frozen(start):
        assert client.get("/api/v1/hazards", headers=bearer(secret)).status_code == 200
    db.refresh(key)
    assert key.last_used_at == start
    with clock.frozen(start + timedelta(seconds=50)):
        client.get("/api/v1/hazards", headers=bearer(secret))
    db.refresh(key)
    assert key.last_used_at == start  # not a write per request
    with clock.frozen(start + timedelta(seconds=61)):
        client.get(f"/api/v1/hazards/{make.hazard(make.user()).id}", headers=bearer(secret))
    db.refresh(key)
    assert key.last_used_at == start + timedelta(seconds=61)
    admin = make.user(Role.admin)
    shown = client.get(f"{KEYS}/{key.id}", headers=make.headers(admin)).json()
    assert shown["last_used_at"] is not None


def test_only_administrators_manage_keys_and_keys_never_do(client, make):
    for role in (Role.qa_officer, Role.leader):
        user = make.user(role)
        assert client.post(KEYS, headers=make.headers(user), json={
            "name": "x", "scopes": ["hazards:read"]}).status_code == 403
        assert client.get(KEYS, headers=make.headers(user)).status_code == 403
    _, secret = make.api_key(*["hazards:read", "hazards:write", "inspections:read",
                               "photos:write", "stats:read", "events:read", "exports:read"])
    resp = client.get(KEYS, headers=bearer(secret))
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "people_only"


def test_key_errors_have_stable_codes(client, make):
    resp, admin = create(client, make, center_ids=[999_999])
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "unknown_center"
    resp, _ = create(client, make, expires_at=(utcnow() - timedelta(minutes=1)).isoformat())
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "api_key_expiry_invalid"
    resp, _ = create(client, make, scopes=["hazards:delete"])
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_error"
    resp, _ = create(client, make, scopes=[])
    assert resp.status_code == 422
    resp, _ = create(client, make, secret="mine")
    assert resp.status_code == 422  # no field beyond the documented ones
    for path in (f"{KEYS}/999999", f"{KEYS}/999999/revoke"):
        resp = client.request("GET" if path.endswith("999") else "POST", path,
                              headers=make.headers(admin))
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "api_key_not_found"


def test_writes_are_audited_under_the_keys_name(client, make, db):
    key, secret = make.api_key("hazards:write", name="燃气报警器-二食堂")
    service_user = db.get(User, key.user_id)
    resp = client.post("/api/v1/hazards", headers=bearer(secret), json={
        "title": "燃气浓度超标", "site_id": make.org.kitchen.id, "category": "gas",
        "photo_ids": [make.photo(service_user).id]})
    assert resp.status_code == 201, resp.text
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "hazard.report",
                                               AuditEntry.object_id == str(resp.json()["id"])))
    assert entry is not None and "燃气报警器-二食堂" in entry.actor_label
    created = db.scalar(select(AuditEntry).where(AuditEntry.action == "api_key.create",
                                                 AuditEntry.object_id == str(key.id)))
    assert created is not None and key.prefix in str(created.summary)


def test_concurrent_revocations_and_uses_of_a_key(live):
    """On a live server (both databases): two administrators revoke one key at once while it
    is being used: both answers show one revocation, one audit entry, and once the revocation
    is committed the key is 401."""
    import threading

    import httpx

    session, make = live.factory()
    key, secret = make.api_key("hazards:read")
    admins = [make.user(Role.admin) for _ in range(2)]
    tokens = [live.token(session, admin) for admin in admins]
    barrier = threading.Barrier(4)
    results: dict[str, list[httpx.Response]] = {"revoke": [], "use": []}

    def revoke(token: str) -> None:
        with httpx.Client(base_url=live.base_url, timeout=60) as client:
            barrier.wait()
            results["revoke"].append(client.post(f"{KEYS}/{key.id}/revoke",
                                                 headers=bearer(token)))

    def use() -> None:
        with httpx.Client(base_url=live.base_url, timeout=60) as client:
            barrier.wait()
            results["use"].append(client.get("/api/v1/hazards", headers=bearer(secret)))

    threads = [threading.Thread(target=revoke, args=(t,)) for t in tokens]
    threads += [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results["revoke"]] == [200, 200]
    assert len({r.json()["revoked_at"] for r in results["revoke"]}) == 1
    assert {r.status_code for r in results["use"]} <= {200, 401}
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "api_key.revoke", AuditEntry.object_id == str(key.id))).all()
    assert len(entries) == 1
    with httpx.Client(base_url=live.base_url) as client:
        assert client.get("/api/v1/hazards", headers=bearer(secret)).status_code == 401
    session.close()
