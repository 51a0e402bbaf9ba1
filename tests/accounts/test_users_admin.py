import re

import pytest

from backend.main import create_app
from backend.vocab import Role
from tests.factories import PASSWORD

ADMIN_ENDPOINTS = [
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/users", {"username": "x1", "display_name": "x", "password": "Aa-123456789",
                               "roles": ["leader"]}),
    ("GET", "/api/v1/users/1", None),
    ("PATCH", "/api/v1/users/1", {"display_name": "y"}),
    ("POST", "/api/v1/users/1/password", {"new_password": "Aa-123456789-b"}),
    ("POST", "/api/v1/users/1/one-time-password", None),
    ("POST", "/api/v1/centers", {"code": "c9", "name": "新中心", "kind": "other"}),
    ("PATCH", "/api/v1/centers/1", {"name": "改名"}),
    ("POST", "/api/v1/campuses", {"code": "k9", "name": "新校区"}),
    ("PATCH", "/api/v1/campuses/1", {"name": "改名"}),
    ("POST", "/api/v1/sites", {"name": "n", "kind": "other", "campus_id": 1, "center_id": 1}),
    ("PATCH", "/api/v1/sites/1", {"name": "改名"}),
]


def test_the_admin_endpoint_list_is_complete():
    """Every write on users and organisation is in ADMIN_ENDPOINTS (and so tested below)."""
    listed = {(m, p.replace("/1", "/{}")) for m, p, _ in ADMIN_ENDPOINTS}
    found = set()
    for path, operations in create_app().openapi()["paths"].items():
        if not path.startswith(("/api/v1/users", "/api/v1/centers", "/api/v1/campuses",
                                "/api/v1/sites")):
            continue
        generic = re.sub(r"\{[a-z_]+\}", "{}", path)
        for method in operations:
            if method != "get" or path.startswith("/api/v1/users"):
                found.add((method.upper(), generic))
    assert found == listed


@pytest.mark.parametrize("method, path, body", ADMIN_ENDPOINTS)
@pytest.mark.parametrize("role", [Role.inspector, Role.center_manager, Role.qa_officer, Role.leader])
def test_admin_endpoints_refuse_other_roles(client, make, method, path, body, role):
    user = make.user(role)
    resp = client.request(method, path, json=body, headers=make.headers(user))
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("method, path, body", ADMIN_ENDPOINTS)
def test_admin_endpoints_refuse_anonymous_callers(client, method, path, body):
    resp = client.request(method, path, json=body)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "not_authenticated"


