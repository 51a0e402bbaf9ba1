"""GET /events, the changes feed: the caller's events after a sequence number, a page at a
time, with the number to persist; scoped like the control room; filtered by type and center."""

import ast
import json
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from sqlalchemy import func, select

from backend.clock import today
from backend.events import emit
from backend.events.catalogue import RECORD_KINDS, TYPES
from backend.events.models import DomainEvent
from backend.hazards.service import EVENT_TYPES
from backend.records.models import RecordType
from backend.stats import feed
from backend.stats.schemas import EventsPage, StreamEvent
from backend.vocab import Role
from tests.inspections.test_inspections import module_with

URL = "/api/v1/events"


def head(db) -> int:  # noqa: ANN001
    return db.scalar(select(func.max(DomainEvent.id))) or 0


def read_all(client, headers, after: int, **params) -> tuple[list[dict], int]:  # noqa: ANN001
    """Page until ``more`` is false: every event and the last ``next``."""
    events: list[dict] = []
    for _ in range(1000):
        resp = client.get(URL, headers=headers, params={"after": after, **params})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        events += body["items"]
        assert body["next"] >= after
        after = body["next"]
        if not body["more"]:
            return events, after
    raise AssertionError("the feed never ended")


def plan(make) -> dict:  # noqa: ANN001
    return {"assignee_id": make.user(Role.inspector).id, "measures": "更换",
            "cost_estimate": "0.1", "deadline": (today() + timedelta(days=3)).isoformat(),
            "interim_measures": "警示"}


def test_pages_follow_the_sequence_and_resume_from_next(client, make, db):
    reporter, manager = make.user(Role.inspector), make.user(Role.center_manager)
    headers = make.headers(manager)
    start = head(db)
    hazards = [make.hazard(reporter).id for _ in range(5)]
    for hazard_id in hazards[:3]:
        assert client.post(f"/api/v1/hazards/{hazard_id}/actions/assign", json=plan(make),
                           headers=headers).status_code == 200
    events, last = read_all(client, headers, start, limit=2)
    assert [e["id"] for e in events] == list(range(start + 1, head(db) + 1)) and last == head(db)
    assert [(e["type"], e["object_id"]) for e in events] == \
        [("hazard.reported", h) for h in hazards] + [("hazard.assigned", h) for h in hazards[:3]]
    assigned = events[5]
    assert assigned["center_id"] == make.org.catering.id and assigned["actor_id"] == manager.id
    assert assigned["data"]["to_status"] == "assigned" and len(assigned["event_id"]) == 36
    # up to date: an empty page that keeps the number; a new event comes next
    assert client.get(URL, headers=headers, params={"after": last}).json() == \
        {"items": [], "next": last, "more": False}
    assert client.post(f"/api/v1/hazards/{hazards[3]}/actions/cancel", headers=headers,
                       json={"reason": "重复上报"}).status_code == 200
    page = client.get(URL, headers=headers, params={"after": last}).json()
    assert [(e["id"], e["type"]) for e in page["items"]] == [(last + 1, "hazard.cancelled")]
    ahead = client.get(URL, headers=headers, params={"after": last + 5})
    assert ahead.status_code == 409 and ahead.json()["error"]["code"] == "events_after_head"


def test_a_scan_is_bounded_and_more_says_to_go_on(client, make, db, monkeypatch):
    """A filter that matches nothing in a stretch still advances ``next`` a bounded step."""
    manager = make.user(Role.center_manager)
    start = head(db)
    for _ in range(7):
        emit(db, "hazard.overdue", object_type="hazard", object_id=1,
             center_id=make.org.property.id, group_id=make.org.group.id, actor_id=None)
    emit(db, "hazard.overdue", object_type="hazard", object_id=2,
         center_id=make.org.catering.id, group_id=make.org.group.id, actor_id=None)
    db.commit()
    monkeypatch.setattr(feed, "SCAN", 3)
    headers = make.headers(manager)
    steps = []
    after = start
    while True:
        body = client.get(URL, headers=headers, params={"after": after}).json()
        steps.append((body["next"], [e["object_id"] for e in body["items"]], body["more"]))
        after = body["next"]
        if not body["more"]:
            break
    assert steps == [(start + 3, [], True), (start + 6, [], True), (start + 8, [2], False)]


