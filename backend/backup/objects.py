"""The store's files that a snapshot's rows name, copied into ``DIR/objects`` by content and
put back into a store (local or S3) on restore.

Store keys are written once and never overwritten (originals are named by their SHA-256,
variants by the photo's unique storage key, documents by a new UUID), so a key whose hash an
earlier snapshot or a row already records, and whose bytes are in ``DIR/objects``, is not read
again: a second backup reads and copies only new files."""

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from backend.backup.layout import object_path, private_dir, sha256_file
from backend.campaigns.models import Campaign
from backend.photos.models import Photo
from backend.photos.originals import original_key
from backend.photos.service import VARIANTS, derived_key
from backend.photos.storage import ObjectMissing, Storage
from backend.records.models import RecordAttachment


@dataclass(frozen=True)
class StoredObject:
    key: str
    content_type: str
    sha256: str | None  # when a row or the key itself records it


def referenced(conn: Connection) -> list[StoredObject]:
    """Every store object the database's rows name: photos (original and variants), record
    attachments and campaign notices."""
    found: dict[str, StoredObject] = {}
    for sha256, storage_key, content_type in conn.execute(
            select(Photo.sha256, Photo.storage_key, Photo.content_type)):
        key = original_key(sha256)
        found[key] = StoredObject(key, content_type, sha256)
        photo = Photo(storage_key=storage_key)  # transient: what derived_key reads
        for variant in VARIANTS[1:]:
            key = derived_key(photo, variant)
            found[key] = StoredObject(key, "image/jpeg", None)
    documents = (select(RecordAttachment.storage_key, RecordAttachment.content_type,
                        RecordAttachment.sha256)
                 .union_all(select(Campaign.attachment_key, Campaign.attachment_type,
                                   Campaign.attachment_sha256)
                            .where(Campaign.attachment_key.is_not(None))))
    for key, content_type, sha256 in conn.execute(documents):
        found[key] = StoredObject(key, content_type or "application/octet-stream",
                                  sha256 or None)
    return sorted(found.values(), key=lambda o: o.key)


@dataclass
class CopyReport:
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    copied: int = 0  # files written into DIR/objects
    copied_bytes: int = 0
    reused: int = 0  # keys whose bytes DIR/objects already held
    problems: dict[str, str] = field(default_factory=dict)


def back_up(storage: Storage, objects: list[StoredObject], root: Path,
            earlier: dict[str, dict[str, Any]]) -> CopyReport:
    """Copy ``objects`` into ``root/objects``; ``earlier`` is the last snapshot's entries."""
    report = CopyReport()
    for obj in objects:
        sha256 = obj.sha256 or earlier.get(obj.key, {}).get("sha256")
        if sha256 and (path := object_path(root, sha256)).is_file():
            report.reused += 1
            report.entries[obj.key] = {"sha256": sha256, "bytes": path.stat().st_size,
                                       "content_type": obj.content_type}
            continue
        try:
            actual, size, written = _copy_in(storage, obj.key, root)
        except ObjectMissing:
            report.problems[obj.key] = "missing"
            continue
        if obj.sha256 and actual != obj.sha256:
            report.problems[obj.key] = f"sha256 {actual} != {obj.sha256}"
        if written:
            report.copied += 1
            report.copied_bytes += size
        else:
            report.reused += 1
        report.entries[obj.key] = {"sha256": actual, "bytes": size,
                                   "content_type": obj.content_type}
    return report


def _copy_in(storage: Storage, key: str, root: Path) -> tuple[str, int, bool]:
    """Stream one object into ``root/objects`` under the hash of the bytes read; the hash,
    the size and whether the file is new."""
    incoming = private_dir(private_dir(root / "objects") / ".incoming")
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=incoming)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in storage.iter_bytes(key):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        target = object_path(root, digest.hexdigest())
        written = not target.is_file()  # else the same bytes under another key: kept once
        if written:  # mkstemp made it 0600
            private_dir(target.parent)
            os.replace(tmp, target)
        else:
            Path(tmp).unlink()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size, written


def damaged(root: Path, entries: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The objects whose file in ``root/objects`` is missing or no longer has its hash (each
    distinct file is read once)."""
    verdicts: dict[str, str | None] = {}
    found = {}
    for key, entry in entries.items():
        sha256 = entry["sha256"]
        if sha256 not in verdicts:
            path = object_path(root, sha256)
            verdicts[sha256] = ("missing" if not path.is_file()
                                else None if sha256_file(path) == sha256 else "hash mismatch")
        if verdicts[sha256]:
            found[key] = f"{verdicts[sha256]} ({sha256[:12]}…)"
    return found


def restore(storage: Storage, root: Path, entries: dict[str, dict[str, Any]]) -> int:
    for key, entry in entries.items():
        storage.put_file(key, object_path(root, entry["sha256"]), entry["content_type"])
    return len(entries)
