"""Appending to the audit log and verifying its hash chain.

Each entry's ``hash`` is the keyed hash (:mod:`backend.audit.hashing`) of all its other columns,
``prev_hash`` (the previous entry's hash) included, so changing, removing or reordering an entry
breaks every link after it, and recomputing the links needs the key. Appends are serialised on
the single ``audit_head`` row: two concurrent writers can never chain onto the same entry.

Services :func:`record` what they did; the entries are chained when the session commits
(:mod:`backend.commitlog`: the head's lock is the last a transaction takes). Entries recorded
inside a savepoint that rolls back are dropped with it; a transaction that rolls back appends
nothing."""

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import commitlog
from backend.audit.hashing import HASHED_FIELDS, entry_hash, head_seal, process_key
from backend.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from backend.clock import utcnow
from backend.jsonsafe import json_safe
from backend.observability import request_id_var

SYSTEM = "system"
HEAD_ID = 1
VERIFY_BATCH = 2000


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of ``fields`` of ``obj``, for :func:`changes`."""
    return {field: json_safe(getattr(obj, field)) for field in fields}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"before": {k: old}, "after": {k: new}}`` for the keys whose value changed."""
    old, new = json_safe(before), json_safe(after)
    keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
    return {"before": {k: old.get(k) for k in keys}, "after": {k: new.get(k) for k in keys}}


class Actor(Protocol):
    """Who did it (a user; the audit log depends on no domain package)."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def group_id(self) -> int | None: ...


def record(session: Session, *, actor: Actor | None, action: str,
           object_type: str | None = None, object_id: int | str | None = None,
           summary: Mapping[str, Any] | None = None, actor_label: str | None = None,
           group_id: int | None = None) -> AuditEntry:
    """Record an entry; it is chained when the session commits (see the module's doc).

    ``actor`` None is the system or an anonymous caller (``actor_label`` then names who was
    claimed). ``summary`` must never hold a password or a token."""
    label = actor_label or (actor.username if actor is not None else SYSTEM)
    entry = AuditEntry(
        group_id=group_id if group_id is not None else (actor.group_id if actor else None),
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=label[:64],
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:64],
        request_id=request_id_var.get()[:64],
        summary=json_safe(dict(summary or {})),
    )
    LOG.stage(session, entry)
    return entry


def _chain(session: Session, pending: list[AuditEntry]) -> None:
    # populate_existing: after a commit (expire_on_commit=False) the cached head may be stale
    head = session.get(AuditHead, HEAD_ID, with_for_update=True, populate_existing=True)
    if head is None:
        raise RuntimeError("audit_head row missing: run the migrations")
    key = process_key()
    for entry in pending:
        entry.id, entry.prev_hash = head.last_id + 1, head.last_hash
        entry.hash = entry_hash({name: getattr(entry, name) for name in HASHED_FIELDS}, key)
        session.add(entry)
        head.last_id, head.last_hash = entry.id, entry.hash
    head.seal = head_seal(key, head.last_id, head.last_hash, head.keyed_from)
    session.flush()


LOG = commitlog.register(commitlog.CommitLog("audit", order=1, append=_chain))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    bad_id: int | None = None
    reason: str | None = None
    unkeyed: int = 0  # entries written before the chain was keyed (0028)

    @property
    def message(self) -> str:
        if self.ok:
            older = f" (其中升级前未加密钥的 {self.unkeyed} 条)" if self.unkeyed else ""
            return f"审计链完整 {self.count} 条{older}"
        return f"审计链异常: 第 {self.bad_id} 条 {REASONS_ZH.get(self.reason or '', self.reason)}"


REASONS_ZH = {
    "hash_mismatch": "内容与哈希不符 (entry altered, or hashed without the chain key)",
    "broken_link": "与前一条的链接断开 (prev_hash does not match)",
    "missing_entry": "已被删除 (entry removed)",
    "head_mismatch": "链头与最后一条不符 (the last entries were removed or the head altered)",
    "head_seal": "处的链头签名不符: 链头或加密钥起点被改动, 或审计密钥 (ANXUN_AUDIT_KEY / "
                 "secret.key) 不是写入时的密钥 (head seal invalid)",
}


def verify_chain(session: Session, key: bytes | None = None,
                 batch_size: int = VERIFY_BATCH) -> VerifyResult:
    """Walk the whole chain in id order, a batch at a time (plain rows, nothing kept), and
    check every hash (keyed with ``key``, default the deployment's, from the head's
    ``keyed_from`` on; plain SHA-256 before it),
    every link, that no id is missing, that the head names the last entry and that its seal
    holds. Returns the first problem found."""
    key = key or process_key()
    table = AuditEntry.__table__
    keyed_from = session.scalar(select(AuditHead.keyed_from).where(AuditHead.id == HEAD_ID))
    if keyed_from is None:
        return VerifyResult(False, 0, 1, "head_mismatch")
    expected_prev, expected_id, count = GENESIS_HASH, 1, 0
    while True:
        rows = session.execute(
            select(table).where(table.c.id >= expected_id).order_by(table.c.id).limit(batch_size)
        ).mappings().all()
        for row in rows:
            if row["id"] != expected_id:
                return VerifyResult(False, count, expected_id, "missing_entry")
            if row["prev_hash"] != expected_prev:
                return VerifyResult(False, count, row["id"], "broken_link")
            if entry_hash(row, key if row["id"] >= keyed_from else None) != row["hash"]:
                return VerifyResult(False, count, row["id"], "hash_mismatch")
            expected_prev, expected_id, count = row["hash"], expected_id + 1, count + 1
        if len(rows) < batch_size:
            break
    head = session.get(AuditHead, HEAD_ID, populate_existing=True)
    if head is None or head.last_id != count or head.last_hash != expected_prev:
        last_id = count if head is None else min(count, head.last_id)
        return VerifyResult(False, count, last_id + 1, "head_mismatch")
    if head.keyed_from != keyed_from or not hmac.compare_digest(
            head.seal, head_seal(key, head.last_id, head.last_hash, head.keyed_from)):
        return VerifyResult(False, count, head.last_id, "head_seal")
    return VerifyResult(True, count, unkeyed=min(count, keyed_from - 1))
