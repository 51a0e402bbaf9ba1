"""Patrol tasks and the scheduler: today's tasks for 2,000 plans and 300 inspectors, and one
scheduler pass over 100,000 open hazards, each beside a floor measured in the same run.

Builds a database by the migrations and bulk inserts (the demo organisation, 100 more sites
per center, the inspectors, plans of every frequency, open hazards: 10% reported, 75% assigned,
15% submitted, deadlines over today ±30 days), runs a catch-up pass dated yesterday, measures:

- ``run_once`` now: the day's first pass (once: today's tasks, missed ones, the day's
  reminders, new escalations) and the passes after it (p50: every interval's cost), against
  one indexed query for the hazards due a reminder or escalation (deadline <= today + 3);
- ``materialize(today)`` on a day with no task written yet (p50; the day's tasks are deleted
  before each call, untimed), against one ``INSERT ... SELECT`` of the same rows;
- ``GET /api/v1/tasks`` (today's first page) as an inspector, a manager and 质监办 in-process
  (token, ``list_tasks``, response models, JSON; p50), against one indexed query for the same
  page of task rows with plan and site names.

Usage: .venv/bin/python bench/tasks.py [--plans N] [--inspectors N] [--hazards N]
           [--db sqlite|postgresql|both] [--samples N] [--passes N]

Target (issue 11): each figure <= 3x its floor. PostgreSQL: see bench/hazards.py (BENCH_PG_URL;
a fresh anxun_bench_<random> database is created and dropped). Defaults, both databases, 2
cores: about 25 minutes, mostly the catch-up and the passes; ``--hazards 20000`` is quicker.
"""

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from hazards import SECRET, bounded, database, log, ms, raw_driver, timed
from pydantic import TypeAdapter
from sqlalchemy import Engine, delete, text
from sqlalchemy.orm import Session
from tasks_data import Org, prepare

from backend import clock
from backend.accounts.models import User
from backend.accounts.service import user_for_token
from backend.config import Settings
from backend.db import make_engine, new_session
from backend.deps import request_session, unit_of_work
from backend.pagination import Page
from backend.plans import listing, tasks
from backend.plans.models import PatrolDay, PatrolTask
from backend.plans.router import list_tasks
from backend.plans.schemas import TaskOut
from backend.scheduler import PassResult, run_once

TARGET = 3.0
LIMIT = 50  # GET /tasks' default page
PAGE = TypeAdapter(Page[TaskOut])


# --- the floors -------------------------------------------------------------------------------

def driver_sql(engine: Engine, sql: str) -> str:
    """``?`` placeholders for sqlite3, ``%s`` for psycopg."""
    return sql if engine.dialect.name == "sqlite" else sql.replace("?", "%s")


def floor_page(engine: Engine, day: date, center_id: int | None, assignee: int | None,
               ) -> tuple[str, list[Any]]:
    """One query for GET /tasks' page: the day's tasks (of a center, naming an assignee) with
    their plan and site names, by window (index ix_patrol_tasks_due_on_center)."""
    sqlite = engine.dialect.name == "sqlite"
    where, params = ["t.due_on = ?"], [day.isoformat() if sqlite else day]
    if center_id is not None:
        where.append("t.center_id = ?")
        params.append(center_id)
    if assignee is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(t.assignee_ids) WHERE value = ?)" if sqlite
                     else "t.assignee_ids::jsonb @> jsonb_build_array(?::int)")
        params.append(assignee)
    sql = ("SELECT t.*, p.name, s.name FROM patrol_tasks t JOIN patrol_plans p ON p.id = "
           "t.plan_id JOIN sites s ON s.id = t.site_id WHERE " + " AND ".join(where)
           + f" ORDER BY t.window_start_at, t.plan_id, t.site_id LIMIT {LIMIT}")
    return driver_sql(engine, sql), params


def floor_due_hazards(engine: Engine, today: date) -> tuple[str, list[Any]]:
    """One query for the hazards a pass reminds or escalates (index ix_hazards_status_deadline)."""
    soon = today + timedelta(days=3)
    sql = ("SELECT id, assignee_id, center_id, deadline, title FROM hazards WHERE status IN "
           "('reported', 'assigned', 'submitted') AND deadline <= ?")
    return driver_sql(engine, sql), [soon.isoformat() if engine.dialect.name == "sqlite"
                                     else soon]


