"""Dispatching a campaign writes a task per active target site × applicable module and a 回执
slot per target center; tasks are done by a real inspection in the window, missed after it,
and listed by /tasks on each day of the window while due."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.clock import frozen
from backend.events.models import DomainEvent
from backend.org import service as org
from backend.plans import tasks
from backend.plans.models import PatrolTask, TaskState
from backend.vocab import SiteKind
from tests.campaigns.support import (
    MONDAY,
    at_local,
    campaign_body,
    detail,
    dispatch,
    module_for,
    people,
)
from tests.plans.support import submit_inspection


@pytest.fixture
def scene(make, db):
    """Catering: the kitchen (canteen), a dormitory and an inactive canteen; property: its
    dormitory; 质监办: a canteen of its own (never a default target)."""
    o = make.org
    catering_dorm = org.create_site(db, o.group.id, campus_id=o.campus.id,
                                    center_id=o.catering.id, name="员工宿舍",
                                    kind=SiteKind.dormitory, location=None)
    closed = org.create_site(db, o.group.id, campus_id=o.campus.id, center_id=o.catering.id,
                             name="停用食堂", kind=SiteKind.canteen, location=None,
                             is_active=False)
    qa_canteen = org.create_site(db, o.group.id, campus_id=o.campus.id, center_id=o.qa.id,
                                 name="质监办食堂", kind=SiteKind.canteen, location=None)
    db.commit()
    canteen_module = module_for(db, includes="canteen", excludes="dormitory")
    dorm_module = module_for(db, includes="dormitory", excludes="canteen")
    return {"people": people(make), "catering_dorm": catering_dorm, "closed": closed,
            "qa_canteen": qa_canteen, "canteen_module": canteen_module,
            "dorm_module": dorm_module}


def _tasks(db, campaign_id):
    return {(t.center_id, t.site_id, t.module_id) for t in db.scalars(
        select(PatrolTask).where(PatrolTask.campaign_id == campaign_id))}


def test_dispatch_to_every_operating_center(client, make, db, scene):
    o, p = make.org, scene["people"]
    canteen, dorm = scene["canteen_module"][0], scene["dorm_module"][0]
    with frozen(at_local(MONDAY, 8)):
        campaign = dispatch(client, make, p.qa, [canteen, dorm])
    assert _tasks(db, campaign["id"]) == {
        (o.catering.id, o.kitchen.id, canteen), (o.catering.id, scene["catering_dorm"].id, dorm),
        (o.property.id, o.dorm.id, dorm)}
    assert campaign["center_ids"] == [o.catering.id, o.property.id]
    rows = {c["center_id"]: c for c in campaign["centers"]}
    assert rows[o.catering.id]["tasks_total"] == 2 and rows[o.property.id]["tasks_due"] == 1
    assert rows[o.catering.id]["receipt"]["status"] == "pending"
    task = db.scalar(select(PatrolTask).where(PatrolTask.campaign_id == campaign["id"],
                                              PatrolTask.site_id == o.kitchen.id))
    assert task.plan_id is None and task.kind.value == "special"
    assert task.assignee_ids == [p.catering_inspector.id]
    assert task.window_start_at == at_local(MONDAY, 0)
    assert task.window_end_at == at_local(MONDAY + timedelta(days=3), 0)
    dispatched = list(db.scalars(select(DomainEvent).where(
        DomainEvent.type == "campaign.dispatched", DomainEvent.object_id == campaign["id"])))
    assert sorted((e.center_id, e.data["tasks"]) for e in dispatched) == [
        (o.catering.id, 2), (o.property.id, 1)]
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.dispatch",
                                              AuditEntry.object_id == str(campaign["id"])))


def test_site_kinds_narrow_the_sites_and_the_centers(client, make, db, scene):
    o, p = make.org, scene["people"]
    canteen, dorm = scene["canteen_module"][0], scene["dorm_module"][0]
    campaign = dispatch(client, make, p.qa, [canteen, dorm], site_kinds=["canteen"])
    assert _tasks(db, campaign["id"]) == {(o.catering.id, o.kitchen.id, canteen)}
    assert campaign["center_ids"] == [o.catering.id]  # property has no canteen


def test_a_named_center_owes_a_receipt_even_without_sites(client, make, db, scene):
    o, p = make.org, scene["people"]
    campaign = dispatch(client, make, p.qa, [scene["canteen_module"][0]],
                        center_ids=[o.property.id])
    assert _tasks(db, campaign["id"]) == set()
    [row] = campaign["centers"]
    assert row["center_id"] == o.property.id and row["tasks_total"] == 0


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"ends_on": "2026-03-01"}, 422, "campaign_window_invalid"),
    ({"receipt_due_on": "2026-03-01"}, 422, "campaign_window_invalid"),
    ({"center_ids": ["qa"]}, 422, "campaign_target_invalid"),
    ({"module_ids": [999999]}, 404, "module_not_found"),
    ({"module_ids": []}, 422, "validation_error"),
    ({"kind": "routine"}, 422, "validation_error"),
])
def test_bad_campaigns_are_refused(client, make, db, scene, change, status, code):
    if change.get("center_ids") == ["qa"]:
        change = {"center_ids": [make.org.qa.id]}
    body = {**campaign_body([scene["canteen_module"][0]]), **change}
    resp = client.post("/api/v1/campaigns", headers=make.headers(scene["people"].qa), json=body)
    assert (resp.status_code, resp.json()["error"]["code"]) == (status, code)
    assert db.scalar(select(PatrolTask).where(PatrolTask.campaign_id.is_not(None))) is None


def test_a_retry_returns_the_first_campaign(client, make, scene):
    qa = scene["people"].qa
    body = campaign_body([scene["canteen_module"][0]],
                         client_id="5b0c9a36-2f0e-4d5e-9d0a-4c7c2d1e9f11")
    first = client.post("/api/v1/campaigns", headers=make.headers(qa), json=body)
    again = client.post("/api/v1/campaigns", headers=make.headers(qa), json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = client.post("/api/v1/campaigns", headers=make.headers(qa),
                        json={**body, "title": "别的检查"})
    assert other.json()["error"]["code"] == "idempotency_mismatch"


def _listed(client, make, user, day):
    resp = client.get("/api/v1/tasks", headers=make.headers(user),
                      params={"date": day.isoformat()})
    assert resp.status_code == 200, resp.text
    return [(t["campaign_title"], t["state"]) for t in resp.json()["items"]
            if t["campaign_id"] is not None]


def test_a_task_is_listed_each_day_while_due_and_done_by_an_inspection(client, make, db, scene):
    p = scene["people"]
    module_id, items = scene["canteen_module"]
    with frozen(at_local(MONDAY, 8)):
        campaign = dispatch(client, make, p.qa, [module_id], site_kinds=["canteen"])
        days = [MONDAY + timedelta(days=n) for n in range(-1, 4)]
        assert [_listed(client, make, p.catering_inspector, d) for d in days] == [
            [], [("春季消防专项检查", "due")], [("春季消防专项检查", "due")],
            [("春季消防专项检查", "due")], []]
        assert _listed(client, make, p.property_inspector, MONDAY) == []
    tuesday = MONDAY + timedelta(days=1)
    with frozen(at_local(tuesday, 9)):  # a routine patrol there is not the 专项检查 (review S2)
        submit_inspection(client, make, p.catering_inspector, module_id, items)
        assert _listed(client, make, p.catering_inspector, tuesday) == [
            ("春季消防专项检查", "due")]
    with frozen(at_local(tuesday, 10)):
        iid = submit_inspection(client, make, p.catering_inspector, module_id, items,
                                kind="special")
        assert [_listed(client, make, p.catering_inspector, d) for d in days[1:4]] == [
            [], [("春季消防专项检查", "done")], []]
    task = db.scalar(select(PatrolTask).where(PatrolTask.campaign_id == campaign["id"]))
    assert task.state is TaskState.done and task.inspection_id == iid
    done = db.scalar(select(DomainEvent).where(DomainEvent.type == "task.done",
                                               DomainEvent.object_id == task.id))
    assert done.data["campaign_id"] == campaign["id"] and done.data["plan_id"] is None
    assert detail(client, make, p.qa, campaign["id"])["centers"][0]["tasks_done"] == 1


def test_an_inspection_before_the_window_does_not_count_and_the_task_is_missed(
        client, make, db, scene):
    p = scene["people"]
    module_id, items = scene["canteen_module"]
    with frozen(at_local(MONDAY - timedelta(days=1), 20)):
        campaign = dispatch(client, make, p.qa, [module_id], site_kinds=["canteen"],
                            starts_on=MONDAY.isoformat(), ends_on="2026-03-04",
                            receipt_due_on="2026-03-06")
        submit_inspection(client, make, p.catering_inspector, module_id, items, kind="special")
    end = at_local(MONDAY + timedelta(days=3), 0)
    with frozen(end):
        db.expire_all()
        assert tasks.mark_missed(db, end - timedelta(seconds=1)) == 0
        assert tasks.mark_missed(db, end) == 1
        db.commit()
        last_day = MONDAY + timedelta(days=2)
        assert _listed(client, make, p.catering_inspector, last_day) == [
            ("春季消防专项检查", "missed")]
        assert _listed(client, make, p.catering_inspector, MONDAY) == []
        row = detail(client, make, p.qa, campaign["id"])["centers"][0]
    assert (row["tasks_missed"], row["tasks_due"], row["tasks_done"]) == (1, 0, 0)
