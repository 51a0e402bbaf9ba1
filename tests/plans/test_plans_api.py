"""Plans through the API: who creates, reads and edits them; every bad input a clear 4xx."""

import pytest

from backend.clock import frozen
from backend.vocab import Role
from tests.plans.support import MONDAY, at_local, create_plan, module_with, plan_body


@pytest.fixture
def people(make):
    org = make.org
    return {"inspector": make.user(Role.inspector, center=org.catering),
            "manager": make.user(Role.center_manager, center=org.catering),
            "other_manager": make.user(Role.center_manager, center=org.property),
            "qa": make.user(Role.qa_officer, center=org.qa),
            "leader": make.user(Role.leader)}


def test_a_manager_creates_reads_and_edits_a_plan(client, make, db, people):
    module_id, _ = module_with(db)
    with frozen(at_local(MONDAY, 7)):
        plan = create_plan(client, make, people["manager"], module_id, [people["inspector"]])
    assert plan["center_id"] == make.org.catering.id and plan["version"] == 1
    assert plan["window_start"] == "08:00:00" and plan["window_end"] == "11:00:00"
    url = f"/api/v1/plans/{plan['id']}"
    for reader in ("inspector", "manager", "qa", "leader"):
        resp = client.get(url, headers=make.headers(people[reader]))
        assert resp.status_code == 200 and resp.headers["ETag"] == '"1"'
    assert client.get(url, headers=make.headers(people["other_manager"])).status_code == 404
    assert client.patch(url, headers=make.headers(people["other_manager"]),
                        json={"name": "x"}).status_code == 404
    for role in ("inspector", "leader"):
        resp = client.patch(url, headers=make.headers(people[role]), json={"name": "x"})
        assert resp.json()["error"]["code"] == "plan_manage_forbidden"
    resp = client.patch(url, headers={**make.headers(people["manager"]), "If-Match": '"1"'},
                        json={"name": "后厨早检", "frequency": "weekly", "weekdays": [1, 3, 5]})
    assert resp.status_code == 200, resp.text
    assert resp.json()["version"] == 2 and resp.json()["weekdays"] == [1, 3, 5]
    stale = client.patch(url, headers={**make.headers(people["qa"]), "If-Match": '"1"'},
                         json={"name": "y"})
    assert stale.status_code == 412
    listed = client.get("/api/v1/plans", headers=make.headers(people["inspector"])).json()
    assert [p["id"] for p in listed["items"]] == [plan["id"]]
    other = client.get("/api/v1/plans", headers=make.headers(people["other_manager"])).json()
    assert other["items"] == []


def test_who_may_create(client, make, db, people):
    module_id, _ = module_with(db)
    body = plan_body(make, module_id, [people["inspector"]])
    for role, status in (("inspector", 403), ("leader", 403), ("other_manager", 422)):
        resp = client.post("/api/v1/plans", headers=make.headers(people[role]), json=body)
        assert resp.status_code == status, (role, resp.text)
    resp = client.post("/api/v1/plans", headers=make.headers(people["other_manager"]),
                       json={**body, "center_id": make.org.catering.id})
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "center_not_found"
    resp = client.post("/api/v1/plans", headers=make.headers(people["qa"]), json=body)
    assert resp.json()["error"]["code"] == "plan_center_required"
    resp = client.post("/api/v1/plans", headers=make.headers(people["qa"]),
                       json={**body, "center_id": make.org.catering.id})
    assert resp.status_code == 201


BAD = [
    ({"site_kind": "canteen"}, "plan_target_invalid"),
    ({"site_id": None}, "plan_target_invalid"),
    ({"frequency": "weekly"}, "plan_schedule_invalid"),
    ({"frequency": "monthly", "month_day": 31, "weekdays": [1]}, "plan_schedule_invalid"),
    ({"frequency": "dates", "dates": []}, "validation_error"),
    ({"window_start": "12:00", "window_end": "11:00"}, "plan_schedule_invalid"),
    ({"window_start": "08:00+08:00"}, "validation_error"),
    ({"ends_on": "2026-03-01"}, "plan_schedule_invalid"),
    ({"weekdays": [8], "frequency": "weekly"}, "validation_error"),
    ({"inspector_ids": []}, "validation_error"),
    ({"module_id": 999999}, "module_not_found"),
]


@pytest.mark.parametrize(("change", "code"), BAD)
def test_bad_plans_are_refused_with_a_code(client, make, db, people, change, code):
    module_id, _ = module_with(db)
    resp = client.post("/api/v1/plans", headers=make.headers(people["manager"]),
                       json=plan_body(make, module_id, [people["inspector"]], **change))
    assert 400 <= resp.status_code < 500 and resp.json()["error"]["code"] == code, resp.text


def test_targets_and_inspectors_belong_to_the_plans_center(client, make, db, people):
    module_id, _ = module_with(db)
    stranger = make.user(Role.inspector, center=make.org.property)
    headers = make.headers(people["manager"])
    resp = client.post("/api/v1/plans", headers=headers,
                       json=plan_body(make, module_id, [stranger]))
    assert resp.json()["error"]["code"] == "plan_inspector_invalid"
    resp = client.post("/api/v1/plans", headers=headers, json=plan_body(
        make, module_id, [people["inspector"]], site_id=make.org.dorm.id))
    assert resp.json()["error"]["code"] == "plan_target_invalid"


def test_a_patch_may_not_null_a_required_field(client, make, db, people):
    module_id, _ = module_with(db)
    plan = create_plan(client, make, people["manager"], module_id, [people["inspector"]])
    resp = client.patch(f"/api/v1/plans/{plan['id']}", headers=make.headers(people["manager"]),
                        json={"name": None})
    assert resp.status_code == 422
    resp = client.patch(f"/api/v1/plans/{plan['id']}", headers=make.headers(people["manager"]),
                        json={"site_id": None})
    assert resp.json()["error"]["code"] == "plan_target_invalid"


def test_templates_create_the_plans_the_group_knows(client, make, people):
    headers = make.headers(people["manager"])
    keys = {t["key"] for t in client.get("/api/v1/plans/templates", headers=headers).json()}
    assert {"food-daily", "food-weekly", "food-monthly", "se-daily", "fire-patrol-daily",
            "holiday-five-checks"} <= keys
    body = {"template": "food-daily", "inspector_ids": [people["inspector"].id],
            "starts_on": MONDAY.isoformat()}
    resp = client.post("/api/v1/plans/from-template", headers=headers, json=body)
    assert resp.status_code == 201, resp.text
    assert {p["site_kind"] for p in resp.json()} == {"canteen"} and len(resp.json()) == 3
    resp = client.post("/api/v1/plans/from-template", headers=headers,
                       json={**body, "template": "holiday-five-checks"})
    assert resp.json()["error"]["code"] == "plan_schedule_invalid"
    resp = client.post("/api/v1/plans/from-template", headers=headers, json={
        **body, "template": "holiday-five-checks", "dates": ["2026-04-30"]})
    assert resp.status_code == 201 and {p["kind"] for p in resp.json()} == {"holiday"}
    resp = client.post("/api/v1/plans/from-template", headers=headers,
                       json={**body, "template": "no-such"})
    assert resp.status_code == 422
