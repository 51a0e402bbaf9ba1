"""Rate limits per person and per key: the RateLimit-* headers, 429 with Retry-After and an
error body, counts shared by every app (worker) on one database, and exact under parallel
requests against a live server."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db import make_engine
from backend.deps import unit_of_work
from backend.main import create_app
from backend.ratelimit import RateLimiter
from backend.vocab import Role


def limited(settings: Settings, *, users: int = 600, keys: int = 600) -> Settings:
    return settings.model_copy(update={"rate_limit_user_per_minute": users,
                                       "rate_limit_key_per_minute": keys})


def app_on(engine: Engine, db: Session, settings: Settings):
    """An app as a uvicorn worker would have it (its own engine and limiter), whose requests
    run in the test's transaction."""
    app = create_app(settings, engine)

    @contextmanager
    def test_session(*, read_only: bool) -> Iterator[Session]:  # noqa: ARG001
        with unit_of_work(db):
            yield db

    app.state.sessions = test_session
    return app


def test_the_counts_of_a_window(settings, tmp_path):
    """The limiter alone: a window's count, the remainder, the reset; a new window."""
    local = settings.model_copy(update={"data_dir": tmp_path / "rl",
                                        "rate_limit_window_seconds": 60})
    engine = make_engine(local.sqlalchemy_url)  # on SQLite the counts go to a side file
    limiter = RateLimiter(local, engine)
    bucket = f"unit:{time.monotonic_ns() % 10**12}"
    verdicts = [limiter.hit(bucket, 3, now=1_800_000_010.5) for _ in range(4)]
    assert [v.remaining for v in verdicts] == [2, 1, 0, 0]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[0].reset == 50  # the window is [..:00, ..:60)
    assert verdicts[-1].headers() == {"RateLimit-Limit": "3", "RateLimit-Remaining": "0",
                                      "RateLimit-Reset": "50"}
    later = limiter.hit(bucket, 3, now=1_800_000_060.0)
    assert later.allowed and later.remaining == 2 and later.reset == 60
    engine.dispose()


def test_a_person_over_the_limit_gets_429_with_headers(engine, db, make, settings):
    app = app_on(engine, db, limited(settings, users=3))
    user = make.user(Role.inspector)
    headers = make.headers(user)
    with TestClient(app) as client:
        answers = [client.get("/api/v1/me", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"3"}
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Retry-After"] == refused.headers["RateLimit-Reset"]
    # another person has their own budget
    with TestClient(app) as client:
        assert client.get("/api/v1/me", headers=make.headers(make.user())).status_code == 200


def test_a_key_has_its_own_limit(engine, db, make, settings):
    app = app_on(engine, db, limited(settings, keys=2))
    _, secret = make.api_key("hazards:read")
    _, own = make.api_key("hazards:read", rate_limit_per_minute=4)
    _, unlimited = make.api_key("hazards:read", rate_limit_per_minute=0)
    with TestClient(app) as client:
        def statuses(secret: str, n: int) -> list[int]:
            return [client.get("/api/v1/hazards", headers={"Authorization": f"Bearer {secret}"})
                    .status_code for _ in range(n)]

        assert statuses(secret, 3) == [200, 200, 429]
        assert statuses(own, 5) == [200] * 4 + [429]
        assert statuses(unlimited, 5) == [200] * 5
        resp = client.get("/api/v1/hazards", headers={"Authorization": f"Bearer {unlimited}"})
        assert "RateLimit-Limit" not in resp.headers


def test_zero_disables_the_limits(engine, db, make, settings):
    app = app_on(engine, db, limited(settings, users=0))
    headers = make.headers(make.user())
    with TestClient(app) as client:
        answers = [client.get("/api/v1/me", headers=headers) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert "RateLimit-Limit" not in answers[0].headers


def test_two_workers_share_one_count(db, make, settings, database_url):
    """Two apps, each with its own engine (as two uvicorn workers), over one database."""
    shared = limited(settings, users=5)
    engines = [make_engine(database_url) for _ in range(2)]
    apps = [app_on(engine, db, shared) for engine in engines]
    headers = make.headers(make.user())
    try:
        with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
            answers = [(first if n % 2 else second).get("/api/v1/me", headers=headers)
                       for n in range(8)]
    finally:
        for engine in engines:
            engine.dispose()
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert [a.headers["RateLimit-Remaining"] for a in answers[:5]] == ["4", "3", "2", "1", "0"]


@pytest.fixture
def live_limit(live) -> Iterator[int]:
    """The live server's person limit, set low for one test (the window an hour long, and the
    test started well inside one, so the window can't roll over during it)."""
    limit = 12
    saved = (live.settings.rate_limit_user_per_minute, live.settings.rate_limit_window_seconds)
    live.settings.rate_limit_user_per_minute, live.settings.rate_limit_window_seconds = \
        limit, 3600
    if time.time() % 3600 > 3540:
        time.sleep(3600 - time.time() % 3600 + 1)
    yield limit
    live.settings.rate_limit_user_per_minute, live.settings.rate_limit_window_seconds = saved


def test_parallel_requests_let_exactly_the_limit_through(live, live_limit):
    session, make = live.factory()
    user = make.user(Role.leader)
    token = live.token(session, user)
    session.close()

    def get(_: int) -> int:
        with httpx.Client(base_url=live.base_url, timeout=60) as client:
            return client.get("/api/v1/me",
                              headers={"Authorization": f"Bearer {token}"}).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(get, range(4 * live_limit)))
    assert statuses.count(200) == live_limit
    assert statuses.count(429) == 3 * live_limit
