"""Reporting (idempotent) and listing hazards."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx2 as httpx
import pytest
from sqlalchemy import update

from backend.clock import utcnow
from backend.hazards.models import Hazard
from backend.vocab import Role


def report(client, make, user, **over):
    body = {"title": "配电箱门未关", "site_id": make.org.kitchen.id, "category": "water_power",
            "photo_ids": [make.photo(user).id], "client_id": str(uuid.uuid4()), **over}
    return client.post("/api/v1/hazards", json=body, headers=make.headers(user))


def test_a_retry_returns_the_first_hazard(client, make):
    user = make.user(Role.inspector)
    body = {"title": "地面湿滑无警示", "site_id": make.org.kitchen.id, "category": "hygiene",
            "photo_ids": [make.photo(user).id], "client_id": str(uuid.uuid4())}
    headers = make.headers(user)
    first = client.post("/api/v1/hazards", json=body, headers=headers)
    retry = client.post("/api/v1/hazards", json=body, headers=headers)
    assert first.status_code == 201 and retry.status_code == 200
    assert first.json()["id"] == retry.json()["id"]
    changed = client.post("/api/v1/hazards", json={**body, "title": "别的内容"}, headers=headers)
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_mismatch"
    listed = client.get("/api/v1/hazards", headers=headers).json()["items"]
    assert [h["id"] for h in listed] == [first.json()["id"]]


def test_idempotency_key_header_works_like_client_id(client, make):
    user = make.user(Role.inspector)
    key = str(uuid.uuid4())
    body = {"title": "安全出口指示灯不亮", "site_id": make.org.kitchen.id, "category": "fire",
            "photo_ids": [make.photo(user).id]}
    headers = {**make.headers(user), "Idempotency-Key": key}
    first = client.post("/api/v1/hazards", json=body, headers=headers)
    again = client.post("/api/v1/hazards", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["client_id"] == key  # one spelling: lower-case, dashed
    undashed = client.post("/api/v1/hazards", json=body, headers={
        **make.headers(user), "Idempotency-Key": key.replace("-", "").upper()})
    assert undashed.status_code == 200 and undashed.json()["id"] == first.json()["id"]
    bad = client.post("/api/v1/hazards", json=body,
                      headers={**make.headers(user), "Idempotency-Key": "not a uuid"})
    assert bad.status_code == 422


@pytest.mark.parametrize("over, status, code", [
    ({"photo_ids": []}, 422, "validation_error"),
    ({"site_id": 99999999}, 404, "site_not_found"),
    ({"category": "volcano"}, 422, "validation_error"),
    ({"title": ""}, 422, "validation_error"),
    ({"source": "inspection"}, 400, "source_reserved"),
    ({"source": "external"}, 400, "source_reserved"),  # only an external inspection's finding
    ({"photo_ids": [2_000_000_000]}, 422, "invalid_photo"),
])
def test_bad_reports_are_refused(client, make, over, status, code):
    user = make.user(Role.inspector)
    resp = report(client, make, user, **over)
    assert resp.status_code == status, resp.text
    assert resp.json()["error"]["code"] == code
    assert client.get("/api/v1/hazards", headers=make.headers(user)).json()["items"] == []


def test_reporting_on_another_centers_site_is_404(client, make):
    user = make.user(Role.inspector, center=make.org.catering)
    resp = report(client, make, user, site_id=make.org.dorm.id)
    assert resp.status_code == 404


def test_leaders_read_but_cannot_report(client, make):
    leader = make.user(Role.leader)
    assert report(client, make, leader).status_code in (403, 404)


def test_list_filters(client, make):
    inspector = make.user(Role.inspector)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    fire = report(client, make, inspector, category="fire", title="消防通道堵塞").json()
    major = report(client, make, inspector, category="gas", grade="major",
                   title="燃气报警器失效").json()
    prop_inspector = make.user(Role.inspector, center=make.org.property)
    dorm = report(client, make, prop_inspector, site_id=make.org.dorm.id,
                  title="宿舍违规电器").json()
    headers = make.headers(qa)

    def ids(**params):
        return [h["id"] for h in client.get("/api/v1/hazards", params=params,
                                            headers=headers).json()["items"]]

    assert ids() == [dorm["id"], major["id"], fire["id"]]  # newest first
    assert ids(category="fire") == [fire["id"]]
    assert ids(grade="major") == [major["id"]]
    assert ids(center_id=make.org.property.id) == [dorm["id"]]
    assert ids(q="燃气") == [major["id"]]
    assert ids(status="reported", site_id=make.org.kitchen.id) == [major["id"], fire["id"]]
    assert ids(status="closed") == []
    assert ids(overdue="false") == [dorm["id"], major["id"], fire["id"]]
    today = (utcnow() + timedelta(hours=8)).date().isoformat()
    assert len(ids(created_from=today, created_to=today)) == 3
    assert ids(sort="deadline", limit=2) == [fire["id"], major["id"]]
    # an inspector of the catering center sees only the catering hazards
    own = client.get("/api/v1/hazards", headers=make.headers(inspector)).json()["items"]
    assert {h["id"] for h in own} == {fire["id"], major["id"]}


def test_pagination_walks_every_hazard_once(client, make):
    inspector = make.user(Role.inspector)
    created = [report(client, make, inspector, title=f"隐患{n}").json()["id"] for n in range(7)]
    for sort in ("created", "deadline"):
        seen, cursor = [], None
        while True:
            params = {"limit": 3, "sort": sort, **({"cursor": cursor} if cursor else {})}
            resp = client.get("/api/v1/hazards", params=params, headers=make.headers(inspector))
            assert resp.status_code == 200, resp.text
            page = resp.json()
            seen += [h["id"] for h in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(created) and len(seen) == 7


def test_photos_carry_signed_urls_and_capture_time_flag(client, make):
    inspector = make.user(Role.inspector)
    old_photo = make.photo(inspector, taken_at=utcnow() - timedelta(days=10))
    resp = report(client, make, inspector, photo_ids=[old_photo.id]).json()
    # relative URLs: a forged Host header can't send the phone's images elsewhere
    assert resp["photos"][0]["urls"]["thumb"].startswith("/api/v1/photos/")
    assert resp["photo_time_suspect"] is True
    fresh = report(client, make, inspector).json()
    assert fresh["photo_time_suspect"] is False


def test_linked_photos_become_visible_to_who_sees_the_hazard(client, make):
    inspector = make.user(Role.inspector)
    manager = make.user(Role.center_manager)
    outsider = make.user(Role.inspector, center=make.org.property)
    photo = make.photo(inspector)
    assert client.get(f"/api/v1/photos/{photo.id}", headers=make.headers(manager)).status_code \
        == 404
    report(client, make, inspector, photo_ids=[photo.id])
    assert client.get(f"/api/v1/photos/{photo.id}", headers=make.headers(manager)).status_code \
        == 200
    assert client.get(f"/api/v1/photos/{photo.id}", headers=make.headers(outsider)).status_code \
        == 404


def test_concurrent_identical_reports_make_one_hazard(live):
    session, make = live.factory()
    user = make.user(Role.inspector)
    photo = make.photo(user)
    headers = {"Authorization": f"Bearer {live.token(session, user)}"}
    body = {"title": "楼梯间堆放杂物", "site_id": make.org.kitchen.id, "category": "fire",
            "photo_ids": [photo.id], "client_id": str(uuid.uuid4())}

    def send(_n: int) -> httpx.Response:
        return httpx.post(f"{live.base_url}/api/v1/hazards", json=body, headers=headers,
                          timeout=60)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(send, range(8)))
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201], \
        [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    listed = httpx.get(f"{live.base_url}/api/v1/hazards", headers=headers, timeout=30).json()
    assert len(listed["items"]) == 1
    assert len(listed["items"][0]["photos"]) == 1
    session.close()




@pytest.mark.parametrize("path, code", [
    ("/api/v1/hazards/abc", "hazard_not_found"), ("/api/v1/hazards/0", "hazard_not_found"),
    ("/api/v1/hazards/99999999999", "hazard_not_found"),
    ("/api/v1/inspections/abc", "inspection_not_found"),
    ("/api/v1/modules/1/versions/0", "module_version_not_found"),
    ("/api/v1/photos/1/poster?exp=1&sig=x", "photo_not_found")])
def test_a_path_that_names_no_object_is_404(client, make, path, code):
    resp = client.get(path, headers=make.headers(make.user(Role.inspector)))
    assert resp.status_code == 404, resp.text
    assert resp.json()["error"]["code"] == code


def test_a_retry_of_a_report_stored_before_revision_0008_replays(client, make, db):
    """0008 cleared the stored hashes (computed otherwise before): such a report replays."""
    user = make.user(Role.inspector)
    body = {"title": "配电箱门未关", "site_id": make.org.kitchen.id, "category": "water_power",
            "photo_ids": [make.photo(user).id], "client_id": str(uuid.uuid4())}
    first = client.post("/api/v1/hazards", json=body, headers=make.headers(user))
    assert first.status_code == 201
    db.execute(update(Hazard).where(Hazard.id == first.json()["id"]).values(request_hash=None))
    db.commit()
    retry = client.post("/api/v1/hazards", json=body, headers=make.headers(user))
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]


def test_a_retry_may_spell_defaults_and_amounts_differently(client, make):
    user = make.user(Role.inspector)
    body = {"title": "配电箱门未关", "site_id": make.org.kitchen.id, "category": "water_power",
            "photo_ids": [make.photo(user).id], "client_id": str(uuid.uuid4())}
    first = client.post("/api/v1/hazards", json=body, headers=make.headers(user))
    spelled = client.post("/api/v1/hazards", json={**body, "grade": "general"},
                          headers=make.headers(user))
    assert first.status_code == 201 and spelled.status_code == 200


def test_no_new_hazard_or_inspection_at_a_deactivated_site(client, make, db):
    user = make.user(Role.inspector)
    make.org.kitchen.is_active = False
    db.flush()
    hazard = report(client, make, user)
    assert hazard.status_code == 409 and hazard.json()["error"]["code"] == "site_inactive"
    module_id = client.get("/api/v1/modules", headers=make.headers(user)).json()["items"][0]["id"]
    inspection = client.post("/api/v1/inspections", headers=make.headers(user), json={
        "module_id": module_id, "site_id": make.org.kitchen.id})
    assert inspection.status_code == 409
    assert inspection.json()["error"]["code"] == "site_inactive"
