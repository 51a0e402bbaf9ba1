"""The existing writes leave audit entries (through HTTP, as the app really runs)."""

import uuid

from backend.accounts.service import username_hmac
from backend.audit import verify_chain
from backend.vocab import Role
from tests.audit.helpers import entries, last
from tests.factories import PASSWORD
from tests.photos.images import jpeg


def login(client, username, password=PASSWORD, request_id=None):
    headers = {"X-Request-ID": request_id} if request_id else {}
    return client.post("/api/v1/auth/login", headers=headers,
                       json={"username": username, "password": password})


def test_login_is_recorded_with_actor_and_request_id(client, make, db):
    user = make.user(Role.inspector)
    resp = login(client, user.username, request_id="audit-login-0001")
    assert resp.status_code == 200
    entry = last(db, action="auth.login")
    assert (entry.actor_id, entry.actor_label) == (user.id, user.username)
    assert (entry.object_type, entry.object_id) == ("user", str(user.id))
    assert entry.group_id == user.group_id
    assert entry.request_id == "audit-login-0001" == resp.headers["x-request-id"]
    assert resp.json()["access_token"] not in str(entry.summary)


def test_failed_logins_are_kept_although_the_request_fails(client, make, db, settings):
    user = make.user(Role.inspector)
    assert login(client, user.username, "wrong-password-1").status_code == 401
    assert login(client, "nobody-by-that-name", "wrong-password-1").status_code == 401
    wrong = last(db, action="auth.login_failed", actor_label=user.username)
    assert wrong.actor_id is None
    assert (wrong.object_type, wrong.object_id) == ("user", str(user.id))
    assert wrong.summary == {"reason": "wrong_password"}
    # an unknown name may be a password typed in the wrong box: only a keyed hash is kept
    unknown = last(db, action="auth.login_failed", actor_label="unknown:"
                   + username_hmac(settings, "nobody-by-that-name")[:16])
    assert unknown.actor_id is None and unknown.group_id is None
    assert unknown.object_id is None and unknown.summary == {"reason": "unknown_user"}
    assert "wrong-password-1" not in str(wrong.summary) + str(unknown.summary)


def test_locked_out_attempts_are_recorded(client, make, db, settings):
    user = make.user(Role.inspector)
    for _ in range(settings.login_max_failures):
        login(client, user.username, "wrong-password-1")
    assert login(client, user.username).status_code == 429
    failures = entries(db, action="auth.login_failed", actor_label=user.username)
    assert [e.summary["reason"] for e in failures] == \
        ["wrong_password"] * settings.login_max_failures + ["locked"]


def test_logout_and_password_change(client, make, db):
    user = make.user(Role.inspector)
    headers = make.headers(user)
    new_password = "Another-Strong-Passphrase-77"
    resp = client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": PASSWORD, "new_password": new_password})
    assert resp.status_code == 204
    changed = last(db, action="user.password_change")
    assert changed.actor_id == user.id and changed.object_id == str(user.id)
    assert new_password not in str(changed.summary) and PASSWORD not in str(changed.summary)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert last(db, action="auth.logout").actor_id == user.id


def test_a_refused_password_change_leaves_no_entry(client, make, db):
    user = make.user(Role.inspector)
    resp = client.post("/api/v1/me/password", headers=make.headers(user),
                       json={"current_password": "not-it", "new_password": "Whatever-Long-99"})
    assert resp.status_code == 400
    assert entries(db, action="user.password_change", actor_id=user.id) == []


def test_user_create_and_update_record_before_and_after(client, make, db):
    admin = make.user(Role.admin)
    headers = make.headers(admin)
    created = client.post("/api/v1/users", headers=headers, json={
        "username": "audited", "display_name": "被审计", "password": "Audit-Trail-Passphrase-1",
        "roles": ["inspector"], "center_id": make.org.catering.id})
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    entry = last(db, action="user.create")
    assert entry.actor_id == admin.id and entry.object_id == str(user_id)
    assert entry.summary["after"] == {
        "username": "audited", "display_name": "被审计", "phone": None,
        "center_id": make.org.catering.id, "roles": ["inspector"], "is_active": True,
        "center_limit": None}
    assert "Audit-Trail-Passphrase-1" not in str(entry.summary)

    resp = client.patch(f"/api/v1/users/{user_id}", headers=headers,
                        json={"roles": ["inspector", "center_manager"], "is_active": False,
                              "display_name": "被审计"})
    assert resp.status_code == 200
    update = last(db, action="user.update")
    assert update.summary == {
        "before": {"roles": ["inspector"], "is_active": True},
        "after": {"roles": ["center_manager", "inspector"], "is_active": False}}

    resp = client.post(f"/api/v1/users/{user_id}/password", headers=headers,
                       json={"new_password": "Reset-By-The-Admin-2026"})
    assert resp.status_code == 204
    reset = last(db, action="user.password_reset")
    assert reset.object_id == str(user_id) and reset.summary == {"one_time": False}