TASK_COLUMNS = ", ".join(c.key for c in PatrolTask.__table__.columns if c.key != "id")


def delete_tasks(engine: Engine, day: date) -> None:
    """The day not written: its tasks and its mark (``patrol_days``) gone."""
    with engine.begin() as conn:
        conn.execute(delete(PatrolTask).where(PatrolTask.due_on == day))
        conn.execute(delete(PatrolDay).where(PatrolDay.day == day))


# --- the measurements -------------------------------------------------------------------------

@dataclass
class Row:
    label: str
    figure: float
    floor: float
    note: str = ""


def endpoint_work(engine: Engine, token: str) -> bytes:
    """GET /api/v1/tasks without HTTP: a read-only session, the token, the page, its JSON."""
    with new_session(engine, read_only=True) as session, unit_of_work(session):
        user = user_for_token(session, token)[0]
        page = list_tasks(user=user, session=session, limit=LIMIT, cursor=None, date=None,
                          state=None, site_id=None, mine=None)
        return PAGE.dump_json(page)


def measure_scheduler(engine: Engine, settings: Settings, url: str, today: date,
                      passes: int) -> list[Row]:
    """The catch-up pass (yesterday), the day's first and the ones after."""
    sessions = partial(request_session, engine, read_only=False)
    now = clock.utcnow()
    run_pass = partial(run_once, sessions, settings)
    started = time.perf_counter()
    catch_up = run_pass(now - timedelta(days=1))
    log(f"catch-up pass dated yesterday: {time.perf_counter() - started:.1f} s, {catch_up}")
    with raw_driver(url) as run_raw:
        statement = floor_due_hazards(engine, today)
        due = run_raw([statement])
        floor = statistics.median(timed({"": lambda: run_raw([statement])}, passes * 4)[""])
        started = time.perf_counter()
        first = run_pass(now)
        first_seconds = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            # what autovacuum does within a minute of the first pass's ~40,000 inserts (its
            # insert threshold): without it, the passes after probe the new notifications'
            # index through the heap (measured, 20,000 hazards: 67 ms, 21.5 ms vacuumed)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        again = timed({"pass": lambda: run_pass(now), "floor": lambda: run_raw([statement])},
                      passes)
    return [Row("scheduler pass, the day's first", first_seconds, floor, describe(first, due)),
            Row("scheduler pass, every one after", statistics.median(again["pass"]),
                statistics.median(again["floor"]), describe(run_pass(now), due))]


def describe(result: PassResult, due: int) -> str:
    return (f"{due:,} hazards due; wrote {result.tasks_written} tasks, {result.tasks_missed} "
            f"missed, {result.reminders:,} reminders, {result.overdue:,} overdue events, "
            f"{result.escalations:,} escalations, {result.notifications:,} notifications")


def write_day(engine: Engine, day: date) -> int:
    with new_session(engine) as session, unit_of_work(session):
        return tasks.materialize(session, day)


def measure_materialize(engine: Engine, today: date, samples: int) -> Row:
    """``materialize(today)`` on a day not written (its tasks and its mark deleted, untimed)
    against one ``INSERT ... SELECT`` of the same rows from a copy."""
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_task_rows"))
        conn.execute(text(f"CREATE TABLE bench_task_rows AS SELECT {TASK_COLUMNS} FROM "
                          f"patrol_tasks WHERE due_on = :day"), {"day": today})
    copy = text(f"INSERT INTO patrol_tasks ({TASK_COLUMNS}) SELECT {TASK_COLUMNS} "
                f"FROM bench_task_rows")
    figure, floor, copied, written = [], [], 0, 0
    for _ in range(samples + 2):  # the first two: warm-up
        delete_tasks(engine, today)
        started = time.perf_counter()
        written = write_day(engine, today)
        figure.append(time.perf_counter() - started)
        delete_tasks(engine, today)
        started = time.perf_counter()
        with engine.begin() as conn:
            copied = conn.execute(copy).rowcount
        floor.append(time.perf_counter() - started)
    delete_tasks(engine, today)
    write_day(engine, today)  # leave the day written, as the scheduler does
    if written != copied:
        raise RuntimeError(f"materialize wrote {written} tasks, the floor {copied}")
    return Row("materialize(today)", statistics.median(figure[2:]),
               statistics.median(floor[2:]), f"{copied:,} tasks")


