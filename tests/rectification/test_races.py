"""附表3 entry writes raced on a live server (real commits, real threads; SQLite and
PostgreSQL): a hazard is planned once however many entries for it are sent at once, a create
retried with one Idempotency-Key makes one entry, one of N changes (or deletes) based on one
version wins and the others are 412."""

import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from backend.events.models import DomainEvent
from backend.rectification.models import RectificationEntry, RectificationYear
from backend.vocab import Role
from tests.races.test_writes import N, race
from tests.rectification.support import standalone


@pytest.fixture(scope="module")
def world(live):
    session, make = live.factory()
    manager = make.user(Role.center_manager, center=make.org.catering)
    reporter = make.user(Role.inspector, center=make.org.catering)
    token = live.token(session, manager)

    def call(method, path, **kw) -> httpx.Response:  # noqa: ANN001
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        return httpx.request(method, f"{live.base_url}/api/v1/rectification-entries{path}",
                             headers=headers, timeout=60, **kw)

    yield session, make, call, reporter
    session.close()


def _count(session, *where) -> int:  # noqa: ANN001
    session.rollback()
    n = session.scalar(select(func.count()).select_from(RectificationEntry).where(*where)) or 0
    session.commit()
    return n


def test_a_hazard_is_planned_once(world):
    session, make, call, reporter = world
    hazard = make.hazard(reporter)
    responses = race(N, lambda i: call("POST", "", json={
        "hazard_id": hazard.id, "measures": f"方案{i}"}))
    assert sorted(r.status_code for r in responses) == [201] + [409] * (N - 1), \
        [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "rectification_hazard_planned"}
    assert _count(session, RectificationEntry.hazard_id == hazard.id) == 1


def test_one_idempotency_key_makes_one_entry(world):
    session, _, call, _ = world
    key = str(uuid.uuid4())
    responses = race(N, lambda _: call("POST", "", json=standalone(),
                                       headers={"Idempotency-Key": key}))
    assert Counter(r.status_code for r in responses) == {201: 1, 200: N - 1}, \
        [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert _count(session, RectificationEntry.client_id == key) == 1


def test_one_of_n_changes_of_a_version_wins(world):
    session, _, call, _ = world
    entry_id = call("POST", "", json=standalone()).json()["id"]
    responses = race(N, lambda i: call("PATCH", f"/{entry_id}", headers={"If-Match": '"1"'},
                                       json={"years": [{"year": 2024 + i % 3, "cost": str(i)}]}))
    assert sorted(r.status_code for r in responses) == [200] + [412] * (N - 1)
    winner = next(r.json() for r in responses if r.status_code == 200)
    session.rollback()
    years = list(session.scalars(select(RectificationYear.cost).where(
        RectificationYear.entry_id == entry_id)))
    session.commit()
    assert [str(c) for c in years] == [winner["years"][0]["cost"]] and winner["version"] == 2


def test_one_of_n_deletes_wins(world):
    session, _, call, _ = world
    entry_id = call("POST", "", json=standalone()).json()["id"]
    responses = race(N, lambda _: call("DELETE", f"/{entry_id}"))
    codes = Counter(r.status_code for r in responses)
    assert codes[204] == 1 and set(codes) <= {204, 404, 409}, [r.text for r in responses]
    assert _count(session, RectificationEntry.id == entry_id) == 0
    session.rollback()
    deleted = session.scalar(select(func.count()).select_from(DomainEvent).where(
        DomainEvent.type == "rectification.entry_deleted", DomainEvent.object_id == entry_id))
    session.commit()
    assert deleted == 1
