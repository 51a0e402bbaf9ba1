"""通报表扬 / 通报批评 / 约谈: written by 质监办 only, linked to the center's hazards and the
campaigns concerned, read by the center's managers; and trainings as a center's record."""

from sqlalchemy import select

from backend.events.models import DomainEvent
from backend.vocab import Role
from tests.records.support import API, action_body, people, training_body


def test_qa_records_an_interview_linked_to_hazards_and_an_action(client, make, db):
    p = people(make)
    hazard = make.hazard(make.user(Role.inspector, center=make.org.catering))
    other_hazard = make.hazard(make.user(Role.inspector, center=make.org.property),
                               site=make.org.dorm)
    action_id = client.post(f"{API}/action-campaigns", headers=make.headers(p.qa),
                            json=action_body()).json()["id"]
    body = {"center_id": make.org.catering.id, "kind": "interview", "person_name": "王五",
            "person_user_id": p.manager.id, "reason": "重大隐患整改逾期30天",
            "issued_on": "2026-03-20", "doc_number": "质监〔2026〕3号",
            "hazard_ids": [hazard.id, hazard.id], "action_campaign_ids": [action_id]}
    created = client.post(f"{API}/accountability-records", headers=make.headers(p.qa), json=body)
    assert created.status_code == 201, created.text
    assert created.json()["hazard_ids"] == [hazard.id]
    wrong = client.post(f"{API}/accountability-records", headers=make.headers(p.qa), json={
        **body, "hazard_ids": [other_hazard.id], "person_user_id": p.other_manager.id})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "record_links_invalid")
    assert set(wrong.json()["error"]["details"]) >= {"hazard_ids", "person_user_id"}
    url = f"{API}/accountability-records/{created.json()['id']}"
    assert client.get(url, headers=make.headers(p.manager)).status_code == 200
    for user in (p.inspector, p.other_manager, p.admin):
        assert client.get(url, headers=make.headers(user)).status_code == 404
    refused = client.patch(url, headers=make.headers(p.manager), json={"reason": "申辩"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        403, "accountability_write_forbidden")
    assert client.post(f"{API}/accountability-records", headers=make.headers(p.manager),
                       json=body).status_code == 403
    assert db.scalar(select(DomainEvent.center_id).where(
        DomainEvent.type == "accountability.created")) == make.org.catering.id


def test_trainings_are_listed_latest_first_per_center(client, make):
    p = people(make)
    for day in ("2026-01-05", "2026-03-01", "2026-02-10"):
        assert client.post(f"{API}/trainings", headers=make.headers(p.manager),
                           json=training_body(held_on=day, kind="training")).status_code == 201
    client.post(f"{API}/trainings", headers=make.headers(p.other_manager), json=training_body())
    mine = client.get(f"{API}/trainings?limit=2", headers=make.headers(p.inspector)).json()
    assert [t["held_on"] for t in mine["items"]] == ["2026-03-01", "2026-02-10"]
    rest = client.get(f"{API}/trainings?limit=2&cursor={mine['next_cursor']}",
                      headers=make.headers(p.inspector)).json()
    assert [t["held_on"] for t in rest["items"]] == ["2026-01-05"]
    catering = client.get(f"{API}/trainings?center_id={make.org.catering.id}&limit=200",
                          headers=make.headers(p.leader)).json()["items"]
    assert len(catering) == 3
    bad = client.post(f"{API}/trainings", headers=make.headers(p.manager),
                      json=training_body(duration_minutes=0, participant_count=-1))
    assert bad.status_code == 422
