"""Per-user and per-key request limits, counted where every worker process sees the same count.

Fixed windows (``rate_limit_window_seconds``, default a minute): one counter row per caller and
window, bumped by one atomic upsert that returns the new count, so N parallel requests against a
limit of L let exactly L through whichever worker serves them. The answer carries
``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds to the window's
end); a request over the limit is 429 ``rate_limited`` with ``Retry-After``.

Where the counters live:
- PostgreSQL: the table ``rate_limit_counters`` of the main database, UNLOGGED (no WAL, no
  flush: a lost window only lets one window's requests through again), each upsert its own
  autocommit statement, never inside the request's transaction (whose row lock would queue a
  caller's parallel requests for their whole duration), on a small pool of its own per process
  without the app pool's ping on checkout (the ping doubled the count's round trips; a
  connection found dead is replaced and the count retried once).
- SQLite: a side file ``ratelimit.db`` in the data directory, not the main database: a write
  there takes the database's single write lock, so every read would have queued behind (and
  in front of) the real writes. The side file has its own lock, WAL and ``synchronous=OFF``.
  Workers of one installation share its data directory, so they share the counts.
Measured with bench/hazards.py (bench/README.md, "rate limits").

Old windows are deleted by the first request of each window in each process."""

import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Engine, String, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from backend.config import Settings
from backend.db import Base
from backend.errors import TooManyRequests

_BUMP = text(
    "INSERT INTO rate_limit_counters (bucket, window_start, hits) VALUES (:bucket, :window, 1) "
    "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1 "
    "RETURNING hits")
_PURGE = text("DELETE FROM rate_limit_counters WHERE window_start < :window")
_SIDE_TABLE = ("CREATE TABLE IF NOT EXISTS rate_limit_counters (bucket VARCHAR(40) NOT NULL, "
               "window_start BIGINT NOT NULL, hits INTEGER NOT NULL, "
               "PRIMARY KEY (bucket, window_start))")


class RateLimitCounter(Base):
    """Requests of one caller (``user:<id>`` or ``key:<id>``) in one window."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(String(40), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # epoch seconds
    hits: Mapped[int]


class RateLimited(TooManyRequests):
    code = "rate_limited"
    message = "请求过于频繁，请稍后再试"


@dataclass(frozen=True)
class Verdict:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                "RateLimit-Reset": str(self.reset)}

    def enforce(self) -> None:
        if not self.allowed:
            raise RateLimited(details={"limit": self.limit, "retry_after": self.reset},
                              headers={**self.headers(), "Retry-After": str(self.reset)})


_shared: dict[str, Engine] = {}
_shared_lock = threading.Lock()


def _server_engine(main: Engine) -> Engine:
    """The counters' pool for a database server, one per URL in this process."""
    url = main.url.render_as_string(hide_password=False)
    with _shared_lock:
        engine = _shared.get(url)
        if engine is None:
            engine = _shared[url] = create_engine(url, isolation_level="AUTOCOMMIT",
                                                  pool_size=2, max_overflow=8)
        return engine


def _side_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", isolation_level="AUTOCOMMIT",
                           connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=OFF")  # counters, not records: no flush per request
        cursor.execute(_SIDE_TABLE)
        cursor.close()

    return engine


class RateLimiter:
    """The counters of one app (see the module's doc)."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self._main = engine
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._purged_window = -1

    def _counters(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    if self._main.dialect.name == "sqlite":
                        side = _side_engine(self.settings.data_dir.resolve() / "ratelimit.db")
                        weakref.finalize(self, side.dispose)
                        self._engine = side
                    else:
                        self._engine = _server_engine(self._main)
        return self._engine

    def hit(self, bucket: str, limit: int, now: float | None = None) -> Verdict:
        """Count one request of ``bucket`` against ``limit`` per window."""
        now = time.time() if now is None else now
        size = self.settings.rate_limit_window_seconds
        window = int(now // size) * size
        try:
            hits = self._bump(bucket, window)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            hits = self._bump(bucket, window)  # a connection the server had dropped
        reset = max(1, int(window + size - now + 0.999))
        return Verdict(limit, max(0, limit - hits), reset, hits <= limit)

    def _bump(self, bucket: str, window: int) -> int:
        with self._counters().connect() as conn:
            if window != self._purged_window:
                self._purged_window = window
                conn.execute(_PURGE, {"window": window})
            hits: int = conn.execute(_BUMP, {"bucket": bucket, "window": window}).scalar_one()
            return hits
