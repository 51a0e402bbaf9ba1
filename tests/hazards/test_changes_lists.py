"""``updated_since`` and ``sort=updated`` on GET /hazards and GET /inspections (the changes
feed, issue 13): what changed since an instant, least recently changed first, paged by
(updated_at, id) so rows changed in the same microsecond are neither skipped nor repeated."""

from datetime import timedelta

import pytest

from backend import clock
from backend.clock import today
from backend.vocab import Role
from tests.inspections.test_inspections import module_with, passing

LISTS = ("/api/v1/hazards", "/api/v1/inspections")


def _all_pages(client, headers, url, **params) -> list[dict]:  # noqa: ANN001
    items, cursor, pages = [], None, 0
    while True:
        resp = client.get(url, headers=headers,
                          params={**params, **({"cursor": cursor} if cursor else {})})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items
        assert pages < 100


def _plan(make) -> dict:  # noqa: ANN001
    return {"assignee_id": make.user(Role.inspector).id, "measures": "更换",
            "cost_estimate": "0.1", "deadline": (today() + timedelta(days=3)).isoformat(),
            "interim_measures": "警示"}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["2026-03-01T08:30:00", "2026-03-01"])
def test_a_time_without_zone_is_a_clear_422(client, make, url, value):
    resp = client.get(url, headers=make.headers(make.user(Role.qa_officer)),
                      params={"updated_since": value})
    assert resp.status_code == 422, resp.text
    assert "timezone_required" in resp.text


@pytest.mark.parametrize("url", LISTS)
def test_an_unknown_sort_is_refused(client, make, url):
    resp = client.get(url, headers=make.headers(make.user(Role.qa_officer)),
                      params={"sort": "changed"})
    assert resp.status_code == 422, resp.text


def test_hazards_changed_since_least_recent_first_across_ties(client, make):
    reporter = make.user(Role.inspector)
    manager = make.user(Role.center_manager)
    headers = make.headers(manager)
    t0 = clock.utcnow().replace(microsecond=0) + timedelta(seconds=5)
    with clock.frozen(t0):  # five hazards stamped in the same microsecond: ties
        tied = [make.hazard(reporter).id for _ in range(5)]
    with clock.frozen(t0 + timedelta(minutes=1)):
        later = make.hazard(reporter).id
    with clock.frozen(t0 + timedelta(minutes=2)):  # the first one changes last
        assert client.post(f"/api/v1/hazards/{tied[0]}/actions/assign", json=_plan(make),
                           headers=headers).status_code == 200
    since = {"updated_since": t0.isoformat(), "sort": "updated"}
    for limit in (1, 2, 3, 100):
        ids = [h["id"] for h in _all_pages(client, headers, LISTS[0], limit=limit, **since)]
        assert ids == [*tied[1:], later, tied[0]], limit
    page = client.get(LISTS[0], headers=headers, params=since).json()["items"]
    stamps = [h["updated_at"] for h in page]
    assert stamps == sorted(stamps) and stamps[-1] > stamps[0]
    # since the minute after the ties: the later report and the assigned one, also by created
    after = (t0 + timedelta(minutes=1)).astimezone(clock.SHANGHAI).isoformat()
    assert {h["id"] for h in _all_pages(client, headers, LISTS[0], updated_since=after,
                                        limit=1)} == {later, tied[0]}
    # combined with another filter, and nothing changed since after the last change
    assert [h["id"] for h in _all_pages(client, headers, LISTS[0], status="assigned",
                                        **since)] == [tied[0]]
    future = (t0 + timedelta(minutes=3)).isoformat()
    assert client.get(LISTS[0], headers=headers,
                      params={"updated_since": future}).json()["items"] == []


def test_inspections_carry_updated_at_bumped_by_every_change(client, make, db):
    inspector = make.user(Role.inspector)
    headers = make.headers(inspector)
    module_id, items = module_with(db)
    t0 = clock.utcnow().replace(microsecond=0) + timedelta(seconds=5)
    with clock.frozen(t0):
        ids = [client.post(LISTS[1], headers=headers, json={
            "module_id": module_id, "site_id": make.org.kitchen.id,
            "kind": "routine"}).json()["id"] for _ in range(4)]
    first = client.get(f"{LISTS[1]}/{ids[0]}", headers=headers).json()
    assert first["updated_at"] == first["created_at"]

    def stamp(inspection_id: int) -> str:
        return client.get(f"{LISTS[1]}/{inspection_id}", headers=headers).json()["updated_at"]

    photo = make.photo(inspector).id
    failing = {"item_id": items[0].id, "result": "fail", "note": "问题", "photo_ids": [photo]}
    with clock.frozen(t0 + timedelta(minutes=1)):  # an answer with a photo link
        assert client.put(f"{LISTS[1]}/{ids[1]}/answers", headers=headers,
                          json={"answers": [failing]}).status_code == 200
    assert stamp(ids[1]) > stamp(ids[2])
    with clock.frozen(t0 + timedelta(minutes=2)):  # the photo link alone changes
        assert client.put(f"{LISTS[1]}/{ids[1]}/answers", headers=headers, json={
            "answers": [{**failing, "photo_ids": [make.photo(inspector).id]}]}
        ).status_code == 200
    assert stamp(ids[1]).startswith((t0 + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M"))
    with clock.frozen(t0 + timedelta(minutes=3)):  # submitted
        answers = [failing, *(passing(i) for i in items[1:])]
        assert client.put(f"{LISTS[1]}/{ids[3]}/answers", headers=headers,
                          json={"answers": answers}).status_code == 200
        assert client.post(f"{LISTS[1]}/{ids[3]}/submit",
                           headers=headers).status_code == 200, "submit"
    since = {"updated_since": t0.isoformat(), "sort": "updated"}
    for limit in (1, 2, 100):
        got = [i["id"] for i in _all_pages(client, headers, LISTS[1], limit=limit, **since)]
        assert got == [ids[0], ids[2], ids[1], ids[3]], limit
    later = (t0 + timedelta(seconds=30)).isoformat()
    assert [i["id"] for i in _all_pages(client, headers, LISTS[1], updated_since=later)] == \
        [ids[3], ids[1]]  # the default order: newest first


def test_a_center_sees_only_its_own_changes(client, make):
    catering = make.hazard(make.user(Role.inspector)).id
    other = make.hazard(make.user(Role.inspector, center=make.org.property),
                        site=make.org.dorm).id
    manager = make.user(Role.center_manager, center=make.org.property)
    since = (clock.utcnow() - timedelta(minutes=5)).isoformat()
    ids = [h["id"] for h in _all_pages(client, make.headers(manager), LISTS[0],
                                       updated_since=since, sort="updated")]
    assert ids == [other] and catering not in ids
