"""``anxun backup DIR`` and ``anxun restore DIR``: what they do, in order (layout.py shows DIR,
secret.py what a restore needs of the secret)."""

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from backend.audit import verify_chain
from backend.backup import database, objects, secret, unfinished
from backend.backup.layout import (
    Manifest,
    new_snapshot_dir,
    private_file,
    sha256_file,
    snapshot_names,
    snapshots_dir,
)
from backend.config import Settings
from backend.db import new_session
from backend.photos.service import get_storage


class BackupUnusable(Exception):
    """The backup can't be restored: no snapshot, a damaged file, another database kind."""


class TargetNotEmpty(Exception):
    """The database, the store or the data dir already holds data: nothing was touched."""


class RestoreInterrupted(Exception):
    """Writing the target failed half-way; the same restore can be run again."""


# a snapshot whose rows name files deleted before they were copied (photos-gc committing
# between the database copy and the file copy) is taken again, this many times at most
SNAPSHOT_ATTEMPTS = 3


@dataclass
class BackupReport:
    manifest: Manifest
    copied: int
    copied_bytes: int
    reused: int
    seconds: float


@dataclass
class RestoreReport:
    manifest: Manifest
    objects: int
    seconds: float
    chain_ok: bool
    chain_message: str
    warnings: list[str] = field(default_factory=list)


class _RowsGoneSince(Exception):
    """Files the snapshot's rows name were deleted with their rows after the snapshot."""


def backup(settings: Settings, engine: Engine, root: Path) -> BackupReport:
    started = time.perf_counter()
    earlier = _latest_objects(root)
    for attempt in range(1, SNAPSHOT_ATTEMPTS + 1):
        directory = new_snapshot_dir(root)
        try:
            manifest, copy = _write_snapshot(settings, engine, root, directory, earlier,
                                             retake=attempt < SNAPSHOT_ATTEMPTS)
        except _RowsGoneSince:
            shutil.rmtree(directory)
            continue
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)  # no half snapshot to confuse anyone
            raise
        return BackupReport(manifest, copy.copied, copy.copied_bytes, copy.reused,
                            time.perf_counter() - started)
    raise AssertionError("unreachable: the last attempt never retakes")


def _write_snapshot(settings: Settings, engine: Engine, root: Path, directory: Path,
                    earlier: dict[str, dict[str, Any]],
                    retake: bool) -> tuple[Manifest, objects.CopyReport]:
    """The manifest names exactly the files the snapshot's rows name: those read, and under
    ``problems`` those missing or damaged in the store (the backup then exits 1). Missing files
    whose rows are gone from the database by now were collected after the snapshot: with
    ``retake`` the snapshot is taken again instead."""
    db_file = private_file(directory / database.file_name(engine))

    def read(conn: Connection) -> tuple[dict[str, int], str | None, list[objects.StoredObject]]:
        return database.count_rows(conn), database.revision(conn), objects.referenced(conn)

    tables, revision, stored = database.copy_database(engine, db_file, read)
    copy = objects.back_up(get_storage(settings), stored, root, earlier)
    missing = {key for key, problem in copy.problems.items() if problem == "missing"}
    if retake and missing:
        with engine.connect() as conn:
            if not missing & {obj.key for obj in objects.referenced(conn)}:
                raise _RowsGoneSince()
    manifest = Manifest(
        name=directory.name, created_at=datetime.now(UTC).isoformat(),
        engine=engine.dialect.name, revision=revision,
        database={"file": db_file.name, "sha256": sha256_file(db_file),
                  "bytes": db_file.stat().st_size},
        secret=secret.back_up(settings, directory), store=settings.photo_storage,
        tables=tables, objects=copy.entries, problems=copy.problems)
    # the copies are durable before the manifest names them: one sync for all rather than an
    # fsync per file (603 photo files: 2.1-3.2 s with an fsync each, 0.3 s this way, here)
    os.sync()
    manifest.write(directory)
    return manifest, copy


def _latest_objects(root: Path) -> dict[str, dict[str, Any]]:
    names = snapshot_names(root)
    try:
        return Manifest.read(snapshots_dir(root) / names[-1]).objects if names else {}
    except (ValueError, TypeError, OSError):
        return {}  # a damaged manifest: every file is read again


def choose(root: Path, name: str | None) -> Path:
    names = snapshot_names(root)
    if name is None and not names:
        raise BackupUnusable(f"{root} 中没有完整的快照 (no complete snapshot)")
    if name is not None and name not in names:
        raise BackupUnusable(f"快照不存在或不完整 (no complete snapshot named) {name}; "
                             f"可用 (available): {', '.join(names) or '无'}")
    return snapshots_dir(root) / (name or names[-1])


