"""Anchors of the audit chain outside the database: the head (entry id, hash, time) appended to
a file in ``settings.anchor_dir``, daily by the scheduler and on demand (``anxun audit anchor``),
and optionally POSTed to ``audit_anchor_url`` by the caller (:mod:`backend.webhooks.anchors`).

An anchored entry's hash fixes every entry up to it (each hash covers the previous one), so a
database whose chain no longer holds an anchored hash at the anchored id was truncated or
rewritten, even by someone holding the chain key. :func:`check_anchors` names the first anchor
that disagrees, and the daily anchors the database records as written (``audit_anchor_days``,
one row per day, kept) that the file no longer holds: deleting or truncating the file must not
pass as "no anchors yet"."""

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.audit.models import AuditAnchorDay, AuditEntry, AuditHead
from backend.clock import SHANGHAI
from backend.config import Settings
from backend.dedupe import insert_or_skip_returning
from backend.workshare import SessionFactory

ANCHOR_FILE = "audit-anchors.jsonl"
LOOKUP_BATCH = 1000  # ids per IN (...) when checking


@dataclass(frozen=True)
class Anchor:
    kind: str  # "daily" or "manual"
    entry_id: int
    hash: str
    entry_at: str  # ISO, UTC
    anchored_at: str  # ISO, UTC

    @property
    def day(self) -> date:
        return datetime.fromisoformat(self.anchored_at).astimezone(SHANGHAI).date()

    @property
    def label(self) -> str:
        return day_label(self.day, self.entry_id)

    def json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))


def day_label(day: date, entry_id: int) -> str:
    return f"{day} 条目 {entry_id}"


class AnchorFileError(ValueError):
    """A line of the anchor file is not an anchor (the file was damaged or edited)."""


def anchor_file(settings: Settings) -> Path:
    return settings.anchor_dir / ANCHOR_FILE


def head_anchor(session: Session, kind: str, now: datetime) -> Anchor | None:
    """The chain's last entry as an anchor; None while the chain is empty."""
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash, AuditEntry.at)
        .where(AuditEntry.id == select(AuditHead.last_id).scalar_subquery())).first()
    if last is None:
        return None
    return Anchor(kind, last.id, last.hash, last.at.isoformat(), now.isoformat())


def append(settings: Settings, anchor: Anchor) -> None:
    """Append ``anchor`` to the file and fsync it: it is written when this returns."""
    path = anchor_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write(anchor.json() + "\n")
        out.flush()
        os.fsync(out.fileno())


def anchor_now(session: Session, settings: Settings, now: datetime) -> Anchor | None:
    """Anchor the head on demand; None when the chain is empty (nothing to anchor)."""
    anchor = head_anchor(session, "manual", now)
    if anchor is not None:
        append(settings, anchor)
    return anchor


def anchor_daily(session_factory: SessionFactory, settings: Settings,
                 now: datetime) -> Anchor | None:
    """The day's anchor (Asia/Shanghai day), once: the day's row is inserted first, so a second
    pass at the same time waits for the first's commit and skips (PostgreSQL), or waits for the
    write lock (SQLite). The file is written before the commit: a failed write rolls the day
    back for the next pass. Returns the anchor written, if this pass wrote it."""
    day = now.astimezone(SHANGHAI).date()
    with session_factory() as session:
        anchor = head_anchor(session, "daily", now)
        if anchor is None or not _claim_day(session, day, anchor.entry_id, now):
            return None
        append(settings, anchor)
    return anchor


def _claim_day(session: Session, day: date, entry_id: int, now: datetime) -> bool:
    return bool(insert_or_skip_returning(
        session, AuditAnchorDay, [{"day": day, "entry_id": entry_id, "anchored_at": now}],
        ("day",), AuditAnchorDay.day))


class AnchorsPresent(ValueError):
    """A restart of the anchors while the file still holds some."""


