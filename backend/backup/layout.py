"""The backup directory and its manifest.

    DIR/objects/ab/ab12…ef             the store's files, named by the SHA-256 of their bytes and
                                       shared by every snapshot (so a second backup copies only
                                       files that are not there yet)
    DIR/snapshots/20261203T134501Z/    one snapshot
        database.sqlite3 | database.pgdump   SQLite's online backup, or pg_dump -Fc
        secret.key                     the data dir's HMAC secret, when the secret lives there
        manifest.json                  written last: a snapshot without it is incomplete

The manifest names the database file, the secret and every store object of the snapshot (store
key → SHA-256, size, content type) with its hash; restore checks every hash before it writes."""

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
FORMAT = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def object_path(root: Path, sha256: str) -> Path:
    return root / "objects" / sha256[:2] / sha256


def snapshots_dir(root: Path) -> Path:
    return root / "snapshots"


@dataclass
class Manifest:
    name: str
    created_at: str
    engine: str  # "sqlite" or "postgresql": a snapshot restores into the same kind
    revision: str | None  # the schema's Alembic revision
    database: dict[str, Any]  # {"file", "sha256", "bytes"}
    secret: dict[str, Any] | None  # {"file", "sha256"} or {"setting": fingerprint}; None: none yet
    store: str  # "local" or "s3": where the objects came from (they restore to either)
    tables: dict[str, int]  # rows per table in the snapshot, checked after a restore
    objects: dict[str, dict[str, Any]]  # store key -> {"sha256", "bytes", "content_type"}
    problems: dict[str, str] = field(default_factory=dict)  # store key -> what was wrong
    format: int = FORMAT

    def write(self, directory: Path) -> None:
        tmp = directory / f".{MANIFEST}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(asdict(self), out, ensure_ascii=False, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, directory / MANIFEST)

    @classmethod
    def read(cls, directory: Path) -> "Manifest":
        with open(directory / MANIFEST, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != FORMAT:
            raise ValueError(f"manifest format {data.get('format')!r}")
        return cls(**data)


def new_snapshot_dir(root: Path) -> Path:
    """``DIR/snapshots/<UTC time>``, with a suffix when two backups start in one second."""
    base = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    parent = snapshots_dir(root)
    parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = parent / (base if n == 1 else f"{base}-{n}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise RuntimeError("too many snapshots in one second")


def _order(name: str) -> tuple[str, int]:
    base, _, n = name.partition("-")
    return base, int(n) if n.isdigit() else 1


def snapshot_names(root: Path) -> list[str]:
    """The snapshots that have a manifest (the others are incomplete), oldest first."""
    parent = snapshots_dir(root)
    if not parent.is_dir():
        return []
    return sorted((p.name for p in parent.iterdir() if (p / MANIFEST).is_file()), key=_order)
