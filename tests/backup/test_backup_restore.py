"""``anxun backup`` while the live server takes hazard reports and photos, and ``anxun
restore`` of that snapshot into a new data dir and database: the restored rows and files are
exactly the snapshot's; a non-empty target and a tampered backup are refused untouched; a
second backup copies only the new files."""

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from backend.backup import database, service
from backend.backup.layout import Manifest, object_path, snapshots_dir
from backend.backup.service import backup
from backend.config import Settings
from backend.photos.documents import store
from backend.photos.service import get_storage
from backend.records.models import RecordAttachment, RecordType
from backend.vocab import Role
from tests.backup.conftest import Rows, WriteLoad, cli, dump, dump_engine, local_files, store_keys

SECRET = "live-test-secret"  # the live server's (a setting: the backup keeps a fingerprint)
WRITES_DURING_SNAPSHOT = 3


@dataclass
class BackedUp:
    root: Path
    manifest: Manifest
    rows: Rows  # read inside the snapshot's own transaction
    load: WriteLoad
    committed_by_then: int  # hazards the load had reported when the snapshot was read


@pytest.fixture(scope="module")
def backed_up(live, tmp_path_factory):
    session, make = live.factory()
    inspector = make.user(Role.inspector)
    pdf = tmp_path_factory.mktemp("doc") / "制度.pdf"
    pdf.write_bytes(b"%PDF-1.4 backup test\n")
    key = store(get_storage(live.settings), pdf, "application/pdf")
    session.add(RecordAttachment(record_type=RecordType.regulation, record_id=1,
                                 center_id=make.org.catering.id, storage_key=key, name=pdf.name,
                                 content_type="application/pdf", bytes=pdf.stat().st_size,
                                 sha256=hashlib.sha256(pdf.read_bytes()).hexdigest(),
                                 uploaded_by_id=inspector.id))
    session.commit()
    load = WriteLoad(live.base_url, live.token(session, inspector), make.org.kitchen.id)
    load.start()
    load.wait_for(2)
    seen: dict = {}
    counting = database.count_rows

    def count_while_the_load_commits(conn):
        # the snapshot is open (its first read is the dump); the server commits more reports
        # before the backup reads its rows and copies the database
        seen["rows"] = dump(conn)
        seen["reported"] = load.reported
        load.wait_for(seen["reported"] + WRITES_DURING_SNAPSHOT)
        return counting(conn)

    root = tmp_path_factory.mktemp("backup")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(database, "count_rows", count_while_the_load_commits)
        report = backup(live.settings, live.engine, root)
    yield BackedUp(root, report.manifest, seen["rows"], load, seen["reported"])
    load.stop()
    session.close()


def restore(root: Path, data_dir: Path, url: str, *args: str):
    return cli("restore", str(root), *args, data_dir=data_dir, database_url=url,
               secret_key=SECRET)


def restore_in_process(root: Path, data_dir: Path, engine) -> None:  # noqa: ANN001
    settings = Settings(data_dir=data_dir, database_url=str(engine.url), secret_key=SECRET)
    service.restore(settings, engine, root)


def test_restore_of_a_backup_taken_under_writes_is_the_snapshot(live, backed_up, tmp_path,
                                                                 target_url, target_engine):
    snapshot_hazards = len(backed_up.rows["hazards"])
    backed_up.load.wait_for(backed_up.committed_by_then + WRITES_DURING_SNAPSHOT + 1)
    with live.engine.connect() as conn:  # the server went on: the snapshot is a past point
        assert conn.scalar(text("SELECT count(*) FROM hazards")) > snapshot_hazards
    # at most the report whose answer was on its way when the snapshot was read
    assert snapshot_hazards <= backed_up.committed_by_then + 1

    data_dir = tmp_path / "new-data"
    done = restore(backed_up.root, data_dir, target_url)
    assert done.returncode == 0, done.stderr
    assert "审计链完整" in done.stdout and "已恢复快照" in done.stdout
    assert done.stderr == ""  # no warning: the same secret, the same row counts
    snapshot = snapshots_dir(backed_up.root) / backed_up.manifest.name
    assert sorted(p.name for p in snapshot.iterdir()) == sorted(  # reading it left nothing
        [backed_up.manifest.database["file"], "manifest.json"])

    assert dump_engine(target_engine) == backed_up.rows  # every row of every table
    restored = local_files(data_dir / "photos")
    original = local_files(live.settings.data_dir / "photos")
    assert set(restored) == store_keys(target_engine)  # every file the rows name, no other
    assert {key: original[key] for key in restored} == restored  # byte for byte
    assert any(key.startswith("documents/") for key in restored)
    assert len(restored) == len(backed_up.manifest.objects)

    # the restored installation backs up to the same snapshot: the same rows and files
    again = cli("backup", str(tmp_path / "again"), data_dir=data_dir, database_url=target_url,
                secret_key=SECRET)
    assert again.returncode == 0, again.stderr
    assert f"新复制 {len(set(restored.values()))} 个" in again.stdout
    (manifest,) = [Manifest.read(p) for p in snapshots_dir(tmp_path / "again").iterdir()]
    assert (manifest.objects, manifest.tables, manifest.secret) == (
        backed_up.manifest.objects, backed_up.manifest.tables, backed_up.manifest.secret)


