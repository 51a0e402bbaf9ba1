"""The records' endpoints in the permission matrix: each kind's record belongs to the catering
center (made by 质监办); the three-year action is the group's."""

from backend.vocab import Role
from tests.records.support import API, PDF, action_body, regulation_body, training_body

PEOPLE = ("inspector_own", "inspector_other", "manager_own", "manager_other", "qa", "leader",
          "admin")


def _row(*codes: int) -> dict[str, int]:
    return dict(zip(PEOPLE, codes, strict=True))


CENTER_KINDS = {  # path -> (singular, plural, body)
    "/responsibility-items": ("responsibility_item", "responsibility_items",
                              {"title": "消防安全责任人任命书", "established": True}),
    "/regulations": ("regulation", "regulations", regulation_body(client_id=None)),
    "/trainings": ("training", "trainings", training_body()),
}
ACCOUNTABILITY = ("/accountability-records", "accountability_record", "accountability_records",
                  {"kind": "criticism", "reason": "整改不到位", "issued_on": "2026-03-20"})


def _center_kind(singular: str, plural: str) -> dict[str, dict[str, int]]:
    write = _row(403, 404, 200, 404, 200, 403, 404)
    return {f"list_{plural}": _row(1, 0, 1, 0, 1, 1, 0),
            f"create_{singular}": _row(403, 403, 201, 404, 201, 403, 403),
            f"read_{singular}": _row(200, 404, 200, 404, 200, 200, 404),
            f"update_{singular}": write,
            f"delete_{singular}": {k: 204 if v == 200 else v for k, v in write.items()},
            f"upload_{singular}_attachment": {k: 201 if v == 200 else v
                                              for k, v in write.items()},
            f"download_{singular}_attachment": _row(200, 404, 200, 404, 200, 200, 404),
            f"delete_{singular}_attachment": {k: 204 if v == 200 else v
                                              for k, v in write.items()}}


def _accountability() -> dict[str, dict[str, int]]:
    _, singular, plural, _ = ACCOUNTABILITY
    write = _row(404, 404, 403, 404, 200, 403, 404)
    read = _row(404, 404, 200, 404, 200, 200, 404)
    return {f"list_{plural}": _row(0, 0, 1, 0, 1, 1, 0),
            f"create_{singular}": _row(403, 403, 403, 403, 201, 403, 403),
            f"read_{singular}": read, f"download_{singular}_attachment": read,
            f"update_{singular}": write,
            **{name: {k: code if v == 200 else v for k, v in write.items()}
               for name, code in ((f"delete_{singular}", 204),
                                  (f"upload_{singular}_attachment", 201),
                                  (f"delete_{singular}_attachment", 204))}}


PATCHES = {"/responsibility-items": {"remark": "改"}, "/regulations": {"remark": "改"},
           "/trainings": {"summary": "改"}, "/accountability-records": {"reason": "改"}}
QA_ONLY = _row(403, 403, 403, 403, 200, 403, 403)
EXPECTED = {
    **{name: codes for singular, plural, _ in CENTER_KINDS.values()
       for name, codes in _center_kind(singular, plural).items()},
    **_accountability(),
    "list_action_campaigns": _row(1, 1, 1, 1, 1, 1, 1),
    "read_action_campaign": _row(200, 200, 200, 200, 200, 200, 200),
    "create_action_campaign": {**QA_ONLY, "qa": 201},
    "update_action_campaign": QA_ONLY,
    # the catering center's row of the matrix
    "read_table_submissions": _row(1, 0, 1, 0, 1, 1, 0),
    # a center's manager hands in their own center's table
    "submit_table": _row(403, 403, 201, 201, 403, 403, 403),
}


def _kind_of(name: str) -> tuple[str, str, dict]:
    for path, (singular, plural, body) in CENTER_KINDS.items():
        if name.endswith((f"_{singular}", f"_{plural}", f"_{singular}_attachment")):
            return path, singular, body
    path, singular, _, body = ACCOUNTABILITY
    return path, singular, body


def _actions(name, client, make, headers, qa) -> int:  # noqa: ANN001
    if name == "create_action_campaign":
        return client.post(f"{API}/action-campaigns", headers=headers,
                           json=action_body()).status_code
    action_id = client.post(f"{API}/action-campaigns", headers=make.headers(qa),
                            json=action_body()).json()["id"]
    url = f"{API}/action-campaigns/{action_id}"
    if name == "list_action_campaigns":
        items = client.get(f"{API}/action-campaigns", headers=headers).json()["items"]
        return sum(a["id"] == action_id for a in items)
    if name == "read_action_campaign":
        return client.get(url, headers=headers).status_code
    if name == "update_action_campaign":
        return client.patch(url, headers=headers, json={"notes": "调整"}).status_code
    if name == "submit_table":
        return client.post(f"{url}/submissions", headers=headers,
                           json={"table": "table1"}).status_code
    assert name == "read_table_submissions"
    centers = client.get(f"{url}/submissions", headers=headers).json()["centers"]
    return sum(c["center_id"] == make.org.catering.id for c in centers)


def call(name, client, make, user) -> int:  # noqa: ANN001
    """The status (or for lists, how many of the catering record are listed) for ``user``."""
    qa = make.user(Role.qa_officer, center=make.org.qa)
    headers = make.headers(user)
    if "action_campaign" in name or name.endswith(("_table", "_submissions")):
        return _actions(name, client, make, headers, qa)
    path, singular, body = _kind_of(name)
    catering = {**body, "center_id": make.org.catering.id}
    if name.startswith("create_"):
        return client.post(f"{API}{path}", headers=headers, json=catering).status_code
    created = client.post(f"{API}{path}", headers=make.headers(qa), json=catering)
    assert created.status_code == 201, created.text
    url = f"{API}{path}/{created.json()['id']}"
    if name.startswith("list_"):
        items = client.get(f"{API}{path}?limit=200", headers=headers).json()["items"]
        return sum(r["id"] == created.json()["id"] for r in items)
    if name == f"read_{singular}":
        return client.get(url, headers=headers).status_code
    if name == f"update_{singular}":
        return client.patch(url, headers=headers, json=PATCHES[path]).status_code
    if name == f"delete_{singular}":
        return client.delete(url, headers=headers).status_code
    upload = {"file": ("记录.pdf", PDF, "application/pdf")}
    if name.startswith("upload_"):
        return client.post(f"{url}/attachments", headers=headers, files=upload).status_code
    attachment = client.post(f"{url}/attachments", headers=make.headers(qa), files=upload)
    assert attachment.status_code == 201, attachment.text
    if name.startswith("download_"):
        return client.get(attachment.json()["url"], headers=headers).status_code
    assert name.startswith("delete_") and name.endswith("_attachment")
    return client.delete(attachment.json()["url"], headers=headers).status_code
