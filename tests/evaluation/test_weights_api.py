"""GET/PUT /evaluation/weights: the defaults as version 0, 质监办 replaces them under If-Match
(428 without, 412 stale), bad values are 422 evaluation_weights_invalid naming each problem,
and a change is audited and emitted as a domain event."""

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.events.models import DomainEvent
from tests.records.support import people

URL = "/api/v1/evaluation/weights"
DEFAULT = {"weights": {"on_time_closure": 25, "overdue": 20, "patrol_completion": 20,
                       "repeat_findings": 10, "tables_on_time": 10, "drills_trainings": 15},
           "parameters": {"overdue_full_penalty_days": 30, "drills_per_year": 2,
                          "trainings_per_year": 4}}


def body(**weights: int) -> dict:
    return {"weights": {**DEFAULT["weights"], **weights}, "parameters": DEFAULT["parameters"]}


def test_the_defaults_sum_to_100_as_version_0(client, make):
    p = people(make)
    resp = client.get(URL, headers=make.headers(p.manager))
    assert resp.status_code == 200 and resp.headers["etag"] == '"0"'
    got = resp.json()
    assert {k: got[k] for k in DEFAULT} == DEFAULT
    assert (got["version"], got["updated_by_id"]) == (0, None)


def test_qa_replaces_the_weights_under_if_match(client, make, db):
    p = people(make)
    qa = make.headers(p.qa)
    first = client.put(URL, headers={**qa, "If-Match": '"0"'}, json=body(overdue=40))
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"1"' and first.json()["updated_by_id"] == p.qa.id
    stale = client.put(URL, headers={**qa, "If-Match": '"0"'}, json=body(overdue=50))
    assert (stale.status_code, stale.json()["error"]["code"]) == (412, "precondition_failed")
    second = client.put(URL, headers={**qa, "If-Match": 'W/"1"'}, json=body(overdue=50,
                                                                           repeat_findings=0))
    assert second.status_code == 200 and second.headers["etag"] == '"2"'
    read = client.get(URL, headers=make.headers(p.leader))
    assert read.headers["etag"] == '"2"' and read.json()["weights"]["overdue"] == 50
    audit = db.scalars(select(AuditEntry).order_by(AuditEntry.id).where(
        AuditEntry.action == "evaluation.weights_update")).all()
    assert [a.summary for a in audit] == [
        {"before": {"overdue_weight": 20}, "after": {"overdue_weight": 40}},
        {"before": {"overdue_weight": 40, "repeat_findings_weight": 10},
         "after": {"overdue_weight": 50, "repeat_findings_weight": 0}}]
    emitted = db.scalars(select(DomainEvent).where(
        DomainEvent.type == "evaluation.weights_updated").order_by(DomainEvent.id)).all()
    assert [(e.data["version"], e.group_id) for e in emitted] == [(1, make.org.group.id),
                                                                  (2, make.org.group.id)]


def test_without_if_match_it_is_428(client, make):
    p = people(make)
    resp = client.put(URL, headers=make.headers(p.qa), json=body())
    assert (resp.status_code, resp.json()["error"]["code"]) == (428, "precondition_required")


@pytest.mark.parametrize("change, problem", [
    (body(overdue=-5), "weights.overdue"),
    (body(on_time_closure=0, overdue=0, patrol_completion=0, repeat_findings=0,
          tables_on_time=0, drills_trainings=0), "weights"),
    (body(drills_trainings=5000), "weights.drills_trainings"),
    ({**body(), "parameters": {**DEFAULT["parameters"], "drills_per_year": -1}},
     "parameters.drills_per_year"),
])
def test_bad_weights_are_422_naming_the_problem(client, make, change, problem):
    p = people(make)
    resp = client.put(URL, headers={**make.headers(p.qa), "If-Match": '"0"'}, json=change)
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "evaluation_weights_invalid"
    assert problem in error["details"]["problems"]
    assert client.get(URL, headers=make.headers(p.qa)).json()["version"] == 0


def test_a_missing_or_unknown_field_is_a_validation_error(client, make):
    p = people(make)
    headers = {**make.headers(p.qa), "If-Match": '"0"'}
    partial = {"weights": {"overdue": 10}, "parameters": DEFAULT["parameters"]}
    typo = {**body(), "weigths": {}}
    for sent in (partial, typo):
        resp = client.put(URL, headers=headers, json=sent)
        assert (resp.status_code, resp.json()["error"]["code"]) == (422, "validation_error")


def test_only_qa_changes_them(client, make):
    p = people(make)
    for user, code in ((p.manager, "evaluation_weights_forbidden"),
                       (p.leader, "evaluation_weights_forbidden"),
                       (p.inspector, "evaluation_forbidden"), (p.admin, "evaluation_forbidden")):
        resp = client.put(URL, headers={**make.headers(user), "If-Match": '"0"'}, json=body())
        assert (resp.status_code, resp.json()["error"]["code"]) == (403, code)
