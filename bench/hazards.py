"""Hazard list benchmark: a filtered first page and a page 10,000 rows deep, in-process and
through HTTP, next to the raw driver and the in-process ceiling, on SQLite and PostgreSQL.

Loads N hazards (default 1,000,000: 4 operating centers, 30 sites, ~3 years, mostly closed, ~5%
major, some overdue, a quarter with a photo) with executemany / COPY into a database built by
the migrations, then measures ``GET /api/v1/hazards?center_id=C&status=assigned&limit=20`` as a
QA officer: the first page, and the page after the 10,000th matching row (its cursor is built
directly, so what is timed is fetching that page, not walking to it):

- in-process: the endpoint's work without HTTP (token lookup, the keyset page with its site's
  and people's names, its photos, allowed actions, signed URLs, the JSON) on a fresh session,
  p50/p95; the in-process ceiling is 1 / (its median): the requests/s one core could serve
  with no HTTP at all;
- SQLAlchemy: the endpoint's statements through the Session as it runs them (the token's user
  as an entity, the page and its photos as rows), building no response, against the raw driver
  (sqlite3 / psycopg) executing exactly the statements the in-process work sends (captured
  from SQLAlchemy) and fetching the rows: the floor;
- HTTP: ``anxun serve`` (uvicorn, uvloop + httptools) on a free loopback port with 1 and with 2
  worker processes, driven by ``wrk`` with 50 connections for a fixed time: requests/s, as a
  share of the in-process ceiling timed again just before and after each pass (the machine may
  be shared), and p50/p95/p99.

Usage: .venv/bin/python bench/hazards.py [--rows N] [--db sqlite|postgresql|both]
           [--samples N] [--seconds S] [--clients N] [--workers N[,N...]]
           [--rate-limit off|on]

``--rate-limit on`` serves with every request counted against the caller's rate limit
(backend/ratelimit.py) with a limit no pass reaches, so that the counting's cost is what
changes; ``off`` (the default) serves with the limits disabled.

Issue targets: deep page <= 1.3x the first page; SQLAlchemy <= 5x and in-process <= 4x the
raw driver; HTTP >= 60% of the in-process ceiling with p99 < 5x p50; PostgreSQL pool <= 2x
cores. HTTP needs ``wrk`` (Debian package wrk). PostgreSQL needs a superuser at BENCH_PG_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres): a fresh database anxun_bench_<random> is
created and dropped at the end. Everything runs on 127.0.0.1 inside a temporary directory that
is removed at the end, and every server started here is stopped. About 7 minutes on 2 cores
with the default 1,000,000 rows; ``--rows 100000`` takes about 2.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import create_user, issue_token, user_for_token
from backend.config import Settings
from backend.db import make_engine, new_session
from backend.demo import load_demo
from backend.deps import unit_of_work
from backend.hazards import listing, views
from backend.hazards.filters import HazardFilters
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.migrate import upgrade
from backend.org.models import Center, Site
from backend.pagination import _encode
from backend.vocab import Category, Grade, Role

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET = "anxun-bench-secret-not-for-production"
CENTER = "property"  # the center with the most sites, so the most hazards
LIMIT = 20
DEPTH = 10_000
YEARS = 3
CHUNK = 20_000  # rows per executemany / generated batch
HTTP_WARMUP_SECONDS = 2
CEILING_SAMPLES = 60  # in-process calls just before and just after each HTTP pass
MS = 1000


def log(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * MS:.2f}"


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


# --- the data ---------------------------------------------------------------------------------

TITLES = {
    Category.fire: ["灭火器压力不足", "疏散通道堆放杂物", "安全出口指示灯不亮", "消火栓被遮挡",
                    "防火门未关闭"],
    Category.food: ["留样记录不全", "生熟食品混放", "冷库温度超标", "过期食材未清理"],
    Category.gas: ["燃气报警器未检测", "燃气软管老化", "燃气阀门锈蚀"],
    Category.water_power: ["配电箱门未上锁", "电缆沟积水", "漏电保护器失效", "私拉乱接电线"],
    Category.school_bus: ["校车灭火器过期", "安全带损坏", "行车记录仪故障"],
    Category.building: ["外墙瓷砖松动", "栏杆松动", "屋面渗漏"],
    Category.equipment: ["电梯年检标志过期", "和面机防护罩缺失", "锅炉压力表未校验"],
    Category.hygiene: ["下水道有异味", "防鼠网破损", "垃圾未及时清运"],
    Category.other: ["警示标识缺失", "台账记录不完整"],
}
CENTER_CATEGORIES = {
    "catering": [Category.food, Category.food, Category.fire, Category.gas, Category.hygiene,
                 Category.equipment],
    "property": [Category.fire, Category.fire, Category.building, Category.equipment,
                 Category.water_power, Category.other],
    "energy": [Category.water_power, Category.water_power, Category.gas, Category.equipment,
               Category.fire],
    "transport": [Category.school_bus, Category.school_bus, Category.fire, Category.equipment],
}
EXTRA_USERS = [  # the demo has people only in catering and property
    ("energy_manager", "能源中心 吴经理", "energy", Role.center_manager),
    ("energy_inspector1", "能源中心 郑师傅", "energy", Role.inspector),
    ("transport_manager", "交通中心 冯经理", "transport", Role.center_manager),
    ("transport_inspector1", "交通中心 何师傅", "transport", Role.inspector),
]
# status shares by age: recent hazards are still being worked on, old ones are closed
STATUS_BY_AGE = [  # (max age in days, [(status, cumulative share)])
    (30, [(Status.reported, .15), (Status.assigned, .50), (Status.submitted, .65),
          (Status.cancelled, .70), (Status.closed, 1.0)]),
    (180, [(Status.reported, .02), (Status.assigned, .12), (Status.submitted, .15),
           (Status.cancelled, .20), (Status.closed, 1.0)]),
    (10**6, [(Status.reported, .005), (Status.assigned, .025), (Status.submitted, .03),
             (Status.cancelled, .07), (Status.closed, 1.0)]),
]
HAZARD_COLUMNS = [
    "id", "client_id", "request_hash", "reporter_id", "site_id", "center_id", "campus_id",
    "title", "description", "category", "grade", "source", "status", "assignee_id", "measures",
    "cost_estimate", "deadline", "interim_measures", "rectification", "submitted_by_id",
    "submitted_at", "verifier_id", "closed_at", "closed_late", "fixed_on_spot", "cancel_reason",
    "captured_at", "version", "created_at", "updated_at", "restricted_use",
]
PHOTO_COLUMNS = ["id", "uploader_id", "sha256", "storage_key", "content_type", "bytes", "width",
                 "height", "taken_at", "site_id", "received_at"]
LINK_COLUMNS = ["photo_id", "owner_type", "owner_id", "position", "created_at"]


@dataclass
class Org:
    sites: list[tuple[int, int, int, str]]  # id, center_id, campus_id, center code
    people: dict[int, list[int]]  # center id -> user ids (managers first)
    qa_id: int
    center_id: int  # the benchmark's center


def build_org(session: Session) -> Org:
    """The demo organisation and accounts plus people for energy and transport, through the
    services, as ``anxun demo`` does."""
    load_demo(session, "后勤集团")
    centers = {c.code: c for c in session.scalars(select(Center))}
    for username, name, center, role in EXTRA_USERS:
        create_user(session, group_id=centers[center].group_id, username=username,
                    display_name=name, password=secrets.token_urlsafe(16), roles=[role],
                    center_id=centers[center].id)
    session.flush()
    code_of = {c.id: c.code for c in centers.values()}
    sites = [(s.id, s.center_id, s.campus_id, code_of[s.center_id])
             for s in session.scalars(select(Site).order_by(Site.id))]
    people: dict[int, list[int]] = {}
    for user in session.scalars(select(User).order_by(User.id)):
        if user.center_id is not None:
            managers_first = people.setdefault(user.center_id, [])
            if user.has_role(Role.center_manager):
                managers_first.insert(0, user.id)
            else:
                managers_first.append(user.id)
    qa_id = session.scalar(select(User.id).where(User.username == "qa"))
    return Org(sites, people, qa_id, centers[CENTER].id)


class Stamp:
    """Timestamps as both databases want them in bulk loads: SQLAlchemy's SQLite text format
    (naive UTC, always with microseconds) or that plus ``+00`` for PostgreSQL's COPY. Formats
    a million rows' worth in seconds (strftime would take half a minute)."""

    def __init__(self, postgres: bool) -> None:
        self.suffix = "+00" if postgres else ""
        self.days: dict[int, str] = {}

    def __call__(self, epoch: float) -> str:
        micros = int(epoch * 1_000_000)
        day, micros = divmod(micros, 86_400_000_000)
        text_day = self.days.get(day)
        if text_day is None:
            text_day = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d")
            self.days[day] = text_day
        seconds, micros = divmod(micros, 1_000_000)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{text_day} {hours:02d}:{minutes:02d}:{seconds:02d}.{micros:06d}{self.suffix}"


