"""Exports: GET /api/v1/exports/hazards.csv and hazards.xlsx through HTTP at N rows, rows/s
and the server's peak memory, beside a floor measured in the same run, on SQLite and
PostgreSQL.

Loads the hazards of bench/hazards.py (the largest N asked; a quarter with a photo) plus a
timeline entry (上报) per hazard, starts ``anxun serve`` (one process) on a free loopback port
and downloads each export as a QA officer; a smaller N is the newest N hazards (a
``created_from`` filter, the exact count reported). For each: the rows, the seconds to the last
byte, rows/s, and the server's resident memory: its growth from before the request to the
highest of samples taken every 20 ms during it (/proc/<pid>/status VmRSS).

The floor: the bare SELECT of the same hazard rows in the same order on the raw driver
(sqlite3 / psycopg, fetchmany of 10,000), rows/s.

Usage: .venv/bin/python bench/exports.py [--rows N[,N...]] [--db sqlite|postgresql|both]
           [--formats csv,xlsx]
PostgreSQL as bench/hazards.py (BENCH_PG_URL; a throw-away database). Target (issue 13):
constant memory at 1,000,000 rows: the peak growth at 1,000,000 no larger than at 100,000."""

import argparse
import http.client
import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from pathlib import Path

import psycopg
from hazards import database, log, pg_conninfo, prepare, server
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from backend import clock
from backend.clock import SHANGHAI
from backend.config import Settings
from backend.db import make_engine
from backend.hazards.models import Hazard

FORMATS = ["csv", "xlsx"]


@dataclass
class Figure:
    kind: str
    what: str
    rows: int
    seconds: float
    peak_mib: float | None

    def line(self, floor: float | None) -> str:
        rate = self.rows / self.seconds if self.seconds else 0
        share = f", {rate / floor:.0%} of the floor" if floor and self.what != "floor" else ""
        memory = f", peak +{self.peak_mib:.0f} MiB" if self.peak_mib is not None else ""
        return (f"  {self.kind:10} {self.what:5} {self.rows:>9,} rows {self.seconds:7.1f} s "
                f"{rate:>9,.0f} rows/s{memory}{share}")


def add_timelines(url: str) -> None:
    """A 上报 entry per hazard, as reporting writes it."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO hazard_events (hazard_id, seq, action, actor_id, at, "
                          "to_status, changes) SELECT id, 1, 'report', reporter_id, created_at, "
                          "'reported', '{}' FROM hazards"))
    engine.dispose()


def newest_from(url: str, rows: int) -> tuple[date, int]:
    """The ``created_from`` day (Asia/Shanghai) whose hazards are about the newest ``rows``,
    and how many hazards that is."""
    engine = make_engine(url)
    with Session(engine) as session:
        at = session.scalar(select(Hazard.created_at).order_by(Hazard.created_at.desc())
                            .offset(rows - 1).limit(1))
        assert at is not None
        day = at.astimezone(SHANGHAI).date() + timedelta(days=1)
        count = session.scalar(select(func.count()).select_from(Hazard)
                               .where(Hazard.created_at >= clock.day_start(day))) or 0
    engine.dispose()
    return day, count


def server_pid(port: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in args and str(port).encode() in args:
                return int(entry.name)
    raise RuntimeError("the server's process was not found")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def download(port: int, pid: int, path: str, token: str) -> tuple[float, float, int]:
    """(seconds to the last byte, peak RSS growth in MiB, CSV lines) of one export."""
    base, peak, done = rss_mib(pid), 0.0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start, lines = time.perf_counter(), 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {response.read()[:500]!r}")
        last = b""
        while chunk := response.read(1 << 16):  # a CRLF may straddle two chunks
            lines += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    finally:
        conn.close()
        done.set()
        sampler.join()
    return time.perf_counter() - start, max(0.0, peak - base), lines


def floor(url: str, day: date) -> tuple[float, int]:
    """The bare SELECT of the same hazards, newest first, on the raw driver: (seconds, rows)."""
    sql = ("SELECT * FROM hazards WHERE created_at >= {p} ORDER BY created_at DESC, id DESC")
    since = clock.day_start(day).astimezone(UTC)
    start, rows = time.perf_counter(), 0
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        cur = conn.execute(sql.format(p="?"), (since.strftime("%Y-%m-%d %H:%M:%S"),))
        while batch := cur.fetchmany(10_000):
            rows += len(batch)
        conn.close()
    else:
        with psycopg.connect(pg_conninfo(url)) as conn, conn.cursor(name="floor") as cur:
            cur.execute(sql.format(p="%s"), (since,))
            while batch := cur.fetchmany(10_000):
                rows += len(batch)
    return time.perf_counter() - start, rows


def run(kind: str, sizes: list[int], tmp: Path) -> list[str]:
    lines = []
    with database(kind, tmp) as url:
        engine = make_engine(url)
        settings = Settings(data_dir=tmp / "data", database_url=url,
                            secret_key="bench-secret", scheduler_enabled=False)
        _, token, load_s = prepare(engine, settings, max(sizes))
        engine.dispose()
        add_timelines(url)
        log(f"{kind}: {max(sizes):,} hazards loaded in {load_s:.0f} s")
        with server(url, tmp, 1) as (port, _):
            pid = server_pid(port)
            for size in sizes:
                day, count = newest_from(url, size) if size < max(sizes) \
                    else (date(2000, 1, 1), max(sizes))
                seconds, rows = floor(url, day)
                base = Figure(kind, "floor", rows, seconds, None)
                lines.append(base.line(None))
                for fmt in FORMATS:
                    log(f"{kind}: {fmt} of {count:,} rows")
                    seconds, peak, csv_lines = download(
                        port, pid, f"/api/v1/exports/hazards.{fmt}?created_from={day}", token)
                    if fmt == "csv" and csv_lines != count + 1:
                        raise RuntimeError(f"{csv_lines - 1} rows exported, {count} expected")
                    lines.append(Figure(kind, fmt, count, seconds, peak)
                                 .line(rows / base.seconds))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000",
                        help="export sizes, comma-separated (default 100000,1000000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both (default)")
    args = parser.parse_args()
    FORMATS[:] = [f for f in FORMATS if f in args.formats.split(",")]
    sizes = sorted(int(n) for n in args.rows.split(","))
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    lines = []
    with tempfile.TemporaryDirectory(prefix="anxun-bench-") as name:
        for kind in kinds:
            lines += run(kind, sizes, Path(name))
    print(f"\nhazard exports, {os.cpu_count()} cores; {time.perf_counter() - started:.0f} s in "
          f"all; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
