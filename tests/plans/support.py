"""Helpers for plan tests: a plan through the API, an inspection submitted through the API."""

import uuid
from datetime import date, datetime, time

from backend.clock import SHANGHAI
from tests.inspections.test_inspections import module_with, passing

MONDAY = date(2026, 3, 2)


def at_local(day: date, hh: int, mm: int = 0) -> datetime:
    """The instant of Asia/Shanghai wall time ``hh:mm`` on ``day``."""
    return datetime.combine(day, time(hh, mm), SHANGHAI)


def plan_body(make, module, inspectors, **overrides):
    body = {"name": "后厨日管控", "site_id": make.org.kitchen.id, "module_id": module,
            "frequency": "daily", "window_start": "08:00", "window_end": "11:00",
            "inspector_ids": [u.id for u in inspectors], "starts_on": MONDAY.isoformat()}
    return {**body, **overrides}


def create_plan(client, make, manager, module_id, inspectors, **overrides):
    resp = client.post("/api/v1/plans", headers=make.headers(manager),
                       json=plan_body(make, module_id, inspectors, **overrides))
    assert resp.status_code == 201, resp.text
    return resp.json()


def submit_inspection(client, make, inspector, module_id, items, site=None,
                      kind: str = "routine") -> int:
    headers = make.headers(inspector)
    resp = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": module_id, "site_id": (site or make.org.kitchen).id, "kind": kind,
        "client_id": str(uuid.uuid4())})
    assert resp.status_code == 201, resp.text
    iid = resp.json()["id"]
    assert client.put(f"/api/v1/inspections/{iid}/answers", headers=headers, json={
        "answers": [passing(i) for i in items]}).status_code == 200
    resp = client.post(f"/api/v1/inspections/{iid}/submit", headers=headers)
    assert resp.status_code == 200, resp.text
    return iid


__all__ = ["MONDAY", "at_local", "create_plan", "module_with", "plan_body", "submit_inspection"]
