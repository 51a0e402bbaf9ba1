"""The major-hazard regime (重大隐患): a 治理方案 on assignment instead of the short fields, and
the 停用/封控 flag while the danger is live. Pure rules first, then through the API."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.clock import today
from backend.hazards import workflow
from backend.hazards.bodies import AssignIn, ReasonIn, VerifyIn
from backend.hazards.workflow import (
    GOVERNANCE_PLAN_FIELDS,
    Action,
    ActorFacts,
    GovernancePlanRequired,
    HazardFacts,
    PlanIncomplete,
    RestrictedUseMajorOnly,
    Status,
)
from backend.vocab import Grade, Role
from tests.hazards.test_workflow_api import GOVERNANCE_PLAN as GOVERNANCE
from tests.hazards.test_workflow_api import act, plan
from tests.hazards.test_workflow_api import people as people  # noqa: F401 - a fixture

MANAGER = ActorFacts(user_id=10, center_id=1, roles=frozenset({Role.center_manager}))
CONTEXT = workflow.Context(actor=MANAGER, now=datetime(2026, 12, 1, tzinfo=UTC),
                           today=date(2026, 12, 1))


def assign(grade, context=CONTEXT, **body):
    hazard = HazardFacts(status=Status.reported, grade=grade, center_id=1)
    return workflow.TRANSITIONS[Action.assign].apply(hazard, AssignIn.model_validate(body),
                                                     context)


SHORT = {"assignee_id": 7, "measures": "更换", "cost_estimate": "0.1",
         "deadline": "2026-12-08", "interim_measures": "警示"}


def test_a_major_hazard_needs_every_field_of_the_governance_plan():
    with pytest.raises(GovernancePlanRequired) as exc:
        assign(Grade.major, **SHORT)
    assert exc.value.details["missing"] == [f for f in GOVERNANCE_PLAN_FIELDS
                                            if f != "time_limit"]  # the deadline stands in
    partial = {k: v for k, v in GOVERNANCE.items() if k not in ("funding", "time_limit")}
    no_deadline = workflow.Context(actor=MANAGER, now=CONTEXT.now, today=CONTEXT.today,
                                   plan_required=("assignee_id",))
    with pytest.raises(GovernancePlanRequired) as exc:  # and no deadline to stand in
        assign(Grade.major, no_deadline, assignee_id=7, governance_plan=partial)
    assert exc.value.details["missing"] == ["funding", "time_limit"]


def test_the_governance_plan_replaces_the_short_fields_but_not_assignee_and_deadline():
    change = assign(Grade.major, assignee_id=7, deadline="2026-12-08",
                    governance_plan={k: v for k, v in GOVERNANCE.items() if k != "time_limit"})
    assert change.fields["governance_plan"] == {**GOVERNANCE, "time_limit": "2026-12-08"}
    assert change.fields["measures"] is None
    with pytest.raises(PlanIncomplete) as exc:
        assign(Grade.major, governance_plan=GOVERNANCE)
    assert exc.value.details["missing"] == ["assignee_id", "deadline"]
    assert workflow.plan_required_for(Grade.major, CONTEXT) == ("assignee_id", "deadline")
    assert workflow.plan_required_for(Grade.general, CONTEXT) == CONTEXT.plan_required


def test_a_general_hazard_needs_no_governance_plan_but_one_sent_is_checked_and_kept():
    assert assign(Grade.general, **SHORT).fields["governance_plan"] is None
    assert assign(Grade.general, **SHORT, governance_plan=GOVERNANCE) \
        .fields["governance_plan"] == GOVERNANCE
    with pytest.raises(GovernancePlanRequired):
        assign(Grade.general, **SHORT, governance_plan={"objective": "目标"})


def test_a_deployment_may_turn_the_requirement_off():
    off = workflow.Context(actor=MANAGER, now=CONTEXT.now, today=CONTEXT.today,
                           major_governance_plan=False)
    assert assign(Grade.major, off, **SHORT).fields["governance_plan"] is None
    assert workflow.plan_required_for(Grade.major, off) == off.plan_required
    with pytest.raises(PlanIncomplete):
        assign(Grade.major, off, assignee_id=7, deadline="2026-12-08",
               governance_plan=GOVERNANCE)


def test_restricted_use_is_for_major_hazards_and_ends_with_them():
    assert assign(Grade.major, **SHORT, governance_plan=GOVERNANCE,
                  restricted_use=True).fields["restricted_use"] is True
    assert "restricted_use" not in assign(Grade.major, **SHORT, governance_plan=GOVERNANCE).fields
    assert assign(Grade.general, **SHORT, restricted_use=False).fields["restricted_use"] is False
    with pytest.raises(RestrictedUseMajorOnly):
        assign(Grade.general, **SHORT, restricted_use=True)
    for action, body in ((Action.verify, VerifyIn(comment="已消除", photo_ids=[1])),
                         (Action.cancel, ReasonIn(reason="误报"))):
        hazard = HazardFacts(status=Status.submitted, grade=Grade.major, center_id=1)
        assert workflow.TRANSITIONS[action].apply(hazard, body, CONTEXT) \
            .fields["restricted_use"] is False


# through the API


def test_assigning_a_major_hazard_without_a_plan_names_the_missing_fields(client, make, people):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    resp = act(client, make, people["manager"], hazard.id, "assign", plan(people["worker"]))
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "governance_plan_required"
    assert error["details"]["missing"] == [f for f in GOVERNANCE_PLAN_FIELDS
                                           if f != "time_limit"]
    shown = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(people["manager"]))
    assert shown.json()["status"] == "reported" and shown.json()["governance_plan"] is None


def test_a_major_hazard_assigned_with_its_plan_shows_it_and_its_restriction(client, db, make,
                                                                             people):
    manager, worker, qa = people["manager"], people["worker"], people["qa"]
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    deadline = (today() + timedelta(days=7)).isoformat()
    resp = act(client, make, manager, hazard.id, "assign", {
        "assignee_id": worker.id, "deadline": deadline, "restricted_use": True,
        "governance_plan": {k: v for k, v in GOVERNANCE.items() if k != "time_limit"}})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "assigned" and body["restricted_use"] is True
    assert body["governance_plan"] == {**GOVERNANCE, "time_limit": deadline}
    changes = body["timeline"][-1]["changes"]
    assert changes["governance_plan"]["to"] == body["governance_plan"]
    assert changes["restricted_use"] == {"from": False, "to": True}
    listed = client.get("/api/v1/hazards", params={"grade": "major"},
                        headers=make.headers(manager)).json()["items"]
    assert next(h for h in listed if h["id"] == hazard.id)["restricted_use"] is True
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "hazard.assign",
                                               AuditEntry.object_id == str(hazard.id)))
    assert entry.summary["after"]["governance_plan"] == body["governance_plan"]
    assert entry.summary["after"]["restricted_use"] is True

    act(client, make, worker, hazard.id, "submit",
        {"description": "已整改", "photo_ids": [make.photo(worker).id]})
    closed = act(client, make, qa, hazard.id, "verify",
                 {"comment": "同意销号", "photo_ids": [make.photo(qa).id]}).json()
    assert closed["status"] == "closed" and closed["restricted_use"] is False
    assert closed["governance_plan"] == body["governance_plan"]  # kept as the record


def test_a_general_hazard_is_assigned_as_before_and_cannot_be_restricted(client, make, people):
    hazard = make.hazard(people["inspector"])
    resp = act(client, make, people["manager"], hazard.id, "assign",
               {**plan(people["worker"]), "restricted_use": True})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "restricted_use_major_only"
    resp = act(client, make, people["manager"], hazard.id, "assign", plan(people["worker"]))
    assert resp.status_code == 200
    assert resp.json()["governance_plan"] is None and resp.json()["restricted_use"] is False


def test_a_report_may_restrict_a_major_hazard_at_once(client, make, people):
    inspector = people["inspector"]
    report = {"title": "燃气管道漏气", "site_id": make.org.kitchen.id, "category": "gas",
              "photo_ids": [make.photo(inspector).id], "restricted_use": True}
    resp = client.post("/api/v1/hazards", json=report, headers=make.headers(inspector))
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "restricted_use_major_only"
    resp = client.post("/api/v1/hazards", json={**report, "grade": "major"},
                       headers=make.headers(inspector))
    assert resp.status_code == 201, resp.text
    assert resp.json()["restricted_use"] is True
    cancelled = act(client, make, people["qa"], resp.json()["id"], "cancel",
                    {"reason": "重复上报"}).json()
    assert cancelled["status"] == "cancelled" and cancelled["restricted_use"] is False


def test_me_tells_the_phone_what_a_major_hazards_assignment_needs(client, make, people):
    caps = client.get("/api/v1/me", headers=make.headers(people["manager"])).json()["capabilities"]
    assert caps["governance_plan_required"] == list(GOVERNANCE_PLAN_FIELDS)
    assert caps["major_plan_required"] == ["assignee_id", "deadline"]
    assert caps["plan_required"] == make.settings.hazard_plan_required
