"""Two scheduler passes at once on a live server's database, with patrol tasks (as
test_scheduler): the day's tasks, their ``task_due`` and ``task_missed`` notices and a hazard's
``hazard.overdue`` event are each written once."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from threading import Barrier

import httpx
from sqlalchemy import func, select

from backend import clock
from backend.deps import request_session
from backend.events.models import DomainEvent
from backend.modules.models import PatrolModule
from backend.modules.service import load_catalogue
from backend.notifications.models import Notification
from backend.plans.models import PatrolTask
from backend.scheduler import PassResult, run_once
from backend.vocab import Role
from tests.inspections.test_inspections import module_with
from tests.plans.support import at_local


def test_two_schedulers_at_once_tell_of_tasks_and_overdue_once(live):
    """Patrol tasks' notices and ``hazard.overdue`` under two concurrent passes: the day's
    ``task_due`` to each assignee, the misses' ``task_missed`` to the assignee and the
    manager, the task itself and the overdue event, each written once."""
    session, make = live.factory()
    if session.scalar(select(func.count()).select_from(PatrolModule)) == 0:
        load_catalogue(session)
    inspector, manager = make.user(Role.inspector), make.user(Role.center_manager)
    reporter = make.user(Role.inspector)
    module_id, _ = module_with(session)
    session.commit()
    tokens = {u.id: live.token(session, u) for u in (inspector, manager, reporter)}

    def call(user, method, path, **kw) -> httpx.Response:  # noqa: ANN001
        return httpx.request(method, f"{live.base_url}/api/v1{path}", timeout=60,
                             headers={"Authorization": f"Bearer {tokens[user.id]}"}, **kw)

    day = clock.today() + timedelta(days=30)
    plan = call(manager, "POST", "/plans", json={
        "name": "并发提醒", "site_id": make.org.kitchen.id, "module_id": module_id,
        "frequency": "daily", "window_start": "08:00", "window_end": "11:00",
        "inspector_ids": [inspector.id], "starts_on": day.isoformat()})
    assert plan.status_code == 201, plan.text
    hazard = call(reporter, "POST", "/hazards", json={
        "title": "配电箱未上锁", "site_id": make.org.kitchen.id, "category": "water_power",
        "photo_ids": [make.photo(reporter).id]}).json()
    assigned = call(manager, "POST", f"/hazards/{hazard['id']}/actions/assign", json={
        "assignee_id": inspector.id, "measures": "加锁", "cost_estimate": "0",
        "deadline": (day - timedelta(days=2)).isoformat(), "interim_measures": "警示"})
    assert assigned.status_code == 200, assigned.text
    sessions = partial(request_session, live.engine, read_only=False)

    def two_at(when) -> list[PassResult]:  # noqa: ANN001
        gate = Barrier(2)

        def scheduler(_: int) -> PassResult:
            gate.wait()
            return run_once(sessions, live.settings, when)

        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(scheduler, range(2)))

    two_at(at_local(day, 7))
    two_at(at_local(day, 12))
    run_once(sessions, live.settings, at_local(day, 13))

    def count(model, *where) -> int:  # noqa: ANN001
        session.rollback()  # a fresh snapshot
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def kinds(user) -> list[str]:  # noqa: ANN001
        return sorted(k for k in session.scalars(select(Notification.kind).where(
            Notification.user_id == user.id)))

    assert count(PatrolTask, PatrolTask.plan_id == plan.json()["id"]) == 1
    assert count(DomainEvent, DomainEvent.type == "hazard.overdue",
                 DomainEvent.object_id == hazard["id"]) == 1
    assert count(DomainEvent, DomainEvent.type == "task.missed") >= 1
    assert kinds(inspector) == ["hazard_assigned", "overdue", "task_due", "task_missed"]
    assert kinds(manager).count("task_missed") == 1
    session.close()
