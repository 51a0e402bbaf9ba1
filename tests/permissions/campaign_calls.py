"""The campaign and external-inspection endpoints of the permission matrix: the objects are
a campaign aimed at the catering center and an external inspection concerning it."""

import uuid

from backend.vocab import Role
from tests.campaigns.support import campaign_body, module_for

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
QA_ONLY = dict(inspector_own=403, inspector_other=403, manager_own=403, manager_other=403,
               leader=403, admin=403)
READ = dict(inspector_own=200, inspector_other=404, manager_own=200, manager_other=404, qa=200,
            leader=200, admin=404)
LISTED = dict(inspector_own=1, inspector_other=0, manager_own=1, manager_other=0, qa=1,
              leader=1, admin=0)

EXPECTED = {
    "create_campaign": {**QA_ONLY, "qa": 201},
    "list_campaigns": LISTED,
    "read_campaign": READ,
    "cancel_campaign": {**QA_ONLY, "qa": 200},
    "submit_receipt": dict(inspector_own=403, inspector_other=404, manager_own=200,
                           manager_other=404, qa=403, leader=403, admin=404),
    "upload_campaign_attachment": {**QA_ONLY, "qa": 200},
    "download_campaign_attachment": READ,
    "create_external_inspection": {**QA_ONLY, "qa": 201},
    "list_external_inspections": LISTED,
    "read_external_inspection": READ,
    "add_external_findings": {**QA_ONLY, "qa": 201},
}


def _finding(make, qa):  # noqa: ANN001
    return {"title": "疏散指示灯不亮", "site_id": make.org.kitchen.id, "category": "fire",
            "photo_ids": [make.photo(qa).id], "client_id": str(uuid.uuid4())}


def _campaign(client, make, qa):  # noqa: ANN001
    module_id, _ = module_for(make.db, includes="canteen")
    resp = client.post("/api/v1/campaigns", headers=make.headers(qa), json=campaign_body(
        [module_id], center_ids=[make.org.catering.id]))
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _external(client, make, qa):  # noqa: ANN001
    resp = client.post("/api/v1/external-inspections", headers=make.headers(qa), json={
        "inspecting_body": "市消防救援支队", "inspected_on": "2026-03-02",
        "center_ids": [make.org.catering.id], "findings": [_finding(make, qa)]})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def call(name, client, make, user) -> int:  # noqa: ANN001
    """The status (or for lists, how many of the object are listed) for ``user``."""
    qa = make.user(Role.qa_officer, center=make.org.qa)
    headers = make.headers(user)
    if name == "create_campaign":
        module_id, _ = module_for(make.db, includes="canteen")
        return client.post("/api/v1/campaigns", headers=headers, json=campaign_body(
            [module_id], center_ids=[make.org.catering.id])).status_code
    if name == "create_external_inspection":
        return client.post("/api/v1/external-inspections", headers=headers, json={
            "inspecting_body": "教育局", "inspected_on": "2026-03-02",
            "findings": [_finding(make, user)]}).status_code
    if "external" in name:
        record_id = _external(client, make, qa)
        if name == "list_external_inspections":
            items = client.get("/api/v1/external-inspections", headers=headers).json()["items"]
            return sum(i["id"] == record_id for i in items)
        if name == "read_external_inspection":
            return client.get(f"/api/v1/external-inspections/{record_id}",
                              headers=headers).status_code
        return client.post(f"/api/v1/external-inspections/{record_id}/findings",
                           headers=headers, json={"findings": [_finding(make, user)]}).status_code
    campaign_id = _campaign(client, make, qa)
    path = f"/api/v1/campaigns/{campaign_id}"
    if name == "list_campaigns":
        items = client.get("/api/v1/campaigns", headers=headers).json()["items"]
        return sum(c["id"] == campaign_id for c in items)
    if name == "read_campaign":
        return client.get(path, headers=headers).status_code
    if name == "cancel_campaign":
        return client.post(f"{path}/cancel", headers=headers,
                           json={"reason": "计划调整"}).status_code
    if name == "submit_receipt":
        return client.post(f"{path}/receipt", headers=headers, json={
            "done": True, "findings_count": 0}).status_code
    upload = {"file": ("通知.pdf", PDF, "application/pdf")}
    if name == "upload_campaign_attachment":
        return client.put(f"{path}/attachment", headers=headers, files=upload).status_code
    assert name == "download_campaign_attachment"
    assert client.put(f"{path}/attachment", headers=make.headers(qa),
                      files=upload).status_code == 200
    return client.get(f"{path}/attachment", headers=headers).status_code
