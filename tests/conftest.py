"""Test database and app fixtures.

The schema is built once per run by the Alembic migrations (never ``create_all``) on a
temporary SQLite file, or on the PostgreSQL named by ``ANXUN_TEST_DATABASE_URL``. Each test runs
inside a transaction that is rolled back at the end; the app's commits become savepoints."""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db import make_engine
from backend.deps import unit_of_work
from backend.main import create_app
from backend.migrate import upgrade
from backend.modules.service import load_catalogue
from backend.photos.pool import pool_held
from backend.ratelimit import RateLimiter
from tests.factories import Factory
from tests.live import LiveServer

TEST_DATABASE_URL = os.environ.get("ANXUN_TEST_DATABASE_URL")
# the audit chain's key is the process's (backend.audit.hashing.process_key): one for the whole
# run, set before anything reads the settings (the migrations seal the chain's head with it)
TEST_AUDIT_KEY = "test-audit-key-not-for-production"
os.environ.setdefault("ANXUN_AUDIT_KEY", TEST_AUDIT_KEY)


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


# The suite's clients send thousands of requests a minute as one user (the contract gate); a
# limit on would answer them 429, which the OpenAPI document declares, so fewer cases would
# test what they name. The limits are tested where set: tests/integrations/test_rate_limits.py.
NO_RATE_LIMITS = {"rate_limit_user_per_minute": 0, "rate_limit_key_per_minute": 0}


@pytest.fixture(scope="session", autouse=True)
def decode_workers_end_with_the_session() -> Iterator[None]:
    """The decode pool outlives each test's app (starting workers per test doubled the photo
    tests' time) and ends with the run."""
    with pool_held():
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # an explicitly requested database must be there: fail, never skip
        pytest.exit(f"test database {make_url(database_url).render_as_string()} "
                    f"is not reachable: {exc}", returncode=3)
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine)
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine) as session:
        load_catalogue(session)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint",
                      expire_on_commit=False, autoflush=False)
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url,
                    secret_key="test-secret-key-not-for-production", scheduler_enabled=False,
                    **NO_RATE_LIMITS)


@pytest.fixture(scope="session")
def built_app(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app, built once: building it takes 0.25-0.5 s (some 300 routes) and FastAPI builds a
    route's dependencies on its first request, which per test was minutes of the suite. What
    a test may change lives in ``app.state``, which :func:`app` sets anew for each test."""
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("app"), secret_key="unused",
                               scheduler_enabled=False), engine)


@pytest.fixture
def app(built_app: FastAPI, engine: Engine, db: Session, settings: Settings) -> FastAPI:
    app = built_app
    app.state.settings = settings
    app.state.engine = engine
    app.state.stopping = threading.Event()
    app.state.limiter = RateLimiter(settings, engine)

    @contextmanager
    def test_session(*, read_only: bool) -> Iterator[Session]:  # noqa: ARG001 - one session
        with unit_of_work(db):
            yield db

    app.state.sessions = test_session
    return app


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def make(db: Session, settings: Settings) -> Factory:
    return Factory(db, settings)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[LiveServer]:
    """The real app served by uvicorn on a free loopback port, on a database of its own (so
    requests really commit and really race)."""
    server = LiveServer.start(tmp_path_factory.mktemp("live"), database_url)
    yield server
    server.stop()
