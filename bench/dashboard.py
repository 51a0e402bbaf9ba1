"""The control room: GET /api/v1/stats/overview on 1,000,000 hazards and 100,000 inspections,
beside a floor measured in the same run, on SQLite and PostgreSQL.

Loads the hazards of bench/hazards.py (4 operating centers, ~3 years, mostly closed, ~5% major,
some overdue) with executemany / COPY into a database built by the migrations, then N
inspections spread over the same years, each with the patrol task it completed, one missed task
for every ten done and a day of tasks still due. Measures, in-process (a read-only session, the
token, ``service.overview``, the JSON: what the endpoint's worker call does), p50 and p95:

- as 质监办 over the default period (12 weeks, every center): the target;
- as a center's manager over the default period (one center);
- as 质监办 over a year (366 days, the longest period allowed): for information;

against the floor: one ``SELECT center_id, category, status, count(*) ... GROUP BY`` over all
the hazards through a covering index (center_id, category, status) made for it, on the raw
driver. ``--without-indexes`` drops migration 0022's indexes first (the figures before it).

Usage: .venv/bin/python bench/dashboard.py [--hazards N] [--inspections N]
           [--db sqlite|postgresql|both] [--samples N] [--without-indexes]

Target (issue 12): overview p95 <= 3x the floor's p95. PostgreSQL: as bench/hazards.py
(BENCH_PG_URL; a throw-away anxun_bench_<random> database is created and dropped). About 6
minutes for both databases with the defaults on 2 cores; ``--hazards 100000`` takes one.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hazards import (
    SECRET,
    YEARS,
    Org,
    Stamp,
    bounded,
    build_org,
    database,
    generate,
    load_postgres,
    load_sqlite,
    log,
    ms,
    pct,
    raw_driver,
    timed,
)
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.accounts.service import issue_token, user_for_token
from backend.config import Settings
from backend.db import make_engine, new_session
from backend.deps import unit_of_work
from backend.hazards.models import Hazard
from backend.hazards.workflow import OPEN
from backend.migrate import upgrade
from backend.modules.models import ModuleVersion
from backend.modules.service import load_catalogue
from backend.stats import service

TARGET = 3.0
CHUNK = 20_000
MISSED_EVERY = 10  # one missed task per this many done
DUE_TODAY = 300
INDEXES_0022 = ("ix_hazards_open", "ix_hazards_center_created_outcome",
                "ix_hazards_center_closed")
FLOOR_INDEX = "bench_floor_center_category_status"
FLOOR_SQL = ("SELECT center_id, category, status, count(*) FROM hazards "
             "GROUP BY center_id, category, status")
INSPECTION_COLUMNS = ["id", "inspector_id", "module_id", "module_version_id", "site_id",
                      "center_id", "campus_id", "kind", "status", "started_at", "submitted_at",
                      "created_at", "updated_at", "version"]
TASK_COLUMNS = ["site_id", "center_id", "module_id", "kind", "due_on", "window_start_at",
                "window_end_at", "assignee_ids", "state", "inspection_id", "done_at",
                "missed_at", "created_at", "updated_at"]


# --- the data ---------------------------------------------------------------------------------

def patrols(count: int, org: Org, modules: list[tuple[int, int]], now: float, postgres: bool,
            ) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Batches of (inspections, tasks): inspections 1..count over the years in time order,
    each completing a task due that day, a missed task per ``MISSED_EVERY`` and today's due
    tasks at the end; the same on every run (fixed seed)."""
    rng = random.Random(12)
    stamp, day = Stamp(postgres), 86400.0
    start, step = now - YEARS * 365 * day, YEARS * 365 * day / count
    inspections: list[tuple] = []
    tasks: list[tuple] = []

    def task(site: tuple, module_id: int, at: float, state: str, inspection: int | None,
             ) -> tuple:
        due_on = datetime.fromtimestamp(at, clock.SHANGHAI).date()
        opens = clock.day_start(due_on).timestamp() + 8 * 3600
        return (site[0], site[1], module_id, "routine", due_on.isoformat(), stamp(opens),
                stamp(opens + 10 * 3600), "[]", state, inspection,
                stamp(at) if state == "done" else None,
                stamp(opens + 10 * 3600) if state == "missed" else None, stamp(opens),
                stamp(min(at, now)))

    for iid in range(1, count + 1):
        at = start + (iid - 1) * step + rng.random() * step * 0.9
        site = org.sites[rng.randrange(len(org.sites))]
        module_id, version_id = rng.choice(modules)
        inspector = rng.choice(org.people[site[1]])
        inspections.append((iid, inspector, module_id, version_id, site[0], site[1], site[2],
                            "routine", "submitted", stamp(at - 900), stamp(at), stamp(at - 900),
                            stamp(at), 2))
        tasks.append(task(site, module_id, at, "done", iid))
        if iid % MISSED_EVERY == 0:
            tasks.append(task(org.sites[rng.randrange(len(org.sites))], module_id, at, "missed",
                              None))
        if len(inspections) == CHUNK or iid == count:
            if iid == count:
                tasks += [task(org.sites[n % len(org.sites)], module_id, now, "due", None)
                          for n in range(DUE_TODAY)]
            yield inspections, tasks
            inspections, tasks = [], []


