"""GET /hazards/stats and ?count=true: the same hazards as the list, counted by the database.

The rows are written directly (the counts read columns, not workflows), with reporting instants
on both sides of Asia/Shanghai month edges (UTC 16:00 is the next day's midnight there)."""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend import clock
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.vocab import Category, Grade, HazardSource, Role

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
# (UTC instant, its Shanghai month): the edges of May and June
INSTANTS = [(datetime(2026, 4, 30, 15, 59, tzinfo=UTC), "2026-04"),
            (datetime(2026, 4, 30, 16, 0, tzinfo=UTC), "2026-05"),
            (datetime(2026, 5, 31, 15, 30, tzinfo=UTC), "2026-05"),
            (datetime(2026, 5, 31, 16, 30, tzinfo=UTC), "2026-06"),
            (datetime(2026, 6, 9, 23, 0, tzinfo=UTC), "2026-06")]
STATUSES = [Status.reported, Status.assigned, Status.submitted, Status.closed, Status.cancelled]
DEADLINES = [None, date(2026, 6, 1), date(2026, 6, 30)]


@pytest.fixture
def hazards(make):
    """40 hazards over the two operating centers' sites, every status, grade, category mix."""
    org = make.org
    reporter = make.user(Role.inspector, center=org.catering)
    rows = []
    combos = itertools.product(INSTANTS, STATUSES, DEADLINES)
    for n, ((created, month), status, deadline) in enumerate(itertools.islice(combos, 40)):
        site = org.kitchen if n % 3 else org.dorm
        row = Hazard(reporter_id=reporter.id, site_id=site.id, center_id=site.center_id,
                     campus_id=site.campus_id, title=f"隐患{n}", description="描述",
                     category=list(Category)[n % 4], grade=Grade.major if n % 5 == 0
                     else Grade.general, source=HazardSource.adhoc, status=status,
                     deadline=deadline, cost_estimate=Decimal("0.1"), created_at=created,
                     updated_at=created)
        row.month = month  # type: ignore[attr-defined]  # what the test expects
        rows.append(row)
    make.db.add_all(rows)
    make.db.commit()
    with clock.frozen(NOW):
        yield rows


