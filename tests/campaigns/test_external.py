"""External inspections (上级检查): findings become hazards with source `external` through
the hazards service (photos, grade, timeline, events), linked to the record; later findings;
who reads which record."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from backend.clock import today
from backend.events.models import DomainEvent
from backend.hazards.models import Hazard
from backend.vocab import HazardSource
from tests.campaigns.support import people


def _finding(make, user, site, **extra):
    return {"title": "疏散通道堵塞", "site_id": site.id, "category": "fire",
            "photo_ids": [make.photo(user).id], "client_id": str(uuid.uuid4()), **extra}


def _record(client, make, qa, **body):
    resp = client.post("/api/v1/external-inspections", headers=make.headers(qa), json={
        "inspecting_body": "市消防救援支队", "inspected_on": "2026-03-02", **body})
    return resp


def test_findings_become_external_hazards(client, make, db):
    p, o = people(make), make.org
    kitchen, dorm = _finding(make, p.qa, o.kitchen), _finding(make, p.qa, o.dorm, grade="major")
    resp = _record(client, make, p.qa, site_ids=[o.kitchen.id], notes="年度检查",
                   findings=[kitchen, dorm])
    assert resp.status_code == 201, resp.text
    record = resp.json()
    assert record["center_ids"] == [o.catering.id, o.property.id]
    assert [(h["site_id"], h["grade"], h["status"]) for h in record["hazards"]] == [
        (o.kitchen.id, "general", "reported"), (o.dorm.id, "major", "reported")]
    hazards = list(db.scalars(select(Hazard).where(
        Hazard.id.in_([h["id"] for h in record["hazards"]]))))
    assert {h.source for h in hazards} == {HazardSource.external}
    assert {h.reporter_id for h in hazards} == {p.qa.id}
    reported = list(db.scalars(select(DomainEvent.object_id).where(
        DomainEvent.type == "hazard.reported")))
    assert {h.id for h in hazards} <= set(reported)
    shown = client.get(f"/api/v1/hazards/{hazards[0].id}", headers=make.headers(
        p.catering_manager)).json()
    assert shown["source"] == "external" and len(shown["photos"]) == 1

    # the catering center's users see the record with their hazard only
    own = client.get(f"/api/v1/external-inspections/{record['id']}",
                     headers=make.headers(p.catering_inspector)).json()
    assert [h["site_id"] for h in own["hazards"]] == [o.kitchen.id]

    # a retry of the same finding adds nothing; a new one is added
    more = client.post(f"/api/v1/external-inspections/{record['id']}/findings",
                       headers=make.headers(p.qa),
                       json={"findings": [kitchen, _finding(make, p.qa, o.kitchen)]})
    assert more.status_code == 201, more.text
    assert len(more.json()["hazards"]) == 3


def test_scoping_and_bad_input(client, make):
    p, o = people(make), make.org
    only_catering = _record(client, make, p.qa, center_ids=[o.catering.id]).json()
    assert client.get(f"/api/v1/external-inspections/{only_catering['id']}",
                      headers=make.headers(p.property_manager)).status_code == 404
    listed = client.get("/api/v1/external-inspections", headers=make.headers(p.leader))
    assert [r["id"] for r in listed.json()["items"]] == [only_catering["id"]]
    assert client.get("/api/v1/external-inspections",
                      headers=make.headers(p.property_inspector)).json()["items"] == []
    unknown = _record(client, make, p.qa, site_ids=[999999])
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (
        422, "external_target_invalid")
    no_photo = _record(client, make, p.qa, findings=[{**_finding(make, p.qa, o.kitchen),
                                                      "photo_ids": []}])
    assert no_photo.status_code == 422
    reserved = _record(client, make, p.qa, findings=[{**_finding(make, p.qa, o.kitchen),
                                                      "source": "inspection"}])
    assert reserved.status_code == 422
    tomorrow = (today() + timedelta(days=1)).isoformat()  # review-11 N1
    future = _record(client, make, p.qa, inspected_on=tomorrow)
    assert (future.status_code, future.json()["error"]["code"]) == (422, "date_in_future")
    assert future.json()["error"]["details"]["field"] == "inspected_on"
    client_id = str(uuid.uuid4())
    first = _record(client, make, p.qa, client_id=client_id, center_ids=[o.property.id])
    again = _record(client, make, p.qa, client_id=client_id, center_ids=[o.property.id])
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
