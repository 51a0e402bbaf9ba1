"""What someone with write access to the database (and the server stopped) can do to the chain:
lift the append-only triggers, rewrite entries and recompute the hashes after them with a hash
function of their choice, and fix the head."""

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.orm import Session

from backend.audit import record
from backend.audit.hashing import entry_hash, head_seal
from backend.audit.models import AuditEntry, AuditHead

Hasher = Callable[[Mapping[str, Any]], str]
ENTRIES = AuditEntry.__table__
HEAD = AuditHead.__table__


def append(engine: Engine, count: int) -> None:
    with Session(engine) as session:
        for n in range(count):
            record(session, actor=None, action="export.run", object_type="hazard", object_id=n,
                   summary={"rows": n})
        session.commit()


def hasher(key: bytes | None) -> Hasher:
    """The app's own hash function with ``key`` (None: the SHA-256 of the versions before)."""
    return lambda fields: entry_hash(fields, key)


def lift_guards(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":  # the table's owner may (docs/operations.md: grants)
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    else:  # SQLite has no permissions: whoever can write the file can drop the triggers
        for trigger in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))


def entries(conn: Connection) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(select(ENTRIES).order_by(ENTRIES.c.id)).mappings()]


def rewrite(conn: Connection, hash_with: Hasher, *, edit: Mapping[int, Mapping[str, Any]],
            from_id: int) -> list[dict[str, Any]]:
    """Apply ``edit`` (entry id -> new values), recompute the hash of every entry from
    ``from_id`` on with ``hash_with``, write them back and point the head at the last one.
    Returns the entries as written."""
    lift_guards(conn)
    written = entries(conn)
    prev = None
    for entry in written:
        entry.update(edit.get(entry["id"], {}))
        if entry["id"] >= from_id:
            entry["prev_hash"] = prev or entry["prev_hash"]
            entry["hash"] = hash_with(entry)
            conn.execute(update(ENTRIES).where(ENTRIES.c.id == entry["id"]).values(
                summary=entry["summary"], prev_hash=entry["prev_hash"], hash=entry["hash"]))
        prev = entry["hash"]
    move_head(conn, written[-1]["id"], written[-1]["hash"])
    return written


def move_head(conn: Connection, last_id: int, last_hash: str, seal_key: bytes | None = None,
              **values: Any) -> None:
    """Point the head at ``last_id``; with ``seal_key`` (an insider holding the key) re-seal."""
    conn.execute(update(HEAD).values(last_id=last_id, last_hash=last_hash, **values))
    if seal_key is not None:
        keyed_from = conn.scalar(select(HEAD.c.keyed_from))
        conn.execute(update(HEAD).values(seal=head_seal(seal_key, last_id, last_hash,
                                                        keyed_from)))
