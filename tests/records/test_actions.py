"""Three-year actions and the tables the centers hand in: once per center and table, late
after the due day (Asia/Shanghai), and the centers × tables matrix 质监办 reads."""

from datetime import datetime, timedelta

from backend import clock
from backend.records import actions
from backend.records.models import OfficialTable
from tests.records.support import API, action_body, people

SHANGHAI = clock.SHANGHAI


def _action(client, make, qa, **overrides):
    resp = client.post(f"{API}/action-campaigns", headers=make.headers(qa),
                       json=action_body(**overrides))
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_late_is_after_the_due_day_in_shanghai():
    due = datetime(2024, 6, 30).date()
    assert not actions.is_late(due, datetime(2024, 6, 30, 23, 59, tzinfo=SHANGHAI), clock.utcnow())
    assert actions.is_late(due, datetime(2024, 7, 1, 0, 0, tzinfo=SHANGHAI), clock.utcnow())
    assert not actions.is_late(due, None, datetime(2024, 6, 30, 12, tzinfo=SHANGHAI))
    assert actions.is_late(due, None, datetime(2024, 7, 1, 0, 1, tzinfo=SHANGHAI))


def test_only_qa_starts_an_action_with_sane_years(client, make):
    p = people(make)
    action = _action(client, make, p.qa)
    assert action["years"] == [2024, 2025, 2026]
    assert client.post(f"{API}/action-campaigns", headers=make.headers(p.manager),
                       json=action_body()).status_code == 403
    backwards = client.post(f"{API}/action-campaigns", headers=make.headers(p.qa),
                            json=action_body(first_year=2026, last_year=2024))
    assert backwards.json()["error"]["code"] == "action_years_invalid"
    url = f"{API}/action-campaigns/{action['id']}"
    moved = client.patch(url, headers={**make.headers(p.qa), "If-Match": '"1"'},
                         json={"table2_due_on": "2025-01-15"})
    assert moved.status_code == 200 and moved.headers["etag"] == '"2"'
    assert client.patch(url, headers={**make.headers(p.qa), "If-Match": '"1"'},
                        json={"notes": "x"}).status_code == 412
    assert client.get(url, headers=make.headers(p.inspector)).json()["table2_due_on"] == \
        "2025-01-15"


def test_a_center_submits_each_table_once_and_qa_sees_who_is_late(client, make):
    p = people(make)
    today = clock.today()
    action = _action(client, make, p.qa, table1_due_on=str(today),
                     table2_due_on=str(today - timedelta(days=1)),
                     table3_due_on=str(today + timedelta(days=30)))
    url = f"{API}/action-campaigns/{action['id']}/submissions"
    manager = make.headers(p.manager)
    on_time = client.post(url, headers=manager, json={"table": "table1", "note": "电子版已发"})
    assert on_time.status_code == 201, on_time.text
    row = on_time.json()["centers"]
    assert [c["center_id"] for c in row] == [make.org.catering.id]
    table1 = row[0]["tables"][0]
    assert (table1["submitted"], table1["late"], table1["submitted_by_id"]) == (
        True, False, p.manager.id)
    again = client.post(url, headers=manager, json={"table": "table1"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "table_already_submitted")
    late = client.post(url, headers={**manager, "Idempotency-Key": "8d1f7f5e-5d5c-4f39-9f43-"
                                     "0c8d3f3b1a11"}, json={"table": "table2"})
    retry = client.post(url, headers={**manager, "Idempotency-Key": "8d1f7f5e-5d5c-4f39-9f43-"
                                      "0c8d3f3b1a11"}, json={"table": "table2"})
    assert (late.status_code, retry.status_code) == (201, 200)
    assert late.json()["centers"][0]["tables"][1]["late"] is True
    for user, code in ((p.inspector, "table_submit_forbidden"),
                       (p.qa, "table_submit_forbidden")):
        refused = client.post(url, headers=make.headers(user), json={"table": "table3"})
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, code)
    matrix = client.get(url, headers=make.headers(p.qa)).json()
    by_center = {c["center_id"]: c["tables"] for c in matrix["centers"]}
    assert make.org.qa.id not in by_center  # 质监办 hands in no tables
    catering = {t["table"]: (t["submitted"], t["late"]) for t in by_center[make.org.catering.id]}
    assert catering == {"table1": (True, False), "table2": (True, True),
                        "table3": (False, False)}
    property_ = {t["table"]: (t["submitted"], t["late"])
                 for t in by_center[make.org.property.id]}
    assert property_ == {"table1": (False, False), "table2": (False, True),
                         "table3": (False, False)}
    assert matrix["late_count"] >= 2
    own = client.get(url, headers=make.headers(p.other_inspector)).json()["centers"]
    assert [c["center_id"] for c in own] == [make.org.property.id]
    assert [t["table"] for t in own[0]["tables"]] == [t.value for t in OfficialTable]
