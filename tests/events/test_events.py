"""Domain events are written with the change they describe: a committed change has its event,
numbered in commit order without gaps; a rolled-back one has none."""

from datetime import timedelta

from sqlalchemy import func, select

from backend.clock import today
from backend.events import emit
from backend.events.models import DomainEvent
from backend.vocab import Role


def events_of(db, object_id: int, object_type: str = "hazard") -> list[DomainEvent]:
    return list(db.scalars(select(DomainEvent).where(DomainEvent.object_type == object_type,
                                                     DomainEvent.object_id == object_id)
                           .order_by(DomainEvent.id)))


def test_an_event_is_numbered_at_commit_and_dropped_with_a_rollback(db):
    before = db.scalar(select(func.count()).select_from(DomainEvent))
    kept = emit(db, "export.run", object_type="export", object_id=1, center_id=None,
                group_id=None, actor_id=None)
    savepoint = db.begin_nested()
    emit(db, "export.run", object_type="export", object_id=2, center_id=None, group_id=None,
         actor_id=None)
    savepoint.rollback()
    db.flush()
    assert kept.id is None  # not before the commit
    db.commit()
    assert db.scalar(select(func.count()).select_from(DomainEvent)) == before + 1
    assert kept.id is not None and len(kept.event_id) == 36


def test_the_hazard_workflow_emits_its_events(client, make):
    reporter = make.user(Role.inspector)
    manager = make.user(Role.center_manager)
    hazard = client.post("/api/v1/hazards", headers=make.headers(reporter), json={
        "title": "灭火器过期", "site_id": make.org.kitchen.id, "category": "fire",
        "photo_ids": [make.photo(reporter).id]}).json()
    plan = {"assignee_id": reporter.id, "measures": "更换", "cost_estimate": "0.1",
            "deadline": (today() + timedelta(days=3)).isoformat(), "interim_measures": "警示"}
    assert client.post(f"/api/v1/hazards/{hazard['id']}/actions/assign", json=plan,
                       headers=make.headers(manager)).status_code == 200
    found = events_of(make.db, hazard["id"])
    assert [e.type for e in found] == ["hazard.reported", "hazard.assigned"]
    assigned = found[1]
    assert (assigned.center_id, assigned.actor_id) == (make.org.catering.id, manager.id)
    assert assigned.data["from_status"] == "reported" and assigned.data["to_status"] == "assigned"
    assert assigned.data["action"] == "assign" and assigned.group_id == make.org.group.id
    assert assigned.data["changes"]["assignee_id"]["to"] == reporter.id
    assert found[0].id < assigned.id


def test_a_refused_action_leaves_no_event(client, make):
    """The timeline row and its event are written before the photos are linked; a photo that
    isn't the caller's refuses the whole action, and the event goes with the rollback."""
    reporter = make.user(Role.inspector)
    manager = make.user(Role.center_manager)
    hazard = make.hazard(reporter)
    make.db.commit()
    plan = {"assignee_id": reporter.id, "measures": "更换", "cost_estimate": "0.1",
            "deadline": (today() + timedelta(days=3)).isoformat(), "interim_measures": "警示"}
    assert client.post(f"/api/v1/hazards/{hazard.id}/actions/assign", json=plan,
                       headers=make.headers(manager)).status_code == 200
    stranger_photo = make.photo(make.user(Role.inspector)).id
    refused = client.post(f"/api/v1/hazards/{hazard.id}/actions/submit",
                          headers=make.headers(reporter),
                          json={"rectification": "已更换", "photo_ids": [stranger_photo]})
    assert refused.status_code == 422, refused.text
    assert [e.type for e in events_of(make.db, hazard.id)][-1] == "hazard.assigned"