def test_organisation_writes(client, make, db):
    admin = make.user(Role.admin)
    headers = make.headers(admin)
    center = client.post("/api/v1/centers", headers=headers,
                         json={"code": "a-energy", "name": "审计能源中心", "kind": "energy"}).json()
    assert last(db, action="center.create").summary["after"] == {
        "code": "a-energy", "name": "审计能源中心", "kind": "energy", "is_active": True}
    client.patch(f"/api/v1/centers/{center['id']}", headers=headers, json={"is_active": False})
    assert last(db, action="center.update").summary == {"before": {"is_active": True},
                                                        "after": {"is_active": False}}
    campus = client.post("/api/v1/campuses", headers=headers,
                         json={"code": "a-campus", "name": "审计校区"}).json()
    assert last(db, action="campus.create").object_id == str(campus["id"])
    client.patch(f"/api/v1/campuses/{campus['id']}", headers=headers, json={"name": "新校区"})
    assert last(db, action="campus.update").summary["after"] == {"name": "新校区"}
    site = client.post("/api/v1/sites", headers=headers, json={
        "name": "锅炉房", "kind": "boiler_room", "campus_id": campus["id"],
        "center_id": make.org.catering.id}).json()
    assert last(db, action="site.create").summary["after"]["code"] == site["code"]
    client.patch(f"/api/v1/sites/{site['id']}", headers=headers, json={"location": "北区"})
    assert last(db, action="site.update").summary == {"before": {"location": None},
                                                      "after": {"location": "北区"}}


def test_module_writes(client, make, db):
    qa = make.user(Role.qa_officer)
    headers = make.headers(qa)
    items = [{"code": f"i{n}", "text": f"检查项 {n}", "kind": "pass_fail", "category": "fire",
              "photo_required_on_fail": False, "default_grade": "general"}
             for n in range(3)]
    created = client.post("/api/v1/modules", headers=headers, json={
        "code": "audit-mod", "category": "fire", "name": "审计模块", "items": items})
    assert created.status_code == 201, created.text
    module_id = created.json()["module_id"]
    entry = last(db, action="module.create")
    assert entry.actor_id == qa.id and entry.object_id == str(module_id)
    assert entry.summary["after"]["version"] == 1
    resp = client.post(f"/api/v1/modules/{module_id}/versions", headers=headers,
                       json={"name": "审计模块 v2", "items": items[:2]})
    assert resp.status_code == 201, resp.text
    assert last(db, action="module.version_create").summary["after"]["version"] == 2


def test_photo_upload_is_recorded_once(client, make, db):
    inspector = make.user(Role.inspector)
    headers = make.headers(inspector)
    data, client_id = jpeg(640, 480), str(uuid.uuid4())

    def send():
        return client.post("/api/v1/photos", headers=headers, data={"client_id": client_id},
                           files={"file": ("p.jpg", data, "image/jpeg")})

    first = send()
    assert first.status_code == 201, first.text
    assert send().status_code == 200  # a retry creates nothing, so records nothing
    uploads = entries(db, action="photo.upload", actor_id=inspector.id)
    assert len(uploads) == 1
    assert uploads[0].object_id == str(first.json()["id"])
    assert uploads[0].summary["after"]["sha256"] == first.json()["sha256"]
    assert uploads[0].request_id == first.headers["x-request-id"]


def test_the_chain_verifies_after_all_of_it(client, make, db):
    admin = make.user(Role.admin)
    login(client, admin.username)
    login(client, admin.username, "wrong-password-1")
    client.post("/api/v1/centers", headers=make.headers(admin),
                json={"code": "a-chain", "name": "链中心", "kind": "other"})
    result = verify_chain(db)
    assert result.ok, result
    assert result.count >= 3
