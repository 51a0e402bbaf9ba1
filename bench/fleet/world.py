"""The server side of a chaos run: a fresh database with one center, its sites, a checklist and
the fleet's inspectors, and ``anxun serve`` as a real process that can be killed and restarted
on the same port and data."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend.accounts.models import User, UserRole
from backend.accounts.service import issue_token
from backend.config import Settings
from backend.db import make_engine
from backend.migrate import upgrade
from backend.modules.models import ModuleItem
from backend.modules.schemas import ItemIn, ModuleCreateIn
from backend.modules.service import create_module
from backend.org import service as org
from backend.vocab import Category, CenterKind, Grade, ItemKind, Role, SiteKind

SECRET = "chaos-bench-secret"
ITEMS = 4  # a checklist of four pass/fail items; a failed one needs a photo


@dataclass(frozen=True)
class Account:
    user_id: int
    token: str


@dataclass(frozen=True)
class World:
    url: str
    data_dir: Path
    accounts: list[Account]
    site_ids: list[int]
    module_id: int
    version_id: int
    item_ids: list[int]


@contextmanager
def scratch_database(url: str | None, tmp: Path) -> Iterator[str]:
    """A new SQLite file in ``tmp`` (never the one ``url`` names: in the suite that is the
    suite's own database, which the chaos would fill), or a new database beside the PostgreSQL
    one ``url`` names (``<its name>_<random>``, dropped at the end)."""
    if url is None or make_url(url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp / 'chaos.db'}"
        return
    base = make_url(url)
    name = f"{base.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settings_for(url: str, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, secret_key=SECRET,
                    scheduler_enabled=False, rate_limit_user_per_minute=0,
                    rate_limit_key_per_minute=0)


def build_world(url: str, data_dir: Path, devices: int) -> World:
    """Migrate, then one center with three sites, a checklist, and an inspector per device."""
    settings = settings_for(url, data_dir)
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine, expire_on_commit=False) as session:
        group = org.ensure_group(session, "混沌测试集团")
        center = org.create_center(session, group.id, code="chaos", name="混沌饮食中心",
                                   kind=CenterKind.catering)
        campus = org.create_campus(session, group.id, code="chaos", name="混沌校区")
        sites = [org.create_site(session, group.id, campus_id=campus.id, center_id=center.id,
                                 name=f"{n}号食堂后厨", kind=SiteKind.canteen, location=None)
                 for n in range(1, 4)]
        module, version = create_module(session, ModuleCreateIn(
            code="chaos-kitchen", category=Category.fire, name="后厨消防", items=[
                ItemIn(code=f"c{n}", text=f"检查项 {n}", kind=ItemKind.pass_fail,
                       photo_required_on_fail=True, category=Category.fire,
                       default_grade=Grade.general) for n in range(ITEMS)]))
        session.flush()
        users = [User(group_id=group.id, center_id=center.id, username=f"phone{n}",
                      display_name=f"巡检员{n}", password_hash="!", is_active=True,
                      role_rows=[UserRole(role=Role.inspector)]) for n in range(devices)]
        session.add_all(users)
        session.flush()
        accounts = [Account(u.id, issue_token(session, settings, u).token) for u in users]
        item_ids = list(session.scalars(select(ModuleItem.id).where(
            ModuleItem.module_version_id == version.id).order_by(ModuleItem.position)))
        session.commit()
        world = World(url, data_dir, accounts, [s.id for s in sites], module.id, version.id,
                      item_ids)
    engine.dispose()
    return world


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``anxun serve`` on one port and one data dir; ``kill()`` is ``kill -9``."""

    def __init__(self, world: World, port: int) -> None:
        self.world = world
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = world.data_dir.parent / "server.log"
        self.starts = 0

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANXUN_")}
        return env | {"ANXUN_DATA_DIR": str(self.world.data_dir),
                      "ANXUN_DATABASE_URL": self.world.url, "ANXUN_SECRET_KEY": SECRET,
                      "ANXUN_SCHEDULER_ENABLED": "false",
                      "ANXUN_RATE_LIMIT_USER_PER_MINUTE": "0",
                      "ANXUN_RATE_LIMIT_KEY_PER_MINUTE": "0"}

    async def start(self, timeout: float = 60) -> None:
        anxun = str(Path(sys.executable).with_name("anxun"))
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [anxun, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self._env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.proc.poll() is not None or loop.time() > deadline:
                raise RuntimeError(f"anxun serve did not start:\n{self.tail()}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """A graceful stop (SIGTERM), as at the end of a working day."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
