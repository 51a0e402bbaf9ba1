"""The changes feed (issue 13): events per second read through GET /api/v1/events and written
by ``events.emit``, each beside a floor measured in the same run, on SQLite and PostgreSQL; and
webhook deliveries per second to a local receiver (bench/webhooks.py's measurement, run here too).

Loads the demo organisation (bench/hazards.py's ``build_org``) and N domain events (default
100,000: hazard, inspection and task events of the four operating centers, a few of the group)
in bulk into a database built by the migrations, then measures:

- **read, HTTP**: a client paging GET /api/v1/events?after=<next>&limit=1000 from 0 until
  ``more`` is false, through ``anxun serve`` (1 worker, scheduler off) on a free loopback port:
  as 质监办 (every event), as a center's manager (their center's) and as 质监办 with
  ``types=hazard.*``; events/s. Floor: the raw driver (sqlite3 / psycopg) paging the same rows
  with a bare ``SELECT <the same columns> FROM domain_events WHERE id > ? [AND <the same
  filter>] ORDER BY id LIMIT 1000``, fetching every row.
- **write**: ``events.emit`` through the app's session and unit of work (staged, numbered under
  the head row's lock at commit), one event per transaction and 100 per transaction; events/s.
  Floor: the raw driver inserting the same rows with the same durability (SQLite
  ``synchronous=FULL``), one ``INSERT`` per transaction and 100 per transaction (executemany).
- ``--explain`` (PostgreSQL): loads --hazards of bench/hazards.py's hazards and --inspections of
  bench/dashboard.py's, then prints EXPLAIN ANALYZE of the statements the app sends for GET
  /events (质监办, a manager, ``types=hazard.*``) and GET /hazards, /inspections with
  ``sort=updated&updated_since=`` (the group, a center).

Usage: .venv/bin/python bench/feed.py [--events N] [--db sqlite|postgresql|both] [--runs N]
           [--writes N] [--explain] [--hazards N] [--inspections N]

PostgreSQL as in bench/hazards.py (BENCH_PG_URL; a throw-away anxun_bench_<random> database).
About 3 minutes for both databases with the defaults on 2 cores.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import webhooks
from dashboard import INSPECTION_COLUMNS, TASK_COLUMNS, bulk_load, patrols
from fastapi.testclient import TestClient
from hazards import (
    SECRET,
    Org,
    Stamp,
    bounded,
    build_org,
    captured_sql,
    database,
    generate,
    load_postgres,
    load_sqlite,
    log,
    pg_conninfo,
    server,
)
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend import events
from backend.accounts.models import User
from backend.accounts.service import issue_token
from backend.config import Settings
from backend.db import make_engine, new_session
from backend.deps import unit_of_work
from backend.events.models import EventHead
from backend.events.service import HEAD_ID
from backend.main import create_app
from backend.migrate import upgrade
from backend.modules.models import ModuleVersion
from backend.modules.service import load_catalogue

PAGE = 1000
BATCH = 100  # events per transaction in the batched write figures
CHUNK = 20_000
WEBHOOK_THREADS = 8  # bench/webhooks.py's default
COLUMNS = ["id", "event_id", "type", "at", "group_id", "center_id", "object_type", "object_id",
           "actor_id", "data"]
# as the app reads them: data as its stored text (psycopg would decode json into objects)
READ_COLUMNS = ("id, event_id, type, at, center_id, object_type, object_id, actor_id, "
                "CAST(data AS TEXT) AS data")
HAZARD_TYPES = ["hazard.reported", "hazard.assigned", "hazard.submitted", "hazard.closed",
                "hazard.rejected", "hazard.cancelled", "hazard.overdue", "hazard.escalated"]
INSPECTION_TYPES = ["inspection.started", "inspection.answers_saved",
                    "inspection.answers_saved", "inspection.submitted"]


# --- the data ---------------------------------------------------------------------------------

def payload(kind: str, rng: random.Random, site_id: int) -> dict[str, Any]:
    """A ``data`` the size and shape of the app's for the type."""
    if kind.startswith("hazard."):
        return {"seq": rng.randrange(1, 6), "action": kind.split(".")[1],
                "from_status": "reported", "to_status": "assigned", "grade": "general",
                "site_id": site_id, "changes": {"assignee_id": {"from": None, "to": 12},
                                                "deadline": {"from": None,
                                                             "to": "2026-12-20"}}}
    if kind.startswith("inspection."):
        return {"site_id": site_id, "module_id": rng.randrange(1, 50),
                "item_ids": sorted(rng.sample(range(1, 2000), 3)), "version": 2}
    return {"plan_id": rng.randrange(1, 2000), "site_id": site_id, "due_on": "2026-12-03",
            "campaign_id": None, "inspection_id": rng.randrange(1, 10**5)}


