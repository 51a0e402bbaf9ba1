from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from backend import clock
from backend.deps import unit_of_work
from backend.vocab import Role
from backend.webhooks.delivery import Backoff, Worker
from tests.webhooks.receiver import Receiver

API = "/api/v1/webhooks"


class Clock:
    """The clock the worker reads, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def moving_clock() -> Iterator[Clock]:
    moving = Clock()
    with clock.frozen(lambda: moving.now):
        yield moving


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def allow_private(settings):
    settings.webhook_allow_private_targets = True
    return settings


@pytest.fixture
def admin_headers(make):
    return make.headers(make.user(Role.admin))


def session_factory(db: Session):
    @contextmanager
    def sessions(*, read_only: bool) -> Iterator[Session]:  # noqa: ARG001 - the test's one
        with unit_of_work(db):
            yield db
    return sessions


@pytest.fixture
def worker(db, settings) -> Iterator[Worker]:
    with Worker(session_factory(db), settings, Backoff(first=timedelta(seconds=30))) as running:
        yield running


def subscribe(client, headers, url: str, **fields) -> dict:
    body = {"name": "平台", "url": url, "event_types": ["hazard.*"], **fields}
    resp = client.post(API, headers=headers, json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()
