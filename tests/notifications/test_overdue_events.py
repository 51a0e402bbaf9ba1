"""``hazard.overdue``: emitted by the scheduler once per hazard and deadline (an extended
deadline that passes too emits again); and notification bodies say dates as 12月7日."""

from datetime import date, timedelta

from sqlalchemy import select

from backend import clock
from backend.clock import frozen, month_day
from backend.events.models import DomainEvent
from tests.notifications.helpers import Scene, inbox, run_scheduler


def _days_later(days: int):  # noqa: ANN202
    return frozen(clock.utcnow() + timedelta(days=days))


def _overdue_events(db, hazard_id: int) -> list[DomainEvent]:  # noqa: ANN001
    return list(db.scalars(select(DomainEvent).where(DomainEvent.type == "hazard.overdue",
                                                     DomainEvent.object_id == hazard_id)
                           .order_by(DomainEvent.id)))


def test_overdue_is_an_event_once_per_deadline(client, make, app):
    scene = Scene(client, make)
    deadline = clock.today() + timedelta(days=1)
    scene.assign(deadline=deadline)
    with _days_later(1):  # the deadline's own day: not yet overdue
        assert run_scheduler(app).overdue == 0
    for day in (2, 2, 3):
        with _days_later(day):
            run_scheduler(app)
    [event] = _overdue_events(make.db, scene.hazard.id)
    assert event.data == {"due_on": deadline.isoformat(), "days_overdue": 1}
    assert event.actor_id is None and event.center_id == make.org.catering.id
    later = clock.today() + timedelta(days=6)
    scene.do(scene.worker, "request_extension", {"deadline": later.isoformat(),
                                                 "reason": "配件未到"})
    scene.do(scene.manager, "approve_extension")
    with _days_later(5):  # extended: no longer overdue
        assert run_scheduler(app).overdue == 0
    with _days_later(7):  # the new deadline passed too
        assert run_scheduler(app).overdue == 1
        assert run_scheduler(app).overdue == 0
    assert [e.data["due_on"] for e in _overdue_events(make.db, scene.hazard.id)] == \
        [deadline.isoformat(), later.isoformat()]


def test_a_closed_hazard_is_never_overdue(client, make, app):
    scene = Scene(client, make)
    scene.assign(deadline=clock.today() + timedelta(days=1))
    scene.submit()
    scene.do(scene.manager, "verify")
    with _days_later(5):
        assert run_scheduler(app).overdue == 0
    assert _overdue_events(make.db, scene.hazard.id) == []


def test_month_day_is_the_chinese_form():
    assert month_day(date(2026, 12, 7)) == "12月7日"
    assert month_day("2027-01-05") == "1月5日"
    assert month_day("2027-01-05T00:00:00+08:00") == "1月5日"
    assert month_day(None) == ""


def test_every_hazard_notification_says_its_dates_in_chinese(client, make, app):
    scene = Scene(client, make)
    deadline = clock.today() + timedelta(days=2)
    scene.assign(deadline=deadline)
    later = deadline + timedelta(days=1)
    scene.do(scene.worker, "request_extension", {"deadline": later.isoformat(),
                                                 "reason": "配件未到"})
    scene.do(scene.manager, "approve_extension")
    for day in (0, 8):  # deadline soon, then overdue past both escalation levels
        with _days_later(day):
            run_scheduler(app)
    bodies = {n["kind"]: n["body"] for user in (scene.worker, scene.manager, scene.qa)
              for n in inbox(client, make, user)}
    assert set(bodies) == {"hazard_assigned", "extension_decided", "deadline_soon", "overdue",
                           "escalated"}
    for kind, body in bodies.items():
        expected = month_day(later)  # each body reads the hazard when it is notified
        assert expected in body, (kind, body)
        assert "-" not in body.replace("「", "").split("」")[-1], (kind, body)