def generate(rows: int, org: Org, now: float, postgres: bool,
             ) -> Iterator[tuple[list[tuple], list[tuple], list[tuple]]]:
    """Batches of (hazards, photos, photo links), ids 1..rows in created_at order, the same on
    every run (fixed seed)."""
    rng = random.Random(2026)
    stamp, day = Stamp(postgres), 86400.0
    true, false = (True, False) if postgres else (1, 0)
    span = YEARS * 365 * day
    step = span / rows
    start = now - span
    photo_id = 0
    hazards: list[tuple] = []
    photos: list[tuple] = []
    links: list[tuple] = []
    for hid in range(1, rows + 1):
        created = start + (hid - 1) * step + rng.random() * step * 0.9
        age = (now - created) / day
        site_id, center_id, campus_id, code = org.sites[rng.randrange(len(org.sites))]
        people = org.people[center_id]
        reporter = rng.choice(people)
        category = rng.choice(CENTER_CATEGORIES[code])
        title = rng.choice(TITLES[category])
        grade = Grade.major if rng.random() < 0.05 else Grade.general
        source = rng.choices(("adhoc", "external", "plan"), (80, 12, 8))[0]
        roll = rng.random()
        shares = next(s for max_age, s in STATUS_BY_AGE if age <= max_age)
        status = next(s for s, cumulative in shares if roll <= cumulative)
        fixed = status is Status.closed and rng.random() < 0.1
        assignee = measures = cost = deadline = interim = rectification = None
        submitted_by = submitted_at = verifier = closed_at = cancel_reason = None
        closed_late, version, updated = false, 1, created
        if status in (Status.assigned, Status.submitted, Status.closed) and not fixed:
            assignee = rng.choice(people)
            measures, interim = f"{title}：限期整改并复查", "设置警示标识，专人看管"
            cost = f"{rng.randrange(1, 5000) / 100:.4f}"
            deadline_date = (datetime.fromtimestamp(created, UTC)
                             + timedelta(days=rng.randrange(3, 31))).date()
            deadline = deadline_date.isoformat()
            version, updated = 2, created + rng.random() * day
            if status is not Status.assigned:
                submitted_by = assignee
                submitted_at = min(updated + rng.random() * 20 * day, now - 60)
                rectification = "已按整改措施完成整改，附整改后照片"
                version, updated = 3, submitted_at
            if status is Status.closed:
                verifier = people[0] if grade is Grade.general else org.qa_id
                closed = min(submitted_at + rng.random() * 3 * day, now - 30)
                closed_at, version, updated = closed, 4, closed
                if datetime.fromtimestamp(closed, UTC).date() > deadline_date:
                    closed_late = true
        elif fixed:
            closed_at, updated, version = created + 600, created + 600, 2
            rectification = "现场立即整改完毕"
        elif status is Status.cancelled:
            cancel_reason, updated, version = "重复上报", created + rng.random() * day, 2
        hazards.append((
            hid,
            f"{rng.getrandbits(128):032x}" if source == "adhoc" else None,
            f"{rng.getrandbits(256):064x}" if source == "adhoc" else None,
            reporter, site_id, center_id, campus_id, title,
            "现场检查发现，详见照片" if rng.random() < 0.5 else None,
            category.value, grade.value, source, status.value,
            assignee, measures, cost, deadline, interim, rectification, submitted_by,
            stamp(submitted_at) if submitted_at else None, verifier,
            stamp(closed_at) if closed_at else None, closed_late,
            true if fixed else false, cancel_reason, stamp(created - rng.random() * 600),
            version, stamp(created), stamp(updated), false,
        ))
        if hid % 4 == 0:  # a quarter of the hazards carry a before-photo
            photo_id += 1
            photos.append((photo_id, reporter, f"{photo_id:064x}", f"{photo_id:032x}",
                           "image/jpeg", 2_400_000, 4000, 3000, stamp(created - 300), site_id,
                           stamp(created)))
            links.append((photo_id, "hazard", hid, 0, stamp(created)))
        if len(hazards) == CHUNK or hid == rows:
            yield hazards, photos, links
            hazards, photos, links = [], [], []