def test_restore_onto_a_non_empty_target_is_refused_and_changes_nothing(backed_up, tmp_path,
                                                                       target_url,
                                                                       target_engine):
    with target_engine.begin() as conn:
        conn.execute(text("CREATE TABLE kept (note VARCHAR(20))"))
        conn.execute(text("INSERT INTO kept VALUES ('mine')"))
    data_dir = tmp_path / "data"
    refused = restore(backed_up.root, data_dir, target_url)
    assert refused.returncode == 3
    assert "目标不为空" in refused.stderr and "数据库已有数据表" in refused.stderr
    assert dump_engine(target_engine) == {"kept": [("mine",)]}
    assert not data_dir.exists()

    with target_engine.begin() as conn:
        conn.execute(text("DROP TABLE kept"))
    photo = data_dir / "photos" / "originals" / "aa" / "mine"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"someone else's photo")
    with pytest.raises(service.TargetNotEmpty, match="文件存储不为空"):
        restore_in_process(backed_up.root, data_dir, target_engine)
    assert dump_engine(target_engine) == {}
    assert local_files(data_dir / "photos") == {"originals/aa/mine": hashlib.sha256(
        b"someone else's photo").hexdigest()}


def damage(root: Path, manifest: Manifest, what: str) -> None:
    entry = next(e for k, e in manifest.objects.items() if k.startswith("originals/"))
    victim = (object_path(root, entry["sha256"]) if what != "database"
              else snapshots_dir(root) / manifest.name / manifest.database["file"])
    if what == "missing object":
        victim.unlink()
        return
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))


@pytest.mark.parametrize("what", ["database", "missing object"])
def test_a_damaged_backup_is_refused(backed_up, tmp_path, what, target_engine):
    root = tmp_path / "copy"
    shutil.copytree(backed_up.root, root)
    damage(root, backed_up.manifest, what)
    with pytest.raises(service.BackupUnusable,
                       match="missing" if what == "missing object" else "hash mismatch"):
        restore_in_process(root, tmp_path / "data", target_engine)
    assert dump_engine(target_engine) == {}
    assert not (tmp_path / "data").exists()


def test_a_tampered_file_in_the_backup_is_refused_before_anything_is_written(
        backed_up, tmp_path, target_url, target_engine):
    root = tmp_path / "copy"
    shutil.copytree(backed_up.root, root)
    damage(root, backed_up.manifest, "object")
    data_dir = tmp_path / "data"
    refused = restore(root, data_dir, target_url)
    assert refused.returncode == 2
    assert "备份已损坏" in refused.stderr and "hash mismatch" in refused.stderr
    assert dump_engine(target_engine) == {}
    assert not data_dir.exists()


def test_a_second_backup_copies_only_new_files(live, backed_up):
    first = backed_up.manifest
    backed_up.load.wait_for(backed_up.committed_by_then + WRITES_DURING_SNAPSHOT + 2)
    old_files = {sha: object_path(backed_up.root, sha).stat().st_mtime_ns
                 for sha in {e["sha256"] for e in first.objects.values()}}

    second = backup(live.settings, live.engine, backed_up.root)
    objects = second.manifest.objects
    assert second.manifest.name != first.name
    assert set(first.objects) < set(objects)  # nothing was deleted; new reports came
    new_shas = {e["sha256"] for e in objects.values()} - set(old_files)
    assert new_shas and second.copied == len(new_shas)
    assert second.reused == len(objects) - second.copied == len(first.objects)
    assert {sha: object_path(backed_up.root, sha).stat().st_mtime_ns
            for sha in old_files} == old_files  # the files already there were not rewritten
    stored = [p for p in (backed_up.root / "objects").rglob("*") if p.is_file()]
    assert len(stored) == len(old_files) + len(new_shas)