def event_rows(count: int, org: Org, group_id: int, postgres: bool, first_id: int = 1,
               ) -> Iterator[list[tuple]]:
    """Batches of domain_events rows, ids first_id.. in order, the same on every run."""
    rng = random.Random(13 + first_id)  # uuids of their own for each first id
    stamp = Stamp(postgres)
    now = time.time()
    rows: list[tuple] = []
    for n in range(count):
        roll = rng.random()
        site_id, center_id, _, _ = org.sites[rng.randrange(len(org.sites))]
        if roll < 0.6:
            kind, object_type = rng.choice(HAZARD_TYPES), "hazard"
        elif roll < 0.85:
            kind, object_type = rng.choice(INSPECTION_TYPES), "inspection"
        elif roll < 0.97:
            kind, object_type = rng.choice(("task.done", "task.missed")), "patrol_task"
        else:
            kind, object_type, center_id = "campaign.dispatched", "campaign", None
        rows.append((first_id + n, str(uuid.UUID(int=rng.getrandbits(128))), kind,
                     stamp(now - (count - n) * 30), group_id, center_id, object_type,
                     rng.randrange(1, 10**5), org.qa_id,
                     json.dumps(payload(kind, rng, site_id), ensure_ascii=False)))
        if len(rows) == CHUNK:
            yield rows
            rows = []
    if rows:
        yield rows


def load_events(engine: Engine, org: Org, group_id: int, count: int) -> None:
    postgres = engine.dialect.name == "postgresql"
    bulk_load(engine, (("domain_events", COLUMNS),),
              ((rows,) for rows in event_rows(count, org, group_id, postgres)))
    with Session(engine) as session:  # numbering goes on after the loaded events
        session.execute(update(EventHead).where(EventHead.id == HEAD_ID)
                        .values(last_id=count))
        session.commit()


def load_lists(engine: Engine, org: Org, hazards: int, inspections: int) -> None:
    """For --explain: hazards (bench/hazards.py) and inspections (bench/dashboard.py)."""
    postgres = engine.dialect.name == "postgresql"
    batches = ((h, [], []) for h, _, _ in generate(hazards, org, time.time(), postgres))
    (load_postgres if postgres else load_sqlite)(engine, batches)
    with Session(engine) as session:
        modules = [(m, v) for m, v in session.execute(
            select(ModuleVersion.module_id, func.max(ModuleVersion.id))
            .group_by(ModuleVersion.module_id))]
    bulk_load(engine, (("inspections", INSPECTION_COLUMNS), ("patrol_tasks", TASK_COLUMNS)),
              patrols(inspections, org, modules, time.time(), postgres))


def analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load


# --- reading ----------------------------------------------------------------------------------

# who reads, and the floor's filter for the same rows: (name, token key, query, SQL filter)
READERS = [
    ("质监办, every event", "qa", {}, ""),
    ("a center's manager", "manager", {}, "center_id = {center}"),
    ("质监办, types=hazard.*", "qa", {"types": "hazard.*"}, "type LIKE 'hazard.%'"),
]


