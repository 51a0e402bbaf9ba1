"""GET /api/v1/audit: who may read it, filters, pagination, group scope."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.audit import record
from backend.audit import service as audit_service
from backend.org.models import Group
from backend.vocab import Role

URL = "/api/v1/audit"


@pytest.mark.parametrize("role, status", [
    (Role.qa_officer, 200), (Role.admin, 200),
    (Role.inspector, 403), (Role.center_manager, 403), (Role.leader, 403),
])
def test_only_qa_and_admin_read_the_log(client, make, role, status):
    resp = client.get(URL, headers=make.headers(make.user(role)))
    assert resp.status_code == status
    if status == 403:
        assert resp.json()["error"]["code"] == "forbidden"


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401


@pytest.fixture
def history(db, make, monkeypatch):
    """Six entries an hour apart by one actor, the last three about hazards."""
    actor = make.user(Role.center_manager)
    start = datetime(2026, 11, 1, 8, tzinfo=UTC)
    made = []
    for n, action in enumerate(["auth.login", "photo.upload", "photo.upload", "hazard.assign",
                                "hazard.verify", "hazard.assign"]):
        monkeypatch.setattr(audit_service, "utcnow", lambda n=n: start + timedelta(hours=n))
        made.append(record(db, actor=actor, action=action,
                           object_type=action.split(".")[0], object_id=n % 2 + 1))
    monkeypatch.undo()
    db.commit()
    return actor, start, made


def ids(resp):
    assert resp.status_code == 200, resp.text
    return [item["id"] for item in resp.json()["items"]]


def test_filters(client, make, history):
    actor, start, made = history
    headers = make.headers(make.user(Role.qa_officer))

    def get(**params):
        return ids(client.get(URL, headers=headers, params={"actor_id": actor.id, **params}))

    assert get() == [e.id for e in reversed(made)]
    assert get(action="hazard.") == [made[5].id, made[4].id, made[3].id]
    assert get(action="hazard.assign") == [made[5].id, made[3].id]
    assert get(action="hazard") == []  # exact unless it ends with "."
    assert get(object_type="photo", object_id="2") == [made[1].id]
    assert get(**{"from": (start + timedelta(hours=2)).isoformat(),
                  "to": (start + timedelta(hours=4)).isoformat()}) == [made[3].id, made[2].id]
    other = make.user(Role.inspector)
    assert ids(client.get(URL, headers=headers, params={"actor_id": other.id})) == []
    item = client.get(URL, headers=headers, params={"actor_id": actor.id}).json()["items"][0]
    assert item["actor_label"] == actor.username and item["object_id"] == "2"
    assert set(item) >= {"at", "request_id", "summary", "prev_hash", "hash"}


def test_times_must_carry_a_zone(client, make):
    resp = client.get(URL, headers=make.headers(make.user(Role.admin)),
                      params={"from": "2026-11-01T08:00:00"})
    assert resp.status_code == 422


def test_cursor_pagination_newest_first(client, make, history):
    actor, _, made = history
    headers = make.headers(make.user(Role.admin))
    seen, cursor = [], None
    while True:
        params = {"actor_id": actor.id, "limit": 4, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, headers=headers, params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [e.id for e in reversed(made)]
    assert client.get(URL, headers=headers, params={"cursor": "garbage!"}).status_code == 400


def test_entries_of_another_group_are_not_shown(client, make, db):
    ours_group = make.org.group  # before the other one: the first group is the deployment's
    other = Group(name="另一个后勤集团")
    db.add(other)
    db.flush()
    theirs = record(db, actor=None, action="center.create", group_id=other.id)
    ours = record(db, actor=None, action="center.create", group_id=ours_group.id)
    unscoped = record(db, actor=None, action="auth.login_failed", actor_label="ghost")
    db.commit()
    shown = ids(client.get(URL, headers=make.headers(make.user(Role.qa_officer)),
                           params={"limit": 200}))
    assert ours.id in shown and unscoped.id in shown and theirs.id not in shown
