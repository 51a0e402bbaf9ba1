"""Patrol coverage per site and per inspector over a period: done, missed, open, by whom;
each reader sees the centers they may."""

from datetime import timedelta

import pytest

from backend.clock import frozen
from backend.plans import tasks
from backend.vocab import Role
from tests.plans.support import MONDAY, at_local, create_plan, module_with, submit_inspection

TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
PERIOD = {"from": MONDAY.isoformat(), "to": WEDNESDAY.isoformat()}


@pytest.fixture
def patrolled(client, make, db):
    """The kitchen: Monday done, Tuesday missed, Wednesday still open (09:00); the dorm of the
    property center: Monday and Tuesday missed, Wednesday open."""
    inspector = make.user(Role.inspector, center=make.org.catering)
    manager = make.user(Role.center_manager, center=make.org.catering)
    porter = make.user(Role.inspector, center=make.org.property)
    property_manager = make.user(Role.center_manager, center=make.org.property)
    module_id, items = module_with(db)
    with frozen(at_local(MONDAY, 7)):
        create_plan(client, make, manager, module_id, [inspector])
        create_plan(client, make, property_manager, module_id, [porter],
                    site_id=make.org.dorm.id)
    for day in (MONDAY, TUESDAY, WEDNESDAY):
        tasks.materialize(db, day)
    db.commit()
    with frozen(at_local(MONDAY, 9)):
        submit_inspection(client, make, inspector, module_id, items)
    tasks.mark_missed(db, at_local(WEDNESDAY, 9))
    db.commit()
    return {"inspector": inspector, "manager": manager, "porter": porter}


def coverage(client, make, user, by: str, **params):
    with frozen(at_local(WEDNESDAY, 9)):
        return client.get(f"/api/v1/tasks/coverage/{by}", headers=make.headers(user),
                          params={**PERIOD, **params})


def counts(row: dict) -> tuple:
    return row["tasks"], row["done"], row["missed"], row["open"], row["done_rate"]


def test_a_manager_sees_their_centers_sites(client, make, patrolled):
    resp = coverage(client, make, patrolled["manager"], "sites")
    assert resp.status_code == 200, resp.text
    [kitchen] = resp.json()
    assert kitchen["site_id"] == make.org.kitchen.id
    assert kitchen["center_name"] == make.org.catering.name
    assert counts(kitchen) == (3, 1, 1, 1, 0.5)


def test_qa_sees_every_center_most_missed_first(client, make, patrolled):
    qa = make.user(Role.qa_officer, center=make.org.qa)
    rows = coverage(client, make, qa, "sites").json()
    assert [r["site_id"] for r in rows] == [make.org.dorm.id, make.org.kitchen.id]
    assert counts(rows[0]) == (3, 0, 2, 1, 0.0)
    one = coverage(client, make, qa, "sites", center_id=make.org.catering.id).json()
    assert [r["site_id"] for r in one] == [make.org.kitchen.id]


def test_per_inspector_done_by_the_submitter_missed_by_the_named(client, make, patrolled):
    qa = make.user(Role.qa_officer, center=make.org.qa)
    rows = {r["inspector_id"]: r for r in coverage(client, make, qa, "inspectors").json()}
    assert counts(rows[patrolled["inspector"].id]) == (3, 1, 1, 1, 0.5)
    assert counts(rows[patrolled["porter"].id]) == (3, 0, 2, 1, 0.0)
    assert rows[patrolled["porter"].id]["inspector_name"] == patrolled["porter"].display_name


def test_a_period_outside_the_tasks_is_empty_and_a_bad_one_refused(client, make, patrolled):
    manager = patrolled["manager"]
    early = {"from": (MONDAY - timedelta(days=9)).isoformat(),
             "to": (MONDAY - timedelta(days=1)).isoformat()}
    assert coverage(client, make, manager, "sites", **early).json() == []
    for bad in ({"from": WEDNESDAY.isoformat(), "to": MONDAY.isoformat()},
                {"from": (WEDNESDAY - timedelta(days=366)).isoformat()}):
        resp = coverage(client, make, manager, "inspectors", **bad)
        assert resp.status_code == 422
        assert resp.json()["error"]["code"] == "coverage_period_invalid"


@pytest.mark.parametrize("role", [Role.inspector, Role.admin])
def test_inspectors_and_admins_read_no_coverage(client, make, role):
    user = make.user(role)
    for by in ("sites", "inspectors"):
        assert coverage(client, make, user, by).status_code == 403