def read_http(port: int, token: str, query: dict[str, str]) -> int:
    """Page GET /events from 0 until ``more`` is false on one keep-alive connection; the
    number of events read (checked: in order, no gap in ``next``)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    after, seen, last = 0, 0, 0
    try:
        while True:
            params = "&".join(f"{k}={v}" for k, v in {**query, "after": after,
                                                       "limit": PAGE}.items())
            conn.request("GET", f"/api/v1/events?{params}",
                         headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET /events: {response.status} {body[:300]!r}")
            page = json.loads(body)
            ids = [e["id"] for e in page["items"]]
            if ids and (ids[0] <= last or ids != sorted(ids)):
                raise RuntimeError("events out of order")
            last = ids[-1] if ids else last
            seen += len(ids)
            after = page["next"]
            if not page["more"]:
                return seen
    finally:
        conn.close()


@contextmanager
def raw(url: str) -> Iterator[tuple[Any, Callable[[str], str]]]:
    """A plain driver connection configured like the app's, and the parameter style."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn: Any = sqlite3.connect(parsed.database, isolation_level=None, timeout=30)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       "busy_timeout=30000"):
            conn.execute(f"PRAGMA {pragma}")
        yield conn, lambda sql: sql
    else:
        conn = psycopg.connect(pg_conninfo(url), autocommit=True)
        yield conn, lambda sql: sql.replace("%", "%%").replace("?", "%s")
    conn.close()


def read_floor(url: str, where: str) -> int:
    """The bare SELECT of the same rows, paged by id."""
    with raw(url) as (conn, style):
        sql = style(f"SELECT {READ_COLUMNS} FROM domain_events WHERE id > ?"
                    f"{' AND ' + where if where else ''} ORDER BY id LIMIT {PAGE}")
        after, seen = 0, 0
        while True:
            cur = conn.cursor()
            cur.execute(sql, (after,))
            rows = cur.fetchall()
            cur.close()
            if not rows:
                return seen
            seen += len(rows)
            after = rows[-1][0]


# --- writing ----------------------------------------------------------------------------------

def write_app(engine: Engine, org: Org, group_id: int, transactions: int, per: int) -> int:
    rng = random.Random(5)
    for _ in range(transactions):
        with new_session(engine) as session, unit_of_work(session):
            for _ in range(per):
                site_id, center_id, _, _ = org.sites[rng.randrange(len(org.sites))]
                events.emit(session, "hazard.assigned", object_type="hazard",
                            object_id=rng.randrange(1, 10**5), center_id=center_id,
                            group_id=group_id, actor_id=org.qa_id,
                            data=payload("hazard.assigned", rng, site_id))
    return transactions * per


def write_floor(url: str, org: Org, group_id: int, transactions: int, per: int,
                first_id: int) -> int:
    """The same rows inserted by the raw driver, ``per`` a transaction (ids of its own, past
    the app's, so the two never meet)."""
    postgres = make_url(url).get_backend_name() == "postgresql"
    rows = [row for batch in event_rows(transactions * per, org, group_id, postgres, first_id)
            for row in batch]
    with raw(url) as (conn, style):
        sql = style(f"INSERT INTO domain_events ({', '.join(COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(COLUMNS))})")
        for n in range(transactions):
            cur = conn.cursor()
            cur.execute("BEGIN")
            cur.executemany(sql, rows[n * per:(n + 1) * per])
            cur.execute("COMMIT")
            cur.close()
    return transactions * per


# --- EXPLAIN ----------------------------------------------------------------------------------

