"""The 附表3 plan-entry endpoints of the permission matrix: the entry belongs to the catering
center."""

from backend.vocab import Role
from tests.permissions.campaign_calls import LISTED, READ
from tests.rectification.support import standalone

URL = "/api/v1/rectification-entries"
WRITE = dict(inspector_own=403, inspector_other=404, manager_own=200, manager_other=404,
             qa=200, leader=403, admin=404)

EXPECTED = {
    "list_rectification_entries": LISTED,
    "read_rectification_entry": READ,
    "create_rectification_entry": dict(inspector_own=403, inspector_other=403, manager_own=201,
                                       manager_other=404, qa=201, leader=403, admin=403),
    "update_rectification_entry": WRITE,
    "delete_rectification_entry": {**WRITE, "manager_own": 204, "qa": 204},
}


def call(name, client, make, user) -> int:  # noqa: ANN001
    """The status (or for the list, how many times the entry is listed) for ``user``."""
    headers = make.headers(user)
    body = standalone(center_id=make.org.catering.id)
    if name == "create_rectification_entry":
        return client.post(URL, json=body, headers=headers).status_code
    manager = make.user(Role.center_manager, center=make.org.catering)
    entry = client.post(URL, json=body, headers=make.headers(manager))
    assert entry.status_code == 201, entry.text
    entry_id = entry.json()["id"]
    if name == "list_rectification_entries":
        items = client.get(URL, headers=headers).json()["items"]
        return sum(e["id"] == entry_id for e in items)
    if name == "read_rectification_entry":
        return client.get(f"{URL}/{entry_id}", headers=headers).status_code
    if name == "update_rectification_entry":
        return client.patch(f"{URL}/{entry_id}", json={"name": "改名"},
                            headers=headers).status_code
    assert name == "delete_rectification_entry"
    return client.delete(f"{URL}/{entry_id}", headers=headers).status_code
