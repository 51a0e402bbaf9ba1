"""The backup directory and its manifest.

    DIR/objects/ab/ab12…ef             the store's files, named by the SHA-256 of their bytes and
                                       shared by every snapshot (so a second backup copies only
                                       files that are not there yet)
    DIR/snapshots/20261203T134501Z/    one snapshot
        database.sqlite3 | database.pgdump   SQLite's online backup, or pg_dump -Fc
        secret.key                     the data dir's HMAC secret, when the secret lives there
        manifest.json                  written last: a snapshot without it is incomplete

The manifest names the database file, the secret and every store object of the snapshot (store
key → SHA-256, size, content type) with its hash; restore checks every hash before it writes.
Directories are 0700 and files 0600 whatever the umask: the database holds password hashes and
the secret may lie beside it."""

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backend.photos.storage import STORE_KEY

CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILES = ("database.sqlite3", "database.pgdump")
SHA256 = re.compile(r"[0-9a-f]{64}")


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty, mode 0600, for a copy to be written into."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


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
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as out:
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
        manifest = cls(**data)
        manifest.check_names()
        return manifest

    def check_names(self) -> None:
        """Every name a restore turns into a path or a store key has the shape the backup
        writes (a tampered manifest must not write outside the target)."""
        bad = [] if self.database.get("file") in DATABASE_FILES else [self.database.get("file")]
        if self.secret and "file" in self.secret and self.secret["file"] != "secret.key":
            bad.append(self.secret["file"])
        # only the store keys the app writes: a restore turns them into paths and object names
        bad += [key for key, entry in self.objects.items()
                if not (STORE_KEY.fullmatch(key) and SHA256.fullmatch(str(entry.get("sha256"))))]
        if bad:
            raise ValueError(f"清单中的名称不合规 (names of an unexpected shape): "
                             f"{', '.join(map(repr, bad[:5]))}")


def new_snapshot_dir(root: Path) -> Path:
    """``DIR/snapshots/<UTC time>``, with a suffix when two backups start in one second."""
    base = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    private_dir(root)
    parent = private_dir(snapshots_dir(root))
    for n in range(1, 1000):
        path = parent / (base if n == 1 else f"{base}-{n}")
        try:
            path.mkdir(mode=0o700)
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