def test_types_and_centers_filter(client, make, db):
    qa = make.user(Role.qa_officer, center=make.org.qa)
    headers = make.headers(qa)
    start = head(db)
    catering = make.hazard(make.user(Role.inspector)).id
    prop = make.hazard(make.user(Role.inspector, center=make.org.property),
                       site=make.org.dorm).id
    assert client.post(f"/api/v1/hazards/{catering}/actions/assign", json=plan(make),
                       headers=headers).status_code == 200
    emit(db, "evaluation.weights_updated", object_type="evaluation_weights", object_id=1,
         center_id=None, group_id=make.org.group.id, actor_id=qa.id)
    emit(db, "action_campaign.created", object_type="action_campaign", object_id=1,
         center_id=None, group_id=make.org.group.id, actor_id=qa.id)
    db.commit()

    def seen(**params) -> list[tuple[str, int]]:  # noqa: ANN003
        return [(e["type"], e["object_id"]) for e in read_all(client, headers, start,
                                                              **params)[0]]

    assert seen() == [("hazard.reported", catering), ("hazard.reported", prop),
                      ("hazard.assigned", catering), ("evaluation.weights_updated", 1),
                      ("action_campaign.created", 1)]
    assert seen(types="hazard.assigned") == [("hazard.assigned", catering)]
    assert seen(types="hazard.*") == seen()[:3]
    assert seen(types="*") == seen()  # every type, as a webhook subscription names it
    assert seen(types=["hazard.assigned", "evaluation.*"]) == \
        [("hazard.assigned", catering), ("evaluation.weights_updated", 1)]
    assert seen(types="hazard.reported, action_campaign.*") == \
        [("hazard.reported", catering), ("hazard.reported", prop), ("action_campaign.created", 1)]
    assert seen(center_id=make.org.property.id) == [("hazard.reported", prop)]
    assert seen(center_id=[make.org.property.id, make.org.catering.id],
                types="hazard.reported") == [("hazard.reported", catering),
                                             ("hazard.reported", prop)]
    for bad in ("hazard.unknown", "hazard", "hazard.a*", "**", "action.campaign.*"):
        resp = client.get(URL, headers=headers, params={"types": bad})
        assert resp.status_code == 422, bad
        assert resp.json()["error"]["code"] == "event_type_unknown"
        assert resp.json()["error"]["details"]["unknown"] == [bad]


def test_a_manager_reads_their_own_centers_events_only(client, make, db):
    start = head(db)
    catering = make.hazard(make.user(Role.inspector)).id
    prop = make.hazard(make.user(Role.inspector, center=make.org.property),
                       site=make.org.dorm).id
    own = make.headers(make.user(Role.center_manager, center=make.org.property))
    assert [e["object_id"] for e in read_all(client, own, start)[0]] == [prop]
    assert catering != prop
    other = client.get(URL, headers=own, params={"center_id": make.org.catering.id})
    assert other.status_code == 404 and other.json()["error"]["code"] == "center_not_found"
    for role in (Role.inspector, Role.admin):
        resp = client.get(URL, headers=make.headers(make.user(role)))
        assert resp.status_code == 403, role


def test_a_rolled_back_change_leaves_no_event_in_the_feed(client, make, db):
    reporter, manager = make.user(Role.inspector), make.user(Role.center_manager)
    hazard = make.hazard(reporter)
    assert client.post(f"/api/v1/hazards/{hazard.id}/actions/assign", headers=make.headers(
        manager), json={**plan(make), "assignee_id": reporter.id}).status_code == 200
    start = head(db)
    # the timeline row and its event are staged before the photos are checked: a stranger's
    # photo refuses the submit, and the staged event goes with the rollback
    refused = client.post(f"/api/v1/hazards/{hazard.id}/actions/submit",
                          headers=make.headers(reporter),
                          json={"description": "已更换",
                                "photo_ids": [make.photo(make.user(Role.inspector)).id]})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "invalid_photo"
    body = client.get(URL, headers=make.headers(manager), params={"after": start}).json()
    assert body == {"items": [], "next": start, "more": False}