def load_sqlite(engine: Engine, batches: Iterator[tuple[list, list, list]]) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN IMMEDIATE")
        statements = [
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})"
            for table, columns in (("hazards", HAZARD_COLUMNS), ("photos", PHOTO_COLUMNS),
                                   ("photo_links", LINK_COLUMNS))]
        for batch in batches:
            for statement, rows in zip(statements, batch, strict=True):
                cur.executemany(statement, rows)
        cur.execute("COMMIT")
        cur.close()
    finally:
        raw.close()


def load_postgres(engine: Engine, batches: Iterator[tuple[list, list, list]]) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            for hazards, photos, links in batches:
                for table, columns, rows in (("hazards", HAZARD_COLUMNS, hazards),
                                             ("photos", PHOTO_COLUMNS, photos),
                                             ("photo_links", LINK_COLUMNS, links)):
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            for table in ("hazards", "photos"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load


# --- the code paths ---------------------------------------------------------------------------

def filters(center_id: int) -> HazardFilters:
    """The router's filters for ``?center_id=C&status=assigned``."""
    return HazardFilters(status=[Status.assigned], center_id=[center_id])


def endpoint_work(engine: Engine, settings: Settings, token: str, center_id: int,
                  cursor: str | None) -> bytes:
    """The list endpoint's work without HTTP (its one worker call): a read-only session, the
    bearer token's lookup, the page with its photos, the response models and their JSON."""
    with new_session(engine, read_only=True) as session, unit_of_work(session):
        user = user_for_token(session, token)[0]
        page = listing.hazard_page(session, settings, user, filters(center_id),
                                   sort="created", limit=LIMIT, cursor=cursor)
    return listing.HazardPage.dump_json(page)  # as hot_read: once the connection is back


def sqlalchemy_queries(engine: Engine, token: str, center_id: int, cursor: str | None) -> int:
    """The endpoint's statements through SQLAlchemy as the endpoint runs them (the token's
    user as an entity, the page and its photos as rows), building no response."""
    with new_session(engine, read_only=True) as session, unit_of_work(session):
        user = user_for_token(session, token)[0]
        rows, _ = listing.page_rows(session, user, filters(center_id), sort="created",
                                    limit=LIMIT, cursor=cursor)
        photos = views.page_photos(session, [r.id for r in rows])
        return 1 + len(rows) + sum(map(len, photos.values()))


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements and driver-level parameters SQLAlchemy sends while the block runs."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextmanager
def raw_driver(url: str) -> Iterator[Callable[[list[tuple[str, Any]]], int]]:
    """A function running captured statements in one transaction on a plain driver connection
    (configured like the app's), fetching every row."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(parsed.database, isolation_level=None, timeout=30)
        for pragma in ("synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
            conn.execute(f"PRAGMA {pragma}")

        def run(statements: list[tuple[str, Any]]) -> int:
            cur = conn.cursor()
            cur.execute("BEGIN")
            n = sum(len(cur.execute(sql, params).fetchall()) for sql, params in statements)
            cur.execute("COMMIT")
            return n
    else:
        conn = psycopg.connect(pg_conninfo(url))

        def run(statements: list[tuple[str, Any]]) -> int:
            n = 0
            with conn.cursor() as cur:
                for sql, params in statements:
                    cur.execute(sql, params)
                    n += len(cur.fetchall())
            conn.commit()
            return n
    try:
        yield run
    finally:
        conn.close()


def timed(fns: dict[str, Callable[[], Any]], samples: int) -> dict[str, list[float]]:
    """Seconds per call of each function, taking turns call by call, so that a busy moment on
    the machine hits every figure alike; after a warm-up (caches, prepared statements)."""
    for _ in range(max(10, samples // 10)):
        for fn in fns.values():
            fn()
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(samples):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - start)
    return out


# --- databases --------------------------------------------------------------------------------

def pg_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh, empty database URL; PostgreSQL's is created here and dropped at the end."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    admin = os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    # BENCH_PG_NAME: a database of one's own on a shared server (replaced, then dropped)
    name = os.environ.get("BENCH_PG_NAME") or f"anxun_bench_{secrets.token_hex(4)}"
    with psycopg.connect(pg_conninfo(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(pg_conninfo(admin), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(engine: Engine, settings: Settings, rows: int) -> tuple[Org, str, float]:
    """Schema by the migrations, the organisation by the services, the hazards in bulk.
    Returns the org, a QA officer's token and the load time."""
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine, expire_on_commit=False) as session:
        org = build_org(session)
        qa = session.get(User, org.qa_id)
        token = issue_token(session, settings, qa).token
        session.commit()
    postgres = engine.dialect.name == "postgresql"
    start = time.perf_counter()
    batches = generate(rows, org, time.time(), postgres)
    (load_postgres if postgres else load_sqlite)(engine, batches)
    return org, token, time.perf_counter() - start