def bulk_load(engine: Engine, tables: tuple[tuple[str, list[str]], ...],
              batches: Iterator[tuple[list[tuple], ...]]) -> None:
    """Rows into tables, executemany on SQLite and COPY on PostgreSQL, in one transaction."""
    raw = engine.raw_connection()
    postgres = engine.dialect.name == "postgresql"
    try:
        cur = raw.cursor()
        if not postgres:  # the app's SQLite connections leave transactions to us
            cur.execute("BEGIN IMMEDIATE")
        for batch in batches:
            for (table, columns), rows in zip(tables, batch, strict=True):
                if postgres:
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                    f"({', '.join('?' * len(columns))})", rows)
        if postgres:
            raw.commit()
        else:
            cur.execute("COMMIT")
        cur.close()
    finally:
        raw.close()


def prepare(engine: Engine, settings: Settings, args: argparse.Namespace,
            ) -> tuple[dict[str, str], float]:
    """Schema, organisation, catalogue, hazards, inspections and tasks; a token per viewer
    (质监办, the catering center's manager); the load time."""
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine, expire_on_commit=False) as session:
        org = build_org(session)
        load_catalogue(session)
        session.flush()
        modules = [tuple(row) for row in session.execute(
            select(ModuleVersion.module_id, func.max(ModuleVersion.id))
            .group_by(ModuleVersion.module_id))]
        viewers = {"qa": org.qa_id, "manager": session.scalar(
            select(User.id).where(User.username == "canteen_manager"))}
        tokens = {name: issue_token(session, settings, session.get(User, uid)).token
                  for name, uid in viewers.items()}
        session.commit()
    postgres = engine.dialect.name == "postgresql"
    started, now = time.perf_counter(), time.time()
    hazards = ((h, [], []) for h, _, _ in generate(args.hazards, org, now, postgres))
    (load_postgres if postgres else load_sqlite)(engine, hazards)
    bulk_load(engine, (("inspections", INSPECTION_COLUMNS), ("patrol_tasks", TASK_COLUMNS)),
              patrols(args.inspections, org, modules, now, postgres))
    with engine.begin() as conn:
        conn.execute(text(f"CREATE INDEX {FLOOR_INDEX} ON hazards (center_id, category, "
                          f"status)"))
        for name in INDEXES_0022 if args.without_indexes else ():
            conn.execute(text(f"DROP INDEX {name}"))
    if postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    return tokens, time.perf_counter() - started


# --- the measurements -------------------------------------------------------------------------

def overview_work(engine: Engine, token: str, days: int | None) -> bytes:
    """The endpoint's worker call: a read-only session, the token, the figures, their JSON."""
    today = clock.today()
    starts_on = today - timedelta(days=days - 1) if days else None
    with new_session(engine, read_only=True) as session, unit_of_work(session):
        user = user_for_token(session, token)[0]
        return service.overview(session, user, starts_on, None, None).model_dump_json().encode()


