"""Each event-driven kind through the public API: the change over HTTP, one scheduler pass,
the recipient's GET /notifications."""

from datetime import timedelta

from sqlalchemy import update

from backend import clock
from backend.events.cursors import WorkerCursor
from backend.vocab import Grade, Role
from tests.notifications.helpers import Scene, inbox, kinds, run_scheduler


def test_the_assignee_is_told_and_the_manager_who_assigned_is_not(client, make, app):
    scene = Scene(client, make)
    scene.assign()
    run_scheduler(app)
    [told] = inbox(client, make, scene.worker)
    assert (told["kind"], told["object_type"], told["object_id"]) == \
        ("hazard_assigned", "hazard", scene.hazard.id)
    assert "灭火器压力不足" in told["body"] and told["read_at"] is None
    assert inbox(client, make, scene.manager) == []


def test_a_submitted_general_hazard_waits_for_the_center_managers(client, make, app):
    scene = Scene(client, make)
    other_center_manager = make.user(Role.center_manager, center=make.org.property)
    scene.assign()
    scene.submit()
    run_scheduler(app)
    assert kinds(client, make, scene.manager) == ["hazard_to_verify"]
    assert inbox(client, make, other_center_manager) == []
    assert inbox(client, make, scene.qa) == []
    assert kinds(client, make, scene.worker) == ["hazard_assigned"]  # not asked to verify


def test_a_submitted_major_hazard_waits_for_qa_only(client, make, app):
    scene = Scene(client, make, grade=Grade.major)
    scene.assign()
    scene.submit()
    run_scheduler(app)
    assert kinds(client, make, scene.qa) == ["hazard_to_verify"]
    assert inbox(client, make, scene.manager) == []


def test_nobody_is_asked_to_verify_their_own_work(client, make, app):
    """The manager assigns the hazard to themself: 质监办 is asked instead."""
    scene = Scene(client, make)
    scene.do(scene.manager, "assign", {
        "assignee_id": scene.manager.id, "measures": "更换", "cost_estimate": "0.1",
        "deadline": (clock.today() + timedelta(days=5)).isoformat(), "interim_measures": "警示"})
    scene.do(scene.manager, "submit", {"description": "已更换",
                                        "photo_ids": [make.photo(scene.manager).id]})
    run_scheduler(app)
    assert inbox(client, make, scene.manager) == []
    assert kinds(client, make, scene.qa) == ["hazard_to_verify"]


def test_a_rejection_tells_the_assignee_why(client, make, app):
    scene = Scene(client, make)
    scene.assign()
    scene.submit()
    scene.do(scene.manager, "reject", {"reason": "照片看不清"})
    run_scheduler(app)
    rejected = [n for n in inbox(client, make, scene.worker) if n["kind"] == "hazard_rejected"]
    assert len(rejected) == 1 and "照片看不清" in rejected[0]["body"]
    # already rejected when the pass ran: the managers are no longer asked to verify it
    assert inbox(client, make, scene.manager) == []


def test_an_extension_decision_tells_the_requester(client, make, app):
    scene = Scene(client, make)
    scene.assign()
    later = clock.today() + timedelta(days=20)
    scene.do(scene.worker, "request_extension", {"deadline": later.isoformat(),
                                                 "reason": "配件未到"})
    scene.do(scene.manager, "approve_extension")
    scene.do(scene.worker, "request_extension", {
        "deadline": (later + timedelta(days=5)).isoformat(), "reason": "再延"})
    scene.do(scene.qa, "deny_extension", {"comment": "不再延期"})
    run_scheduler(app)
    decided = [n for n in inbox(client, make, scene.worker) if n["kind"] == "extension_decided"]
    assert [n["title"] for n in decided] == ["延期申请未批准", "延期申请已批准"]  # newest first
    assert f"延至 {later.month}月{later.day}日" in decided[1]["body"]
    assert later.isoformat() not in decided[1]["body"]


def test_a_rolled_back_change_notifies_nobody(client, make, app):
    """A submit refused half-way (a photo that isn't the worker's) wrote its event before the
    refusal; the rollback takes the event, so there is nothing to notify."""
    scene = Scene(client, make)
    scene.assign()
    stranger_photo = make.photo(make.user(Role.inspector)).id
    refused = client.post(f"/api/v1/hazards/{scene.hazard.id}/actions/submit",
                          headers=make.headers(scene.worker),
                          json={"description": "已更换", "photo_ids": [stranger_photo]})
    assert refused.status_code == 422
    run_scheduler(app)
    assert inbox(client, make, scene.manager) == []


def test_a_replay_of_the_events_writes_nothing_twice(client, make, app):
    """After a crash between the notifications and the cursor the events are read again."""
    scene = Scene(client, make)
    scene.assign()
    assert run_scheduler(app).notifications == 1
    make.db.execute(update(WorkerCursor).values(last_event_id=0))
    make.db.commit()
    assert run_scheduler(app).notifications == 0
    assert kinds(client, make, scene.worker) == ["hazard_assigned"]