def restore(settings: Settings, engine: Engine, root: Path,
            name: str | None = None) -> RestoreReport:
    """Check the target is empty and every hash matches, then write; nothing is written
    before both checks pass."""
    started = time.perf_counter()
    directory = choose(root, name)
    try:
        manifest = Manifest.read(directory)
    except (ValueError, TypeError, OSError) as exc:
        raise BackupUnusable(f"清单无法读取 (manifest unreadable): {exc}") from exc
    if manifest.engine != engine.dialect.name:
        raise BackupUnusable(f"快照是 {manifest.engine} 数据库, 目标是 {engine.dialect.name} "
                             f"(a snapshot restores into the same kind of database)")
    storage = get_storage(settings)
    described = unfinished.describe(settings, engine, directory)
    retry = _check_target(settings, engine, storage.is_empty(), described)
    _check_hashes(root, directory, manifest)

    unfinished.write(settings, described)
    try:
        warnings, count = _write_target(settings, engine, root, directory, manifest, retry)
    except TargetNotEmpty:
        raise
    except Exception as exc:
        raise RestoreInterrupted(
            f"{type(exc).__name__}: {exc}; 排除原因后再次运行同一 anxun restore 即可 (fix the "
            f"cause and run the same restore again: {unfinished.record_path(settings)} records "
            f"the unfinished one)") from exc
    if manifest.revision != database.head_revision():
        warnings.append(f"快照的数据库版本 {manifest.revision} 与程序的 "
                        f"{database.head_revision()} 不同: 旧则运行 anxun migrate, 新则换用新程序 "
                        f"(the snapshot's schema revision differs from the program's)")
    with engine.connect() as conn:
        tables = database.count_rows(conn)
    if tables != manifest.tables:
        differ = sorted(t for t in tables.keys() | manifest.tables.keys()
                        if tables.get(t) != manifest.tables.get(t))
        warnings.append(f"恢复后行数与清单不同 (row counts differ): {', '.join(differ)}")
    with new_session(engine, read_only=True) as session:
        chain = verify_chain(session)
    unfinished.remove(settings)
    return RestoreReport(manifest, count, time.perf_counter() - started, chain.ok,
                         chain.message, warnings)


def _write_target(settings: Settings, engine: Engine, root: Path, directory: Path,
                  manifest: Manifest, retry: bool) -> tuple[list[str], int]:
    """The database (unless a retry finds it loaded), the secret and the files; each step
    writes what it writes again the same way, so a retry redoes the steps the first did."""
    if not retry or database.is_empty(engine):
        database.restore_database(engine, directory / manifest.database["file"])
    else:
        with engine.connect() as conn:
            found = database.count_rows(conn)
        if found != manifest.tables:
            raise TargetNotEmpty("数据库不是未完成的恢复所载入的 (the database is not the one the "
                                 "unfinished restore loaded: its row counts differ)")
    warnings = secret.restore(settings, directory, manifest.secret)
    if manifest.problems:
        warnings.append(f"备份时已有 {len(manifest.problems)} 个文件缺失或不符, 未能恢复 "
                        f"(files the backup could not read: manifest.json problems)")
    return warnings, objects.restore(get_storage(settings), root, manifest.objects)


def _check_target(settings: Settings, engine: Engine, store_empty: bool,
                  described: dict[str, Any]) -> bool:
    """An empty target, or the one an unfinished restore of this snapshot left (True)."""
    recorded = unfinished.read(settings)
    if recorded is None:
        _check_empty(settings, engine, store_empty)
        return False
    if recorded != described:
        raise TargetNotEmpty(
            f"{unfinished.record_path(settings)} 记录了一次未完成的恢复 (records an unfinished "
            f"restore) of {recorded.get('snapshot')} into {recorded.get('database')}: 再次运行"
            f"那一次恢复, 或清空目标并删除该文件 (run that restore again, or empty the target "
            f"and delete the file)")
    return True


def _check_empty(settings: Settings, engine: Engine, store_empty: bool) -> None:
    found = []
    if not database.is_empty(engine):
        found.append(f"数据库已有数据表 (the database has tables): "
                     f"{engine.url.render_as_string(hide_password=True)}")
    if not store_empty:
        found.append(f"文件存储不为空 (the {settings.photo_storage} store holds files)")
    if (secret_file := secret.data_dir_file(settings)).exists():
        found.append(f"数据目录已有密钥 (the data dir has a secret): {secret_file}")
    if found:
        raise TargetNotEmpty("; ".join(found))


def _check_hashes(root: Path, directory: Path, manifest: Manifest) -> None:
    files = [manifest.database] + ([manifest.secret] if manifest.secret and
                                   "file" in manifest.secret else [])
    bad = {}
    for entry in files:
        path = directory / entry["file"]
        if not path.is_file():
            bad[entry["file"]] = "missing"
        elif sha256_file(path) != entry["sha256"]:
            bad[entry["file"]] = "hash mismatch"
    bad.update(objects.damaged(root, manifest.objects))
    if bad:
        listed = "; ".join(f"{k}: {v}" for k, v in sorted(bad.items())[:10])
        raise BackupUnusable(f"备份已损坏, {len(bad)} 个文件与清单不符 (damaged backup): {listed}")
