"""附表1 and 附表2 records through HTTP: the standard rows, who writes which center's, the
version checks, idempotent creates, and what is audited and emitted."""

import uuid

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.events.models import DomainEvent
from backend.records.models import ResponsibilityItem
from tests.records.support import API, people, regulation_body


def test_every_center_reads_its_three_standard_rows_first(client, make):
    p = people(make)
    resp = client.get(f"{API}/responsibility-items", headers=make.headers(p.manager))
    assert resp.status_code == 200, resp.text
    items = resp.json()["items"]
    assert [(i["standard_key"], i["title"], i["center_id"]) for i in items] == [
        ("organization", "安全工作组织机构", make.org.catering.id),
        ("network", "安全责任网络表", make.org.catering.id),
        ("agreement", "安全生产责任书", make.org.catering.id)]
    again = client.get(f"{API}/responsibility-items", headers=make.headers(p.manager))
    assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in items]
    everyone = client.get(f"{API}/responsibility-items?limit=200", headers=make.headers(p.qa))
    centers = {i["center_id"] for i in everyone.json()["items"]}
    assert {make.org.catering.id, make.org.property.id, make.org.qa.id} <= centers


def test_a_manager_fills_in_the_rows_and_adds_one(client, make, db):
    p = people(make)
    headers = make.headers(p.manager)
    first = client.get(f"{API}/responsibility-items", headers=headers).json()["items"][0]
    url = f"{API}/responsibility-items/{first['id']}"
    changed = client.patch(url, headers={**headers, "If-Match": f'"{first["version"]}"'},
                           json={"established": True, "deadline": "2024-06-30",
                                 "remark": "已发文"})
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == f'"{first["version"] + 1}"'
    assert (changed.json()["established"], changed.json()["deadline"]) == (True, "2024-06-30")
    stale = client.patch(url, headers={**headers, "If-Match": f'"{first["version"]}"'},
                         json={"remark": "旧版本"})
    assert (stale.status_code, stale.json()["error"]["code"]) == (412, "precondition_failed")
    for refused in (client.patch(url, headers=headers, json={"title": "改名"}),
                    client.delete(url, headers=headers)):
        assert (refused.status_code, refused.json()["error"]["code"]) == (
            409, "standard_item_fixed")
    added = client.post(f"{API}/responsibility-items", headers=headers, json={
        "title": "消防安全责任人任命书", "established": False, "position": 4})
    assert added.status_code == 201, added.text
    assert added.json()["center_id"] == make.org.catering.id
    assert client.delete(f"{API}/responsibility-items/{added.json()['id']}",
                         headers=headers).status_code == 204
    assert db.get(ResponsibilityItem, added.json()["id"]) is None
    actions = set(db.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "responsibility_item")))
    assert {"responsibility_item.update", "responsibility_item.create",
            "responsibility_item.delete"} <= actions
    kinds = set(db.scalars(select(DomainEvent.type).where(
        DomainEvent.object_type == "responsibility_item")))
    assert {"responsibility_item.updated", "responsibility_item.created",
            "responsibility_item.deleted"} <= kinds


def test_regulations_are_numbered_and_reviewed(client, make):
    p = people(make)
    headers = make.headers(p.manager)
    first = client.post(f"{API}/regulations", headers=headers, json=regulation_body())
    second = client.post(f"{API}/regulations", headers=headers, json=regulation_body(
        title="冷库作业安全规定", decision="create", decided_on="2024-11-20"))
    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert (first.json()["seq"], second.json()["seq"]) == (1, 2)
    assert second.json()["decision"] == "create"
    half = client.patch(f"{API}/regulations/{first.json()['id']}", headers=headers,
                        json={"decision": "abolish"})
    assert (half.status_code, half.json()["error"]["code"]) == (422, "review_incomplete")
    whole = client.patch(f"{API}/regulations/{first.json()['id']}", headers=headers,
                         json={"decision": "abolish", "decided_on": "2024-12-01", "seq": 9})
    assert whole.status_code == 200 and whole.json()["seq"] == 9
    listed = client.get(f"{API}/regulations", headers=make.headers(p.inspector)).json()["items"]
    assert [r["title"] for r in listed] == ["冷库作业安全规定", "燃气使用安全操作规定"]
    null_title = client.patch(f"{API}/regulations/{first.json()['id']}", headers=headers,
                              json={"title": None})
    assert null_title.status_code == 422


def test_a_create_retried_returns_the_first_record(client, make):
    p = people(make)
    headers = make.headers(p.manager)
    key = str(uuid.uuid4())
    body = regulation_body(client_id=None)
    body.pop("client_id")
    first = client.post(f"{API}/regulations", headers={**headers, "Idempotency-Key": key},
                        json=body)
    again = client.post(f"{API}/regulations", headers={**headers, "Idempotency-Key": key.upper()},
                        json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["client_id"] == key
    other = client.post(f"{API}/regulations", headers={**headers, "Idempotency-Key": key},
                        json={**body, "title": "另一份制度"})
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_mismatch")


def test_who_writes_which_centers_records(client, make):
    p = people(make)
    qa_missing_center = client.post(f"{API}/regulations", headers=make.headers(p.qa),
                                    json=regulation_body())
    assert qa_missing_center.json()["error"]["code"] == "record_center_required"
    created = client.post(f"{API}/regulations", headers=make.headers(p.qa),
                          json=regulation_body(center_id=make.org.catering.id))
    assert created.status_code == 201
    url = f"{API}/regulations/{created.json()['id']}"
    assert client.patch(url, headers=make.headers(p.manager),
                        json={"remark": "本中心修订"}).status_code == 200
    for user, status in ((p.inspector, 403), (p.leader, 403), (p.other_manager, 404),
                         (p.other_inspector, 404), (p.admin, 404)):
        assert client.patch(url, headers=make.headers(user),
                            json={"remark": "x"}).status_code == status, user.username
    elsewhere = client.post(f"{API}/regulations", headers=make.headers(p.manager),
                            json=regulation_body(center_id=make.org.property.id))
    assert (elsewhere.status_code, elsewhere.json()["error"]["code"]) == (
        404, "center_not_found")
    assert client.get(url, headers=make.headers(p.leader)).status_code == 200
