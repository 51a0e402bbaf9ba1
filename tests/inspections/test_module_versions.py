"""A checklist filled offline is bound to the module version the phone had, so a module edited
between capture and sync does not make its answers ``unknown_item``."""

import uuid

from backend.vocab import ItemKind, Role
from tests.inspections.test_inspections import passing
from tests.modules.test_versions import NEW_CONTENT, _module_id


def test_an_inspection_started_on_an_old_version_keeps_it(client, make):
    qa, inspector = make.user(Role.qa_officer, center=make.org.qa), make.user(Role.inspector)
    module_id = _module_id(client, make.headers(qa))
    old = client.get(f"/api/v1/modules/{module_id}", headers=make.headers(inspector)).json()
    # the phone cached `old`; meanwhile 质监办 publishes a new version
    assert client.post(f"/api/v1/modules/{module_id}/versions", headers=make.headers(qa),
                       json=NEW_CONTENT).status_code == 201
    started = client.post("/api/v1/inspections", headers=make.headers(inspector), json={
        "module_id": module_id, "module_version_id": old["version_id"],
        "site_id": make.org.kitchen.id, "client_id": str(uuid.uuid4())})
    assert started.status_code == 201, started.text
    assert started.json()["module_version_id"] == old["version_id"]
    iid = started.json()["id"]

    class Item:  # the cached checklist's items, as `passing` expects them
        def __init__(self, raw: dict) -> None:
            self.id, self.kind = raw["id"], ItemKind(raw["kind"])
            self.min_value, self.max_value = raw["min_value"], raw["max_value"]
            self.limits_from_height = raw["limits_from_height"]

    answers = [passing(Item(i)) for i in old["items"]]
    saved = client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
                       json={"answers": answers})
    assert saved.status_code == 200, saved.text
    submitted = client.post(f"/api/v1/inspections/{iid}/submit", headers=make.headers(inspector))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_a_version_of_another_module_is_refused(client, make):
    inspector = make.user(Role.inspector)
    headers = make.headers(inspector)
    first, second = client.get("/api/v1/modules", headers=headers).json()["items"][:2]
    resp = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": first["id"], "module_version_id": second["version_id"],
        "site_id": make.org.kitchen.id})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "module_version_mismatch"
