"""Run Alembic migrations from code (the CLI and the tests), without needing alembic.ini."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class ForeignKeysBroken(RuntimeError):
    """A migration left rows pointing at nothing (PRAGMA foreign_key_check)."""


@contextmanager
def sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite alters a table by rebuilding it (Alembic's batch mode): with foreign keys on,
    dropping the old copy deletes its ON DELETE CASCADE children, e.g. every hazard's timeline
    when ``hazards`` gains a constraint. Off during the migration, checked after. The pragma is
    a no-op inside a transaction, so it is set on the driver connection before one begins."""
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        raw.execute("PRAGMA foreign_keys=ON")
    if problems:
        raise ForeignKeysBroken(f"rows point at nothing after the migration: {problems[:5]}")


def upgrade(connection: Connection | None = None, revision: str = "head") -> None:
    """Migrate ``connection``'s database (default: the app's) to ``revision``."""
    if connection is None:
        from backend.db import get_engine  # the app's settings, only when none is given

        with get_engine().connect() as conn:
            upgrade(conn, revision)
        return
    owns_transaction = not connection.in_transaction()
    with sqlite_foreign_keys_off(connection):
        command.upgrade(alembic_config(connection), revision)
        if owns_transaction and connection.in_transaction():
            connection.commit()