def deep_cursor(engine: Engine, center_id: int) -> tuple[int, int, str | None]:
    """How many rows match, the depth of the deep page (10,000, or less on a small load) and
    the cursor of the row just above it, as the API would have handed it out."""
    with Session(engine) as session:
        qa = session.scalar(select(User).where(User.username == "qa"))
        base = filters(center_id).statement(qa)
        count = session.scalar(base.with_only_columns(func.count(Hazard.id)))
        depth = min(DEPTH, count - LIMIT)
        if depth <= 0:
            return count, 0, None
        row = session.execute(base.with_only_columns(Hazard.created_at, Hazard.id)
                              .order_by(Hazard.created_at.desc(), Hazard.id.desc())
                              .offset(depth - 1).limit(1)).one()
        return count, depth, _encode([row.created_at, row.id])


# --- HTTP -------------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.headers["Authorization"] = "Bearer %s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@contextmanager
def pg_connections(url: str) -> Iterator[list[int]]:
    """While the block runs, the most connections to the benchmark's PostgreSQL database seen
    open and seen active (not idle), sampled every 20 ms from pg_stat_activity; [] on SQLite."""
    peaks: list[int] = []
    if make_url(url).get_backend_name() != "postgresql":
        yield peaks
        return
    stop = threading.Event()
    database_name = make_url(url).database

    def sample() -> None:
        most_open = most_active = 0
        with psycopg.connect(pg_conninfo(url), autocommit=True) as conn:
            while not stop.wait(0.02):
                opened, active = conn.execute(
                    "SELECT count(*), count(*) FILTER (WHERE state <> 'idle') "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    (database_name,)).fetchone()
                most_open, most_active = max(most_open, opened), max(most_active, active)
        peaks[:] = [most_open, most_active]

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peaks
    finally:
        stop.set()
        sampler.join(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


RATE_LIMIT = {"off": "0", "on": "1000000000"}  # on: counted, never reached


@contextmanager
def server(url: str, tmp: Path, workers: int,
           settings: dict[str, str] | None = None,
           rate_limit: str = "off") -> Iterator[tuple[int, Path]]:
    """``anxun serve`` on a free loopback port, in its own process group, until the block ends;
    yields the port and the server's log. ``settings``: more ``ANXUN_`` variables."""
    port = free_port()
    data_dir = tmp / f"serve-{port}"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANXUN_")}
    env |= {"ANXUN_DATA_DIR": str(data_dir), "ANXUN_DATABASE_URL": url,
            "ANXUN_SECRET_KEY": SECRET,
            "ANXUN_RATE_LIMIT_USER_PER_MINUTE": RATE_LIMIT[rate_limit], **(settings or {})}
    args = [str(Path(sys.executable).with_name("anxun")), "serve", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers)]
    logfile = data_dir / "server.log"
    with open(logfile, "wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=data_dir, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"anxun serve did not start; log:\n"
                                   f"{logfile.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port, logfile
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:  # the server and its workers
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=15)


