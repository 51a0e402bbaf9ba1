"""docker-compose.yml's topology without Docker: two ``anxun serve`` processes (one with two
workers) on one PostgreSQL database, photos in S3 (moto's server), one ``anxun worker``. Each
process has a data dir of its own, so anything kept on a local disk instead of the shared
database and store would show. Requests alternate between the two app processes."""

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db import make_engine
from backend.migrate import upgrade
from backend.vocab import Role
from tests.factories import PASSWORD, Factory
from tests.photos.images import jpeg
from tests.photos.test_s3 import BUCKET

SECRET = "stack-test-secret-shared-by-every-process"
METRICS_TOKEN = "stack-metrics-token"
# generous: the first upload starts the decode process, on a machine other suites share
get, post = partial(httpx.get, timeout=30), partial(httpx.post, timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def stack_database(database_url: str) -> Iterator[str]:
    """An empty database of its own, named after the test database."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("several server processes on one database: PostgreSQL's (SQLite is a file "
                    "one process's writers share)")
    name = f"{url.database}_stack_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(database: str) -> None:
    engine = make_engine(database)
    with engine.begin() as conn:
        upgrade(conn)
    engine.dispose()


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.headers["X-AnXun-Event"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hooks"
    server.shutdown()


def start(command: list[str], env: dict[str, str], data_dir: Path) -> subprocess.Popen:
    data_dir.mkdir(parents=True)
    log = open(data_dir / "process.log", "wb")  # noqa: SIM115 - the process holds it
    return subprocess.Popen([sys.executable, "-m", "backend.cli", *command],
                            env={**env, "ANXUN_DATA_DIR": str(data_dir)}, cwd=data_dir,
                            stdout=log, stderr=subprocess.STDOUT)


def wait_ready(base: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base} did not become ready")


@pytest.fixture(scope="module")
def stack(stack_database, s3_endpoint, tmp_path_factory) -> Iterator[tuple[str, str, str, Path]]:
    tmp = tmp_path_factory.mktemp("stack")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANXUN_")}
    env.update({
        "ANXUN_DATABASE_URL": stack_database, "ANXUN_SECRET_KEY": SECRET,
        "ANXUN_PHOTO_STORAGE": "s3", "ANXUN_S3_BUCKET": BUCKET,
        "ANXUN_S3_ENDPOINT_URL": s3_endpoint, "ANXUN_S3_ACCESS_KEY": "test",
        "ANXUN_S3_SECRET_KEY": "test", "ANXUN_SCHEDULER_ENABLED": "false",
        "ANXUN_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "ANXUN_METRICS_TOKEN": METRICS_TOKEN,
        "ANXUN_SCHEDULER_INTERVAL_SECONDS": "1", "ANXUN_WEBHOOK_INTERVAL_SECONDS": "0.2",
        "ANXUN_PHOTO_WORKERS": "1"})
    ports = free_port(), free_port()
    env["ANXUN_WORKER_METRICS_PORT"] = str(worker_port := free_port())
    processes = [  # the app processes start while the database is migrated; the worker after
        start(["serve", "--port", str(ports[0]), "--workers", "2"], env, tmp / "app-a"),
        start(["serve", "--port", str(ports[1])], env, tmp / "app-b")]
    bases = tuple(f"http://127.0.0.1:{port}" for port in ports)
    try:
        migrate(stack_database)
        processes.append(start(["worker"], env, tmp / "worker"))
        deadline = time.monotonic() + 30
        for base, process in zip(bases, processes, strict=False):
            wait_ready(base, process, deadline)
        yield bases[0], bases[1], f"http://127.0.0.1:{worker_port}", tmp / "worker"
    except BaseException:
        for log in sorted(tmp.glob("*/process.log")):
            print(f"--- {log.parent.name}\n{log.read_text(errors='replace')[-3000:]}")
        raise
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def people(database: str) -> tuple[Factory, dict[Role, str]]:
    """An inspector and an administrator, with the factory's known password."""
    engine = make_engine(database)
    with Session(engine, expire_on_commit=False) as session:
        make = Factory(session, Settings(secret_key=SECRET, database_url=database))
        users = {role: make.user(role).username for role in (Role.inspector, Role.admin)}
    engine.dispose()
    return make, users


def login(base: str, username: str) -> dict[str, str]:
    resp = post(f"{base}/api/v1/auth/token",
                      data={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert resp.status_code == 200, resp.text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(resp.text) for s in family.samples}


def wait_for(check, seconds: float = 15):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return result


def test_two_app_processes_one_database_s3_and_a_worker(stack, stack_database, receiver):
    a, b, worker, worker_dir = stack
    make, users = people(stack_database)
    site_id = make.org.kitchen.id

    admin = login(b, users[Role.admin])
    hook = post(f"{b}/api/v1/webhooks", headers=admin, json={
        "name": "平台", "url": receiver, "event_types": ["hazard.*"]})
    assert hook.status_code == 201, hook.text

    inspector = login(a, users[Role.inspector])  # the token works on the other process
    photo_bytes = jpeg(800, 600)
    photo = post(f"{b}/api/v1/photos", headers=inspector,
                       data={"client_id": str(uuid.uuid4())},
                       files={"file": ("p.jpg", photo_bytes, "image/jpeg")})
    assert photo.status_code == 201, photo.text
    reported = post(f"{b}/api/v1/hazards", headers=inspector, json={
        "title": "灭火器压力不足", "site_id": site_id, "category": "fire",
        "photo_ids": [photo.json()["id"]]})
    assert reported.status_code == 201, reported.text
    hazard_id = reported.json()["id"]

    reads = [get(f"{a}/api/v1/hazards/{hazard_id}", headers=inspector) for _ in range(4)]
    assert [r.status_code for r in reads] == [200] * 4
    [shown] = reads[0].json()["photos"]
    original = get(b + shown["urls"]["original"])  # signed by a, served by b, from S3
    assert original.status_code == 200
    assert hashlib.sha256(original.content).digest() == hashlib.sha256(photo_bytes).digest()
    assert get(a + shown["urls"]["web"]).headers["content-type"] == "image/jpeg"

    # the worker: the webhook delivered, the scheduler's pass consumed the events
    delivered = wait_for(lambda: [body["event"] for kind, body in Receiver.received
                                  if kind == "hazard.reported"])
    assert [(e["object_type"], e["object_id"]) for e in delivered] == [("hazard", hazard_id)]
    lag = wait_for(lambda: (m := scrape(a)) and m[
        ("anxun_events_unconsumed", (("consumer", "notifications"),))] == 0 and m)
    assert lag[("anxun_webhook_deliveries_pending", ())] == 0
    assert scrape(worker)[("anxun_scheduler_runs_total", (("outcome", "ok"),))] >= 1
    assert (worker_dir / "worker.alive").exists()  # compose's health check reads its age
    assert get(f"{worker}/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401

    # both of a's workers report into one scrape: every read above is counted, whichever
    # worker answered it
    read = ("anxun_http_request_duration_seconds_count",
            (("method", "GET"), ("route", "/api/v1/hazards/{hazard_id}")))
    assert scrape(a)[read] == 4
    assert scrape(a)[("anxun_db_pool_size", ())] == 2 * 2 * os.cpu_count()  # 2 workers' pools
    assert scrape(b)[("anxun_photo_ingest_duration_seconds_count", (("stage", "decode"),))] == 1
