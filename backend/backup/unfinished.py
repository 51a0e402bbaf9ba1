"""A restore that stopped half-way (a photo copy failed, the network to S3 broke) can be run
again: before writing anything it records in the data dir which snapshot it restores into
which database and store, and removes the record when done. A later ``anxun restore`` of the
same snapshot onto the same target accepts what the first left (the database it loaded, the
files it wrote) instead of refusing a non-empty target forever; any other restore onto that
partial target is refused, naming the record. Nothing else starts on it: the app, the worker
and every command that touches the data refuse until that restore has finished
(:func:`refuse_start`)."""

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from backend.backup.layout import MANIFEST
from backend.config import Settings

FILE = "restore-unfinished.json"


def record_path(settings: Settings) -> Path:
    return settings.data_dir / FILE


def describe(settings: Settings, engine: Engine, snapshot: Path) -> dict[str, Any]:
    """What a retry must match: the snapshot (its manifest's hash) and the target."""
    store = (f"s3://{settings.s3_bucket}/{settings.s3_prefix}" if settings.photo_storage == "s3"
             else str((settings.data_dir / "photos").resolve()))
    manifest = hashlib.sha256((snapshot / MANIFEST).read_bytes()).hexdigest()
    return {"snapshot": str(snapshot.resolve()), "manifest_sha256": manifest,
            "database": engine.url.render_as_string(hide_password=True), "store": store}


def read(settings: Settings) -> dict[str, Any] | None:
    path = record_path(settings)
    try:
        return dict(json.loads(path.read_text("utf-8")))
    except FileNotFoundError:
        return None
    except ValueError:
        return {"damaged": str(path)}  # matches no restore: the operator decides


def write(settings: Settings, described: dict[str, Any]) -> None:
    path = record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8") as out:
        json.dump(described, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())


def remove(settings: Settings) -> None:
    record_path(settings).unlink(missing_ok=True)


class RestoreUnfinished(Exception):
    """A restore stopped half-way in this data dir: its database and store are partial."""


def refuse_start(settings: Settings) -> None:
    """Raise :class:`RestoreUnfinished`, naming the record and the restore to run again, while
    a restore is unfinished (serving a half-restored database, or collecting photos whose links
    are not restored yet, would lose data)."""
    recorded = read(settings)
    if recorded is None:
        return
    command = "anxun restore"
    if snapshot := recorded.get("snapshot"):
        command += f" {Path(snapshot).parent.parent} --snapshot {Path(snapshot).name}"
    raise RestoreUnfinished(
        f"拒绝启动 (refused to start): {record_path(settings)} 记录了一次未完成的恢复, 数据库和"
        f"文件存储只恢复了一部分 (records a restore that stopped half-way: the database and the "
        f"store are partly restored); 以同样的配置再次运行这次恢复以完成它 (run the same restore "
        f"again, with the same settings, to finish it): {command}")
