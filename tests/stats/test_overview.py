"""GET /stats/overview against the hand-built data set (tests/stats/dataset.py): every figure
exact, for 质监办, a center's manager and one center; the period's rules; who may read."""

import pytest

from backend import clock
from backend.vocab import Role
from tests.stats.dataset import NOW, PERIOD, build

URL = "/api/v1/stats/overview"

FIGURES_C = dict(open=3, major_open=1, overdue=1, reported=5, cancelled=0, closed=2,
                 closed_on_time=1, closure_rate=0.4, on_time_rate=0.5, tasks_due=5,
                 tasks_done=3, tasks_missed=1, tasks_pending=1, completion_rate=0.75,
                 drills_this_year=2, trainings_this_year=1)
FIGURES_P = dict(open=1, major_open=0, overdue=1, reported=3, cancelled=1, closed=2,
                 closed_on_time=2, closure_rate=1.0, on_time_rate=1.0, tasks_due=2,
                 tasks_done=1, tasks_missed=1, tasks_pending=0, completion_rate=0.5,
                 drills_this_year=0, trainings_this_year=1)
NOTHING = dict(open=0, major_open=0, overdue=0, reported=0, cancelled=0, closed=0,
               closed_on_time=0, closure_rate=None, on_time_rate=None, tasks_due=0,
               tasks_done=0, tasks_missed=0, tasks_pending=0, completion_rate=None,
               drills_this_year=0, trainings_this_year=0)


@pytest.fixture
def data(make):
    return build(make)


def overview(client, make, user, **params):
    with clock.frozen(NOW):
        return client.get(URL, params={**PERIOD, **params}, headers=make.headers(user))


def test_the_group_figures_for_qa(client, make, data):
    org = make.org
    body = overview(client, make, make.user(Role.qa_officer, center=org.qa)).json()
    assert (body["today"], body["starts_on"], body["ends_on"], body["center_id"]) == \
        ("2026-06-10", "2026-05-25", "2026-06-10", None)
    assert body["totals"] == dict(
        open=4, major_open=1, overdue=2, reported=8, cancelled=1, closed=4, closed_on_time=3,
        closure_rate=0.5714, on_time_rate=0.75, tasks_due=7, tasks_done=4, tasks_missed=2,
        tasks_pending=1, completion_rate=0.6667, drills_this_year=2, trainings_this_year=2)
    assert body["centers"] == [
        {"center_id": org.catering.id, "name": "测试饮食中心", **FIGURES_C},
        {"center_id": org.property.id, "name": "测试物业中心", **FIGURES_P},
        {"center_id": org.qa.id, "name": "测试质监办", **NOTHING}]
    assert body["open"] == {
        "total": 4, "by_status": {"reported": 2, "assigned": 1, "submitted": 1},
        "by_grade": {"general": 3, "major": 1},
        "by_category": {"fire": 1, "food": 0, "gas": 1, "water_power": 0, "school_bus": 0,
                        "building": 1, "equipment": 1, "hygiene": 0, "other": 0}}
    p1 = data["p1"]
    assert body["overdue"] == {"count": 2, "oldest": {
        "hazard_id": p1.id, "title": p1.title, "center_id": org.property.id,
        "site_id": org.dorm.id, "grade": "general", "deadline": "2026-06-01",
        "days_overdue": 9}}
    # days to close of c1 2.0, c2 7.0, p3 0.5, p5 0.25: nearest ranks 2 and 4 of 4
    assert body["days_to_close"] == {"closed": 4, "median": 0.5, "p90": 7.0}
    assert body["weekly"] == [
        {"starts_on": "2026-05-25", "reported": 3, "closed": 1},
        {"starts_on": "2026-06-01", "reported": 2, "closed": 2},
        {"starts_on": "2026-06-08", "reported": 3, "closed": 2}]
    assert [{k: v for k, v in c.items() if k != "campaign_id"} for c in body["campaigns"]] == [
        {"title": "六月消防专项检查", "kind": "special", "starts_on": "2026-06-01",
         "ends_on": "2026-06-05", "receipt_due_on": "2026-06-06", "centers": 2,
         "submitted": 1, "submitted_late": 0, "pending": 1, "pending_late": 1}]