def listed(client, headers, params) -> list[int]:
    ids, cursor = [], None
    while True:
        page = client.get("/api/v1/hazards", headers=headers,
                          params={**params, "limit": 7, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        ids += [h["id"] for h in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return ids


def test_month_is_the_shanghai_month_and_groups_nest(client, make, hazards):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    resp = client.get("/api/v1/hazards/stats", headers=qa,
                      params={"group_by": "month,center"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    expected: dict[tuple[str, int], int] = {}
    for h in hazards:
        key = (h.month, h.center_id)
        expected[key] = expected.get(key, 0) + 1
    assert {(g["month"], g["center_id"]): g["count"] for g in body["groups"]} == expected
    assert [(g["month"], g["center_id"]) for g in body["groups"]] == sorted(expected)
    assert body["total"] == len(hazards) and body["group_by"] == ["month", "center"]
    overdue = [h for h in hazards if h.deadline and h.deadline < NOW.date()
               and h.status in (Status.reported, Status.assigned, Status.submitted)]
    assert body["overdue"] == len(overdue) > 0
    assert all(g["status"] is None for g in body["groups"])


def test_unknown_dimension_is_422(client, make, hazards):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    for bad in ("colour", "center,colour", ",", ""):
        resp = client.get("/api/v1/hazards/stats", headers=qa, params={"group_by": bad})
        assert resp.status_code == 422, (bad, resp.text)
    resp = client.get("/api/v1/hazards/stats", headers=qa, params={"group_by": "colour"})
    assert resp.json()["error"]["code"] == "group_by_invalid"
    assert client.get("/api/v1/hazards/stats", headers=qa).status_code == 422


def test_another_centers_hazards_are_never_counted(client, make, hazards):
    org = make.org
    other = make.headers(make.user(Role.center_manager, center=org.property))
    own = sum(h.center_id == org.property.id for h in hazards)
    body = client.get("/api/v1/hazards/stats", headers=other,
                      params={"group_by": "center"}).json()
    assert body["groups"] == [{"center_id": org.property.id, "status": None, "grade": None,
                               "category": None, "site_id": None, "month": None,
                               "count": own, "overdue": body["overdue"]}]
    naming = client.get("/api/v1/hazards/stats", headers=other,
                        params={"group_by": "status", "center_id": org.catering.id}).json()
    assert naming["total"] == 0 and naming["groups"] == []
    listed_total = client.get("/api/v1/hazards", headers=other, params={
        "center_id": org.catering.id, "count": "true"}).json()["total"]
    assert listed_total == 0


def test_total_is_absent_unless_asked(client, make, hazards):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    assert "total" not in client.get("/api/v1/hazards", headers=qa).json()
    assert client.get("/api/v1/hazards?count=true&limit=1", headers=qa).json()["total"] \
        == len(hazards)


FILTERS = st.fixed_dictionaries({}, optional={
    "status": st.lists(st.sampled_from([s.value for s in STATUSES]), max_size=2),
    "grade": st.sampled_from(["general", "major"]),
    "category": st.lists(st.sampled_from(["fire", "food", "gas", "water_power"]), max_size=2),
    "overdue": st.sampled_from(["true", "false"]),
    "created_from": st.sampled_from(["2026-05-01", "2026-06-01"]),
    "created_to": st.sampled_from(["2026-04-30", "2026-05-31"]),
    "deadline_to": st.sampled_from(["2026-06-05", "2026-07-01"]),
    "q": st.sampled_from(["隐患1", "描述", "无"]),
    "can": st.sampled_from(["assign", "verify", "cancel"]),
    "center": st.booleans(),
})
WHO = st.sampled_from(["qa", "manager", "inspector_other"])


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(params=FILTERS, who=WHO,
       dims=st.lists(st.sampled_from(["center", "status", "grade", "category", "site", "month"]),
                     min_size=1, max_size=3, unique=True))
def test_stats_count_and_pages_agree_for_any_filters(client, make, hazards, params, who, dims):
    org = make.org
    user = {"qa": lambda: make.user(Role.qa_officer, center=org.qa),
            "manager": lambda: make.user(Role.center_manager, center=org.catering),
            "inspector_other": lambda: make.user(Role.inspector, center=org.property)}[who]()
    headers = make.headers(user)
    params = dict(params)
    if params.pop("center", False):
        params["center_id"] = org.catering.id
    ids = listed(client, headers, params)
    counted = client.get("/api/v1/hazards", headers=headers,
                         params={**params, "count": "true", "limit": 3}).json()["total"]
    stats = client.get("/api/v1/hazards/stats", headers=headers,
                       params={**params, "group_by": ",".join(dims)})
    assert stats.status_code == 200, stats.text
    assert stats.json()["total"] == counted == len(ids) == len(set(ids))
    assert sum(g["count"] for g in stats.json()["groups"]) == len(ids)
    inspections = client.get("/api/v1/inspections?count=true", headers=headers).json()
    assert inspections["total"] == 0 and inspections["items"] == []


def test_inspection_total_equals_the_pages(client, make):
    owner = make.user(Role.inspector, center=make.org.catering)
    headers = make.headers(owner)
    module_id = client.get("/api/v1/modules", headers=headers).json()["items"][0]["id"]
    for _ in range(5):
        assert client.post("/api/v1/inspections", headers=headers, json={
            "module_id": module_id, "site_id": make.org.kitchen.id}).status_code == 201
    seen, cursor = 0, None
    while True:
        page = client.get("/api/v1/inspections", headers=headers, params={
            "limit": 2, "count": "true", **({"cursor": cursor} if cursor else {})}).json()
        assert page["total"] == 5
        seen += len(page["items"])
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == 5
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert client.get("/api/v1/inspections", headers=headers, params={
        "count": "true", "created_from": tomorrow}).json()["total"] == 0
