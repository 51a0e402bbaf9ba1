"""附表3 plan entries through HTTP: create (also from a hazard), read, change, delete, the
version checks and the idempotent create."""

import uuid

from backend.vocab import Role
from tests.rectification.support import standalone

URL = "/api/v1/rectification-entries"


def test_a_manager_adds_a_standalone_entry_with_years_and_subtotal(client, make):
    manager = make.user(Role.center_manager, center=make.org.catering)
    resp = client.post(URL, json=standalone(), headers=make.headers(manager))
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert resp.headers["ETag"] == '"1"'
    assert (body["center_id"], body["center_name"]) == (make.org.catering.id, "测试饮食中心")
    assert [(y["year"], y["deadline"], y["cost"]) for y in body["years"]] == [
        (2024, "7-8 月", "12.50"), (2025, "", "3.25")]
    assert body["subtotal"] == "15.75" and body["hazard"] is None
    assert client.get(f"{URL}/{body['id']}", headers=make.headers(manager)).json() == body


def test_an_entry_from_a_hazard_shows_the_hazards_status_and_closure(client, make):
    reporter = make.user(Role.inspector, center=make.org.catering)
    manager = make.user(Role.center_manager, center=make.org.catering)
    hazard = make.hazard(reporter)
    unplanned = client.post(URL, json={"hazard_id": hazard.id}, headers=make.headers(manager))
    assert unplanned.json()["error"]["details"]["missing"] == ["measures"]  # not yet assigned
    resp = client.post(URL, json={"hazard_id": hazard.id, "measures": "更换灭火器", "years": [
        {"year": 2024, "from_month": 9, "to_month": 9, "cost": "0.5"}]},
        headers=make.headers(manager))
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["name"] == "测试校区一食堂后厨" and body["description"] == "灭火器压力不足"
    assert body["hazard"]["status"] == "reported" and body["hazard"]["closed_at"] is None
    assert body["years"][0]["deadline"] == "9 月" and body["category"] is None
    again = client.post(URL, json={"hazard_id": hazard.id, "measures": "更换"},
                        headers=make.headers(manager))
    assert (again.status_code, again.json()["error"]["code"]) == (
        409, "rectification_hazard_planned")
    hazard.status, hazard.closed_at = "closed", hazard.created_at
    make.db.commit()
    shown = client.get(f"{URL}/{body['id']}", headers=make.headers(manager)).json()["hazard"]
    assert shown["status"] == "closed" and shown["closed_at"] is not None


def test_a_hazard_of_another_center_is_refused(client, make):
    qa = make.user(Role.qa_officer, center=make.org.qa)
    hazard = make.hazard(make.user(Role.inspector, center=make.org.property),
                         site=make.org.dorm)
    resp = client.post(URL, json={"center_id": make.org.catering.id, "hazard_id": hazard.id},
                       headers=make.headers(qa))
    assert (resp.status_code, resp.json()["error"]["code"]) == (
        422, "rectification_hazard_invalid")


def test_incomplete_and_inconsistent_entries_are_422(client, make):
    manager = make.user(Role.center_manager, center=make.org.catering)
    headers = make.headers(manager)
    resp = client.post(URL, json=standalone(category=None), headers=headers)
    assert resp.json()["error"]["code"] == "rectification_entry_incomplete"
    assert resp.json()["error"]["details"]["missing"] == ["category"]
    for years in ([{"year": 2024, "from_month": 8, "to_month": 7}],
                  [{"year": 2024, "from_month": 8}], [{"year": 2024}],
                  [{"year": 2024, "cost": "1"}, {"year": 2024, "cost": "2"}],
                  [{"year": 2024, "cost": "1.234"}], [{"year": 2024, "cost": "-1"}]):
        resp = client.post(URL, json=standalone(years=years), headers=headers)
        assert (resp.status_code, resp.json()["error"]["code"]) == (422, "validation_error"), \
            years
    qa = make.user(Role.qa_officer, center=make.org.qa)
    resp = client.post(URL, json=standalone(), headers=make.headers(qa))
    assert resp.json()["error"]["code"] == "rectification_center_required"


def test_patch_and_delete_check_the_version(client, make):
    manager = make.user(Role.center_manager, center=make.org.catering)
    headers = make.headers(manager)
    entry = client.post(URL, json=standalone(), headers=headers).json()
    path = f"{URL}/{entry['id']}"
    resp = client.patch(path, json={"years": [{"year": 2026, "from_month": 2, "to_month": 9,
                                               "cost": "40"}]},
                        headers={**headers, "If-Match": '"1"'})
    assert resp.status_code == 200, resp.text
    assert resp.headers["ETag"] == '"2"' and resp.json()["subtotal"] == "40.00"
    stale = client.patch(path, json={"name": "明故宫校区 3 号楼"},
                         headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.delete(path, headers={**headers, "If-Match": '"1"'}).status_code == 412
    assert client.patch(path, json={"name": None}, headers=headers).status_code == 422
    assert client.patch(path, json={"category": None}, headers=headers).json()["error"][
        "code"] == "rectification_entry_incomplete"
    assert client.delete(path, headers={**headers, "If-Match": '"2"'}).status_code == 204
    assert client.get(path, headers=headers).status_code == 404


def test_a_retried_create_returns_the_first_entry(client, make):
    manager = make.user(Role.center_manager, center=make.org.catering)
    key = str(uuid.uuid4())
    headers = {**make.headers(manager), "Idempotency-Key": key}
    first = client.post(URL, json=standalone(), headers=headers)
    retry = client.post(URL, json=standalone(), headers=headers)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json() == retry.json() and first.json()["client_id"] == key
    other = client.post(URL, json=standalone(name="别的"), headers=headers)
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_mismatch")


def test_the_list_is_in_table_order_and_filters(client, make):
    manager = make.user(Role.center_manager, center=make.org.catering)
    headers = make.headers(manager)
    ids = [client.post(URL, json=standalone(name=f"条目{n}"), headers=headers).json()["id"]
           for n in range(3)]
    page = client.get(f"{URL}?limit=2&linked=false", headers=headers).json()
    rest = client.get(f"{URL}?limit=2&linked=false&cursor={page['next_cursor']}",
                      headers=headers).json()
    assert [e["id"] for e in page["items"] + rest["items"]] == ids
    assert client.get(f"{URL}?category=informatisation", headers=headers).json()["items"] == []
