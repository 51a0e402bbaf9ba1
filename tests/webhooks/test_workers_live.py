"""Workers on a real database (the live server's): several at once never send one delivery at
the same time, a killed worker process's delivery is sent by another after its lease, and a
rolled-back transaction is never sent."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from functools import partial

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from backend import clock, events
from backend.deps import request_session
from backend.vocab import Role
from backend.webhooks.delivery import Worker
from backend.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.webhooks.conftest import API
from tests.webhooks.receiver import Answer, Receiver


@pytest.fixture(scope="module")
def site(live):
    live.settings.webhook_allow_private_targets = True
    session, make = live.factory()
    admin = make.user(Role.admin)
    headers = {"Authorization": f"Bearer {live.token(session, admin)}"}
    yield session, make, headers
    session.close()


def subscribe(live, headers, url, **fields) -> dict:
    resp = httpx.post(live.base_url + API, headers=headers, timeout=30, json={
        "name": "平台", "url": url, "event_types": ["*"], **fields})
    assert resp.status_code == 201, resp.text
    return resp.json()


def emit(session: Session, make, event_type: str, count: int = 1) -> None:
    for n in range(count):
        events.emit(session, event_type, object_type="patrol_task", object_id=n + 1,
                    center_id=make.org.catering.id, group_id=make.org.group.id, actor_id=None)


def sessions(live):
    return partial(request_session, live.engine)


def drain(live, sub_id: int) -> None:
    """Deliver what is left, so the next test starts from nothing pending."""
    with Worker(sessions(live), live.settings) as worker:
        worker.run_once()


@pytest.fixture
def slow_claims(live):
    """Each claim's read of due deliveries takes 30 ms more, so that workers' claims overlap
    (without a lock, two would read and lease the same rows)."""
    def pause(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if "FROM webhook_deliveries JOIN webhook_subscriptions" in statement:
            time.sleep(0.03)

    event.listen(live.engine, "after_cursor_execute", pause)
    yield
    event.remove(live.engine, "after_cursor_execute", pause)


def test_parallel_workers_never_send_one_delivery_at_once(live, site, slow_claims):
    session, make, headers = site
    with Receiver(lambda _request, _n: Answer(delay=0.02)) as receiver:
        sub = subscribe(live, headers, receiver.url, event_types=["task.*"])
        emit(session, make, "task.done", 60)
        session.commit()
        stop = threading.Event()
        settings = live.settings.model_copy(update={"webhook_concurrency": 3})

        errors: list[Exception] = []

        def work() -> None:
            with Worker(sessions(live), settings) as worker:
                while not stop.is_set():
                    try:
                        worker.run_once()
                    except Exception as exc:  # e.g. two claims of one row: must not happen
                        errors.append(exc)
                        return

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(receiver.requests) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # a double send would arrive now
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    ids = Counter(r.delivery_id for r in receiver.requests)
    assert len(ids) == 60 and set(ids.values()) == {1}, ids.most_common(3)
    assert max(receiver.most_in_flight.values()) == 1
    with live.engine.connect() as conn:
        statuses = conn.execute(select(WebhookDelivery.status).where(
            WebhookDelivery.subscription_id == sub["id"])).scalars().all()
    assert statuses == ["succeeded"] * 60


def test_a_rolled_back_transaction_is_never_delivered(live, site):
    session, make, headers = site
    with Receiver() as receiver:
        subscribe(live, headers, receiver.url, event_types=["task.*"])
        with pytest.raises(RuntimeError), session.begin():  # a change that fails
            emit(session, make, "task.missed")
            session.flush()
            raise RuntimeError("the change fails after its event was emitted")
        emit(session, make, "task.done")
        session.commit()
        with Worker(sessions(live), live.settings) as worker:
            worker.run_once()
    assert [r.headers["x-anxun-event"] for r in receiver.requests] == ["task.done"]


def test_a_killed_worker_process_leaves_its_delivery_to_another(live, site, tmp_path):
    session, make, headers = site
    held = threading.Event()
    release = threading.Event()

    def respond(_request, n: int) -> Answer:
        if n == 1:  # the first worker's attempt hangs here until it is killed
            held.set()
            release.wait(20)
        return Answer()

    with Receiver(respond) as receiver:
        sub = subscribe(live, headers, receiver.url, event_types=["evaluation.*"])
        env = {**os.environ, "ANXUN_DATABASE_URL": live.settings.database_url,
               "ANXUN_DATA_DIR": str(tmp_path), "ANXUN_SECRET_KEY": "live-test-secret",
               "ANXUN_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "ANXUN_WEBHOOK_LEASE_SECONDS": "10",
               "ANXUN_WEBHOOK_TIMEOUT_SECONDS": "3", "ANXUN_WEBHOOK_INTERVAL_SECONDS": "0.1"}
        process = subprocess.Popen([sys.executable, "-m", "backend.cli", "worker"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            events.emit(session, "evaluation.weights_updated", object_type="evaluation_weights",
                        object_id=1, center_id=None, group_id=make.org.group.id, actor_id=None)
            session.commit()
            assert held.wait(30), "the worker process never sent"
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        release.set()
        with Worker(sessions(live), live.settings) as other:
            assert other.run_once().sent == 0  # leased by the dead worker: not yet
            with clock.frozen(clock.utcnow() + timedelta(seconds=11)):
                assert other.run_once().succeeded == 1
    assert len(receiver.requests) == 2
    assert receiver.requests[0].delivery_id == receiver.requests[1].delivery_id
    with live.engine.connect() as conn:
        outcomes = conn.execute(
            select(WebhookAttempt.outcome).join(WebhookDelivery).where(
                WebhookDelivery.subscription_id == sub["id"]).order_by(WebhookAttempt.number)
        ).scalars().all()
    assert outcomes == ["lost", "succeeded"]