def fetch(port: int, path: str, token: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Load:
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    worst: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk(port: int, path: str, token: str, seconds: int, clients: int, tmp: Path) -> Load:
    script = tmp / "wrk.lua"
    script.write_text(WRK_SCRIPT % token)
    result = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 60, check=True)
    match = re.search(r"^RESULT ([\d ]+)$", result.stdout, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    n, duration, p50, p95, p99, worst, errors = map(int, match.group(1).split())
    us = 1e-6
    return Load(n, duration * us, p50 * us, p95 * us, p99 * us, worst * us, errors)


# --- one database -----------------------------------------------------------------------------

@dataclass
class Figures:
    label: str
    rows: int
    load_seconds: float = 0
    matching: int = 0
    depth: int = 0
    pool: str = ""
    inproc: dict[str, list[float]] = field(default_factory=dict)
    orm: dict[str, list[float]] = field(default_factory=dict)
    raw: dict[str, list[float]] = field(default_factory=dict)
    http: dict[tuple[int, str], Load] = field(default_factory=dict)
    ceiling: dict[tuple[int, str], list[float]] = field(default_factory=dict)
    connections: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def pool_description(engine: Engine) -> str:
    pool = engine.pool
    if engine.dialect.name != "postgresql":
        return f"{type(pool).__name__}"
    return f"{pool.size()}+{pool._max_overflow}"  # noqa: SLF001 - size + overflow, for the report


def run_database(kind: str, args: argparse.Namespace, tmp: Path) -> Figures:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    figures = Figures(label, args.rows)
    work = tmp / kind
    work.mkdir()
    with database(kind, work) as url:
        settings = Settings(data_dir=work / "data", database_url=url, secret_key=SECRET)
        engine = make_engine(url)
        try:
            figures.pool = pool_description(engine)
            log(f"{label}: migrations, organisation, {args.rows:,} hazards")
            org, token, figures.load_seconds = prepare(engine, settings, args.rows)
            figures.matching, figures.depth, cursor = deep_cursor(engine, org.center_id)
            scenarios = {"first": None}
            if cursor is not None:
                scenarios["deep"] = cursor
            measure_in_process(figures, engine, settings, url, token, org.center_id, scenarios,
                               args.samples)
            if shutil.which("wrk"):
                def ceiling_samples(cursor: str | None) -> list[float]:
                    return timed({"": lambda: endpoint_work(engine, settings, token,
                                                            org.center_id, cursor)},
                                 CEILING_SAMPLES)[""]

                measure_http(figures, url, work, token, org.center_id, scenarios, args,
                             ceiling_samples)
            else:
                figures.notes.append("wrk not found (Debian: apt-get install wrk): no HTTP")
        finally:
            engine.dispose()
    return figures


def list_path(center_id: int, cursor: str | None) -> str:
    path = f"/api/v1/hazards?center_id={center_id}&status=assigned&limit={LIMIT}"
    return path + (f"&cursor={cursor}" if cursor else "")


def measure_in_process(figures: Figures, engine: Engine, settings: Settings, url: str,
                       token: str, center_id: int, scenarios: dict[str, str | None],
                       samples: int) -> None:
    fns: dict[str, Callable[[], Any]] = {}
    with raw_driver(url) as run_raw:
        for name, cursor in scenarios.items():
            body = json.loads(endpoint_work(engine, settings, token, center_id, cursor))
            if len(body["items"]) != LIMIT:
                raise RuntimeError(f"{name} page has {len(body['items'])} items")
            with captured_sql(engine) as statements:  # exactly what the endpoint sends
                endpoint_work(engine, settings, token, center_id, cursor)
            orm_rows = sqlalchemy_queries(engine, token, center_id, cursor)
            raw_rows = run_raw(statements)
            if raw_rows < orm_rows:
                raise RuntimeError(f"raw driver fetched {raw_rows} rows, SQLAlchemy {orm_rows}")
            fns[f"inproc {name}"] = \
                lambda c=cursor: endpoint_work(engine, settings, token, center_id, c)
            fns[f"orm {name}"] = \
                lambda c=cursor: sqlalchemy_queries(engine, token, center_id, c)
            fns[f"raw {name}"] = lambda s=statements: run_raw(s)
        log(f"{figures.label}: in-process, ORM and raw driver, {samples} calls each, "
            f"{', '.join(scenarios)} page")
        times = timed(fns, samples)
    for name in scenarios:
        figures.inproc[name] = times[f"inproc {name}"]
        figures.orm[name] = times[f"orm {name}"]
        figures.raw[name] = times[f"raw {name}"]


def measure_http(figures: Figures, url: str, work: Path, token: str, center_id: int,
                 scenarios: dict[str, str | None], args: argparse.Namespace,
                 ceiling_samples: Callable[[str | None], list[float]]) -> None:
    """wrk against ``anxun serve`` for each worker count and page; the in-process work is timed
    again just before and just after each pass (the server idle), so that the pass's share of
    the ceiling compares figures from the same minute of a machine that may be busy."""
    for workers in args.workers:
        with server(url, work, workers, rate_limit=args.rate_limit) as (port, logfile):
            for name, cursor in scenarios.items():
                path = list_path(center_id, cursor)
                status, body = fetch(port, path, token)
                if status != 200 or len(json.loads(body)["items"]) != LIMIT:
                    raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
                log(f"{figures.label} {name} page: HTTP, {workers} worker(s), {args.clients} "
                    f"clients, {HTTP_WARMUP_SECONDS}+{args.seconds} s")
                wrk(port, path, token, HTTP_WARMUP_SECONDS, args.clients, work)
                around = ceiling_samples(cursor)
                with pg_connections(url) as peaks:
                    figures.http[workers, name] = wrk(port, path, token, args.seconds,
                                                      args.clients, work)
                if peaks:
                    figures.connections[workers, name] = peaks
                figures.ceiling[workers, name] = around + ceiling_samples(cursor)
            failures = server_failures(logfile)
            if failures:
                figures.notes.append(f"{workers} worker(s): the server logged {failures}")


def server_failures(logfile: Path) -> str:
    """A summary of the errors a server logged, e.g. pool timeouts of a stalled server."""
    text_log = logfile.read_text(errors="replace")
    errors = re.findall(r"^(?:\w+\.)*(\w+(?:Error|Exception)): (.{0,90})", text_log, re.MULTILINE)
    if not errors:
        return ""
    kinds: dict[str, int] = {}
    for kind, message in errors:
        key = f"{kind}: {message.split(',')[0]}"
        kinds[key] = kinds.get(key, 0) + 1
    return "; ".join(f"{n}x {key}" for key, n in kinds.items())


# --- the report -------------------------------------------------------------------------------

def report(figures: Figures, args: argparse.Namespace) -> list[str]:
    names = list(figures.inproc)
    med = {n: statistics.median(figures.inproc[n]) for n in names}
    orm = {n: statistics.median(figures.orm[n]) for n in names}
    raw = {n: statistics.median(figures.raw[n]) for n in names}
    rows: list[tuple[str, list[str], str]] = []
    rows.append(("in-process p50 / p95 ms", [f"{ms(med[n])} / {ms(pct(figures.inproc[n], 95))}"
                                             for n in names], ""))
    if "deep" in names:
        rows.append(("deep / first page, in-process p50",
                     ["", f"{med['deep'] / med['first']:.2f}x"], "<= 1.3x"))
    rows.append(("SQLAlchemy statements p50 / p95 ms", [f"{ms(orm[n])} / {ms(pct(figures.orm[n], 95))}"
                                              for n in names], ""))
    rows.append(("raw driver p50 / p95 ms (floor)",
                 [f"{ms(raw[n])} / {ms(pct(figures.raw[n], 95))}" for n in names], ""))
    rows.append(("SQLAlchemy / raw driver", [f"{orm[n] / raw[n]:.2f}x" for n in names], "<= 5x"))
    rows.append(("in-process / raw driver", [f"{med[n] / raw[n]:.2f}x" for n in names],
                 "<= 4x"))
    rows.append(("in-process ceiling req/s", [f"{1 / med[n]:.0f}" for n in names], ""))
    for workers in args.workers:
        loads = [figures.http.get((workers, n)) for n in names]
        if not all(loads):
            continue
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        around = [statistics.median(figures.ceiling[workers, n]) for n in names]
        rows.append((f"in-process ceiling around the passes, {label}",
                     [f"{1 / c:.0f}" for c in around], ""))
        rows.append((f"HTTP req/s, {label} (share of that)",
                     [f"{h.rate:.0f} ({h.rate * c:.0%})"
                      for h, c in zip(loads, around, strict=True)], ">= 60%"))
        rows.append((f"HTTP p50 / p95 / p99 ms, {label}",
                     [f"{ms(h.p50)} / {ms(h.p95)} / {ms(h.p99)}" if h.requests else "stalled"
                      for h in loads], ""))
        rows.append((f"HTTP p99 / p50, {label}",
                     [f"{h.p99 / h.p50:.2f}x" if h.requests else "-" for h in loads], "< 5x"))
        peaks = [figures.connections.get((workers, n)) for n in names]
        if all(peaks):
            rows.append((f"PostgreSQL connections open / active, {label}",
                         [f"{p[0]} / {p[1]}" for p in peaks if p], f"pool {figures.pool}"))
        if any(h.errors for h in loads):
            rows.append((f"HTTP errors, {label}", [str(h.errors) for h in loads], "FAILED"))
    header = ["first page", f"deep page ({figures.depth:,} rows)"][:len(names)]
    lines = [f"{figures.label}: {figures.rows:,} hazards loaded in {figures.load_seconds:.0f} s "
             f"({figures.rows / figures.load_seconds:,.0f}/s); {figures.matching:,} match "
             f"center_id&status=assigned; pool {figures.pool}"]
    width = max(len(r[0]) for r in rows)
    cols = [max(len(h), *(len(r[1][i]) for r in rows if i < len(r[1])))
            for i, h in enumerate(header)]
    lines.append("  " + " " * width + "  "
                 + "  ".join(h.ljust(c) for h, c in zip(header, cols, strict=True)))
    for label, values, target in rows:
        cells = "  ".join(v.ljust(c) for v, c in zip(values + [""] * len(cols), cols,
                                                      strict=False))
        lines.append(f"  {label:<{width}}  {cells}  {target}".rstrip())
    lines += [f"  note: {note}" for note in figures.notes]
    return lines


# --- main -------------------------------------------------------------------------------------

def bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(text_value: str) -> int:
        value = int(text_value.replace("_", "").replace(",", ""))
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value
    return parse


def worker_counts(text_value: str) -> list[int]:
    counts = [bounded(1, 16)(part) for part in text_value.split(",") if part.strip()]
    if not counts:
        raise argparse.ArgumentTypeError("give at least one worker count")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=bounded(1_000, 3_000_000), default=1_000_000,
                        help="hazards to load (default 1,000,000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--samples", type=bounded(20, 5_000), default=300,
                        help="timed calls per in-process figure (default 300)")
    parser.add_argument("--seconds", type=bounded(2, 120), default=10,
                        help="seconds per HTTP pass, after a 2 s warm-up (default 10)")
    parser.add_argument("--clients", type=bounded(1, 500), default=50,
                        help="concurrent HTTP connections (default 50)")
    parser.add_argument("--workers", type=worker_counts, default=[1, 2],
                        help="uvicorn worker processes, one HTTP run each (default 1,2)")
    parser.add_argument("--rate-limit", choices=("off", "on"), default="off",
                        help="serve with the rate limits counting every request (on) or "
                             "disabled (off, the default)")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="anxun-bench-") as name:
        for kind in kinds:
            lines += report(run_database(kind, args, Path(name)), args)
    print(f"\nhazard list, {os.cpu_count()} cores, GET /api/v1/hazards?center_id=C&status=assigned"
          f"&limit={LIMIT} as a QA officer; {args.samples} in-process samples, HTTP "
          f"{args.seconds} s per pass; rate limits {args.rate_limit}; "
          f"{time.perf_counter() - started:.0f} s in all; load "
          f"average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other processes "
          f"make the figures noisy)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
