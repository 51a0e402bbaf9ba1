"""The rectification workflow through the HTTP API."""

from decimal import Decimal
from datetime import timedelta

import pytest
from sqlalchemy import update

from backend import clock
from backend.clock import today, utcnow
from backend.hazards.models import Hazard
from backend.hazards.workflow import Action
from backend.vocab import Grade, Role


@pytest.fixture
def people(make):
    org = make.org
    return {
        "inspector": make.user(Role.inspector, center=org.catering),
        "worker": make.user(Role.inspector, center=org.catering),
        "manager": make.user(Role.center_manager, center=org.catering),
        "qa": make.user(Role.qa_officer, center=org.qa),
        "leader": make.user(Role.leader),
        "other_manager": make.user(Role.center_manager, center=org.property),
    }


def act(client, make, user, hazard_id, action, body=None):
    return client.post(f"/api/v1/hazards/{hazard_id}/actions/{action}", json=body,
                       headers=make.headers(user))


GOVERNANCE_PLAN = {"objective": "消除燃气泄漏风险", "methods": "更换报警器并检测管道",
                   "funding": "0.5 万元，报警器两台", "organization": "餐饮中心设备组，张三负责",
                   "time_limit": "七日内完成", "safety_measures": "关闭总阀，禁止明火",
                   "emergency_plan": "泄漏时疏散并报燃气公司"}


def plan(assignee, days=7, grade=Grade.general):
    body = {"assignee_id": assignee.id, "measures": "更换灭火器并补充压力", "cost_estimate": "0.35",
            "deadline": (today() + timedelta(days=days)).isoformat(),
            "interim_measures": "临时增配两具灭火器"}
    if grade is Grade.major:  # its 治理方案 (tests/hazards/test_major_regime.py)
        body["governance_plan"] = GOVERNANCE_PLAN
    return body


def test_report_then_close_the_loop(client, make, people):
    inspector, worker, manager = people["inspector"], people["worker"], people["manager"]
    photo = make.photo(inspector)
    resp = client.post("/api/v1/hazards", headers=make.headers(inspector), json={
        "title": "后厨灭火器压力不足", "site_id": make.org.kitchen.id, "category": "fire",
        "grade": "general", "photo_ids": [photo.id], "description": "压力表指针在红区"})
    assert resp.status_code == 201, resp.text
    hazard = resp.json()
    assert hazard["status"] == "reported" and hazard["photos"][0]["id"] == photo.id
    assert hazard["center_id"] == make.org.catering.id
    assert hazard["allowed_actions"] == ["edit"]  # the reporter may correct it, not assign
    hid = hazard["id"]
    manager_view = client.get(f"/api/v1/hazards/{hid}", headers=make.headers(manager)).json()
    assert manager_view["allowed_actions"] == ["edit", "assign", "cancel"]
    edited = act(client, make, inspector, hid, "edit", {"title": "后厨 2 号灶台灭火器压力不足"})
    assert edited.status_code == 200 and edited.json()["title"] == "后厨 2 号灶台灭火器压力不足"
    assert edited.json()["timeline"][-1]["changes"]["title"]["from"] == "后厨灭火器压力不足"

    assigned = act(client, make, manager, hid, "assign", plan(worker))
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["status"] == "assigned" and body["assignee_id"] == worker.id
    assert Decimal(body["cost_estimate"]) == Decimal("0.35") and body["interim_measures"]
    assert body["site_name"] == make.org.kitchen.name
    assert body["reporter_name"] == inspector.display_name
    assert body["assignee_name"] == worker.display_name

    after = make.photo(worker)
    submitted = act(client, make, worker, hid, "submit",
                    {"description": "已更换新灭火器", "photo_ids": [after.id]})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["rectification_photos"][0]["id"] == after.id
    assert submitted.json()["status"] == "submitted"

    verified = act(client, make, manager, hid, "verify", {"comment": "现场复核合格"})
    assert verified.status_code == 200
    closed = verified.json()
    assert closed["status"] == "closed" and closed["verifier_id"] == manager.id
    assert closed["closed_at"] and closed["closed_late"] is False
    assert [e["action"] for e in closed["timeline"]] == ["report", "edit", "assign", "submit",
                                                        "verify"]
    assign_event = closed["timeline"][2]
    assert assign_event["changes"]["assignee_id"] == {"from": None, "to": worker.id}
    assert assign_event["actor_name"] == manager.display_name
    assert closed["timeline"][3]["photos"][0]["id"] == after.id


def test_invalid_transition_is_409_and_forbidden_actor_is_403(client, make, people):
    hazard = make.hazard(people["inspector"])
    resp = act(client, make, people["manager"], hazard.id, "verify", {})
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "hazard_invalid_transition"
    assert resp.json()["error"]["details"]["allowed_actions"] == ["edit", "assign", "cancel"]
    resp = act(client, make, people["inspector"], hazard.id, "assign", plan(people["worker"]))
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "hazard_action_forbidden"


