"""A day's later passes read only the hazards changed since the last pass that handled every
hazard it read (backend.workshare.Mark): on a live PostgreSQL database, a hazard held locked
during a pass is not lost to the mark."""

from datetime import timedelta
from functools import partial

import httpx
import pytest
from sqlalchemy import text

from backend import clock
from backend.deps import request_session
from backend.scheduler import run_once
from backend.vocab import Role


def test_a_hazard_locked_during_a_pass_is_reminded_by_a_later_one(live):
    """A pass skips a hazard someone holds locked and then leaves its day's mark where it was,
    so the next pass, though it reads only changed hazards, still reminds the skipped one."""
    if live.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite serialises writers)")
    session, make = live.factory()
    reporter, manager, worker = (make.user(Role.inspector), make.user(Role.center_manager),
                                 make.user(Role.inspector))
    tokens = {u.id: live.token(session, u) for u in (reporter, manager)}
    session.commit()
    ids = []
    for _ in range(2):
        hazard = httpx.post(f"{live.base_url}/api/v1/hazards", timeout=60, json={
            "title": "疏散指示灯不亮", "site_id": make.org.kitchen.id, "category": "fire",
            "photo_ids": [make.photo(reporter).id]},
            headers={"Authorization": f"Bearer {tokens[reporter.id]}"}).json()
        assigned = httpx.post(
            f"{live.base_url}/api/v1/hazards/{hazard['id']}/actions/assign", timeout=60,
            headers={"Authorization": f"Bearer {tokens[manager.id]}"},
            json={"assignee_id": worker.id, "measures": "更换", "cost_estimate": "0.1",
                  "deadline": (clock.today() + timedelta(days=1)).isoformat(),
                  "interim_measures": "警示"})
        assert assigned.status_code == 200, assigned.text
        ids.append(hazard["id"])
    sessions = partial(request_session, live.engine, read_only=False)
    later = clock.utcnow() + timedelta(days=3)  # overdue 2 days: reminded, not escalated
    with live.engine.connect() as holder:
        holder.execute(text("SELECT id FROM hazards WHERE id = :id FOR UPDATE"), {"id": ids[0]})
        assert run_once(sessions, live.settings, later).reminders == 1
        holder.rollback()
    assert run_once(sessions, live.settings, later).reminders == 1
    assert run_once(sessions, live.settings, later).reminders == 0
    session.close()
