from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.db import Base

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    """One write, as it happened. Append-only (database triggers refuse UPDATE and DELETE);
    ``hash`` covers every other column including ``prev_hash``, so editing or removing an entry
    breaks the chain that ``anxun audit verify`` walks."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    # assigned by record() from the head (1, 2, 3...), never by the database: the id is part of
    # the hashed content and a gap means a removed entry
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's single head row (id 1). Appending locks it, so two writers can never both
    chain onto the same entry. Entries from ``keyed_from`` on are keyed (HMAC), those before
    it were written by versions before 0028; ``seal`` is the key's HMAC of the other columns
    (:mod:`backend.audit.hashing`)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    keyed_from: Mapped[int] = mapped_column(default=1)
    seal: Mapped[str] = mapped_column(String(64))


class AuditAnchorDay(Base):
    """The days whose daily anchor was written (:mod:`backend.audit.anchors`): the key makes
    two scheduler passes at once write one. A copy for scheduling only: verification reads the
    anchors from outside the database."""

    __tablename__ = "audit_anchor_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    entry_id: Mapped[int]
    anchored_at: Mapped[datetime]
