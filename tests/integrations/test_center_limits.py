"""Readers limited to chosen centers (a leader of one center, a key for one center's systems):
the other centers' hazards, inspections, figures and events are invisible, their objects 404
as missing ones would be. Set by an administrator on users; on keys when created."""

from sqlalchemy import func, select

from backend.events import emit
from backend.events.models import DomainEvent
from backend.vocab import Role

INSPECTIONS = "/api/v1/inspections"


def limited_leader(client, make):
    """A leader limited to the catering center, through the users admin routes."""
    admin = make.user(Role.admin)
    leader = make.user(Role.leader)
    resp = client.patch(f"/api/v1/users/{leader.id}", headers=make.headers(admin),
                        json={"center_limit": [make.org.catering.id]})
    assert resp.status_code == 200 and resp.json()["center_limit"] == [make.org.catering.id]
    return make.headers(leader)


def limited_key(make):
    _, secret = make.api_key("hazards:read", "inspections:read", "stats:read", "events:read",
                             center_ids=[make.org.catering.id])
    return {"Authorization": f"Bearer {secret}"}


def start_inspection(client, make, site, center) -> int:
    inspector = make.user(Role.inspector, center=center)
    module_id = client.get("/api/v1/modules", headers=make.headers(inspector)) \
        .json()["items"][0]["id"]
    resp = client.post(INSPECTIONS, headers=make.headers(inspector), json={
        "module_id": module_id, "site_id": site.id, "kind": "routine"})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def check_sees_only_catering(client, make, headers):
    org = make.org
    ours = make.hazard(make.user(Role.inspector, center=org.catering))
    theirs = make.hazard(make.user(Role.inspector, center=org.property), site=org.dorm)
    listed = {h["id"] for h in client.get("/api/v1/hazards", headers=headers).json()["items"]}
    assert ours.id in listed and theirs.id not in listed
    assert client.get(f"/api/v1/hazards/{ours.id}", headers=headers).status_code == 200
    resp = client.get(f"/api/v1/hazards/{theirs.id}", headers=headers)
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "hazard_not_found"
    # a filter naming the other center finds nothing rather than lifting the limit
    other = client.get("/api/v1/hazards", params={"center_id": org.property.id}, headers=headers)
    assert other.json()["items"] == []

    our_run = start_inspection(client, make, org.kitchen, org.catering)
    their_run = start_inspection(client, make, org.dorm, org.property)
    listed = {i["id"] for i in client.get(INSPECTIONS, headers=headers).json()["items"]}
    assert our_run in listed and their_run not in listed
    assert client.get(f"{INSPECTIONS}/{our_run}", headers=headers).status_code == 200
    assert client.get(f"{INSPECTIONS}/{their_run}", headers=headers).status_code == 404

    overview = client.get("/api/v1/stats/overview", headers=headers)
    assert overview.status_code == 200, overview.text
    assert {c["center_id"] for c in overview.json()["centers"]} == {org.catering.id}
    assert client.get("/api/v1/stats/overview", params={"center_id": org.property.id},
                      headers=headers).status_code == 404

    assert stream_delivers(client, make, headers) == {"catering": True, "property": False}


def stream_delivers(client, make, headers) -> dict[str, bool]:
    before = make.db.scalar(select(func.max(DomainEvent.id))) or 0
    ids = {}
    for name in ("property", "catering"):  # the catering one last: the stream ends at it
        event = emit(make.db, "hazard.reported", object_type="hazard", object_id=1,
                     center_id=getattr(make.org, name).id, group_id=make.org.group.id,
                     actor_id=None)
        make.db.commit()  # numbers it
        ids[name] = event.id
    seen = set()
    with client.stream("GET", "/api/v1/events/stream",
                       headers={**headers, "Last-Event-ID": str(before)}) as resp:
        assert resp.status_code == 200
        for line in resp.iter_lines():
            if line.startswith("id: "):
                seen.add(int(line[4:]))
            if ids["catering"] in seen:
                break
    return {name: event_id in seen for name, event_id in ids.items()}


def test_a_leader_limited_to_a_center_sees_only_it(client, make):
    check_sees_only_catering(client, make, limited_leader(client, make))


def test_a_key_limited_to_a_center_sees_only_it(client, make):
    check_sees_only_catering(client, make, limited_key(make))


def test_an_unlimited_leader_still_sees_every_center(client, make):
    leader = make.user(Role.leader)
    theirs = make.hazard(make.user(Role.inspector, center=make.org.property), site=make.org.dorm)
    assert client.get(f"/api/v1/hazards/{theirs.id}",
                      headers=make.headers(leader)).status_code == 200
    assert stream_delivers(client, make, make.headers(leader)) == {"catering": True,
                                                                   "property": True}


def test_the_limit_is_set_and_removed_by_an_administrator(client, make):
    admin = make.user(Role.admin)
    leader = make.user(Role.leader)
    url = f"/api/v1/users/{leader.id}"
    bad = client.patch(url, headers=make.headers(admin), json={"center_limit": [999_999]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_center"
    assert client.patch(url, headers=make.headers(admin),
                        json={"center_limit": []}).status_code == 422
    set_ = client.patch(url, headers=make.headers(admin),
                        json={"center_limit": [make.org.property.id, make.org.catering.id]})
    assert set_.json()["center_limit"] == sorted([make.org.property.id, make.org.catering.id])
    cleared = client.patch(url, headers=make.headers(admin), json={"center_limit": None})
    assert cleared.status_code == 200 and cleared.json()["center_limit"] is None
    created = client.post("/api/v1/users", headers=make.headers(admin), json={
        "username": "leader_catering", "display_name": "饮食中心分管领导",
        "password": "Lantern-Maple-93x", "roles": ["leader"],
        "center_limit": [make.org.catering.id]})
    assert created.status_code == 201 and created.json()["center_limit"] == [make.org.catering.id]
    # a non-admin can't set it
    assert client.patch(url, headers=make.headers(leader),
                        json={"center_limit": None}).status_code == 403


def test_the_limit_rules_alone():
    from dataclasses import dataclass

    from backend.org.service import reads_whole_group, sees_center, within_limit

    @dataclass
    class Someone:
        roles: tuple[Role, ...]
        center_id: int | None = None
        center_limit: list[int] | None = None
        id: int = 1
        username: str = "x"
        group_id: int = 1

        def has_role(self, *roles: Role) -> bool:
            return any(r in roles for r in self.roles)

    leader, limited = Someone((Role.leader,)), Someone((Role.leader,), center_limit=[2])
    manager = Someone((Role.center_manager,), center_id=3, center_limit=[2])
    assert sees_center(leader, 5) and reads_whole_group(leader) and within_limit(leader, 5)
    assert sees_center(limited, 2) and not sees_center(limited, 3)
    assert not reads_whole_group(limited)
    # a limit never widens: a manager of center 3 limited to 2 sees neither
    assert not sees_center(manager, 3) and not sees_center(manager, 2)
