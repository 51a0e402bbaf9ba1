"""Webhook deliveries per second to a local receiver, beside a floor measured in the same run,
on SQLite and PostgreSQL.

A receiver (``http.server``, HTTP/1.1 keep-alive, answering 200 at once) runs in a child
process on 127.0.0.1, so it takes no CPU time from the process measured. N domain events are
committed (not timed) for one ``*`` subscription of the generic format, then one
:class:`backend.webhooks.delivery.Worker` pass fans them out (deliveries rendered and inserted,
the cursor moved) and sends them all: leased ``FOR UPDATE SKIP LOCKED`` batches of
2 × ``webhook_concurrency``, signed, posted by the worker's threads, the attempts recorded.

The floor: the same number of bare posts of a body of the same size, from the same process, by
the same number of threads, each with an httpx client (one shared, as the worker's), to the
same receiver: what the HTTP path alone allows here. A second floor line adds the HMAC
signature (what signing costs is within the noise).

Usage: .venv/bin/python bench/webhooks.py [--events N] [--concurrency N]
           [--db sqlite|postgresql|both]

PostgreSQL as bench/hazards.py (BENCH_PG_URL, BENCH_PG_NAME; a throw-away database is created
and dropped). About a minute for both databases with the defaults on 2 cores.
"""

import argparse
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from hazards import database, log
from sqlalchemy import func, select

from backend import events
from backend.config import Settings
from backend.db import make_engine
from backend.deps import request_session
from backend.migrate import upgrade
from backend.org.service import ensure_group
from backend.webhooks import signing
from backend.webhooks.delivery import Worker
from backend.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookFormat,
    WebhookSubscription,
)

SECRET = "bench-secret-0123456789"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: object) -> None:
        pass


def serve(port_out: "multiprocessing.Queue[int]") -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


def floor(url: str, count: int, body: bytes, threads: int, sign: bool) -> float:
    """Bare posts per second: ``count`` posts by ``threads`` threads on one client."""
    with httpx.Client(timeout=10) as client, ThreadPoolExecutor(threads) as pool:
        def post(_n: int) -> None:
            headers = {"Content-Type": "application/json"}
            if sign:
                stamp = str(int(time.time()))
                headers.update({"X-AnXun-Timestamp": stamp,
                                "X-AnXun-Signature": signing.signature(SECRET, stamp, body)})
            client.post(url, content=body, headers=headers).raise_for_status()

        list(pool.map(post, range(min(50, count))))  # warm the connections
        started = time.perf_counter()
        list(pool.map(post, range(count)))
        return count / (time.perf_counter() - started)


def run(kind: str, url: str, count: int, concurrency: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as db_url:
        engine = make_engine(db_url)
        with engine.begin() as conn:
            upgrade(conn)
        settings = Settings(data_dir=Path(tmp) / "data", database_url=db_url, secret_key=SECRET,
                            webhook_allow_private_targets=True,
                            webhook_concurrency=concurrency)
        sessions = partial(request_session, engine)
        with sessions(read_only=False) as session:
            group = ensure_group(session, settings.group_name)
            session.add(WebhookSubscription(group_id=group.id, name="bench", url=url,
                                            event_types=["*"], format=WebhookFormat.generic,
                                            secret=SECRET))
        log(f"{kind}: {count} events")
        for first in range(0, count, 1000):
            with sessions(read_only=False) as session:
                for n in range(first, min(count, first + 1000)):
                    events.emit(session, "task.done", object_type="patrol_task", object_id=n + 1,
                                center_id=None, group_id=group.id, actor_id=None,
                                data={"inspection_id": n + 1})
        with Worker(sessions, settings) as worker:
            started = time.perf_counter()
            result = worker.run_once()
            took = time.perf_counter() - started
        with sessions(read_only=True) as session:
            body = session.scalar(select(WebhookDelivery.body).limit(1)) or ""
            succeeded = session.scalar(select(func.count()).where(
                WebhookDelivery.status == DeliveryStatus.succeeded)) or 0
        engine.dispose()
        if (result.fanned_out, result.succeeded, succeeded) != (count, count, count):
            raise SystemExit(f"{kind}: not every event was delivered: {result}, {succeeded}")
        log(f"{kind}: floor")
        bare = floor(url, count, body.encode(), concurrency, sign=False)
        signed = floor(url, count, body.encode(), concurrency, sign=True)
        return {"webhooks": count / took, "floor": bare, "floor_signed": signed,
                "body_bytes": len(body.encode())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=serve, args=(ports,), daemon=True)
    receiver.start()
    try:
        url = f"http://127.0.0.1:{ports.get(timeout=10)}/hooks"
        kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
        print(f"webhook deliveries/s to a local receiver ({args.events} events, "
              f"{args.concurrency} sending threads), floor = bare posts from the same process")
        print(f"{'database':<12}{'deliveries/s':>14}{'floor/s':>10}{'signed floor/s':>16}"
              f"{'of floor':>10}")
        for kind in kinds:
            f = run(kind, url, args.events, args.concurrency)
            print(f"{kind:<12}{f['webhooks']:>14.0f}{f['floor']:>10.0f}"
                  f"{f['floor_signed']:>16.0f}{f['webhooks'] / f['floor']:>10.0%}", flush=True)
    finally:
        receiver.terminate()
        receiver.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
