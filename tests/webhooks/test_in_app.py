"""The worker inside the app: the lifespan runs it beside the requests (scheduler on), and a
committed change reaches the receiver within a few intervals."""

import time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db import make_engine
from backend.main import create_app
from backend.migrate import upgrade
from backend.vocab import Role
from tests.factories import Factory
from tests.webhooks.conftest import subscribe


def test_the_app_runs_the_worker_and_stops_it(tmp_path, receiver):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, secret_key="s" * 32,
                        scheduler_enabled=True, webhook_interval_seconds=0.1,
                        webhook_allow_private_targets=True)
    session = Session(engine, expire_on_commit=False)
    make = Factory(session, settings)
    try:
        with TestClient(create_app(settings, engine)) as client:
            subscribe(client, make.headers(make.user(Role.admin)), receiver.url)
            hazard = make.hazard(make.user(Role.inspector, center=make.org.catering))
            deadline = time.monotonic() + 20
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.05)
            assert [r.headers["x-anxun-event"] for r in receiver.requests] == \
                ["hazard.reported"]
            assert f'"object_id":{hazard.id}' in receiver.requests[0].body.decode()
        # leaving the block ran the lifespan's end: the worker was cancelled, not waited for
    finally:
        session.close()
        engine.dispose()
