"""What the review of issue 14 found in backup and restore: the copies' permissions, a restore
that fails half-way and is run again, photos collected while a backup runs, and a tampered
manifest's names."""

import json
import shutil
import socket
import stat
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from backend.backup import objects, service, unfinished
from backend.backup.layout import MANIFEST, Manifest, snapshots_dir
from backend.backup.service import backup
from backend.config import Settings
from backend.photos.housekeeping import run_gc
from backend.photos.storage import LocalStorage
from backend.vocab import Role
from tests.backup.conftest import cli, dump_engine, local_files, store_keys
from tests.photos.images import jpeg

SECRET = "live-test-secret"


@pytest.fixture(scope="module")
def reported(live):
    """Two hazard reports with a photo each, and a photo no report uses."""
    session, make = live.factory()
    inspector = make.user(Role.inspector)
    headers = {"Authorization": f"Bearer {live.token(session, inspector)}"}
    with httpx.Client(base_url=live.base_url, headers=headers, timeout=30) as client:
        for n in range(3):
            photo = client.post("/api/v1/photos", data={"client_id": str(uuid.uuid4())},
                                files={"file": ("p.jpg", jpeg(90 + n, 60), "image/jpeg")})
            assert photo.status_code == 201, photo.text
            if n < 2:
                hazard = client.post("/api/v1/hazards", json={
                    "title": f"消防通道堵塞 {n}", "site_id": make.org.kitchen.id,
                    "category": "fire", "photo_ids": [photo.json()["id"]],
                    "client_id": str(uuid.uuid4())})
                assert hazard.status_code == 201, hazard.text
    session.close()
    return live


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_private_whatever_the_umask(reported, tmp_path):
    root = tmp_path / "backup"
    done = cli("backup", str(root), data_dir=reported.settings.data_dir,
               database_url=reported.settings.database_url, secret_key=SECRET)
    assert done.returncode == 0, done.stderr
    [snapshot] = snapshots_dir(root).iterdir()
    manifest = Manifest.read(snapshot)
    assert mode(snapshot) == 0o700
    assert mode(snapshot / manifest.database["file"]) == 0o600
    assert mode(snapshot / MANIFEST) == 0o600
    stored = list((root / "objects").rglob("*"))
    assert stored and {mode(p) for p in stored if p.is_dir()} == {0o700}
    assert {mode(p) for p in stored if p.is_file()} == {0o600}
    assert {mode(p) for p in (root, root / "objects", snapshots_dir(root))} == {0o700}


def test_photos_collected_during_the_backup_are_not_in_the_snapshot(reported, tmp_path,
                                                                    monkeypatch):
    """photos-gc commits between the database copy and the file copy: the snapshot is taken
    again, and its manifest names exactly the files its rows name."""
    copy = objects.back_up
    collected: list[int] = []

    def collect_first(*args):  # noqa: ANN002, ANN202
        if not collected:
            session, _ = reported.factory()
            collected.append(run_gc(session, reported.settings, timedelta(0))[0])
            session.close()
        return copy(*args)

    monkeypatch.setattr(objects, "back_up", collect_first)
    report = backup(reported.settings, reported.engine, tmp_path / "backup")
    assert collected == [3]  # the unused photo's original, web and thumb
    assert report.manifest.problems == {}
    assert set(report.manifest.objects) == store_keys(reported.engine)
    assert report.manifest.tables["photos"] == 2
    assert [p.name for p in snapshots_dir(tmp_path / "backup").iterdir()] == [
        report.manifest.name]  # the first attempt is gone


@pytest.fixture
def snapshot(reported, tmp_path):
    root = tmp_path / "backup"
    done = cli("backup", str(root), data_dir=reported.settings.data_dir,
               database_url=reported.settings.database_url, secret_key=SECRET)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def half_restored(snapshot, tmp_path, target_url, target_engine):
    """The snapshot restored until the disk filled up at the third file: its settings."""
    settings = Settings(data_dir=tmp_path / "data", database_url=target_url, secret_key=SECRET)
    put = LocalStorage.put_file
    calls: list[str] = []

    def disk_full_at_the_third(self, key, path, content_type):  # noqa: ANN001, ANN202
        calls.append(key)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        put(self, key, path, content_type)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LocalStorage, "put_file", disk_full_at_the_third)
        with pytest.raises(service.RestoreInterrupted, match="No space left"):
            service.restore(settings, target_engine, snapshot)
    assert len(local_files(settings.data_dir / "photos")) == 2 and dump_engine(target_engine)
    return settings


