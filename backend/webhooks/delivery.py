"""The webhook worker: fan the domain events out to the matching subscriptions as deliveries,
then send the due deliveries, signed, retrying with exponential backoff for up to
``webhook_retry_hours``. It runs inside the app (:func:`run_in_app`) and in ``anxun worker``.

- Fan-out follows a cursor over the events (``worker_cursors``, ``webhooks``): events are
  numbered in commit order without gaps, so none is missed and none is seen twice, and a
  rolled-back change has no event, so nothing is ever sent for it. The deliveries and the
  cursor commit together.
- Sending is at least once under a stable ``delivery_id``. A worker takes due deliveries with
  ``FOR UPDATE SKIP LOCKED`` (two workers on PostgreSQL take different rows) and, in that short
  transaction, leases them: a token, and ``next_attempt_at`` moved to the lease's end, then
  commits before any network I/O. The result is written only under the same token. A worker
  killed mid-send leaves the delivery due again when the lease ends; its attempt shows as
  ``lost``. The lease is longer than an attempt can last (the timeout), so two live workers
  never send one delivery at the same time.
- Time is the clock's (:mod:`backend.clock`) and the backoff a value (:class:`Backoff`): tests
  move the clock instead of sleeping through the schedule."""

import asyncio
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from backend import clock
from backend.config import Settings
from backend.events import cursors
from backend.events.models import DomainEvent
from backend.webhooks import formats, signing, targets
from backend.webhooks.catalogue import matches
from backend.webhooks.models import (
    AttemptOutcome,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookFormat,
    WebhookSubscription,
)

log = logging.getLogger("anxun.webhooks")
CURSOR = "webhooks"
FAN_OUT_BATCH = 500
RESPONSE_KEEP_BYTES = 2048  # of an answer's body, read (for a robot's errcode), the rest dropped
USER_AGENT = "AnXun-Webhooks/1.0"
Sessions = Callable[..., AbstractContextManager[Session]]  # called with read_only=; commits


@dataclass(frozen=True)
class Backoff:
    """The delay after the n-th failed attempt: ``first`` · 2ⁿ⁻¹, at most ``longest``; a
    delivery whose next attempt would fall after ``window`` from its start has failed."""

    first: timedelta = timedelta(seconds=30)
    longest: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(hours=24)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Backoff":
        return cls(timedelta(seconds=settings.webhook_retry_first_seconds),
                   timedelta(seconds=settings.webhook_retry_max_seconds),
                   timedelta(hours=settings.webhook_retry_hours))

    def delay(self, failures: int) -> timedelta:
        return min(self.first * 2 ** min(failures - 1, 30), self.longest)


@dataclass(frozen=True)
class Job:
    """A leased delivery, with what sending it needs (no database work while sending)."""

    id: int
    delivery_id: str
    attempt: int
    attempt_row: int
    token: str
    event_type: str
    body: str
    url: str
    secret: str
    format: WebhookFormat
    dingtalk_sign: bool
    give_up_at: datetime


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int
    retry_after: int | None = None


@dataclass(frozen=True)
class PassResult:
    fanned_out: int
    sent: int
    succeeded: int


# fan-out

def fan_out(sessions: Sessions, settings: Settings) -> int:
    """Deliveries for the events after the cursor; how many were written. Returns at once
    when another worker holds the cursor (it is fanning out the same events)."""
    written = 0
    while True:
        with sessions(read_only=False) as session:
            cursor = cursors.claim(session, CURSOR)
            if cursor is None:
                return written
            batch = cursors.events_after(session, cursor, FAN_OUT_BATCH)
            if batch:
                written += _write_deliveries(session, settings, batch)
                cursor.last_event_id = batch[-1].id
        if len(batch) < FAN_OUT_BATCH:
            return written


def _write_deliveries(session: Session, settings: Settings, batch: list[DomainEvent]) -> int:
    subscriptions = list(session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.enabled.is_(True),
        WebhookSubscription.group_id.in_({e.group_id for e in batch if e.group_id}))))
    if not subscriptions:
        return 0
    names = formats.Lookups(session, settings.public_url)
    cache: dict[tuple[int, WebhookFormat], str] = {}
    now = clock.utcnow()
    window = Backoff.from_settings(settings).window
    rows: list[dict[str, Any]] = []
    for event in batch:
        for sub in subscriptions:
            if event.group_id != sub.group_id or event.id <= sub.since_event_id or \
                    not matches(sub.event_types, event.type) or \
                    (sub.center_ids is not None and event.center_id not in sub.center_ids):
                continue
            delivery_id = str(uuid.uuid4())
            rows.append({"delivery_id": delivery_id, "subscription_id": sub.id,
                         "event_seq": event.id, "event_type": event.type,
                         "body": formats.render(sub.format, event, delivery_id, sub.id, names,
                                                cache),
                         "status": DeliveryStatus.pending, "attempts": 0,
                         "next_attempt_at": now, "give_up_at": now + window,
                         "created_at": now})
    if rows:  # the cursor is held: no other fan-out writes these (the unique key guards too)
        session.execute(insert(WebhookDelivery), rows)
    return len(rows)


# leasing, sending, recording

