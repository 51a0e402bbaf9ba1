"""GET /modules, a hot read (one worker call, as the hazard list): same answers as a plain
endpoint, the token checked before the parameters."""

import anyio.to_thread
import pytest
from sqlalchemy import func, select

from backend.modules.models import PatrolModule
from backend.vocab import Role

BAD_PARAMETERS = {"limit": 0, "category": "no-such-category"}


@pytest.mark.parametrize("headers, code", [({}, "not_authenticated"),
                                           ({"Authorization": "Bearer nonsense"}, "invalid_token")])
def test_the_token_is_checked_before_the_parameters(client, headers, code):
    resp = client.get("/api/v1/modules", headers=headers, params=BAD_PARAMETERS)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == code


def test_a_disabled_users_token_is_refused(client, make):
    user = make.user(Role.inspector)
    headers = make.headers(user)
    user.is_active = False
    make.db.commit()
    assert client.get("/api/v1/modules", headers=headers).status_code == 401


def test_bad_parameters_of_a_valid_caller_are_422(client, make):
    resp = client.get("/api/v1/modules", headers=make.headers(make.user(Role.inspector)),
                      params=BAD_PARAMETERS)
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"


def test_pages_cover_every_active_module_once(client, make, db):
    headers = make.headers(make.user(Role.inspector))
    everything = client.get("/api/v1/modules", headers=headers).json()
    assert everything["next_cursor"] is None
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        resp = client.get("/api/v1/modules", headers=headers, params=params)
        assert resp.status_code == 200 and resp.headers["content-type"] == "application/json"
        page = resp.json()
        assert len(page["items"]) <= 3
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything["items"]
    assert len(seen) == db.scalar(select(func.count()).select_from(PatrolModule)
                                  .where(PatrolModule.is_active.is_(True)))
    first = seen[0]
    assert set(first) == {"id", "code", "category", "is_active", "name", "description",
                          "version", "version_id", "item_count", "major_item_count",
                           "site_kinds"}
    assert first["item_count"] >= first["major_item_count"] >= 0


def test_filters(client, make, db):
    headers = make.headers(make.user(Role.inspector))
    module = db.scalars(select(PatrolModule).order_by(PatrolModule.id)).first()
    fire = client.get("/api/v1/modules", headers=headers,
                      params={"category": module.category.value}).json()["items"]
    assert fire and {m["category"] for m in fire} == {module.category.value}
    module.is_active = False
    make.db.commit()
    listed = {m["id"] for m in client.get("/api/v1/modules", headers=headers).json()["items"]}
    assert module.id not in listed
    with_inactive = client.get("/api/v1/modules", headers=headers,
                               params={"include_inactive": "true"}).json()["items"]
    assert module.id in {m["id"] for m in with_inactive}
    by_code = client.get("/api/v1/modules", headers=headers,
                         params={"q": module.code, "include_inactive": "true"}).json()["items"]
    assert module.id in {m["id"] for m in by_code}


def test_one_worker_call_per_request(client, make, monkeypatch):
    """The token lookup, the page and its JSON run in one thread-pool call (a plain endpoint took
    about five: session, token, endpoint, response validation, commit)."""
    headers = make.headers(make.user(Role.inspector))
    calls = []
    run_sync = anyio.to_thread.run_sync

    async def counting(func, *args, **kwargs):
        calls.append(func)
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    assert client.get("/api/v1/modules", headers=headers).status_code == 200
    assert len(calls) == 1, calls