def test_a_restore_that_failed_half_way_can_be_run_again(snapshot, tmp_path, target_url,
                                                        target_engine, half_restored):
    data_dir = half_restored.data_dir

    other = tmp_path / "other"
    shutil.copytree(snapshot, other)
    refused = cli("restore", str(other), data_dir=data_dir, database_url=target_url,
                  secret_key=SECRET)
    assert refused.returncode == 3 and unfinished.FILE in refused.stderr  # not that restore

    again = cli("restore", str(snapshot), data_dir=data_dir, database_url=target_url,
                secret_key=SECRET)
    assert again.returncode == 0, again.stderr
    assert set(local_files(data_dir / "photos")) == store_keys(target_engine)
    assert not unfinished.record_path(half_restored).exists()
    [name] = [p.name for p in snapshots_dir(snapshot).iterdir()]
    assert {t: len(rows) for t, rows in dump_engine(target_engine).items()} == \
        Manifest.read(snapshots_dir(snapshot) / name).tables
    with target_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM photos")) >= 2


def test_nothing_starts_on_a_restore_left_half_way(snapshot, half_restored, target_url):
    """The app, the worker and the commands that touch the data refuse (exit 2), naming the
    record and the restore to run again; once that restore has run, they start."""
    [name] = [p.name for p in snapshots_dir(snapshot).iterdir()]
    again = f"anxun restore {snapshot} --snapshot {name}"
    data_dir = half_restored.data_dir
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    for command in (["worker", "--once"], ["photos-gc"], ["migrate"],
                    ["serve", "--host", "127.0.0.1", "--port", port]):
        refused = cli(*command, data_dir=data_dir, database_url=target_url, secret_key=SECRET)
        assert refused.returncode == 2, (command, refused.stdout, refused.stderr)
        assert refused.stderr.startswith("拒绝启动 (refused to start): "), refused.stderr
        assert str(unfinished.record_path(half_restored)) in refused.stderr
        assert refused.stderr.rstrip().endswith(again), refused.stderr
    assert cli("restore", str(snapshot), "--snapshot", name, data_dir=data_dir,
               database_url=target_url, secret_key=SECRET).returncode == 0
    started = cli("worker", "--once", data_dir=data_dir, database_url=target_url,
                  secret_key=SECRET)
    assert started.returncode == 0, started.stderr


def test_the_app_refuses_to_start_on_a_restore_left_half_way(app, settings):
    """However the app is run (uvicorn, gunicorn, `anxun serve`'s workers): its lifespan."""
    unfinished.write(settings, {"snapshot": "/srv/backup/snapshots/20261203T134501Z"})
    with pytest.raises(unfinished.RestoreUnfinished) as refused, TestClient(app):
        pass
    assert str(refused.value).endswith(
        "anxun restore /srv/backup --snapshot 20261203T134501Z")
    unfinished.remove(settings)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("name", ["../../../escaped", "/tmp/escaped", "originals/../../x",
                                  "derived/x/web.jpg", "sha"])
def test_a_manifest_with_a_name_of_another_shape_is_refused(snapshot, tmp_path, target_url,
                                                           target_engine, name):
    [directory] = snapshots_dir(snapshot).iterdir()
    data = json.loads((directory / MANIFEST).read_text())
    key, entry = next(iter(data["objects"].items()))
    if name == "sha":
        entry["sha256"] = "../../../../escaped"
    else:
        data["objects"][name] = data["objects"].pop(key)
    (directory / MANIFEST).write_text(json.dumps(data))
    data_dir = tmp_path / "data"
    refused = cli("restore", str(snapshot), data_dir=data_dir, database_url=target_url,
                  secret_key=SECRET)
    assert refused.returncode == 2 and "名称不合规" in refused.stderr, refused.stderr
    assert dump_engine(target_engine) == {} and not data_dir.exists()
    assert not list(tmp_path.rglob("escaped"))
