"""The API keys' endpoints in the permission matrix: administrators only (a key of the
group's, made by another administrator, is theirs too)."""

ONLY_ADMIN = dict(inspector_own=403, inspector_other=403, manager_own=403, manager_other=403,
                  qa=403, leader=403)
EXPECTED = {
    "create_api_key": {**ONLY_ADMIN, "admin": 201},
    "list_api_keys": {**ONLY_ADMIN, "admin": 1},  # 1: the group's key is listed
    "read_api_key": {**ONLY_ADMIN, "admin": 200},
    "revoke_api_key": {**ONLY_ADMIN, "admin": 200},
}
KEYS = "/api/v1/api-keys"


def call(name, client, make, user) -> int:  # noqa: ANN001
    headers = make.headers(user)
    if name == "create_api_key":
        return client.post(KEYS, headers=headers, json={
            "name": "智慧后勤平台", "scopes": ["hazards:read"],
            "center_ids": [make.org.catering.id]}).status_code
    key, _ = make.api_key("hazards:read")
    if name == "list_api_keys":
        resp = client.get(KEYS, headers=headers)
        if resp.status_code != 200:
            return resp.status_code
        return sum(k["id"] == key.id for k in resp.json()["items"])
    if name == "read_api_key":
        return client.get(f"{KEYS}/{key.id}", headers=headers).status_code
    assert name == "revoke_api_key"
    return client.post(f"{KEYS}/{key.id}/revoke", headers=headers).status_code