def test_a_leader_sees_what_qa_sees(client, make, data):
    qa = overview(client, make, make.user(Role.qa_officer, center=make.org.qa)).json()
    leader = overview(client, make, make.user(Role.leader)).json()
    assert {**leader, "generated_at": None} == {**qa, "generated_at": None}


def test_a_manager_sees_their_center_only(client, make, data):
    org = make.org
    body = overview(client, make, make.user(Role.center_manager, center=org.catering)).json()
    assert body["totals"] == FIGURES_C
    assert body["centers"] == [{"center_id": org.catering.id, "name": "测试饮食中心",
                                **FIGURES_C}]
    assert body["open"]["by_status"] == {"reported": 2, "assigned": 1, "submitted": 0}
    assert body["overdue"]["oldest"]["hazard_id"] == data["c3"].id
    assert body["overdue"]["oldest"]["days_overdue"] == 5
    assert body["days_to_close"] == {"closed": 2, "median": 2.0, "p90": 7.0}
    assert [w["closed"] for w in body["weekly"]] == [1, 1, 0]
    assert [(c["centers"], c["submitted"], c["pending"]) for c in body["campaigns"]] == \
        [(1, 1, 0)]


def test_one_center_for_qa_and_for_its_manager(client, make, data):
    org = make.org
    qa = make.user(Role.qa_officer, center=org.qa)
    one = overview(client, make, qa, center_id=org.property.id).json()
    assert one["center_id"] == org.property.id and one["totals"] == FIGURES_P
    assert one["days_to_close"] == {"closed": 2, "median": 0.25, "p90": 0.5}
    manager = make.user(Role.center_manager, center=org.catering)
    assert overview(client, make, manager, center_id=org.catering.id).json()["totals"] == \
        FIGURES_C


def test_another_center_or_an_unknown_one_is_404(client, make, data):
    org = make.org
    manager = make.user(Role.center_manager, center=org.catering)
    qa = make.user(Role.qa_officer, center=org.qa)
    for user, center_id in ((manager, org.property.id), (qa, 999_999)):
        resp = overview(client, make, user, center_id=center_id)
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "center_not_found"


@pytest.mark.parametrize("role", [Role.inspector, Role.admin])
def test_inspectors_and_admins_may_not_read_it(client, make, role):
    resp = overview(client, make, make.user(role))
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"


def test_the_default_period_is_twelve_weeks_to_today(client, make, data):
    with clock.frozen(NOW):
        body = client.get(URL, headers=make.headers(make.user(Role.leader))).json()
    assert (body["starts_on"], body["ends_on"]) == ("2026-03-23", "2026-06-10")
    assert len(body["weekly"]) == 12 and body["weekly"][0]["starts_on"] == "2026-03-23"
    assert body["totals"]["reported"] == 10  # the 8 and p1 (05-24), p4 (04-01)


@pytest.mark.parametrize("period", [{"from": "2026-06-11", "to": "2026-06-10"},
                                    {"from": "2025-06-09", "to": "2026-06-10"},
                                    {"from": "2026-06-10", "to": "2026-06-09"}])
def test_a_backwards_or_too_long_period_is_422(client, make, period):
    resp = overview(client, make, make.user(Role.leader), **period)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "stats_period_invalid"


def test_a_year_is_accepted_and_a_lone_day_has_one_week(client, make, data):
    leader = make.user(Role.leader)
    year = overview(client, make, leader, **{"from": "2025-06-10", "to": "2026-06-10"})
    assert year.status_code == 200 and year.json()["totals"]["reported"] == 10
    day = overview(client, make, leader, **{"from": "2026-06-10", "to": "2026-06-10"}).json()
    assert day["weekly"] == [{"starts_on": "2026-06-08", "reported": 2, "closed": 1}]
    assert day["days_to_close"] == {"closed": 1, "median": 0.25, "p90": 0.25}


def test_an_empty_group_answers_zeros_and_nulls(client, make):
    body = overview(client, make, make.user(Role.leader)).json()
    assert body["totals"] == NOTHING and body["overdue"] == {"count": 0, "oldest": None}
    assert body["days_to_close"] == {"closed": 0, "median": None, "p90": None}
    assert body["campaigns"] == [] and [w["reported"] for w in body["weekly"]] == [0, 0, 0]