def measure_tasks_page(engine: Engine, url: str, org: Org, tokens: dict[str, str],
                       today: date, samples: int) -> list[Row]:
    with Session(engine) as session:
        center = {role: session.get(User, uid).center_id for role, uid in org.viewers.items()}
    scopes = {"inspector": (center["inspector"], org.viewers["inspector"]),
              "manager": (center["manager"], None), "qa": (None, None)}
    fns: dict[str, Callable[[], Any]] = {}
    sizes: dict[str, int] = {}
    with raw_driver(url) as run_raw:
        for role, (center_id, assignee) in scopes.items():
            statement = floor_page(engine, today, center_id, assignee)
            sizes[role] = run_raw([statement])
            items = PAGE.validate_json(endpoint_work(engine, tokens[role])).items
            if len(items) != sizes[role] or any(t.id is None for t in items):
                raise RuntimeError(f"{role}: {len(items)} tasks, the floor {sizes[role]}")
            fns[role] = partial(endpoint_work, engine, tokens[role])
            fns[f"floor {role}"] = partial(run_raw, [statement])
        log(f"GET /tasks and its floor, {samples} calls each, as {', '.join(scopes)}")
        times = timed(fns, samples)
    with new_session(engine, read_only=True) as session:
        totals = {role: len(listing.tasks_on(session, session.get(User, uid), today,
                                             mine=role == "inspector"))
                  for role, uid in org.viewers.items()}
    return [Row(f"GET /tasks as {role}", statistics.median(times[role]),
                statistics.median(times[f"floor {role}"]),
                f"a page of {sizes[role]} of the day's {totals[role]:,}") for role in scopes]


def run_database(kind: str, args: argparse.Namespace, tmp: Path) -> list[str]:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    work = tmp / kind
    work.mkdir()
    today = clock.today()
    with database(kind, work) as url:
        settings = Settings(data_dir=work / "data", database_url=url, secret_key=SECRET)
        engine = make_engine(url)
        try:
            started = time.perf_counter()
            log(f"{label}: {args.plans:,} plans, {args.inspectors} inspectors, "
                f"{args.hazards:,} open hazards")
            org, tokens = prepare(engine, settings, args, today)
            loaded = time.perf_counter() - started
            log(f"{label}: loaded in {loaded:.0f} s; scheduler passes")
            rows = measure_scheduler(engine, settings, url, today, args.passes)
            log(f"{label}: materialize, {args.samples // 3} times")
            rows.append(measure_materialize(engine, today, max(3, args.samples // 3)))
            rows += measure_tasks_page(engine, url, org, tokens, today, args.samples)
        finally:
            engine.dispose()
    return report(label, rows, loaded)


def report(label: str, rows: list[Row], loaded: float) -> list[str]:
    width = max(len(r.label) for r in rows)
    lines = [f"{label} (data loaded in {loaded:.0f} s)",
             f"  {'':<{width}}  {'ms':>9}  {'floor ms':>9}  {'ratio':>7}"]
    for r in rows:
        ratio = r.figure / r.floor  # nan when the code measured failed
        mark = "✔" if ratio <= TARGET else "✘"
        figure = "fails" if math.isnan(r.figure) else ms(r.figure)
        lines.append(f"  {r.label:<{width}}  {figure:>9}  {ms(r.floor):>9}  "
                     f"{'-' if math.isnan(ratio) else f'{ratio:.1f}x':>7} {mark}  {r.note}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=bounded(10, 50_000), default=2_000)
    parser.add_argument("--inspectors", type=bounded(4, 10_000), default=300)
    parser.add_argument("--hazards", type=bounded(100, 2_000_000), default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--samples", type=bounded(5, 2_000), default=60,
                        help="timed calls per GET /tasks figure (materialize: a third)")
    parser.add_argument("--passes", type=bounded(1, 50), default=3,
                        help="timed scheduler passes after the day's first (default 3)")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    print(f"patrol tasks and the scheduler, {os.cpu_count()} cores, p50s; target <= "
          f"{TARGET:g}x the floor", flush=True)
    with tempfile.TemporaryDirectory(prefix="anxun-bench-") as name:
        for kind in kinds:  # each database's figures as soon as they are in
            print("\n".join(run_database(kind, args, Path(name))), flush=True)
    print(f"{time.perf_counter() - started:.0f} s in all; load average {load_before:.1f} "
          f"before, {os.getloadavg()[0]:.1f} after (other processes make the figures noisy)")


if __name__ == "__main__":
    sys.exit(main())