def test_an_inspections_life_is_in_the_feed_so_a_mirror_stays_exact(client, make, db):
    """Started, answers saved, discarded: each is an event, so a client mirroring by the feed
    plus GET by id ends with exactly the inspections that exist."""
    inspector = make.user(Role.inspector)
    manager = make.headers(make.user(Role.center_manager))
    headers = make.headers(inspector)
    module_id, items = module_with(db)
    start = head(db)
    kept, dropped = (client.post("/api/v1/inspections", headers=headers, json={
        "module_id": module_id, "site_id": make.org.kitchen.id, "kind": "routine"}).json()["id"]
        for _ in range(2))
    answer = {"item_id": items[0].id, "result": "fail", "note": "问题",
              "photo_ids": [make.photo(inspector).id]}
    assert client.put(f"/api/v1/inspections/{kept}/answers", headers=headers,
                      json={"answers": [answer]}).status_code == 200
    assert client.delete(f"/api/v1/inspections/{dropped}", headers=headers).status_code == 204
    events, _ = read_all(client, manager, start, types="inspection.*")
    assert [(e["type"], e["object_id"]) for e in events] == [
        ("inspection.started", kept), ("inspection.started", dropped),
        ("inspection.answers_saved", kept), ("inspection.discarded", dropped)]
    assert events[0]["data"]["inspector_id"] == inspector.id
    assert events[2]["data"]["item_ids"] == [items[0].id]
    mirror: dict[int, dict] = {}
    for event in events:
        resp = client.get(f"/api/v1/inspections/{event['object_id']}", headers=manager)
        if resp.status_code == 404:
            mirror.pop(event["object_id"], None)
        else:
            mirror[event["object_id"]] = resp.json()
    listed = client.get("/api/v1/inspections", headers=manager).json()["items"]
    assert sorted(mirror) == sorted(i["id"] for i in listed) == [kept]
    assert mirror[kept]["progress"]["answered"] == 1


# the catalogue is the documentation: every type the code emits is in it, and nothing else

def _emitted_literals() -> set[str]:
    found: set[str] = set()
    for path in Path("backend").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                    node.func, "id", None)) in ("emit", "_emit") and len(node.args) >= 2:
                for arg in node.args[:3]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and \
                            "." in arg.value:
                        found.add(arg.value)
    return found


def test_the_catalogue_names_every_type_the_code_emits():
    emitted = _emitted_literals() | set(EVENT_TYPES.values())
    emitted |= {f"inspection.{what}" for what in ("started", "answers_saved", "discarded",
                                                  "submitted")}
    emitted |= {f"rectification.entry_{what}d" for what in ("create", "update", "delete")}
    emitted |= {f"{kind.value}.{what}" for kind in RecordType
                for what in ("created", "updated", "deleted", "attach", "detach")}
    assert "hazard.overdue" in emitted and "campaign.cancelled" in emitted
    assert set(RECORD_KINDS) == {kind.value for kind in RecordType}
    assert emitted == set(TYPES), (emitted - set(TYPES), set(TYPES) - emitted)


def test_the_catalogue_is_in_the_openapi_document(client):
    description = client.get("/openapi.json").json()["paths"]["/api/v1/events"]["get"][
        "description"]
    for name in TYPES:
        assert f"`{name}`" in description


@pytest.mark.parametrize("after", ["-1", "x", str(2**63)])
def test_a_bad_after_is_a_422(client, make, after):
    resp = client.get(URL, headers=make.headers(make.user(Role.qa_officer)),
                      params={"after": after})
    assert resp.status_code == 422


def test_the_body_is_the_schemas_rendering(client, make, db):
    """The page splices each event's stored ``data`` into its schema's rendering: the same
    JSON as the schema would give from the rows, Chinese, nesting and nulls included."""
    start = head(db)
    manager = make.user(Role.center_manager)
    hazard = make.hazard(make.user(Role.inspector))
    emit(db, "hazard.escalated", object_type="hazard", object_id=hazard.id,
         center_id=make.org.catering.id, group_id=make.org.group.id, actor_id=None,
         data={"note": "超期未整改 \"引号\" \\ 换行\n", "nested": {"a": [1, None, 2.5]}})
    db.commit()
    resp = client.get(URL, headers=make.headers(manager), params={"after": start})
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/json"
    rows = list(db.scalars(select(DomainEvent).where(DomainEvent.id > start)
                           .order_by(DomainEvent.id)))
    expected = EventsPage(items=[StreamEvent.model_validate(r, from_attributes=True)
                                 for r in rows], next=rows[-1].id, more=False)
    assert json.loads(resp.content) == json.loads(expected.model_dump_json())
    assert TypeAdapter(EventsPage).validate_json(resp.content) == expected
