"""GET /evaluation on the hand-built quarter (tests/evaluation/dataset.py): every figure,
score, weight, point, total and rank as worked out by hand; who sees which rows; the period."""

from datetime import datetime

import pytest

from backend import clock
from backend.vocab import Role
from tests.evaluation.dataset import build
from tests.records.support import people

Q1 = "/api/v1/evaluation?from=2026-01-01&to=2026-03-31"
AFTER_Q1 = datetime(2026, 4, 10, 9, tzinfo=clock.SHANGHAI)


def get(client, url, headers, now=AFTER_Q1):
    with clock.frozen(now):
        return client.get(url, headers=headers)


def test_the_quarter_scored_by_hand(client, make):
    quarter = build(make)
    p = people(make)
    resp = get(client, Q1, make.headers(p.qa))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["from"], body["to"], body["as_of"]) == ("2026-01-01", "2026-03-31",
                                                         "2026-03-31T16:00:00Z")
    assert body["weights"]["version"] == 0 and body["ranked_centers"] == 4
    rows = {r["center_id"]: r for r in body["centers"]}
    o = make.org
    # 质监办 and the deactivated center are not evaluated
    assert [r["center_id"] for r in body["centers"]] == [o.property.id, o.catering.id,
                                                         quarter.transport.id, quarter.energy.id]
    catering = rows[o.catering.id]
    f = catering["factors"]
    assert f["on_time_closure"] == {"score": 50.0, "weight": 25, "points": 12.5, "closed": 2,
                                    "closed_on_time": 1}
    # penalty 10/30 + 30/30 + 30/30 = 7/3 over 6 carried: 100 × (1 − 7/18) = 61.11
    assert f["overdue"] == {"score": 61.11, "weight": 20, "points": 12.22, "carried": 6,
                            "open": 4, "overdue": 3, "overdue_days": 130, "penalty": 2.33}
    assert f["patrol_completion"] == {"score": 80.0, "weight": 20, "points": 16.0, "done": 8,
                                      "missed": 2}
    assert f["repeat_findings"] == {"score": 60.0, "weight": 10, "points": 6.0, "findings": 5,
                                    "repeats": 2}
    assert f["tables_on_time"] == {"score": 50.0, "weight": 10, "points": 5.0, "on_time": 1,
                                   "late": 0, "missing": 1}
    # 90 days of Q1: targets 2 × 90/365 drills, 4 × 90/365 trainings; one drill, no training
    assert f["drills_trainings"] == {"score": 50.0, "weight": 15, "points": 7.5, "drills": 1,
                                     "trainings": 0, "drills_target": 0.49,
                                     "trainings_target": 0.99}
    assert (catering["total"], catering["rank"]) == (59.22, 2)
    assert catering["accountability"] == {"praise": 0, "criticism": 1, "interview": 1}
    prop = rows[o.property.id]
    g = prop["factors"]
    assert [g[k]["score"] for k in ("on_time_closure", "overdue", "patrol_completion",
                                    "repeat_findings", "tables_on_time",
                                    "drills_trainings")] == [100.0, 100.0, None, None, 0.0, 100.0]
    assert g["patrol_completion"]["points"] is None
    # (25 × 100 + 20 × 100 + 10 × 0 + 15 × 100) / 70
    assert (prop["total"], prop["rank"]) == (85.71, 1)
    assert (g["tables_on_time"]["late"], g["tables_on_time"]["missing"]) == (1, 1)
    assert prop["accountability"] == {"praise": 1, "criticism": 0, "interview": 0}
    # the centers that did nothing score 0 for their drills and trainings, and share rank 3
    assert [(rows[c.id]["total"], rows[c.id]["rank"]) for c in
            (quarter.transport, quarter.energy)] == [(0.0, 3), (0.0, 3)]


def test_a_period_not_ended_is_judged_as_of_now(client, make):
    build(make)
    p = people(make)
    mid_march = datetime(2026, 3, 15, 12, tzinfo=clock.SHANGHAI)
    body = get(client, Q1, make.headers(p.qa), now=mid_march).json()
    assert body["as_of"] == "2026-03-15T04:00:00Z"
    catering = next(r for r in body["centers"] if r["center_id"] == make.org.catering.id)
    # H3 (deadline 21 March) is not overdue yet; H7 14 days, H8 74 days overdue
    overdue = catering["factors"]["overdue"]
    assert (overdue["open"], overdue["overdue"], overdue["overdue_days"]) == (4, 2, 88)
    assert catering["factors"]["drills_trainings"]["drills_target"] == \
        pytest.approx(2 * 74 / 365, abs=0.005)


def test_the_weights_used_are_the_groups(client, make):
    build(make)
    p = people(make)
    qa = make.headers(p.qa)
    weights = client.get("/api/v1/evaluation/weights", headers=qa).json()
    changed = {**weights["weights"], "tables_on_time": 0}
    assert client.put("/api/v1/evaluation/weights", headers={**qa, "If-Match": '"0"'}, json={
        "weights": changed, "parameters": weights["parameters"]}).status_code == 200
    body = get(client, Q1, qa).json()
    assert body["weights"]["weights"]["tables_on_time"] == 0
    prop = next(r for r in body["centers"] if r["center_id"] == make.org.property.id)
    assert prop["total"] == 100.0 and prop["factors"]["tables_on_time"]["points"] == 0.0


def test_a_center_manager_sees_their_own_row_with_its_rank_among_all(client, make):
    build(make)
    p = people(make)
    body = get(client, Q1, make.headers(p.manager)).json()
    assert [(r["center_id"], r["rank"]) for r in body["centers"]] == [(make.org.catering.id, 2)]
    assert body["ranked_centers"] == 4
    everyone = get(client, Q1, make.headers(p.leader)).json()
    assert len(everyone["centers"]) == 4
    for user in (p.inspector, p.admin):
        refused = get(client, Q1, make.headers(user))
        assert (refused.status_code, refused.json()["error"]["code"]) == \
            (403, "evaluation_forbidden")


@pytest.mark.parametrize("query, code", [
    ("from=2026-04-01&to=2026-03-31", "evaluation_period_invalid"),
    ("from=2026-13-01", "validation_error"),
    ("from=1999-12-31", "validation_error"),
    ("center=1", "unknown_parameter"),
])
def test_a_bad_period_is_422(client, make, query, code):
    qa = make.user(Role.qa_officer, center=make.org.qa)
    resp = client.get(f"/api/v1/evaluation?{query}", headers=make.headers(qa))
    assert (resp.status_code, resp.json()["error"]["code"]) == (422, code)


def test_the_default_period_is_this_year_to_today(client, make):
    qa = make.user(Role.qa_officer, center=make.org.qa)
    body = get(client, "/api/v1/evaluation", make.headers(qa)).json()
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-04-10")
