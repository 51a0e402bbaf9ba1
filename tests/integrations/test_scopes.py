"""Scopes: every operation of the API is classified, and every scope is enforced through HTTP
(a key without it is refused with 403 ``scope_missing``, with it let through); what is for
people only answers a key 403 ``people_only`` whatever its scopes."""

import uuid

import pytest
from sqlalchemy import func, select

from backend.accounts import scopes
from backend.accounts.models import User
from backend.accounts.scopes import PEOPLE, PUBLIC, Scope
from backend.events import emit
from backend.events.models import DomainEvent
from tests.photos.images import jpeg

ALL = [str(s) for s in Scope]


def operations(app) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in app.openapi()["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")}


def test_every_operation_is_classified_and_every_entry_is_an_operation(app):
    ops = operations(app)
    assert len(ops) > 100
    unclassified = sorted(ops - scopes.OPERATIONS.keys())
    assert not unclassified, f"classify these in backend/accounts/scopes.py: {unclassified}"
    stale = sorted(scopes.OPERATIONS.keys() - ops)
    assert not stale, f"no such operations: {stale}"


def test_the_check_is_a_pure_rule():
    scopes.check("GET", "/api/v1/hazards", ["hazards:read"])
    scopes.check("HEAD", "/api/v1/hazards", ["hazards:read"])  # HEAD is GET's
    scopes.check("POST", "/api/v1/auth/login", [])
    with pytest.raises(scopes.ScopeMissing) as missing:
        scopes.check("GET", "/api/v1/hazards", ["hazards:write", "stats:read"])
    assert missing.value.details["required_scopes"] == ["hazards:read"]
    with pytest.raises(scopes.PeopleOnly):
        scopes.check("POST", "/api/v1/hazards/{hazard_id}/actions/verify", ALL)
    with pytest.raises(scopes.PeopleOnly):  # a route nobody classified is nobody's
        scopes.check("GET", "/api/v1/not-yet-classified", ALL)
    # any one of several is enough
    scopes.check("GET", "/api/v1/sites", ["hazards:write"])
    assert scopes.needed("GET", "/api/v1/me") == PEOPLE
    assert scopes.needed("GET", "/api/v1/photos/{photo_id}/{variant}") == PUBLIC


def _stream_reaches(client, make, headers) -> int:
    before = make.db.scalar(select(func.max(DomainEvent.id))) or 0
    event = emit(make.db, "hazard.reported", object_type="hazard", object_id=1,
                 center_id=make.org.catering.id, group_id=make.org.group.id, actor_id=None)
    make.db.commit()
    with client.stream("GET", "/api/v1/events/stream",
                       headers={**headers, "Last-Event-ID": str(before)}) as resp:
        if resp.status_code != 200:
            return resp.status_code
        for line in resp.iter_lines():
            if line == f"id: {event.id}":
                return 200
    raise AssertionError("the stream ended before the event")


def call(scope: Scope, client, make, headers, key_user: User) -> int:
    """One operation needing ``scope``, called with ``headers``; its status."""
    org = make.org
    if scope is Scope.hazards_read:
        return client.get("/api/v1/hazards", headers=headers).status_code
    if scope is Scope.hazards_write:
        return client.post("/api/v1/hazards", headers=headers, json={
            "title": "烟感报警", "site_id": org.kitchen.id, "category": "fire",
            "photo_ids": [make.photo(key_user).id], "client_id": str(uuid.uuid4())}).status_code
    if scope is Scope.inspections_read:
        return client.get("/api/v1/inspections", headers=headers).status_code
    if scope is Scope.photos_write:
        return client.post("/api/v1/photos", headers=headers,
                           data={"client_id": str(uuid.uuid4())},
                           files={"file": ("p.jpg", jpeg(), "image/jpeg")}).status_code
    if scope is Scope.stats_read:
        return client.get("/api/v1/stats/overview", headers=headers).status_code
    if scope is Scope.events_read:
        return _stream_reaches(client, make, headers)
    assert scope is Scope.exports_read
    return client.get("/api/v1/exports/table1.xlsx", headers=headers).status_code


ALLOWED = {Scope.hazards_write: 201, Scope.photos_write: 201}


@pytest.mark.parametrize("scope", list(Scope))
def test_every_scope_is_enforced(client, make, db, scope):
    others = [s for s in ALL if s != scope]
    without, secret_without = make.api_key(*others)
    resp_status = call(scope, client, make, {"Authorization": f"Bearer {secret_without}"},
                       db.get(User, without.user_id))
    assert resp_status == 403
    with_it, secret = make.api_key(scope)
    assert call(scope, client, make, {"Authorization": f"Bearer {secret}"},
                db.get(User, with_it.user_id)) == ALLOWED.get(scope, 200)


def test_a_refusal_names_the_scope(client, make):
    _, secret = make.api_key("stats:read")
    body = client.get("/api/v1/hazards", headers={"Authorization": f"Bearer {secret}"}).json()
    assert body["error"]["code"] == "scope_missing"
    assert body["error"]["details"]["required_scopes"] == ["hazards:read"]


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/me"), ("POST", "/api/v1/auth/logout"), ("GET", "/api/v1/audit"),
    ("POST", "/api/v1/hazards/1/actions/verify"), ("POST", "/api/v1/inspections"),
    ("GET", "/api/v1/users"),
])
def test_people_only_operations_refuse_every_key(client, make, method, path):
    _, secret = make.api_key(*ALL)
    resp = client.request(method, path, headers={"Authorization": f"Bearer {secret}"}, json={})
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "people_only"