def claim(sessions: Sessions, settings: Settings, limit: int) -> list[Job]:
    """Lease up to ``limit`` due deliveries of enabled subscriptions, oldest due first, and
    start their attempts in the log; committed before anything is sent. A statement each for
    the batch (read, lease, log): measured on PostgreSQL (bench/webhooks.py), a statement per
    delivery made the claims and records half of a delivery's time."""
    now = clock.utcnow()
    lease = timedelta(seconds=max(settings.webhook_lease_seconds,
                                  3 * settings.webhook_timeout_seconds))
    d, s = WebhookDelivery, WebhookSubscription
    with sessions(read_only=False) as session:
        rows = session.execute(
            select(d.id, d.delivery_id, d.attempts, d.lease_token, d.event_type, d.body,
                   d.give_up_at, s.url, s.secret, s.format, s.dingtalk_sign)
            .join(s, s.id == d.subscription_id)
            .where(d.status == DeliveryStatus.pending, d.next_attempt_at <= now,
                   s.enabled.is_(True))
            .order_by(d.next_attempt_at, d.id).limit(limit)
            .with_for_update(skip_locked=True, of=d)).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        lost = [row.id for row in rows if row.lease_token is not None]
        if lost:  # their lease ran out: the worker sending them stopped
            session.execute(update(WebhookAttempt).where(
                WebhookAttempt.delivery_id.in_(lost),
                WebhookAttempt.outcome == AttemptOutcome.in_flight).values(
                outcome=AttemptOutcome.lost, error="发送中断（工作进程停止，租约到期后重试）"))
        token = str(uuid.uuid4())  # the batch's lease
        session.execute(update(d).where(d.id.in_(ids)).values(
            attempts=d.attempts + 1, lease_token=token, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False))
        attempts: Table = WebhookAttempt.__table__  # type: ignore[assignment]
        logged = {delivery: attempt for delivery, attempt in session.execute(
            insert(attempts).returning(attempts.c.delivery_id, attempts.c.id),
            [{"delivery_id": row.id, "number": row.attempts + 1, "started_at": now,
              "outcome": AttemptOutcome.in_flight, "details": {}} for row in rows]).all()}
    return [Job(row.id, row.delivery_id, row.attempts + 1, logged[row.id], token,
                row.event_type, row.body, row.url, row.secret, row.format, row.dingtalk_sign,
                row.give_up_at) for row in rows]


def _robot_error(fmt: WebhookFormat, head: bytes) -> str | None:
    """WeCom and DingTalk answer 200 with ``{"errcode": n, "errmsg": ...}``: n ≠ 0 failed."""
    if fmt is WebhookFormat.generic:
        return None
    try:
        answer = json.loads(head)
    except ValueError:
        return "机器人应答不是 JSON"
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code in (0, None):
        return None if code == 0 else "机器人应答缺少 errcode"
    return f"errcode {code}: {str(answer.get('errmsg'))[:200]}"


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("retry-after", "")
    return int(value) if value.isdigit() else None


def send(client: httpx.Client, job: Job) -> Outcome:
    """One attempt: POST the body with the signature headers; no database work."""
    body = job.body.encode()
    now = clock.utcnow()
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               "X-AnXun-Event": job.event_type, "X-AnXun-Delivery": job.delivery_id,
               "X-AnXun-Timestamp": timestamp,
               "X-AnXun-Signature": signing.signature(job.secret, timestamp, body)}
    url = job.url
    if job.format is WebhookFormat.dingtalk and job.dingtalk_sign:
        url = signing.dingtalk_signed_url(url, job.secret, int(now.timestamp() * 1000))
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with client.stream("POST", url, content=body, headers=headers) as response:
            head = b""
            for chunk in response.iter_raw():
                head += chunk
                if len(head) >= RESPONSE_KEEP_BYTES:
                    break
    except targets.TargetRefused as exc:
        return Outcome(False, None, exc.reason, took())
    except httpx.TimeoutException:
        return Outcome(False, None, "超时", took())
    except httpx.HTTPError as exc:
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:500], took())
    code = response.status_code
    if not 200 <= code < 300:
        return Outcome(False, code, f"HTTP {code}", took(), _retry_after(response))
    error = _robot_error(job.format, head[:RESPONSE_KEEP_BYTES])
    return Outcome(error is None, code, error, took())


