"""A restore that stopped half-way (a photo copy failed, the network to S3 broke) can be run
again: before writing anything it records in the data dir which snapshot it restores into
which database and store, and removes the record when done. A later ``anxun restore`` of the
same snapshot onto the same target accepts what the first left (the database it loaded, the
files it wrote) instead of refusing a non-empty target forever; any other restore onto that
partial target is refused, naming the record."""

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
