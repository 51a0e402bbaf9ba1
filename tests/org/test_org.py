import re

import pytest

from backend.errors import AppError, NotFound
from backend.org.service import SITE_CODE_ALPHABET, get_site_for_new_work
from backend.vocab import Role


def test_everyone_reads_centers_and_campuses_of_their_group(client, make):
    inspector = make.user(Role.inspector)
    centers = client.get("/api/v1/centers", headers=make.headers(inspector)).json()
    assert {c["code"] for c in centers} >= {"t-catering", "t-property", "t-qa"}
    campuses = client.get("/api/v1/campuses", headers=make.headers(inspector)).json()
    assert [c["code"] for c in campuses] == ["t-campus"]


@pytest.mark.parametrize("role, sees_other_center", [
    (Role.inspector, False), (Role.center_manager, False),
    (Role.qa_officer, True), (Role.leader, True), (Role.admin, True),
])
def test_site_visibility_by_role(client, make, role, sees_other_center):
    user = make.user(role)
    headers = make.headers(user)
    org = make.org
    listed = {s["id"] for s in client.get("/api/v1/sites", headers=headers).json()["items"]}
    assert org.kitchen.id in listed
    assert (org.dorm.id in listed) is sees_other_center
    other = client.get(f"/api/v1/sites/{org.dorm.id}", headers=headers)
    # another center's site does not leak its existence: same answer as a missing one
    missing = client.get("/api/v1/sites/99999999", headers=headers)
    if sees_other_center:
        assert other.status_code == 200
    else:
        assert other.status_code == missing.status_code == 404
        assert other.json()["error"]["code"] == missing.json()["error"]["code"] == "site_not_found"
    by_code = client.get(f"/api/v1/sites/by-code/{org.dorm.code.lower()}", headers=headers)
    assert by_code.status_code == (200 if sees_other_center else 404)


def test_admin_creates_a_site_with_a_generated_qr_code(client, make):
    admin = make.user(Role.admin)
    org = make.org
    resp = client.post("/api/v1/sites", headers=make.headers(admin), json={
        "name": "二食堂后厨", "kind": "canteen", "campus_id": org.campus.id,
        "center_id": org.catering.id, "location": "二食堂一楼"})
    assert resp.status_code == 201, resp.text
    site = resp.json()
    assert site["code"].startswith("S") and len(site["code"]) == 8
    assert set(site["code"][1:]) <= set(SITE_CODE_ALPHABET)
    inspector = make.user(Role.inspector, center=org.catering)
    found = client.get(f"/api/v1/sites/by-code/{site['code']}", headers=make.headers(inspector))
    assert found.json()["id"] == site["id"]


def test_site_codes_are_unique_and_stable(client, make):
    admin = make.user(Role.admin)
    headers = make.headers(admin)
    org = make.org
    dup = client.post("/api/v1/sites", headers=headers, json={
        "name": "x", "kind": "other", "campus_id": org.campus.id, "center_id": org.catering.id,
        "code": org.kitchen.code})
    assert dup.status_code == 409
    patched = client.patch(f"/api/v1/sites/{org.kitchen.id}", headers=headers,
                           json={"name": "一食堂后厨（改造后）", "code": "NEW-CODE"})
    assert patched.status_code == 200
    assert patched.json()["code"] == org.kitchen.code
    assert patched.json()["name"] == "一食堂后厨（改造后）"


@pytest.mark.parametrize("change, code", [({"campus_id": 999999}, "unknown_campus"),
                                          ({"center_id": 999999}, "unknown_center")])
def test_site_references_must_exist(client, make, change, code):
    admin = make.user(Role.admin)
    org = make.org
    body = {"name": "x", "kind": "other", "campus_id": org.campus.id,
            "center_id": org.catering.id, **change}
    resp = client.post("/api/v1/sites", headers=make.headers(admin), json=body)
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == code


