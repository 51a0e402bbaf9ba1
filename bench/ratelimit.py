"""Rate-limit counting cost: one request's count (backend/ratelimit.py RateLimiter.hit) on each
store, alone and with 4 threads counting at once, beside the alternatives it was chosen over.

- SQLite side file (the choice): ``data/ratelimit.db``, WAL, ``synchronous=OFF``.
- SQLite main database (the alternative): the same upsert in the application's own database,
  configured as the app configures it (WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE``): every
  count takes the one write lock that the application's writes queue on, and flushes.
- PostgreSQL UNLOGGED table (the choice) and the same table LOGGED (the alternative).

Usage: .venv/bin/python bench/ratelimit.py [--hits N]
PostgreSQL at BENCH_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres): a
database anxun_rlbench_<random> is created and dropped."""

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.config import Settings
from backend.db import make_engine
from backend.migrate import upgrade
from backend.ratelimit import RateLimiter, _server_engine

PG = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def timed(hit: Callable[[str], object], hits: int, threads: int) -> tuple[float, float]:
    """Median µs per count (each thread its own caller) and counts per second overall."""
    times: list[float] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        bucket, mine = f"bench:{n}", []
        for _ in range(hits):
            start = time.perf_counter()
            hit(bucket)
            mine.append(time.perf_counter() - start)
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statistics.median(times) * 1e6, threads * hits / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=2000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="anxun-rl-") as name:
        tmp = Path(name)
        main_url = f"sqlite:///{tmp / 'anxun.db'}"
        main_engine = make_engine(main_url)
        with main_engine.begin() as conn:
            upgrade(conn)
        side = RateLimiter(Settings(data_dir=tmp, database_url=main_url, secret_key="x"),
                           main_engine)
        rows.append(("SQLite side file (chosen)", lambda b: side.hit(b, 10**9)))
        bump = text("INSERT INTO rate_limit_counters (bucket, window_start, hits) VALUES "
                    "(:b, 0, 1) ON CONFLICT (bucket, window_start) DO UPDATE SET "
                    "hits = rate_limit_counters.hits + 1 RETURNING hits")

        def in_main(bucket: str) -> None:
            with main_engine.begin() as conn:  # BEGIN IMMEDIATE, synchronous=FULL
                conn.execute(bump, {"b": bucket}).scalar_one()

        rows.append(("SQLite main database", in_main))
        database = f"anxun_rlbench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        pg_url = make_url(PG).set(database=database).render_as_string(hide_password=False)
        pg = make_engine(pg_url)
        try:
            with pg.begin() as conn:
                upgrade(conn)
                conn.execute(text("CREATE TABLE logged_counters (LIKE rate_limit_counters "
                                  "INCLUDING ALL)"))
            unlogged = RateLimiter(Settings(data_dir=tmp, database_url=pg_url, secret_key="x"),
                                   pg)
            rows.append(("PostgreSQL UNLOGGED (chosen)", lambda b: unlogged.hit(b, 10**9)))
            logged_bump = text(str(bump).replace("rate_limit_counters", "logged_counters"))
            autocommit = _server_engine(pg)  # the same pool as the chosen store's

            def logged(bucket: str) -> None:
                with autocommit.connect() as conn:
                    conn.execute(logged_bump, {"b": bucket}).scalar_one()

            rows.append(("PostgreSQL LOGGED", logged))
            print(f"rate-limit counting, {os.cpu_count()} cores, {args.hits} counts per thread; "
                  f"load average {os.getloadavg()[0]:.1f}")
            print(f"  {'store':<30} {'1 thread µs':>12} {'4 threads µs':>13} {'4 threads /s':>13}")
            for label, hit in rows:
                one, _ = timed(hit, args.hits, 1)
                four, rate = timed(hit, args.hits, 4)
                print(f"  {label:<30} {one:>12.0f} {four:>13.0f} {rate:>13.0f}")
        finally:
            pg.dispose()
            main_engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
