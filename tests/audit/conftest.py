"""A deployment of its own per test, run through the real command line (``backend.cli.main``
with the deployment's environment): a data dir and a migrated database, migrated once per run.
On SQLite each test gets a copy of the file. On PostgreSQL the tests take turns on one database
whose chain is emptied before each (a database per test cost 2.5 s each to drop on this machine,
56 s for the audit tests' 20)."""

import contextlib
import io
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, text, update
from sqlalchemy.engine import make_url

from backend import cli
from backend.audit.hashing import head_seal, process_key
from backend.audit.models import GENESIS_HASH, AuditAnchorDay, AuditEntry, AuditHead
from backend.config import Settings, get_settings
from backend.db import get_engine, make_engine
from backend.migrate import upgrade


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Deployment:
    url: str
    data_dir: Path
    engine: Engine

    @property
    def settings(self) -> Settings:
        return get_settings()

    def cli(self, *args: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
        return Run(code, out.getvalue(), err.getvalue())


class Databases:
    """Fresh databases on the test database's server, dropped at the end."""

    def __init__(self, test_url: str, tmp: Path) -> None:
        self.test_url, self.tmp = make_url(test_url), tmp
        self.postgres = self.test_url.get_backend_name() == "postgresql"
        self.created: list[str] = []

    def _admin(self) -> Engine:
        return create_engine(self.test_url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def new(self, template: str | None = None) -> str:
        name = f"anxun_audit_t{uuid.uuid4().hex[:10]}"
        if not self.postgres:
            path = self.tmp / f"{name}.db"
            if template:
                shutil.copyfile(make_url(template).database or "", path)
            return f"sqlite:///{path}"
        admin = self._admin()
        with admin.connect() as conn:
            copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        admin.dispose()
        self.created.append(name)
        return self.test_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = self._admin()
        with admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(database_url, tmp_path_factory.mktemp("audit-dbs"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def migrated_template(databases: Databases) -> str:
    url = databases.new()
    engine = make_engine(url)
    with engine.connect() as conn:
        upgrade(conn)
    engine.dispose()
    return url


def clear_settings_caches() -> None:
    for cached in (get_settings, get_engine, process_key):
        cached.cache_clear()


def use_deployment(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> Deployment:
    """Point the process's settings (the command line's) at ``url`` and ``data_dir``."""
    monkeypatch.setenv("ANXUN_DATABASE_URL", url)
    monkeypatch.setenv("ANXUN_DATA_DIR", str(data_dir))
    clear_settings_caches()
    return Deployment(url, data_dir, make_engine(url))


@contextlib.contextmanager
def used(made: Deployment) -> Iterator[Deployment]:
    yield made
    made.engine.dispose()
    clear_settings_caches()  # the next reader gets the suite's settings back


def empty_the_chain(engine: Engine) -> None:
    """As the migrations leave a new database's chain (the triggers back on)."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(delete(AuditEntry))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        conn.execute(delete(AuditAnchorDay))
        conn.execute(update(AuditHead).values(last_id=0, last_hash=GENESIS_HASH, keyed_from=1,
                                              seal=head_seal(process_key(), 0, GENESIS_HASH, 1)))


@pytest.fixture
def deployment(databases: Databases, migrated_template: str, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """A migrated deployment."""
    url = migrated_template if databases.postgres else databases.new(migrated_template)
    with used(use_deployment(monkeypatch, url, tmp_path / "data")) as made:
        if databases.postgres:
            empty_the_chain(made.engine)
        yield made


@pytest.fixture
def empty_deployment(databases: Databases, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """A deployment whose database has no tables yet."""
    with used(use_deployment(monkeypatch, databases.new(), tmp_path / "data")) as made:
        yield made