def test_sites_filter_and_paginate(client, make):
    qa = make.user(Role.qa_officer)
    headers = make.headers(qa)
    org = make.org
    page = client.get("/api/v1/sites", headers=headers,
                      params={"center_id": org.property.id}).json()
    assert [s["id"] for s in page["items"]] == [org.dorm.id]
    page = client.get("/api/v1/sites", headers=headers, params={"q": "后厨"}).json()
    assert org.kitchen.id in {s["id"] for s in page["items"]}
    first = client.get("/api/v1/sites", headers=headers, params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get("/api/v1/sites", headers=headers,
                        params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["items"][0]["id"] > first["items"][0]["id"]
    assert "total" not in first or first["total"] is None  # counted only when asked
    counted = client.get("/api/v1/sites", headers=headers,
                         params={"limit": 1, "count": "true", "center_id": org.catering.id}).json()
    catering = client.get("/api/v1/sites", headers=headers,
                          params={"limit": 100, "center_id": org.catering.id}).json()["items"]
    assert counted["total"] == len(catering) and len(counted["items"]) == 1


def test_center_and_campus_admin(client, make):
    admin = make.user(Role.admin)
    headers = make.headers(admin)
    created = client.post("/api/v1/centers", headers=headers,
                          json={"code": "campus-svc", "name": "校园服务中心", "kind": "campus_service"})
    assert created.status_code == 201
    again = client.post("/api/v1/centers", headers=headers,
                        json={"code": "campus-svc", "name": "另一个", "kind": "other"})
    assert again.status_code == 409
    renamed = client.patch(f"/api/v1/centers/{created.json()['id']}", headers=headers,
                           json={"is_active": False})
    assert renamed.json()["is_active"] is False
    campus = client.post("/api/v1/campuses", headers=headers, json={"code": "new", "name": "新校区"})
    assert campus.status_code == 201
    missing = client.patch("/api/v1/campuses/999999", headers=headers, json={"name": "x"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "campus_not_found"


@pytest.mark.parametrize("kind, field", [("centers", "name"), ("centers", "kind"),
                                         ("centers", "is_active"), ("campuses", "name"),
                                         ("campuses", "is_active"), ("sites", "name"),
                                         ("sites", "kind"), ("sites", "campus_id"),
                                         ("sites", "center_id"), ("sites", "is_active")])
def test_null_for_a_field_that_cannot_be_empty_is_a_422(client, make, kind, field):
    admin = make.user(Role.admin)
    org = make.org
    object_id = {"centers": org.catering.id, "campuses": org.campus.id,
                 "sites": org.kitchen.id}[kind]
    resp = client.patch(f"/api/v1/{kind}/{object_id}", headers=make.headers(admin),
                        json={field: None})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["errors"][0]["loc"][-1] == field


def test_null_removes_a_sites_location(client, make):
    admin = make.user(Role.admin)
    headers = make.headers(admin)
    site_id = make.org.kitchen.id
    client.patch(f"/api/v1/sites/{site_id}", headers=headers, json={"location": "一楼"})
    resp = client.patch(f"/api/v1/sites/{site_id}", headers=headers, json={"location": None})
    assert resp.status_code == 200 and resp.json()["location"] is None


def test_the_patch_schemas_do_not_advertise_null(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    site_patch = schemas["SitePatch"]["properties"]
    assert "anyOf" not in site_patch["name"] and "default" not in site_patch["name"]
    assert {"type": "null"} in site_patch["location"]["anyOf"]  # null does mean "remove"


class TestNewWorkOnlyWhereActive:
    """``get_site_for_new_work``: what inspections and hazards call before starting."""

    def test_an_active_site_is_returned(self, db, make):
        inspector = make.user(Role.inspector)
        assert get_site_for_new_work(db, inspector, make.org.kitchen.id) is make.org.kitchen

    @pytest.mark.parametrize("closed, code", [("kitchen", "site_inactive"),
                                              ("catering", "center_inactive"),
                                              ("campus", "campus_inactive")])
    def test_a_site_in_anything_inactive_is_refused(self, db, make, closed, code):
        inspector = make.user(Role.inspector)
        getattr(make.org, closed).is_active = False
        db.flush()
        with pytest.raises(AppError) as refused:
            get_site_for_new_work(db, inspector, make.org.kitchen.id)
        assert (refused.value.status_code, refused.value.code) == (409, code)
        assert refused.value.details["site_id"] == make.org.kitchen.id
        assert re.search(r"[\u4e00-\u9fff]", refused.value.message)

    def test_an_unreadable_site_is_still_404(self, db, make):
        inspector = make.user(Role.inspector)  # of the catering center
        make.org.dorm.is_active = False
        db.flush()
        for site_id in (make.org.dorm.id, 99999999):
            with pytest.raises(NotFound) as missing:
                get_site_for_new_work(db, inspector, site_id)
            assert missing.value.code == "site_not_found"


def test_no_answer_is_built_from_the_host_header(client, make):
    """Links are relative (or built from ANXUN_PUBLIC_URL), never from what the caller claims."""
    inspector = make.user(Role.inspector)
    headers = {**make.headers(inspector), "Host": "evil.example"}
    code = make.org.kitchen.code
    module_id = client.get("/api/v1/modules", headers=headers).json()["items"][0]["id"]
    for path in ("/api/v1/me", "/api/v1/sites", f"/api/v1/sites/by-code/{code}",
                 "/api/v1/centers", "/api/v1/campuses", f"/api/v1/modules/{module_id}"):
        resp = client.get(path, headers=headers)
        assert resp.status_code == 200, path
        assert "evil.example" not in resp.text, path


def test_a_sites_building_height_and_roof_are_kept_and_can_be_removed(client, make):
    admin = make.user(Role.admin)
    headers = make.headers(admin)
    created = client.post("/api/v1/sites", headers=headers, json={
        "name": "体育馆", "kind": "venue", "campus_id": make.org.campus.id,
        "center_id": make.org.catering.id, "building_height_m": 23.5,
        "large_span_roof": True})
    assert created.status_code == 201, created.text
    site = created.json()
    assert (site["building_height_m"], site["large_span_roof"]) == (23.5, True)
    patched = client.patch(f"/api/v1/sites/{site['id']}", headers=headers,
                           json={"building_height_m": None, "large_span_roof": False}).json()
    assert (patched["building_height_m"], patched["large_span_roof"]) == (None, False)
    for bad in ({"building_height_m": -1}, {"building_height_m": 1001},
                {"large_span_roof": None}):
        assert client.patch(f"/api/v1/sites/{site['id']}", headers=headers,
                            json=bad).status_code == 422, bad