def test_no_self_verification(client, make, people):
    manager = people["manager"]
    hazard = make.hazard(people["inspector"])
    act(client, make, manager, hazard.id, "assign", plan(manager))  # manager fixes it himself
    act(client, make, manager, hazard.id, "submit",
        {"description": "已整改", "photo_ids": [make.photo(manager).id]})
    resp = act(client, make, manager, hazard.id, "verify", {})
    assert resp.status_code == 403
    assert act(client, make, people["qa"], hazard.id, "verify", {}).status_code == 200


def test_major_hazards_are_verified_by_qa_only(client, make, people):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    act(client, make, people["manager"], hazard.id, "assign",
        plan(people["worker"], grade=Grade.major))
    act(client, make, people["worker"], hazard.id, "submit",
        {"description": "已整改", "photo_ids": [make.photo(people["worker"]).id]})
    assert act(client, make, people["manager"], hazard.id, "verify", {}).status_code == 403
    assert act(client, make, people["manager"], hazard.id, "reject",
               {"reason": "不合格"}).status_code == 403
    evidence = {"comment": "复核合格，同意销号", "photo_ids": [make.photo(people["qa"]).id]}
    assert act(client, make, people["qa"], hazard.id, "verify", evidence).json()["status"] \
        == "closed"


def test_reject_returns_to_the_assignee_and_reopen_needs_qa(client, make, people):
    worker, manager, qa = people["worker"], people["manager"], people["qa"]
    hazard = make.hazard(people["inspector"])
    act(client, make, manager, hazard.id, "assign", plan(worker))
    act(client, make, worker, hazard.id, "submit",
        {"description": "已整改", "photo_ids": [make.photo(worker).id]})
    assert act(client, make, manager, hazard.id, "reject", {}).status_code == 422  # reason
    rejected = act(client, make, manager, hazard.id, "reject", {"reason": "照片看不清"}).json()
    assert rejected["status"] == "assigned"
    assert rejected["timeline"][-1]["comment"] == "照片看不清"
    act(client, make, worker, hazard.id, "submit",
        {"description": "重新整改", "photo_ids": [make.photo(worker).id]})
    act(client, make, manager, hazard.id, "verify", {})
    assert act(client, make, manager, hazard.id, "reopen",
               {"reason": "问题复发"}).status_code == 403
    reopened = act(client, make, qa, hazard.id, "reopen", {"reason": "问题复发"}).json()
    assert reopened["status"] == "assigned" and reopened["closed_at"] is None


def test_extension_request_and_approval(client, make, people):
    worker, manager = people["worker"], people["manager"]
    hazard = make.hazard(people["inspector"])
    act(client, make, manager, hazard.id, "assign", plan(worker, days=3))
    new_deadline = (today() + timedelta(days=30)).isoformat()
    earlier = act(client, make, worker, hazard.id, "request_extension",
                  {"deadline": today().isoformat(), "reason": "配件未到"})
    assert earlier.status_code == 422 and earlier.json()["error"]["code"] == "extension_not_later"
    requested = act(client, make, worker, hazard.id, "request_extension",
                    {"deadline": new_deadline, "reason": "配件未到"}).json()
    assert requested["extension_deadline"] == new_deadline
    assert "request_extension" not in requested["allowed_actions"]  # one at a time
    manager_view = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(manager))
    assert {"approve_extension", "deny_extension"} <= set(manager_view.json()["allowed_actions"])
    approved = act(client, make, manager, hazard.id, "approve_extension", {}).json()
    assert approved["deadline"] == new_deadline and approved["extension_deadline"] is None


def test_plan_must_be_complete_and_assignee_of_the_center(client, make, people):
    hazard = make.hazard(people["inspector"])
    manager = people["manager"]
    incomplete = act(client, make, manager, hazard.id, "assign",
                     {"assignee_id": people["worker"].id, "measures": "更换"})
    assert incomplete.status_code == 422
    assert set(incomplete.json()["error"]["details"]["missing"]) == {
        "cost_estimate", "deadline", "interim_measures"}
    outsider = make.user(Role.inspector, center=make.org.property)
    wrong = act(client, make, manager, hazard.id, "assign", plan(outsider))
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_assignee"
    past = {**plan(people["worker"]), "deadline": (today() - timedelta(days=1)).isoformat()}
    assert act(client, make, manager, hazard.id, "assign", past).json()["error"]["code"] \
        == "deadline_in_past"
    negative = {**plan(people["worker"]), "cost_estimate": "-1"}
    assert act(client, make, manager, hazard.id, "assign", negative).status_code == 422
    unknown_field = {**plan(people["worker"]), "budget": 5}
    assert act(client, make, manager, hazard.id, "assign", unknown_field).status_code == 422
    assert client.get(f"/api/v1/hazards/{hazard.id}",
                      headers=make.headers(manager)).json()["status"] == "reported"