class TestUserAdministration:
    def test_create_user_then_they_can_log_in(self, client, make):
        admin = make.user(Role.admin)
        resp = client.post("/api/v1/users", headers=make.headers(admin), json={
            "username": "New_Inspector", "display_name": "新巡检员", "password": "Gas-Valve-Check-9",
            "roles": ["inspector"], "center_id": make.org.catering.id})
        assert resp.status_code == 201, resp.text
        created = resp.json()
        assert created["username"] == "new_inspector"
        assert created["roles"] == ["inspector"]
        assert "password" not in created and "password_hash" not in created
        login = client.post("/api/v1/auth/login",
                            json={"username": "new_inspector", "password": "Gas-Valve-Check-9"})
        assert login.status_code == 200

    def test_duplicate_username_is_a_conflict(self, client, make):
        admin = make.user(Role.admin)
        existing = make.user()
        resp = client.post("/api/v1/users", headers=make.headers(admin), json={
            "username": existing.username, "display_name": "x", "password": "Gas-Valve-Check-9",
            "roles": ["leader"]})
        assert resp.status_code == 409
        assert resp.json()["error"]["code"] == "username_taken"

    @pytest.mark.parametrize("body, code", [
        ({"roles": ["inspector"]}, "center_required"),
        ({"roles": ["leader"], "center_id": 999999}, "unknown_center"),
        ({"roles": ["leader"], "password": "password"}, "weak_password"),
        ({"roles": []}, "validation_error"),
        ({"roles": ["emperor"]}, "validation_error"),
    ])
    def test_invalid_users_are_refused(self, client, make, body, code):
        admin = make.user(Role.admin)
        payload = {"username": "someone", "display_name": "x", "password": "Gas-Valve-Check-9"}
        resp = client.post("/api/v1/users", headers=make.headers(admin), json={**payload, **body})
        assert resp.status_code == 422
        assert resp.json()["error"]["code"] == code

    def test_set_roles_and_center(self, client, make):
        admin = make.user(Role.admin)
        user = make.user(Role.inspector)
        resp = client.patch(f"/api/v1/users/{user.id}", headers=make.headers(admin), json={
            "roles": ["center_manager", "inspector"], "center_id": make.org.property.id})
        assert resp.status_code == 200
        assert resp.json()["roles"] == ["center_manager", "inspector"]
        assert resp.json()["center_id"] == make.org.property.id
        me = client.get("/api/v1/me", headers=make.headers(user)).json()
        assert me["roles"] == ["center_manager", "inspector"]

    def test_admin_cannot_lock_themselves_out(self, client, make):
        admin = make.user(Role.admin)
        headers = make.headers(admin)
        for body in ({"is_active": False}, {"roles": ["leader"]}):
            resp = client.patch(f"/api/v1/users/{admin.id}", headers=headers, json=body)
            assert resp.status_code == 409
            assert resp.json()["error"]["code"] == "cannot_lock_out_self"
        assert client.get("/api/v1/me", headers=headers).json()["roles"] == ["admin"]

    def test_password_reset_ends_sessions(self, client, make):
        admin = make.user(Role.admin)
        user = make.user()
        user_headers = make.headers(user)
        resp = client.post(f"/api/v1/users/{user.id}/password", headers=make.headers(admin),
                           json={"new_password": "Boiler-Room-Key-42"})
        assert resp.status_code == 204
        assert client.get("/api/v1/me", headers=user_headers).status_code == 401
        login = client.post("/api/v1/auth/login",
                            json={"username": user.username, "password": "Boiler-Room-Key-42"})
        assert login.status_code == 200
        old = client.post("/api/v1/auth/login",
                          json={"username": user.username, "password": PASSWORD})
        assert old.status_code == 401

    def test_list_filters_and_paginates(self, client, make):
        admin = make.user(Role.admin)
        for _ in range(5):
            make.user(Role.inspector, center=make.org.property)
        headers = make.headers(admin)
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "center_id": make.org.property.id, "role": "inspector"}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/api/v1/users", headers=headers, params=params).json()
            seen += [u["id"] for u in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 5
        assert seen == sorted(seen)

    def test_unknown_user_is_404(self, client, make):
        admin = make.user(Role.admin)
        resp = client.get("/api/v1/users/987654", headers=make.headers(admin))
        assert resp.status_code == 404
        assert resp.json()["error"]["code"] == "not_found"

    @pytest.mark.parametrize("q", ["_", "%", "a_b", "50%"])
    def test_search_treats_wildcards_as_text(self, client, make, db, q):
        admin = make.user(Role.admin)
        plain = make.user(username="plainname")
        literal = make.user(username="has_underscore" if "_" in q else "plain50")
        if "%" in q:
            literal.display_name = "满意度 50%"
            db.commit()
        found = client.get("/api/v1/users", headers=make.headers(admin),
                           params={"q": q, "limit": 200}).json()["items"]
        ids = {u["id"] for u in found}
        assert plain.id not in ids and admin.id not in ids
        assert (literal.id in ids) is (q in literal.username or q in literal.display_name)

    @pytest.mark.parametrize("field", ["display_name", "roles", "is_active"])
    def test_null_for_a_field_that_cannot_be_empty_is_a_422(self, client, make, field):
        admin = make.user(Role.admin)
        user = make.user()
        resp = client.patch(f"/api/v1/users/{user.id}", headers=make.headers(admin),
                            json={field: None})
        assert resp.status_code == 422
        error = resp.json()["error"]
        assert error["code"] == "validation_error"
        assert error["details"]["errors"][0]["loc"][-1] == field

    def test_null_clears_what_may_be_empty(self, client, make):
        admin = make.user(Role.admin)
        user = make.user(Role.leader)
        headers = make.headers(admin)
        client.patch(f"/api/v1/users/{user.id}", headers=headers, json={"phone": "13800000000"})
        resp = client.patch(f"/api/v1/users/{user.id}", headers=headers, json={"phone": None})
        assert resp.status_code == 200 and resp.json()["phone"] is None


class TestInactiveCenters:
    @pytest.fixture
    def closed(self, make, db):
        center = make.org.property
        center.is_active = False
        db.commit()
        return center

    def test_no_new_user_in_an_inactive_center(self, client, make, closed):
        admin = make.user(Role.admin)
        resp = client.post("/api/v1/users", headers=make.headers(admin), json={
            "username": "latecomer", "display_name": "新人", "password": "Gas-Valve-Check-9",
            "roles": ["inspector"], "center_id": closed.id})
        assert resp.status_code == 409
        assert resp.json()["error"]["code"] == "center_inactive"
        assert resp.json()["error"]["details"] == {"center_id": closed.id}

    def test_no_user_moves_into_an_inactive_center(self, client, make, closed):
        admin = make.user(Role.admin)
        user = make.user(Role.inspector, center=make.org.catering)
        resp = client.patch(f"/api/v1/users/{user.id}", headers=make.headers(admin),
                            json={"center_id": closed.id})
        assert resp.status_code == 409
        assert resp.json()["error"]["code"] == "center_inactive"
        assert client.get(f"/api/v1/users/{user.id}", headers=make.headers(admin)) \
            .json()["center_id"] == make.org.catering.id

    def test_members_of_an_inactive_center_can_still_be_edited(self, client, make, closed):
        admin = make.user(Role.admin)
        member = make.user(Role.inspector, center=closed)
        resp = client.patch(f"/api/v1/users/{member.id}", headers=make.headers(admin),
                            json={"display_name": "改名", "center_id": closed.id})
        assert resp.status_code == 200 and resp.json()["display_name"] == "改名"
