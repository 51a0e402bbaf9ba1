"""Tasks: computed ahead, written once, done by a real inspection inside the window, missed
once after it; plan edits leave written tasks as they were."""

import base64
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from backend.clock import frozen
from backend.events.models import DomainEvent
from backend.plans import tasks
from backend.plans.models import PatrolTask
from backend.vocab import Role
from tests.plans.support import MONDAY, at_local, create_plan, module_with, submit_inspection


def _setup(client, make, db, **overrides):
    inspector = make.user(Role.inspector, center=make.org.catering)
    manager = make.user(Role.center_manager, center=make.org.catering)
    module_id, items = module_with(db)
    with frozen(at_local(MONDAY, 7)):
        plan = create_plan(client, make, manager, module_id, [inspector], **overrides)
    return inspector, manager, module_id, items, plan


def _tasks(client, make, user, **params):
    resp = client.get("/api/v1/tasks", headers=make.headers(user), params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def _events(db, event_type):
    return list(db.scalars(select(DomainEvent).where(DomainEvent.type == event_type)))


def test_a_future_task_is_computed_then_written_once(client, make, db):
    inspector, _, _, _, plan = _setup(client, make, db)
    with frozen(at_local(MONDAY, 7)):
        ahead = _tasks(client, make, inspector, date=(MONDAY + timedelta(days=2)).isoformat())
        assert [(t["id"], t["plan_id"], t["state"]) for t in ahead] == [(None, plan["id"], "due")]
        assert ahead[0]["window_start_at"] == "2026-03-04T00:00:00Z"
        assert tasks.materialize(db, MONDAY) == 1
        assert tasks.materialize(db, MONDAY) == 0
        db.commit()
        today = _tasks(client, make, inspector)
    assert len(today) == 1 and today[0]["id"] is not None
    assert db.scalar(select(func.count()).select_from(PatrolTask)) == 1


def test_an_inspection_inside_the_window_does_the_task(client, make, db):
    inspector, _, module_id, items, plan = _setup(client, make, db)
    with frozen(at_local(MONDAY, 9, 30)):
        iid = submit_inspection(client, make, inspector, module_id, items)
        [task] = _tasks(client, make, inspector)
    assert task["state"] == "done" and task["inspection_id"] == iid
    assert [e.object_id for e in _events(db, "task.done")] == [task["id"]]
    with frozen(at_local(MONDAY, 12)):
        db.expire_all()
        assert tasks.mark_missed(db, at_local(MONDAY, 12)) == 0


def test_an_inspection_outside_the_window_leaves_the_task_missed(client, make, db):
    inspector, manager, module_id, items, plan = _setup(client, make, db)
    with frozen(at_local(MONDAY, 7, 59)):
        submit_inspection(client, make, inspector, module_id, items)  # before it opens
    with frozen(at_local(MONDAY, 11, 0)):
        submit_inspection(client, make, inspector, module_id, items)  # as it closes
        [task] = _tasks(client, make, inspector)
        assert task["state"] == "due"
        now = at_local(MONDAY, 11).astimezone(UTC)
        assert tasks.mark_missed(db, now) == 1
        assert tasks.mark_missed(db, now + timedelta(hours=1)) == 0
        db.commit()
        [task] = _tasks(client, make, manager, state="missed")
    assert task["inspection_id"] is None
    assert [e.object_id for e in _events(db, "task.missed")] == [task["id"]]


def test_a_window_ending_23_59_local_closes_at_15_59_utc(client, make, db):
    inspector, _, module_id, items, _ = _setup(client, make, db, window_start="00:00",
                                               window_end="23:59")
    with frozen(at_local(MONDAY, 23, 58)):
        [task] = _tasks(client, make, inspector)
        assert task["window_end_at"] == "2026-03-02T15:59:00Z"
        submit_inspection(client, make, inspector, module_id, items)
        assert _tasks(client, make, inspector)[0]["state"] == "done"


def test_plan_edits_keep_written_tasks(client, make, db):
    inspector, manager, _, _, plan = _setup(client, make, db)
    other = make.user(Role.inspector, center=make.org.catering)
    with frozen(at_local(MONDAY, 7)):
        tasks.materialize(db, MONDAY)
        db.commit()
        resp = client.patch(f"/api/v1/plans/{plan['id']}", headers=make.headers(manager), json={
            "window_start": "14:00", "window_end": "16:00", "inspector_ids": [other.id]})
        assert resp.status_code == 200, resp.text
        [kept] = _tasks(client, make, inspector)
        assert kept["window_start_at"] == "2026-03-02T00:00:00Z"
        assert kept["assignee_ids"] == [inspector.id]
        tomorrow = (MONDAY + timedelta(days=1)).isoformat()
        assert _tasks(client, make, inspector, date=tomorrow) == []
        [moved] = _tasks(client, make, other, date=tomorrow)
        assert moved["window_start_at"] == "2026-03-03T06:00:00Z"


def test_who_sees_which_tasks(client, make, db):
    inspector, manager, _, _, plan = _setup(client, make, db)
    colleague = make.user(Role.inspector, center=make.org.catering)
    stranger = make.user(Role.center_manager, center=make.org.property)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    with frozen(at_local(MONDAY, 7)):
        assert len(_tasks(client, make, inspector)) == 1
        assert _tasks(client, make, colleague) == []
        assert len(_tasks(client, make, colleague, mine="false")) == 1
        assert len(_tasks(client, make, manager)) == 1
        assert len(_tasks(client, make, qa)) == 1
        assert _tasks(client, make, stranger) == []


def test_tasks_are_paged(client, make, db):
    inspector, manager, module_id, _, _ = _setup(client, make, db)
    for hour in (9, 10):
        create_plan(client, make, manager, module_id, [inspector],
                    window_start=f"{hour:02d}:00", window_end=None)
    with frozen(at_local(MONDAY, 7)):
        seen, cursor = [], None
        while True:
            params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
            resp = client.get("/api/v1/tasks", headers=make.headers(inspector), params=params)
            seen += [t["window_start_at"] for t in resp.json()["items"]]
            cursor = resp.json()["next_cursor"]
            if cursor is None:
                break
    assert seen == sorted(seen) and len(seen) == 3
    # not a cursor this API wrote: a time without its zone answered 500 (review-11 B2)
    aware = "2026-03-02T00:00:00+08:00"
    for key in ("x", ["2026-03-02T00:00:00", 0, 0, 0, 0], [aware, -1, 0, 0, 0], [aware, 0, 0],
                [aware, 0, 0, 0, True]):
        cursor = key if isinstance(key, str) else base64.urlsafe_b64encode(
            json.dumps(key).encode()).decode()
        bad = client.get("/api/v1/tasks", headers=make.headers(inspector),
                         params={"cursor": cursor})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_cursor", key


def test_every_n_days_across_a_month_end(db, client, make):
    inspector, _, _, _, _ = _setup(client, make, db, frequency="every_n_days",
                                   interval_days=10)
    with frozen(datetime(2026, 3, 1, tzinfo=UTC)):
        due = [d for d in ("2026-03-12", "2026-03-22", "2026-04-01", "2026-04-02")
               if _tasks(client, make, inspector, date=d)]
    assert due == ["2026-03-12", "2026-03-22", "2026-04-01"]


def test_the_scheduler_writes_the_days_tasks_and_marks_ended_ones_missed(client, make, db, app):
    from tests.notifications.helpers import run_scheduler

    _setup(client, make, db)
    morning = run_scheduler(app, at_local(MONDAY, 7))
    assert (morning.tasks_written, morning.tasks_missed) == (1, 0)
    assert run_scheduler(app, at_local(MONDAY, 7, 5)).tasks_written == 0  # written once
    noon = run_scheduler(app, at_local(MONDAY, 12))  # the 08:00-11:00 window has ended
    assert (noon.tasks_written, noon.tasks_missed) == (0, 1)
    assert run_scheduler(app, at_local(MONDAY, 13)).tasks_missed == 0  # missed once
    assert len(_events(db, "task.missed")) == 1
