"""Fixes after the review of issue 11 (major hazards), through the API: who may 撤销 a major
hazard, the 督办单 number's uniqueness and the 销号's own evidence photos."""

from backend.vocab import Grade
from tests.hazards.test_major_supervision import SUPERVISION
from tests.hazards.test_workflow_api import act, plan
from tests.hazards.test_workflow_api import people as people  # noqa: F401 - a fixture


def test_only_qa_cancels_a_major_hazard_even_under_supervision(client, make, people):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    assert act(client, make, people["qa"], hazard.id, "supervise", SUPERVISION).status_code == 200
    shown = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(people["manager"]))
    assert "cancel" not in shown.json()["allowed_actions"]
    resp = act(client, make, people["manager"], hazard.id, "cancel", {"reason": "不想被督办，撤销"})
    assert resp.status_code == 403, resp.text
    assert resp.json()["error"]["code"] == "hazard_action_forbidden"
    shown = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(people["qa"]))
    assert shown.json()["status"] == "reported" and "cancel" in shown.json()["allowed_actions"]
    resp = act(client, make, people["qa"], hazard.id, "cancel", {"reason": "重复上报"})
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"


def test_a_center_manager_still_cancels_a_general_hazard(client, make, people):
    hazard = make.hazard(people["inspector"])
    resp = act(client, make, people["manager"], hazard.id, "cancel", {"reason": "重复上报"})
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"


def test_a_supervision_order_number_is_unique_within_the_group(client, make, people):
    first, second, third = (make.hazard(people["inspector"], grade=Grade.major) for _ in range(3))
    body = {**SUPERVISION, "order_no": "督〔2026〕1号"}
    assert act(client, make, people["qa"], first.id, "supervise", body).status_code == 200
    resp = act(client, make, people["qa"], second.id, "supervise", body)
    assert resp.status_code == 409, resp.text
    assert resp.json()["error"]["code"] == "order_no_taken"
    assert resp.json()["error"]["details"] == {"order_no": "督〔2026〕1号"}
    shown = client.get(f"/api/v1/hazards/{second.id}", headers=make.headers(people["qa"])).json()
    assert shown["supervision"] is None and [e["action"] for e in shown["timeline"]] == ["report"]
    # another number, or the default one (督〔year〕<hazard id>号), is taken as before
    resp = act(client, make, people["qa"], second.id, "supervise",
               {**SUPERVISION, "order_no": "督〔2026〕2号"})
    assert resp.status_code == 200, resp.text
    assert act(client, make, people["qa"], third.id, "supervise", SUPERVISION).status_code == 200


def test_the_order_number_conflict_is_documented(app):
    spec = app.openapi()
    [op] = [ops["post"] for path, ops in spec["paths"].items()
            if path.endswith("/hazards/{hazard_id}/actions/supervise")]
    assert "409" in op["responses"]
    assert "order_no_taken" in str(op["responses"]["409"])


def _submitted_major(client, make, people, reporter="inspector"):
    worker = people["worker"]
    hazard = make.hazard(people[reporter], grade=Grade.major)
    assert act(client, make, people["manager"], hazard.id, "assign",
               plan(worker, grade=Grade.major)).status_code == 200
    rect = make.photo(worker)
    assert act(client, make, worker, hazard.id, "submit",
               {"description": "已更换", "photo_ids": [rect.id]}).status_code == 200
    return hazard, rect


def _refusal(client, make, people, hazard_id, photo_ids):
    resp = act(client, make, people["qa"], hazard_id, "verify",
               {"comment": "同意销号", "photo_ids": photo_ids})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "invalid_photo"
    return error["details"]


def test_a_major_hazards_closing_evidence_is_the_verifiers_own_new_photo(client, make, people):
    hazard, rect = _submitted_major(client, make, people)
    details = _refusal(client, make, people, hazard.id, [rect.id])  # the assignee's own photo
    assert details["photo_ids"] == [rect.id] and "销号人本人" in details["reason"]
    other = make.photo(people["manager"])  # a photo 质监办 may see, but not its own
    assert _refusal(client, make, people, hazard.id, [other.id])["photo_ids"] == [other.id]
    shown = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(people["qa"])).json()
    assert shown["status"] == "submitted"
    evidence = make.photo(people["qa"])
    resp = act(client, make, people["qa"], hazard.id, "verify",
               {"comment": "同意销号", "photo_ids": [evidence.id]})
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    assert [p["id"] for p in resp.json()["closure"]["photos"]] == [evidence.id]


def test_the_verifiers_own_photo_already_on_the_hazard_is_no_closing_evidence(client, make,
                                                                              people):
    hazard, _ = _submitted_major(client, make, people, reporter="qa")  # 质监办 reported it
    before = client.get(f"/api/v1/hazards/{hazard.id}",
                        headers=make.headers(people["qa"])).json()["photos"][0]["id"]
    details = _refusal(client, make, people, hazard.id, [before])
    assert details["photo_ids"] == [before] and "已有的照片" in details["reason"]


def test_a_general_hazards_verify_keeps_its_photo_rule(client, make, people):
    hazard = make.hazard(people["inspector"])
    worker = people["worker"]
    assert act(client, make, people["manager"], hazard.id, "assign",
               plan(worker)).status_code == 200
    rect = make.photo(worker)
    assert act(client, make, worker, hazard.id, "submit",
               {"description": "已更换", "photo_ids": [rect.id]}).status_code == 200
    resp = act(client, make, people["manager"], hazard.id, "verify", {"photo_ids": [rect.id]})
    assert resp.status_code == 200, resp.text