def check(engine: Engine, body: bytes) -> str:
    """The figures are real: open hazards as counted plainly; a summary for the report."""
    figures = json.loads(body)
    with Session(engine) as session:
        open_now = session.scalar(select(func.count()).select_from(Hazard)
                                  .where(Hazard.status.in_(OPEN)))
    if figures["totals"]["open"] != open_now:
        raise RuntimeError(f"overview open {figures['totals']['open']}, counted {open_now}")
    t = figures["totals"]
    return (f"{t['open']:,} open, {t['reported']:,} reported in the period, "
            f"{t['tasks_due']:,} tasks due")


def run_database(kind: str, args: argparse.Namespace, tmp: Path) -> list[str]:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    work = tmp / kind
    work.mkdir()
    with database(kind, work) as url:
        settings = Settings(data_dir=work / "data", database_url=url, secret_key=SECRET)
        engine = make_engine(url)
        try:
            log(f"{label}: {args.hazards:,} hazards, {args.inspections:,} inspections")
            tokens, loaded = prepare(engine, settings, args)
            log(f"{label}: loaded in {loaded:.0f} s; {args.samples} calls per figure")
            scenarios: dict[str, Callable[[], Any]] = {
                "overview as 质监办, 12 weeks": lambda: overview_work(engine, tokens["qa"], None),
                "overview as a manager, 12 weeks":
                    lambda: overview_work(engine, tokens["manager"], None),
                "overview as 质监办, 366 days": lambda: overview_work(engine, tokens["qa"], 366),
            }
            notes = {name: check(engine, fn()) if "质监办" in name else "one center"
                     for name, fn in scenarios.items()}
            with raw_driver(url) as run_raw:
                groups = run_raw([(FLOOR_SQL, ())])
                times = timed({**scenarios, "floor": lambda: run_raw([(FLOOR_SQL, ())])},
                              args.samples)
        finally:
            engine.dispose()
    return report(label, loaded, times, notes, groups)


def report(label: str, loaded: float, times: dict[str, list[float]], notes: dict[str, str],
           groups: int) -> list[str]:
    floor = times.pop("floor")
    width = max(len(name) for name in times)
    lines = [f"{label} (loaded in {loaded:.0f} s)",
             f"  {'':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'ratio':>6}",
             f"  {'floor: GROUP BY center, category, status':<{width}}  "
             f"{ms(pct(floor, 50)):>8}  {ms(pct(floor, 95)):>8}  {'':>6}    {groups} groups"]
    for name, samples in times.items():
        ratio = pct(samples, 95) / pct(floor, 95)
        mark = ("✔" if ratio <= TARGET else "✘") if name.endswith("12 weeks") else " "
        lines.append(f"  {name:<{width}}  {ms(pct(samples, 50)):>8}  {ms(pct(samples, 95)):>8}"
                     f"  {ratio:>5.1f}x {mark}  {notes[name]}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazards", type=bounded(1_000, 3_000_000), default=1_000_000)
    parser.add_argument("--inspections", type=bounded(100, 1_000_000), default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--samples", type=bounded(20, 2_000), default=100,
                        help="timed calls per figure (default 100)")
    parser.add_argument("--without-indexes", action="store_true",
                        help="drop migration 0022's indexes first (the figures before it)")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    print(f"control room overview, {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} "
          f"UTC; target p95 <= {TARGET:g}x the floor's"
          + (" (without migration 0022's indexes)" if args.without_indexes else ""), flush=True)
    with tempfile.TemporaryDirectory(prefix="anxun-bench-") as name:
        for kind in kinds:  # each database's figures as soon as they are in
            print("\n".join(run_database(kind, args, Path(name))), flush=True)
    print(f"{time.perf_counter() - started:.0f} s in all; load average {load_before:.1f} "
          f"before, {os.getloadavg()[0]:.1f} after (other processes make the figures noisy)")


if __name__ == "__main__":
    sys.exit(main())
