"""Editing a module as the console does: from the version read (If-Match), never a version
that changes nothing, refusals the editor can show as they are."""

from backend.vocab import Role
from tests.modules.test_versions import NEW_CONTENT, _module_id


def _latest(client, headers, module_id):
    resp = client.get(f"/api/v1/modules/{module_id}", headers=headers)
    return resp, resp.json()


def test_a_version_based_on_the_latest_is_published(client, make):
    headers = make.headers(make.user(Role.qa_officer))
    module_id = _module_id(client, headers)
    read, module = _latest(client, headers, module_id)
    assert read.headers["ETag"] == f'"{module["version"]}"'
    resp = client.post(f"/api/v1/modules/{module_id}/versions", json=NEW_CONTENT,
                       headers={**headers, "If-Match": read.headers["ETag"]})
    assert resp.status_code == 201, resp.text
    assert resp.headers["ETag"] == f'"{module["version"] + 1}"'
    history = client.get(f"/api/v1/modules/{module_id}/versions", headers=headers)
    assert history.headers["ETag"] == resp.headers["ETag"]


def test_a_version_published_meanwhile_is_not_overwritten(client, make):
    headers = make.headers(make.user(Role.qa_officer))
    module_id = _module_id(client, headers)
    read, module = _latest(client, headers, module_id)
    other = client.post(f"/api/v1/modules/{module_id}/versions", json=NEW_CONTENT,
                        headers={**headers, "If-Match": read.headers["ETag"]})
    assert other.status_code == 201
    mine = {**NEW_CONTENT, "name": "灭火器（我的修改）"}
    resp = client.post(f"/api/v1/modules/{module_id}/versions", json=mine,
                       headers={**headers, "If-Match": read.headers["ETag"]})
    assert resp.status_code == 412
    assert resp.json()["error"]["code"] == "precondition_failed"
    assert resp.json()["error"]["details"] == {"version": module["version"] + 1}
    assert _latest(client, headers, module_id)[1]["name"] == NEW_CONTENT["name"]


def test_a_version_that_changes_nothing_is_refused(client, make):
    headers = make.headers(make.user(Role.qa_officer))
    module_id = _module_id(client, headers)
    assert client.post(f"/api/v1/modules/{module_id}/versions", json=NEW_CONTENT,
                       headers=headers).status_code == 201
    again = client.post(f"/api/v1/modules/{module_id}/versions", json=NEW_CONTENT,
                        headers=headers)
    assert again.status_code == 409
    body = again.json()["error"]
    assert body["code"] == "module_unchanged" and body["message"].startswith("内容与当前版本相同")
    versions = client.get(f"/api/v1/modules/{module_id}/versions", headers=headers).json()
    assert [v["name"] for v in versions].count(NEW_CONTENT["name"]) == 1


def test_an_inconsistent_item_is_refused_in_words_the_editor_can_show(client, make):
    headers = make.headers(make.user(Role.qa_officer))
    module_id = _module_id(client, headers)
    number = {**NEW_CONTENT["items"][1], "unit": None}
    resp = client.post(f"/api/v1/modules/{module_id}/versions", headers=headers,
                       json={**NEW_CONTENT, "items": [NEW_CONTENT["items"][0], number]})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["message"] == "提交的数据不符合要求：数值项须填写单位"
    assert error["details"]["errors"][0]["loc"] == ["body", "items", "1"]