def restart(session: Session, settings: Settings) -> list[str]:
    """Forget the daily anchors the database records, once the file was moved aside (after
    restoring an older snapshot): an audit entry names them, so the restart is itself on the
    keyed chain. Returns their labels; the caller commits and anchors the head anew."""
    if read_anchors(settings):
        raise AnchorsPresent(f"锚点文件 {anchor_file(settings)} 仍有锚点: 请先移走 (move the "
                             "anchor file aside first; keep it as the evidence)")
    labels = [day_label(day, entry_id) for day, entry_id in session.execute(
        select(AuditAnchorDay.day, AuditAnchorDay.entry_id).order_by(AuditAnchorDay.day))]
    session.execute(delete(AuditAnchorDay))
    audit.record(session, actor=None, action="audit.anchors_restarted",
                 summary={"forgotten": labels, "anchor_file": str(anchor_file(settings))})
    return labels


def read_anchors(settings: Settings) -> list[Anchor]:
    """Every anchor in the file, in the order written; none when there is no file yet."""
    path = anchor_file(settings)
    if not path.exists():
        return []
    anchors = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                anchors.append(Anchor(**json.loads(line)))
            except (ValueError, TypeError) as exc:
                raise AnchorFileError(f"锚点文件 {path} 第 {number} 行无法解析 "
                                      f"(anchor file damaged): {exc}") from exc
    return anchors


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    count: int
    source: Path
    bad: Anchor | None = None
    found_hash: str | None = None  # what the database holds at the bad anchor's id
    missing: tuple[str, ...] = ()  # daily anchors the database records and the file lacks

    @property
    def message(self) -> str:
        if self.bad is not None:
            problem = ("已不存在 (entry missing: the chain was truncated or rewritten)"
                       if self.found_hash is None else
                       f"的哈希与锚点不符 (锚点 {self.bad.hash[:12]}…, 数据库 "
                       f"{self.found_hash[:12]}…: the chain was rewritten)")
            return f"第一个不一致的锚点: {self.bad.label} {problem}; 锚点文件 {self.source}"
        if self.missing:
            shown = ", ".join(self.missing[:10]) + (" …" if len(self.missing) > 10 else "")
            return (f"锚点缺失: 数据库记录已写入的 {len(self.missing)} 个每日锚点不在锚点文件中 "
                    f"(anchors the database records as written are missing from {self.source}: "
                    f"the file was deleted, truncated or is not the one written): {shown}")
        if not self.count:
            return f"尚无锚点 (no anchors yet in {self.source}): 可运行 anxun audit anchor"
        return f"与 {self.count} 个锚点一致 (anchors in {self.source})"


def check_anchors(session: Session, settings: Settings,
                  anchors: Iterable[Anchor] | None = None) -> AnchorCheck:
    """Every anchor (default: the file's) against the database: the first whose entry is
    missing or holds another hash fails the check."""
    listed = read_anchors(settings) if anchors is None else list(anchors)
    found: dict[int, str] = {}
    ids = sorted({a.entry_id for a in listed})
    for start in range(0, len(ids), LOOKUP_BATCH):
        rows = session.execute(select(AuditEntry.id, AuditEntry.hash)
                               .where(AuditEntry.id.in_(ids[start:start + LOOKUP_BATCH])))
        found.update({row.id: row.hash for row in rows})
    source = anchor_file(settings)
    for anchor in listed:
        if found.get(anchor.entry_id) != anchor.hash:
            return AnchorCheck(False, len(listed), source, anchor, found.get(anchor.entry_id))
    written = {(a.day, a.entry_id) for a in listed if a.kind == "daily"}
    missing = tuple(day_label(day, entry_id) for day, entry_id in session.execute(
        select(AuditAnchorDay.day, AuditAnchorDay.entry_id).order_by(AuditAnchorDay.day))
        if (day, entry_id) not in written)
    return AnchorCheck(not missing, len(listed), source, missing=missing)
