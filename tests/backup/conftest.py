"""Helpers for the backup tests: a write load on the live server, an empty target database,
table-by-table row dumps, the store's files and their hashes, the CLI."""

import hashlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from backend.db import make_engine
from tests.conftest import TEST_AUDIT_KEY
from tests.photos.images import jpeg

Rows = dict[str, list[tuple]]


def dump(conn: Connection) -> Rows:
    """Every row of every table, sorted: two databases are equal when their dumps are."""
    return {name: sorted((tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))),
                         key=repr)
            for name in sorted(inspect(conn).get_table_names())}


def dump_engine(engine: Engine) -> Rows:
    with engine.connect() as conn:
        return dump(conn)


def store_keys(engine: Engine) -> set[str]:
    """The store keys a database's rows name, spelt out here independently of the backup."""
    with engine.connect() as conn:
        photos = conn.execute(text("SELECT sha256, storage_key FROM photos")).all()
        documents = set(conn.scalars(text(
            "SELECT storage_key FROM record_attachments UNION ALL "
            "SELECT attachment_key FROM campaigns WHERE attachment_key IS NOT NULL")))
    return documents | {f"originals/{sha[:2]}/{sha}" for sha, _ in photos} | {
        f"derived/{key}/{variant}.jpg" for _, key in photos for variant in ("web", "thumb")}


def local_files(root: Path) -> dict[str, str]:
    """``{store key: sha256}`` of a local store (``data_dir/photos``; its staging area, where
    each process keeps a lock file, holds no object)."""
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*")
            if path.is_file() and ".incoming" not in path.relative_to(root).parts}


class WriteLoad(threading.Thread):
    """An inspector uploading a photo and reporting a hazard with it, again and again."""

    def __init__(self, base_url: str, token: str, site_id: int) -> None:
        super().__init__(daemon=True)
        self.base_url, self.token, self.site_id = base_url, token, site_id
        self.stopping = threading.Event()
        self.reported = 0
        self.failures: list[str] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30,
                          headers={"Authorization": f"Bearer {self.token}"}) as client:
            n = 0
            while not self.stopping.is_set():
                n += 1
                photo = client.post("/api/v1/photos", data={"client_id": str(uuid.uuid4())},
                                    files={"file": ("p.jpg", jpeg(120 + n, 80), "image/jpeg")})
                if photo.status_code != 201:
                    self.failures.append(photo.text)
                    return
                hazard = client.post("/api/v1/hazards", json={
                    "title": f"灭火器压力不足 {n}", "site_id": self.site_id, "category": "fire",
                    "photo_ids": [photo.json()["id"]], "client_id": str(uuid.uuid4())})
                if hazard.status_code != 201:
                    self.failures.append(hazard.text)
                    return
                self.reported += 1

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.reported < count:
            assert not self.failures, self.failures
            assert time.monotonic() < deadline, f"the load reported {self.reported} of {count}"
            time.sleep(0.02)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)
        assert not self.failures, self.failures


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the tested kind to restore into (PostgreSQL: a scratch database
    named after the test database, dropped afterwards)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored' / 'anxun.db'}"
        return
    name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def target_engine(target_url: str) -> Iterator[Engine]:
    engine = make_engine(target_url)
    yield engine
    engine.dispose()


def cli(*args: str, data_dir: Path, database_url: str, **settings: str) -> \
        subprocess.CompletedProcess[str]:
    """``anxun ARGS`` in a process of its own, configured only by the given settings and the
    suite's audit key (the deployment's, which the live servers' entries are keyed with)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANXUN_")}
    env.update({"ANXUN_DATA_DIR": str(data_dir), "ANXUN_DATABASE_URL": database_url,
                "ANXUN_AUDIT_KEY": TEST_AUDIT_KEY,
                **{f"ANXUN_{k.upper()}": v for k, v in settings.items()}})
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)
