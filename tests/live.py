"""A live server for tests that need real commits and real concurrency."""

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend.accounts.service import issue_token
from backend.config import Settings
from backend.db import make_engine
from backend.main import create_app
from backend.migrate import upgrade
from tests.factories import Factory


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    engine: Engine
    server: uvicorn.Server
    thread: threading.Thread
    drop_database: str | None

    @classmethod
    def start(cls, tmp: Path, test_url: str) -> "LiveServer":
        drop = None
        if make_url(test_url).get_backend_name() == "postgresql":
            drop = f"anxun_live_{uuid.uuid4().hex[:8]}"
            admin = create_engine(test_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{drop}"'))
            admin.dispose()
            url = make_url(test_url).set(database=drop).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp / 'live.db'}"
        settings = Settings(data_dir=tmp / "data", database_url=url,
                            secret_key="live-test-secret", scheduler_enabled=False,
                            rate_limit_user_per_minute=0, rate_limit_key_per_minute=0)
        engine = make_engine(url)
        with engine.begin() as conn:
            upgrade(conn)
        app = create_app(settings, engine)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                loop="asyncio", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        return cls(f"http://127.0.0.1:{port}", settings, engine, server, thread, drop)

    def factory(self) -> tuple[Session, Factory]:
        session = Session(self.engine, expire_on_commit=False)
        return session, Factory(session, self.settings)

    def token(self, session: Session, user) -> str:  # noqa: ANN001
        token = issue_token(session, self.settings, user).token
        session.commit()
        return token

    def stop(self) -> None:
        self.server.config.app.state.stopping.set()  # as a signal would: event streams end
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.engine.dispose()
        if self.drop_database:
            admin = create_engine(make_url(self.settings.database_url).set(database="postgres"),
                                  isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.drop_database}" WITH (FORCE)'))
            admin.dispose()
