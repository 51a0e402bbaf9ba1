"""Upgrading an installation that runs the catalogue shipped before issue 10 (commit b32c91f,
frozen in fixtures/ as it was released): not a synthetic module, the real 50 modules and 502
items, on a database of its own that never saw the current catalogue."""

import tarfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db import make_engine
from backend.main import create_app
from backend.migrate import upgrade
from backend.modules.models import PatrolModule
from backend.modules.service import load_catalogue, read_catalogue
from backend.vocab import Role
from tests.factories import Factory
from tests.modules.test_catalogue import MERGED_AWAY, NEW

SHIPPED = Path(__file__).parent / "fixtures" / "catalogue-b32c91f.tar.gz"


def _previous_catalogue(tmp_path: Path):
    with tarfile.open(SHIPPED) as archive:
        archive.extractall(tmp_path, filter="data")
    return read_catalogue(tmp_path / "catalogue-b32c91f")


def test_upgrading_the_previously_shipped_catalogue(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'installed.db'}")
    with engine.begin() as conn:
        upgrade(conn)
    settings = Settings(data_dir=tmp_path / "data", database_url=str(engine.url),
                        secret_key="test-secret-key-not-for-production", scheduler_enabled=False)
    previous, current = _previous_catalogue(tmp_path), read_catalogue()
    with Session(engine, expire_on_commit=False) as db:
        installed = load_catalogue(db, previous)
        db.commit()
        assert len(installed.created) == len(previous) == 50
        make = Factory(db, settings)
        inspector = make.user(Role.inspector, center=make.org.property)
        headers = make.headers(inspector)
        night = db.scalar(select(PatrolModule).where(PatrolModule.code == "fire-patrol-night"))
        assert night is not None
        db.commit()  # SQLite: the app's requests need the write lock this session holds
        with TestClient(create_app(settings, engine), raise_server_exceptions=False) as client:
            started = client.post("/api/v1/inspections", headers=headers, json={
                "module_id": night.id, "site_id": make.org.dorm.id, "kind": "routine"})
            assert started.status_code == 201, started.text

            report = load_catalogue(db)  # what `anxun setup` does on the new release
            db.commit()
            assert set(report.retired) == MERGED_AWAY
            assert set(report.created) >= NEW
            assert not report.kept_local
            assert set(report.created) | set(report.updated) | set(report.unchanged) == {
                m.code for m in current}
            modules = client.get("/api/v1/modules", headers=headers,
                                 params={"limit": 100}).json()["items"]
            assert {m["code"] for m in modules} == {m.code for m in current}
            # the inspection begun on the retired module is still readable on its version
            again = client.get(f"/api/v1/inspections/{started.json()['id']}", headers=headers)
            assert again.status_code == 200
            assert again.json()["module_version_id"] == started.json()["module_version_id"]
            assert load_catalogue(db).created == []  # and upgrading twice changes nothing
    engine.dispose()
