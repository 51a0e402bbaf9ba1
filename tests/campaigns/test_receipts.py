"""回执: a target center's manager submits it once (a correction needs If-Match); lateness
against receipt_due_on in Asia/Shanghai with an injected clock; the late-center list; cancel;
who sees which campaign."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.clock import frozen
from backend.events.models import DomainEvent
from backend.plans import tasks
from backend.plans.models import PatrolTask, TaskState
from tests.campaigns.support import MONDAY, at_local, detail, dispatch, module_for, people, receipt

DUE = MONDAY + timedelta(days=4)  # receipt_due_on 2026-03-06 in campaign_body


@pytest.fixture
def scene(client, make, db):
    p = people(make)
    canteen = module_for(db, includes="canteen", excludes="dormitory")[0]
    dorm = module_for(db, includes="dormitory", excludes="canteen")[0]
    with frozen(at_local(MONDAY, 8)):
        campaign = dispatch(client, make, p.qa, [canteen, dorm])
    return p, campaign["id"]


def test_a_manager_submits_the_receipt_once_and_corrects_it_with_if_match(client, make, db,
                                                                          scene):
    p, cid = scene
    with frozen(at_local(MONDAY + timedelta(days=1), 9)):
        first = receipt(client, make, p.catering_manager, cid, findings_count=2)
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "submitted" and first.json()["late"] is False
        assert first.headers["ETag"] == '"2"'
        again = receipt(client, make, p.catering_manager, cid)
        assert (again.status_code, again.json()["error"]["code"]) == (
            409, "receipt_already_submitted")
        stale = receipt(client, make, p.catering_manager, cid, headers={"If-Match": '"1"'})
        assert (stale.status_code, stale.json()["error"]["code"]) == (412, "precondition_failed")
    with frozen(at_local(DUE + timedelta(days=2), 9)):  # a correction after the due day
        fixed = receipt(client, make, p.catering_manager, cid, headers={"If-Match": '"2"'},
                        findings_count=3, note="补报一处")
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert (body["findings_count"], body["note"], body["version"]) == (3, "补报一处", 3)
    assert body["late"] is False and body["corrected_at"] is not None  # judged on the first
    events = list(db.scalars(select(DomainEvent).where(
        DomainEvent.type == "campaign.receipt_submitted", DomainEvent.object_id == cid)))
    assert [e.data["corrected"] for e in events] == [False, True]
    assert {e.center_id for e in events} == {make.org.catering.id}


@pytest.mark.parametrize(("who", "status", "code"), [
    ("catering_inspector", 403, "campaign_receipt_forbidden"),
    ("qa", 403, "campaign_receipt_forbidden"),
    ("leader", 403, "campaign_receipt_forbidden"),
])
def test_only_a_target_centers_manager_submits(client, make, scene, who, status, code):
    p, cid = scene
    resp = receipt(client, make, getattr(p, who), cid)
    assert (resp.status_code, resp.json()["error"]["code"]) == (status, code)


def test_a_retry_with_the_idempotency_key_returns_the_stored_receipt(client, make, scene):
    p, cid = scene
    key = {"Idempotency-Key": "0b6f3c1e-6a53-4c8e-9d1e-2f1d8f1c2a10"}
    first = receipt(client, make, p.catering_manager, cid, headers=key)
    again = receipt(client, make, p.catering_manager, cid, headers=key)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["version"] == first.json()["version"] == 2
    other = receipt(client, make, p.catering_manager, cid, headers=key, findings_count=9)
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_mismatch")


def test_bad_receipts_are_422(client, make, scene):
    p, cid = scene
    resp = receipt(client, make, p.catering_manager, cid, findings_count=-1)
    assert resp.status_code == 422
    resp = client.post(f"/api/v1/campaigns/{cid}/receipt", headers=make.headers(
        p.catering_manager), json={"findings_count": 1})
    assert resp.status_code == 422


def test_lateness_and_the_late_center_list(client, make, scene):
    p, cid = scene
    o = make.org
    with frozen(at_local(DUE, 23, 59)):  # the last minute of the due day: on time
        assert receipt(client, make, p.catering_manager, cid).json()["late"] is False
        assert detail(client, make, p.qa, cid)["late_center_ids"] == []
    with frozen(at_local(DUE + timedelta(days=1), 0)):  # property still owes it: late
        seen = detail(client, make, p.qa, cid)
        assert seen["late_center_ids"] == [o.property.id]
        late = receipt(client, make, p.property_manager, cid)
        assert late.json()["late"] is True  # submitted after the due day: late for good
        assert detail(client, make, p.qa, cid)["late_center_ids"] == [o.property.id]
        own = detail(client, make, p.catering_manager, cid)
    assert [c["center_id"] for c in own["centers"]] == [o.catering.id]
    assert own["late_center_ids"] == []


def test_cancel_stops_the_tasks_and_the_receipts(client, make, db, scene):
    p, cid = scene
    with frozen(at_local(MONDAY, 9)):
        resp = client.post(f"/api/v1/campaigns/{cid}/cancel", headers=make.headers(p.qa),
                           json={"reason": "上级通知调整"})
        assert resp.status_code == 200, resp.text
        assert resp.json()["status"] == "cancelled"
        assert all(c["tasks_cancelled"] == c["tasks_total"] > 0 for c in resp.json()["centers"])
        again = client.post(f"/api/v1/campaigns/{cid}/cancel", headers=make.headers(p.qa),
                            json={"reason": "再次撤销"})
        assert (again.status_code, again.json()["error"]["code"]) == (409, "campaign_cancelled")
        late_receipt = receipt(client, make, p.catering_manager, cid)
        assert late_receipt.json()["error"]["code"] == "campaign_cancelled"
        listed = client.get("/api/v1/tasks", headers=make.headers(p.catering_inspector)).json()
        assert [t for t in listed["items"] if t["campaign_id"] == cid] == []
    end = at_local(MONDAY + timedelta(days=3), 0)
    with frozen(end):
        db.expire_all()
        assert tasks.mark_missed(db, end) == 0
        db.commit()
        assert detail(client, make, p.qa, cid)["late_center_ids"] == []
    states = set(db.scalars(select(PatrolTask.state).where(PatrolTask.campaign_id == cid)))
    assert states == {TaskState.cancelled}
    [event] = db.scalars(select(DomainEvent).where(DomainEvent.type == "campaign.cancelled"))
    assert event.object_id == cid and event.data["tasks_cancelled"] == 2


def test_who_sees_which_campaign(client, make, scene):
    p, cid = scene
    o = make.org
    only_catering = dispatch(client, make, p.qa, module_ids=[
        module_for(make.db, includes="canteen")[0]], center_ids=[o.catering.id])["id"]

    def listed(user):
        resp = client.get("/api/v1/campaigns", headers=make.headers(user))
        assert resp.status_code == 200, resp.text
        return [(c["id"], c["center_ids"]) for c in resp.json()["items"]]

    assert listed(p.qa) == [(only_catering, [o.catering.id]),
                            (cid, [o.catering.id, o.property.id])]
    assert listed(p.leader) == listed(p.qa)
    assert listed(p.property_inspector) == [(cid, [o.property.id])]
    assert listed(p.catering_inspector) == [(only_catering, [o.catering.id]),
                                            (cid, [o.catering.id])]
    # the list carries each campaign's progress as its page does, scoped alike: the phone's
    # list needs no request per campaign
    for user in (p.qa, p.property_inspector):
        listed_items = client.get("/api/v1/campaigns", headers=make.headers(user)).json()["items"]
        for item in listed_items:
            page = client.get(f"/api/v1/campaigns/{item['id']}", headers=make.headers(user))
            assert item == page.json()
    hidden = client.get(f"/api/v1/campaigns/{only_catering}",
                        headers=make.headers(p.property_manager))
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "campaign_not_found")
    assert receipt(client, make, p.property_manager, only_catering).status_code == 404
    page = client.get("/api/v1/campaigns", headers=make.headers(p.qa), params={"limit": 1})
    rest = client.get("/api/v1/campaigns", headers=make.headers(p.qa), params={
        "cursor": page.json()["next_cursor"], "status": "dispatched", "kind": "special"})
    assert [c["id"] for c in rest.json()["items"]] == [cid]
