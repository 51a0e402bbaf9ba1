"""Time-driven reminders and the escalation ladder, with the clock moved by
``backend.clock.frozen``: each is written once per object and day however often the
scheduler runs."""

from datetime import timedelta

from backend import clock
from backend.clock import frozen
from backend.vocab import Role
from tests.notifications.helpers import Scene, inbox, kinds, run_scheduler


def _days_later(days: int):  # noqa: ANN202
    return frozen(clock.utcnow() + timedelta(days=days))


def test_the_assignee_is_reminded_once_three_days_before_the_deadline(client, make, app):
    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=5))
    with _days_later(1):
        run_scheduler(app)  # four days left: not yet
    assert kinds(client, make, scene.worker) == ["hazard_assigned"]
    for day in (2, 2, 3, 5):
        with _days_later(day):
            run_scheduler(app)
    soon = [n for n in inbox(client, make, scene.worker) if n["kind"] == "deadline_soon"]
    assert len(soon) == 1 and "还有 3 天" in soon[0]["body"]


def test_overdue_is_reminded_daily_while_overdue_and_stops_when_submitted(client, make, app):
    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=1))
    for day in (2, 2, 3):  # two runs on the first overdue day, one on the next
        with _days_later(day):
            run_scheduler(app)
    overdue = [n for n in inbox(client, make, scene.worker) if n["kind"] == "overdue"]
    assert [n["body"].split("已逾期 ")[1][:3] for n in overdue] == ["2 天", "1 天"]
    scene.submit()
    with _days_later(4):
        run_scheduler(app)
    assert kinds(client, make, scene.worker).count("overdue") == 2


def test_escalation_after_3_and_7_days(client, make, app):
    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=1))
    leader = make.user(Role.leader)
    with _days_later(3):  # overdue 2 days
        assert run_scheduler(app).escalations == 0
    with _days_later(4):  # overdue 3 days: the center's managers
        assert run_scheduler(app).escalations == 1
        assert run_scheduler(app).escalations == 0
    assert kinds(client, make, scene.manager) == ["escalated"]
    assert inbox(client, make, scene.qa) == []
    with _days_later(8):  # overdue 7 days: 质监办
        assert run_scheduler(app).escalations == 1
    with _days_later(9):
        assert run_scheduler(app).escalations == 0
    [to_qa] = inbox(client, make, scene.qa)
    assert to_qa["kind"] == "escalated" and "质监办" in to_qa["title"]
    assert "已逾期 7 天" in to_qa["body"]
    assert kinds(client, make, scene.manager) == ["escalated"]
    for reader in (scene.qa, leader, scene.manager):
        listed = client.get("/api/v1/escalations", headers=make.headers(reader)).json()["items"]
        assert [(e["level"], e["days_overdue"], e["object_id"]) for e in listed] == \
            [(2, 7, scene.hazard.id), (1, 3, scene.hazard.id)]
    level_two = client.get("/api/v1/escalations", params={"level": 2},
                           headers=make.headers(scene.qa)).json()["items"]
    assert len(level_two) == 1


def test_a_late_first_run_escalates_both_levels_at_once(client, make, app):
    """The scheduler was down for a week: both levels are reached, each written once."""
    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=1))
    with _days_later(10):
        assert run_scheduler(app).escalations == 2
    assert kinds(client, make, scene.manager) == ["escalated"]
    assert kinds(client, make, scene.qa) == ["escalated"]


def test_escalations_are_domain_events(client, make, app):
    from sqlalchemy import select

    from backend.events.models import DomainEvent

    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=1))
    with _days_later(5):
        run_scheduler(app)
    [event] = make.db.scalars(select(DomainEvent).where(DomainEvent.type == "hazard.escalated",
                                                        DomainEvent.object_id == scene.hazard.id))
    assert event.data["level"] == 1 and event.actor_id is None
    assert event.center_id == make.org.catering.id


def test_a_hazard_sent_back_mid_day_is_reminded_by_the_next_pass(client, make, app):
    """A pass after the day's first reads only the hazards changed since (their events): one
    rejected back to rectification after the day's first pass is reminded that same day."""
    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=1))
    scene.submit()
    with _days_later(3):
        assert run_scheduler(app).reminders == 0  # submitted: the wait is the verifier's
        scene.do(scene.manager, "reject", {"reason": "照片看不清"})
        assert run_scheduler(app).reminders == 1
        assert run_scheduler(app).reminders == 0
    assert kinds(client, make, scene.worker).count("overdue") == 1


def test_a_changed_ladder_reads_every_hazard_again(client, make, app):
    """The day's mark names the settings its rows depend on: a ladder shortened mid-day
    escalates the hazards it now reaches, though none of them changed."""
    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=1))
    settings = app.state.settings
    with _days_later(3):  # overdue 2 days: short of the manager's 3
        assert run_scheduler(app).escalations == 0
        before = settings.escalate_manager_after_days
        settings.escalate_manager_after_days = 2
        try:
            assert run_scheduler(app).escalations == 1
        finally:
            settings.escalate_manager_after_days = before
