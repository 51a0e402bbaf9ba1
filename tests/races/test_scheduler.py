"""Two scheduler passes at once on a live server's database (real commits, real threads; on
PostgreSQL the SKIP LOCKED batches and the cursor lock, on SQLite the write lock): every
notification, reminder and escalation is written once (patrol tasks': test_scheduler_tasks)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from threading import Barrier

import httpx
from sqlalchemy import func, select

from backend import clock
from backend.deps import request_session
from backend.escalations.models import Escalation
from backend.scheduler import PassResult, run_once
from backend.vocab import Role

HAZARDS = 6


def test_two_schedulers_at_once_write_each_reminder_once(live):
    session, make = live.factory()
    reporter, manager, worker = (make.user(Role.inspector), make.user(Role.center_manager),
                                 make.user(Role.inspector))
    qa = make.user(Role.qa_officer, center=make.org.qa)
    tokens = {u.id: live.token(session, u) for u in (reporter, manager, worker, qa)}

    def call(user, method, path, **kw) -> httpx.Response:  # noqa: ANN001
        return httpx.request(method, f"{live.base_url}/api/v1{path}", timeout=60,
                             headers={"Authorization": f"Bearer {tokens[user.id]}"}, **kw)

    for _ in range(HAZARDS):
        photo = make.photo(reporter).id
        hazard = call(reporter, "POST", "/hazards", json={
            "title": "灭火器压力不足", "site_id": make.org.kitchen.id, "category": "fire",
            "photo_ids": [photo]}).json()
        assigned = call(manager, "POST", f"/hazards/{hazard['id']}/actions/assign", json={
            "assignee_id": worker.id, "measures": "更换", "cost_estimate": "0.1",
            "deadline": (clock.today() + timedelta(days=1)).isoformat(),
            "interim_measures": "警示"})
        assert assigned.status_code == 200, assigned.text

    sessions = partial(request_session, live.engine, read_only=False)
    later = clock.utcnow() + timedelta(days=10)  # overdue 9 days: both escalation levels
    gate = Barrier(2)

    def scheduler(_: int) -> PassResult:
        gate.wait()
        return run_once(sessions, live.settings, later)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(scheduler, range(2)))
    again = run_once(sessions, live.settings, later)

    assert sum(r.escalations for r in results) == 2 * HAZARDS and again.escalations == 0
    assert sum(r.reminders for r in results) == HAZARDS and again.reminders == 0

    def inbox(user) -> list[str]:  # noqa: ANN001
        resp = call(user, "GET", "/notifications", params={"limit": 200})
        assert resp.status_code == 200, resp.text
        return sorted(n["kind"] for n in resp.json()["items"])

    assert inbox(worker) == ["hazard_assigned"] * HAZARDS + ["overdue"] * HAZARDS
    assert inbox(manager) == ["escalated"] * HAZARDS
    assert inbox(qa) == ["escalated"] * HAZARDS
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Escalation)) == 2 * HAZARDS
    session.close()


