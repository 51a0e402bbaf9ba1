"""Fixes after the review of issue 11 (major hazards), through the API: who may 撤销 a major
hazard, the 督办单 number's uniqueness and the 销号's own evidence photos."""

from backend.vocab import Grade
from tests.hazards.test_major_supervision import SUPERVISION
from tests.hazards.test_workflow_api import act
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

