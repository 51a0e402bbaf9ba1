"""A consistent copy of the database while the app writes, and its restore.

One read transaction is the snapshot: the rows counted, the store objects the rows name and the
copy itself all come from it, so the files in a backup match its rows exactly. On SQLite the
online backup API copies the pages inside that read transaction (WAL: writers carry on); on
PostgreSQL the transaction exports its snapshot and ``pg_dump --snapshot`` dumps that one."""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, inspect, select, table, text

from backend.db import READ_ONLY


class DatabaseError(Exception):
    """What stops a backup or a restore of the database (the message is for the operator)."""


def file_name(engine: Engine) -> str:
    return "database.sqlite3" if engine.dialect.name == "sqlite" else "database.pgdump"


def table_names(conn: Connection) -> list[str]:
    return sorted(inspect(conn).get_table_names())


def count_rows(conn: Connection) -> dict[str, int]:
    return {name: conn.scalar(select(func.count()).select_from(table(name))) or 0
            for name in table_names(conn)}


def revision(conn: Connection) -> str | None:
    if "alembic_version" not in table_names(conn):
        return None
    found = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return None if found is None else str(found)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from backend.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def copy_database(engine: Engine, target: Path, read: Callable[[Connection], Any]) -> Any:
    """Copy the database to ``target`` and return what ``read`` finds in the same snapshot."""
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
            found = read(conn)  # the first read starts the snapshot the copy below continues
            source = conn.connection.driver_connection
            assert isinstance(source, sqlite3.Connection)
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                # a file on its own: opening it never creates -wal and -shm files beside it
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
            conn.rollback()
        return found
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
        found = read(conn)
        _pg_run("pg_dump", engine, conn, "--format=custom", "--no-owner", "--no-privileges",
                f"--snapshot={snapshot}", f"--file={target}")
        conn.rollback()
    return found


def is_empty(engine: Engine) -> bool:
    if engine.dialect.name == "sqlite" and not Path(engine.url.database or "").is_file():
        return True  # connecting would create the file
    with engine.connect() as conn:
        return not table_names(conn)


def restore_database(engine: Engine, source: Path) -> None:
    """Load the copy into the (empty) database ``engine`` names."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            target = conn.connection.driver_connection
            assert isinstance(target, sqlite3.Connection)
            with closing_sqlite(source) as copy:
                copy.backup(target)
        engine.dispose()
        return
    with engine.connect() as conn:
        _pg_run("pg_restore", engine, conn, "--exit-on-error", "--single-transaction",
                "--no-owner", "--no-privileges", str(source))
    engine.dispose()


@contextmanager
def closing_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def _pg_run(tool: str, engine: Engine, conn: Connection, *args: str) -> None:
    server = int(conn.scalar(text("SHOW server_version_num")) or 0) // 10000
    program = pg_tool(tool, server)
    url = engine.url
    env = {**os.environ, "PGHOST": url.host or "", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or ""}
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # never on the command line, where ps shows it
    done = subprocess.run([program, f"--dbname={url.database}", *args], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise DatabaseError(f"{tool} 失败 ({tool} failed): {done.stderr.strip()[-2000:]}")


def pg_tool(tool: str, server_major: int) -> str:
    """``tool`` of the server's major version when installed there (Debian keeps one per
    version), else the one on PATH; pg_dump refuses a server newer than itself."""
    versioned = Path(f"/usr/lib/postgresql/{server_major}/bin/{tool}")
    program = str(versioned) if versioned.is_file() else shutil.which(tool)
    if program is None:
        raise DatabaseError(f"找不到 {tool} (not found): 请安装 PostgreSQL {server_major} 客户端")
    shown = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", shown)
    if match is None or int(match.group(1)) < server_major:
        raise DatabaseError(f"{program} 版本低于服务器 PostgreSQL {server_major} "
                            f"({shown.strip()}): 请安装匹配版本的客户端")
    return program