def explain(engine: Engine, settings: Settings, url: str, tokens: dict[str, str],
            center_id: int) -> list[str]:
    """EXPLAIN ANALYZE of the list statements each call sends (PostgreSQL)."""
    since = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    calls = [
        ("GET /events as 质监办", "qa", "/api/v1/events", {"after": 50_000, "limit": PAGE}),
        ("GET /events as a manager", "manager", "/api/v1/events",
         {"after": 50_000, "limit": PAGE}),
        ("GET /events?types=hazard.* as 质监办", "qa", "/api/v1/events",
         {"after": 50_000, "limit": PAGE, "types": "hazard.*"}),
        ("GET /hazards?sort=updated&updated_since=-30d as 质监办", "qa", "/api/v1/hazards",
         {"sort": "updated", "updated_since": since, "limit": 50}),
        ("GET /hazards?sort=updated&updated_since=-30d&center_id=C as 质监办", "qa",
         "/api/v1/hazards", {"sort": "updated", "updated_since": since, "limit": 50,
                             "center_id": center_id}),
        ("GET /hazards?sort=updated&updated_since=-30d as a manager", "manager",
         "/api/v1/hazards", {"sort": "updated", "updated_since": since, "limit": 50}),
        ("GET /inspections?sort=updated&updated_since=-30d as 质监办", "qa",
         "/api/v1/inspections", {"sort": "updated", "updated_since": since, "limit": 50}),
        ("GET /inspections?sort=updated&updated_since=-30d as a manager", "manager",
         "/api/v1/inspections", {"sort": "updated", "updated_since": since, "limit": 50}),
    ]
    lines = []
    with TestClient(create_app(settings, engine)) as client, \
            psycopg.connect(pg_conninfo(url)) as conn:
        for name, who, path, params in calls:
            with captured_sql(engine) as statements:
                resp = client.get(path, params=params,
                                  headers={"Authorization": f"Bearer {tokens[who]}"})
            if resp.status_code != 200:
                raise RuntimeError(f"{name}: {resp.status_code} {resp.text[:300]}")
            table = path.rsplit("/", 1)[1].replace("events", "domain_events")
            main = [(sql, p) for sql, p in statements
                    if f"FROM {table}" in sql and "ORDER BY" in sql]
            lines.append(f"  {name}:")
            for sql, p in main:
                plan = conn.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, p).fetchall()
                lines += [f"    {row[0]}" for row in plan]
    return lines


# --- webhooks ---------------------------------------------------------------------------------

def webhook_figures(kind: str, args: argparse.Namespace) -> list[str]:
    """Webhook deliveries per second to a local receiver beside bare posts from the same
    process (bench/webhooks.py, which describes the run); a database of its own."""
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=webhooks.serve, args=(ports,), daemon=True)
    receiver.start()
    try:
        url = f"http://127.0.0.1:{ports.get(timeout=10)}/hooks"
        f = webhooks.run(kind, url, args.webhook_events, WEBHOOK_THREADS)
    finally:
        receiver.terminate()
        receiver.join(5)
    return [f"  webhooks ({args.webhook_events:,} events, {WEBHOOK_THREADS} threads): "
            f"{f['webhooks']:,.0f} deliveries/s, floor {f['floor']:,.0f} bare posts/s "
            f"({f['webhooks'] / f['floor']:.0%} of it)"]


# --- the run ----------------------------------------------------------------------------------

def rate(count: int, seconds: list[float]) -> float:
    return count / statistics.median(seconds)


def run_database(kind: str, args: argparse.Namespace, tmp: Path) -> list[str]:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    work = tmp / kind
    work.mkdir()
    lines = [f"{label}, {args.events:,} events"]
    with database(kind, work) as url:
        settings = Settings(data_dir=work / "data", database_url=url, secret_key=SECRET,
                            scheduler_enabled=False)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                upgrade(conn)
            with Session(engine, expire_on_commit=False) as session:
                org = build_org(session)
                load_catalogue(session)
                qa = session.get(User, org.qa_id)
                manager = session.scalar(select(User).where(User.username == "canteen_manager"))
                tokens = {"qa": issue_token(session, settings, qa).token,
                          "manager": issue_token(session, settings, manager).token}
                group_id, center_id = qa.group_id, manager.center_id
                session.commit()
            started = time.perf_counter()
            load_events(engine, org, group_id, args.events)
            if args.explain:
                load_lists(engine, org, args.hazards, args.inspections)
            analyze(engine)
            log(f"{label}: loaded in {time.perf_counter() - started:.0f} s")
            lines += read_figures(url, work, tokens, center_id, args)
            lines += write_figures(engine, url, org, group_id, args)
            lines += webhook_figures(kind, args)
            if args.explain and kind == "postgresql":
                lines += ["EXPLAIN ANALYZE (PostgreSQL):",
                          *explain(engine, settings, url, tokens, center_id)]
        finally:
            engine.dispose()
    return lines