def test_submit_needs_after_photos_and_a_description(client, make, people):
    worker = people["worker"]
    hazard = make.hazard(people["inspector"])
    act(client, make, people["manager"], hazard.id, "assign", plan(worker))
    for body in ({"description": "已整改", "photo_ids": []}, {"photo_ids": [make.photo(worker).id]},
                 {"description": "已整改", "photo_ids": [999999]}):
        resp = act(client, make, worker, hazard.id, "submit", body)
        assert resp.status_code == 422, body
    someone_elses = make.photo(people["manager"])
    resp = act(client, make, worker, hazard.id, "submit",
               {"description": "已整改", "photo_ids": [someone_elses.id]})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_photo"


def test_cancel_needs_a_reason(client, make, people):
    hazard = make.hazard(people["inspector"])
    assert act(client, make, people["manager"], hazard.id, "cancel", {}).status_code == 422
    cancelled = act(client, make, people["manager"], hazard.id, "cancel", {"reason": "重复上报"})
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "重复上报"
    assert cancelled.json()["allowed_actions"] == []


def test_overdue_and_closed_late(client, make, people):
    worker, manager = people["worker"], people["manager"]
    hazard = make.hazard(people["inspector"])
    act(client, make, manager, hazard.id, "assign", plan(worker, days=2))
    with clock.frozen(utcnow() + timedelta(days=5)):
        view = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(manager)).json()
        assert view["is_overdue"] is True and view["overdue_days"] == 3
        listed = client.get("/api/v1/hazards", params={"overdue": "true"},
                            headers=make.headers(manager)).json()
        assert [h["id"] for h in listed["items"]] == [hazard.id]
        act(client, make, worker, hazard.id, "submit",
            {"description": "已整改", "photo_ids": [make.photo(worker).id]})
        closed = act(client, make, manager, hazard.id, "verify", {}).json()
    assert closed["closed_late"] is True and closed["is_overdue"] is False


def test_a_stale_if_match_is_412_and_the_etag_is_the_version(client, make, people):
    manager = people["manager"]
    hazard = make.hazard(people["inspector"])
    url = f"/api/v1/hazards/{hazard.id}"
    read = client.get(url, headers=make.headers(manager))
    assert read.headers["ETag"] == f'"{read.json()["version"]}"'
    etag = read.headers["ETag"]
    assigned = client.post(f"{url}/actions/assign", json=plan(people["worker"]),
                           headers={**make.headers(manager), "If-Match": etag})
    assert assigned.status_code == 200 and assigned.headers["ETag"] != etag
    stale = client.post(f"{url}/actions/cancel", json={"reason": "重复上报"},
                        headers={**make.headers(manager), "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert client.get(url, headers=make.headers(manager)).json()["status"] == "assigned"
    either = f'{etag}, W/{assigned.headers["ETag"]}'  # a list; a weak tag read as strong
    current = client.post(f"{url}/actions/cancel", json={"reason": "重复上报"},
                          headers={**make.headers(manager), "If-Match": either})
    assert current.status_code == 200 and current.json()["status"] == "cancelled"
    garbage = client.post(f"{url}/actions/reopen", json={"reason": "问题复现"},
                          headers={**make.headers(people["qa"]), "If-Match": "yesterday"})
    assert garbage.status_code == 412


def test_a_retried_action_with_its_key_replays_instead_of_409(client, make, people):
    import uuid

    manager, worker = people["manager"], people["worker"]
    hazard = make.hazard(people["inspector"])
    key = str(uuid.uuid4())
    headers = {**make.headers(manager), "Idempotency-Key": key}
    url = f"/api/v1/hazards/{hazard.id}/actions/assign"
    first = client.post(url, json=plan(worker), headers=headers)
    retry = client.post(url, json=plan(worker), headers=headers)
    assert first.status_code == retry.status_code == 200
    assert len(retry.json()["timeline"]) == 2  # report + one assign
    again_without_key = client.post(f"/api/v1/hazards/{hazard.id}/actions/cancel",
                                    json={"reason": "重复"}, headers=headers)
    assert again_without_key.status_code == 422  # the key belongs to the assign
    assert again_without_key.json()["error"]["code"] == "idempotency_mismatch"
    other_user = client.post(url, json=plan(worker),
                             headers={**make.headers(people["qa"]), "Idempotency-Key": key})
    assert other_user.status_code == 200  # keys are per user: this is a new re-assignment
    assert len(other_user.json()["timeline"]) == 3