def record(sessions: Sessions, backoff: Backoff, done: list[tuple[Job, Outcome]]) -> int:
    """Write the attempts' results; a delivery is updated only under the lease this worker
    took (one taken over by another meanwhile keeps the other's). How many succeeded."""
    now = clock.utcnow()
    attempt_rows, delivery_rows = [], []
    for job, outcome in done:
        attempt_rows.append({"a_id": job.attempt_row, "a_duration": outcome.duration_ms,
                             "a_code": outcome.status_code, "a_error": outcome.error,
                             "a_outcome": AttemptOutcome.succeeded if outcome.ok
                             else AttemptOutcome.failed})
        status, next_at = DeliveryStatus.succeeded if outcome.ok else DeliveryStatus.pending, now
        if not outcome.ok:
            delay = backoff.delay(job.attempt)
            if outcome.retry_after:  # the receiver asked for a pause (429, 503)
                delay = max(delay, min(timedelta(seconds=outcome.retry_after), backoff.longest))
            next_at = now + delay
            if next_at > job.give_up_at:
                status, next_at = DeliveryStatus.failed, now
        delivery_rows.append({"d_id": job.id, "d_token": job.token, "d_status": status,
                              "d_next": next_at, "d_code": outcome.status_code,
                              "d_error": outcome.error,
                              "d_delivered": now if outcome.ok else None})
    attempts: Table = WebhookAttempt.__table__  # type: ignore[assignment]
    deliveries: Table = WebhookDelivery.__table__  # type: ignore[assignment]
    with sessions(read_only=False) as session:
        session.execute(update(attempts).where(attempts.c.id == bindparam("a_id")).values(
            outcome=bindparam("a_outcome"), duration_ms=bindparam("a_duration"),
            status_code=bindparam("a_code"), error=bindparam("a_error")), attempt_rows)
        session.execute(update(deliveries).where(
            deliveries.c.id == bindparam("d_id"),
            deliveries.c.lease_token == bindparam("d_token")).values(
            status=bindparam("d_status"), next_attempt_at=bindparam("d_next"),
            last_status_code=bindparam("d_code"), last_error=bindparam("d_error"),
            lease_token=None, delivered_at=func.coalesce(
                bindparam("d_delivered", type_=deliveries.c.delivered_at.type),
                deliveries.c.delivered_at)), delivery_rows)
    return sum(outcome.ok for _, outcome in done)


def work_waiting(sessions: Sessions) -> bool:
    """Whether a pass has anything to do: events after the cursor, or a delivery due (a read,
    so that an idle worker does not take SQLite's write lock every second)."""
    now = clock.utcnow()
    with sessions(read_only=True) as session:
        cursor = session.get(cursors.WorkerCursor, CURSOR)
        seen = cursor.last_event_id if cursor else 0
        if session.scalar(select(DomainEvent.id).where(DomainEvent.id > seen).limit(1)):
            return True
        return session.scalar(select(WebhookDelivery.id).where(
            WebhookDelivery.status == DeliveryStatus.pending,
            WebhookDelivery.next_attempt_at <= now).limit(1)) is not None


class Worker:
    """Fan-out and sending with one HTTP client and a pool of ``webhook_concurrency`` sending
    threads; :meth:`run_once` is one pass, :meth:`run` passes until stopped."""

    def __init__(self, sessions: Sessions, settings: Settings, backoff: Backoff | None = None,
                 client: httpx.Client | None = None) -> None:
        self.sessions, self.settings = sessions, settings
        self.backoff = backoff or Backoff.from_settings(settings)
        self.concurrency = settings.webhook_concurrency
        self.client = client or targets.client(settings.webhook_allow_private_targets,
                                               settings.webhook_timeout_seconds,
                                               self.concurrency)
        self.pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook")

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, wait: bool = True) -> None:
        """Without ``wait`` (the app stopping: the event loop must not block) an attempt
        still running fails with the closed client and is retried later."""
        self.pool.shutdown(wait=wait, cancel_futures=True)
        self.client.close()

    def send_due(self) -> tuple[int, int]:
        """Send what is due until nothing is: (sent, succeeded). Claims and records overlap
        the sending: up to 2 × ``webhook_concurrency`` deliveries are leased at a time, a
        claim tops them up and finished attempts are recorded together as they end. Measured
        (bench/webhooks.py): claiming, sending and recording a batch in turn left the sending
        threads idle for the database work."""
        window = 2 * self.concurrency
        sending: dict[Future[Outcome], Job] = {}
        sent = succeeded = 0
        more = True
        while True:
            if more and len(sending) < window:
                jobs = claim(self.sessions, self.settings, window - len(sending))
                more = len(jobs) == window - len(sending)
                sending.update({self.pool.submit(send, self.client, job): job for job in jobs})
            if not sending:
                return sent, succeeded
            finished, _ = wait(sending, return_when=FIRST_COMPLETED)
            done = [(sending.pop(future), future.result()) for future in finished]
            succeeded += record(self.sessions, self.backoff, done)
            sent += len(done)

    def run_once(self) -> PassResult:
        if not work_waiting(self.sessions):
            return PassResult(0, 0, 0)
        fanned = fan_out(self.sessions, self.settings)
        sent, succeeded = self.send_due()
        return PassResult(fanned, sent, succeeded)

    def run(self, stop: threading.Event) -> None:
        """Pass every ``webhook_interval_seconds`` until ``stop`` is set (``anxun worker``)."""
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("webhook pass failed")
            stop.wait(self.settings.webhook_interval_seconds)


async def run_in_app(sessions: Sessions, settings: Settings) -> None:
    """The worker inside the app: each pass in a worker thread (never on the event loop)."""
    worker = Worker(sessions, settings)
    try:
        while True:
            try:
                await run_in_threadpool(worker.run_once)
            except Exception:
                log.exception("webhook pass failed")
            await asyncio.sleep(settings.webhook_interval_seconds)
    finally:
        worker.close(wait=False)