def read_figures(url: str, work: Path, tokens: dict[str, str], center_id: int,
                 args: argparse.Namespace) -> list[str]:
    lines = [f"  read: {'':<28} {'events':>8} {'feed ev/s':>10} {'floor ev/s':>11} "
             f"{'ratio':>6}"]
    with server(url, work, 1, {"ANXUN_SCHEDULER_ENABLED": "false"}) as (port, _log):
        for name, who, query, where in READERS:
            floor_where = where.format(center=center_id)
            counts = {read_http(port, tokens[who], query), read_floor(url, floor_where)}
            if len(counts) != 1:
                raise RuntimeError(f"{name}: the feed and the floor read {counts} events")
            feed_s: list[float] = []
            floor_s: list[float] = []
            for _ in range(args.runs):  # taking turns: a busy moment hits both alike
                t = time.perf_counter()
                read_http(port, tokens[who], query)
                feed_s.append(time.perf_counter() - t)
                t = time.perf_counter()
                read_floor(url, floor_where)
                floor_s.append(time.perf_counter() - t)
            count = counts.pop()
            feed, floor = rate(count, feed_s), rate(count, floor_s)
            lines.append(f"        {name:<28} {count:>8,} {feed:>10,.0f} {floor:>11,.0f} "
                         f"{floor / feed:>5.1f}x")
    return lines


def write_figures(engine: Engine, url: str, org: Org, group_id: int,
                  args: argparse.Namespace) -> list[str]:
    lines = [f"  write: {'':<27} {'events':>8} {'emit ev/s':>10} {'floor ev/s':>11} "
             f"{'ratio':>6}"]
    next_floor_id = 10**9  # the floor's rows, far past the app's numbering
    for per in (1, BATCH):
        transactions = max(1, args.writes // per)
        app_s: list[float] = []
        floor_s: list[float] = []
        for _ in range(args.runs):
            t = time.perf_counter()
            count = write_app(engine, org, group_id, transactions, per)
            app_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            write_floor(url, org, group_id, transactions, per, next_floor_id)
            floor_s.append(time.perf_counter() - t)
            next_floor_id += transactions * per
        app, floor = rate(count, app_s), rate(count, floor_s)
        name = f"{per} event{'s' if per > 1 else ''} a transaction"
        lines.append(f"        {name:<27} {count:>8,} {app:>10,.0f} {floor:>11,.0f} "
                     f"{floor / app:>5.1f}x")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=bounded(1_000, 10_000_000), default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=bounded(1, 50), default=3,
                        help="timed passes per figure (the median is shown)")
    parser.add_argument("--writes", type=bounded(100, 100_000), default=1_000,
                        help="events written per write figure and pass")
    parser.add_argument("--webhook-events", type=bounded(100, 100_000), default=3_000)
    parser.add_argument("--explain", action="store_true",
                        help="PostgreSQL: EXPLAIN ANALYZE the feed's and the lists' statements")
    parser.add_argument("--hazards", type=bounded(1_000, 3_000_000), default=200_000)
    parser.add_argument("--inspections", type=bounded(100, 1_000_000), default=50_000)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    print(f"changes feed, {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
          f"pages of {PAGE}; median of {args.runs} passes", flush=True)
    with tempfile.TemporaryDirectory(prefix="anxun-bench-") as name:
        for kind in kinds:
            print("\n".join(run_database(kind, args, Path(name))), flush=True)
    print(f"{time.perf_counter() - started:.0f} s in all; load average {load_before:.1f} "
          f"before, {os.getloadavg()[0]:.1f} after (other processes make the figures noisy)")


if __name__ == "__main__":
    sys.exit(main())
