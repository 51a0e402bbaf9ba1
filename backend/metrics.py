"""What a process measures itself (request latencies, photo ingest stages, the decode pool,
the database pool, scheduler passes), as prometheus-client metrics; served by
:mod:`backend.metrics_route` (``GET /metrics``) and, for ``anxun worker``, on a port of its own.

With several uvicorn workers (``anxun serve --workers N``) ``cli`` points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before the workers start: each writes its
values there, and any worker's scrape sums them all (gauges: the sum over live workers)."""

import atexit
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import (
    Counter,
    Gauge,
    Histogram,
    make_wsgi_app,
    multiprocess,
)
from sqlalchemy import Engine, event

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"  # requests no route answered: one label, not one per probed path

# 0.3 s and 0.8 s are the morning-peak targets (reads p95 < 300 ms, writes p95 < 800 ms)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2.5, 5, 10, 30)
REQUEST_SECONDS = Histogram(
    "anxun_http_request_duration_seconds", "Time to answer a request, by route template",
    ["method", "route"], buckets=LATENCY_BUCKETS)
REQUESTS = Counter("anxun_http_requests", "Requests answered, by route template and status",
                   ["method", "route", "status"])
PHOTO_INGEST_SECONDS = Histogram(
    "anxun_photo_ingest_duration_seconds",
    "A photo upload's stages: receive (stream + hash to disk), decode, store, save",
    ["stage"], buckets=LATENCY_BUCKETS)
DECODE_IN_FLIGHT = Gauge("anxun_photo_decode_in_flight",
                         "Decodes running or waiting for a decode worker",
                         multiprocess_mode="livesum")
DECODE_QUEUE_DEPTH = Gauge("anxun_photo_decode_queue_depth",
                           "Decodes waiting for a decode worker (beyond photo_workers)",
                           multiprocess_mode="livesum")
DB_POOL_CHECKED_OUT = Gauge("anxun_db_pool_checked_out",
                            "Database connections in use (checked out of the pool)",
                            multiprocess_mode="livesum")
DB_POOL_SIZE = Gauge("anxun_db_pool_size",
                     "Connections the pool keeps (more, up to the overflow, open on demand)",
                     multiprocess_mode="livesum")
SCHEDULER_RUNS = Counter("anxun_scheduler_runs", "Scheduler passes, by outcome", ["outcome"])
SCHEDULER_SECONDS = Histogram("anxun_scheduler_pass_duration_seconds",
                              "Time a scheduler pass took", buckets=LATENCY_BUCKETS)


def observe_request(method: str, route: str | None, status: int, seconds: float) -> None:
    route = route or UNMATCHED
    REQUEST_SECONDS.labels(method, route).observe(seconds)
    REQUESTS.labels(method, route, str(status)).inc()


@contextmanager
def ingest_stage(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        PHOTO_INGEST_SECONDS.labels(stage).observe(time.perf_counter() - started)


@contextmanager
def scheduler_pass() -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    except Exception:
        SCHEDULER_RUNS.labels("failed").inc()
        raise
    SCHEDULER_RUNS.labels("ok").inc()
    SCHEDULER_SECONDS.observe(time.perf_counter() - started)


def _checked_out(*_args: Any) -> None:
    DB_POOL_CHECKED_OUT.inc()


def _checked_in(*_args: Any) -> None:
    DB_POOL_CHECKED_OUT.dec()


def instrument_pool(engine: Engine) -> None:
    """Count the engine's checked-out connections (pool events: every worker process updates
    its own value, not only the one a scrape reaches); once per engine."""
    size = getattr(engine.pool, "size", None)
    if callable(size):
        DB_POOL_SIZE.set(size())
    if not event.contains(engine, "checkout", _checked_out):
        event.listen(engine, "checkout", _checked_out)
        event.listen(engine, "checkin", _checked_in)


# prometheus-client's multiprocess files: <type>[_<gauge mode>]_<pid>.db
METRICS_FILE = re.compile(r"[a-z]+(?:_[a-z]+)?_[0-9]+\.db")


class MetricsDirError(ValueError):
    """``ANXUN_METRICS_DIR`` holds something other than prometheus-client's own files."""


def share_between_workers(directory: Path | None) -> None:
    """Before uvicorn starts its workers: they write their metrics into one directory
    (multiprocess mode, read from the environment they inherit), emptied first of a previous
    run's files as the library requires (they would add its counts to this one's); default: a
    new temporary directory, removed at exit. A configured directory holding anything else is
    refused, never emptied: a setting pointing at the data dir (or /) must not delete it."""
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="anxun-metrics-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    else:
        directory.mkdir(parents=True, exist_ok=True)
        found = list(directory.iterdir())
        foreign = sorted(p.name for p in found
                         if not (METRICS_FILE.fullmatch(p.name) and p.is_file()
                                 and not p.is_symlink()))
        if foreign:
            raise MetricsDirError(
                f"ANXUN_METRICS_DIR={directory} 中有指标文件以外的内容, 拒绝清空 (holds files "
                f"other than prometheus-client's *.db, refusing to empty it): "
                f"{', '.join(foreign[:5])}{' …' if len(foreign) > 5 else ''}; "
                f"请指向一个专用的空目录 (point it at a directory of its own)")
        for path in found:
            path.unlink()
    os.environ[MULTIPROC_ENV] = str(directory)


@contextmanager
def live_process() -> Iterator[None]:
    """A worker's live gauges leave the sums when it stops (multiprocess mode only)."""
    try:
        yield
    finally:
        if os.environ.get(MULTIPROC_ENV):
            multiprocess.mark_process_dead(os.getpid())


def bearer_matches(authorization: str, token: str) -> bool:
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(given.encode(), token.encode())


class _Quiet(WSGIRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass  # a scrape every few seconds is not news


def serve_process_metrics(host: str, port: int, token: str) -> None:
    """``anxun worker``'s own metrics (its scheduler passes) on a port of its own, in a thread,
    behind the same bearer token; the outboxes' lag is the app's ``/metrics``."""
    exposition_app = make_wsgi_app()

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not bearer_matches(environ.get("HTTP_AUTHORIZATION", ""), token):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"invalid_token\n"]
        return exposition_app(environ, start_response)

    server = make_server(host, port, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
