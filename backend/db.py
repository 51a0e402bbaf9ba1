"""Engine, sessions and the declarative base.

SQLite is tuned for a server that acknowledges phone uploads: WAL, ``synchronous=FULL`` (an
acknowledged write survives a power cut), foreign keys on, a busy timeout, and write
transactions that start with ``BEGIN IMMEDIATE`` so concurrent writers queue on the lock instead
of failing half-way with "database is locked". Read-only sessions use a deferred ``BEGIN``.
"""

import asyncio
import enum
import os
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

from backend.clock import utcnow
from backend.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_ONLY = "anxun_read_only"
THREAD_POOL_SIZE = 40  # anyio's default: Starlette's run_in_threadpool, FastAPI's sync code


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else _as_utc(value)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name == "sqlite":
            return _utc_from_sqlite_text
        return super().result_processor(dialect, coltype)


def _as_utc(value: datetime) -> datetime:
    """A naive value is UTC (SQLite keeps them naive); an aware one is converted."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# "YYYY-MM-DD HH:MM:SS.ffffff" as SQLAlchemy writes it, "YYYY-MM-DD HH:MM:SS" as CURRENT_TIMESTAMP
_NAIVE_TEXT_LENGTHS = (26, 19)


def _utc_from_sqlite_text(value: str | None) -> datetime | None:
    """SQLite's text of a UTC datetime (naive, as SQLAlchemy's SQLite dialect writes it) as an
    aware one, in one parse: 0.15 µs a value where the dialect's parser and then
    ``process_result_value`` took 1.0 (a hazard list page reads 84 of them; bench/hazards.py)."""
    if value is None:
        return None
    if len(value) in _NAIVE_TEXT_LENGTHS:
        return datetime.fromisoformat(value + "+00:00")
    return _as_utc(datetime.fromisoformat(value))  # a date alone, or a text with an offset


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime,
        # enums are stored as their string values, without database enum types
        enum.Enum: SAEnum(enum.Enum, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]),
    }


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see on_begin)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=30000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _forbid_event_loop_access(engine: Engine) -> None:
    """Refuse queries from the event loop thread: a query waiting there for a lock stalls
    every request, including the one holding the lock. Async endpoints must use
    ``run_in_threadpool`` for database work."""

    @event.listens_for(engine, "before_cursor_execute")
    def check(*_args: Any) -> None:
        if asyncio._get_running_loop() is not None:
            raise RuntimeError("database access on the event loop thread; use run_in_threadpool")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # as many connections as worker threads: each thread may hold one across hops, and a
        # smaller pool (SQLAlchemy's 5 + 10) timed out waiting threads under a burst of phones
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=5, max_overflow=THREAD_POOL_SIZE - 5)
        _configure_sqlite(engine)
    else:
        # Two connections per core: more only queue inside PostgreSQL (a 40-connection pool on
        # 2 cores was measured slower, with second-long p99s; bench/hazards.py), and the hazard
        # list, the busy read, never uses more than its LIST_CONCURRENCY. The overflow, up to
        # the 40 threads of the thread pool, is for the sync endpoints: they hold a connection
        # across thread-pool hops, so a pool smaller than the thread pool deadlocks them under
        # load (GET /hazards/{id}, 50 clients, 4 connections: nothing for 30 s, then 500s).
        pool_size = 2 * (os.cpu_count() or 1)
        engine = create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                               max_overflow=max(0, THREAD_POOL_SIZE - pool_size))
    _forbid_event_loop_access(engine)
    return engine


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().sqlalchemy_url)


def new_session(engine: Engine | None = None, *, read_only: bool = False) -> Session:
    engine = engine or get_engine()
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return Session(bind=bind, expire_on_commit=False, autoflush=False)

