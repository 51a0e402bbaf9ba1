"""Idempotent writes: a phone retries whatever it did not see answered, so every write it makes
carries a key (a UUID: ``client_id`` in the body or the ``Idempotency-Key`` header) and a retry
returns the first result instead of doing the work twice.

- Keys are canonical lower-case dashed UUIDs everywhere (storage, responses, comparisons).
- A key is bound to its request's fingerprint: the same key with another body is refused
  (422 ``idempotency_mismatch``), never silently answered with the first result.
- Creates are decided by the new row's own unique (owner, client_id) constraint
  (:func:`create_once`); actions on an existing object by a claim row inserted FIRST
  (:func:`claim`): on PostgreSQL a second request with the same key waits on the unique index
  until the first commits (then it replays) or rolls back (then it does the work), so a retry
  racing its own first attempt never sees a half-done state. Keys never expire: a phone may be
  offline for weeks.
"""

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.clock import utcnow
from backend.db import Base
from backend.errors import Unprocessable
from backend.jsonsafe import json_safe

T = TypeVar("T")
UUID_PATTERN = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"


def canonical(key: str) -> str:
    """The one spelling of a key: lower-case, dashed."""
    return str(uuid.UUID(key))


ClientId = Annotated[str, StringConstraints(pattern=UUID_PATTERN), AfterValidator(canonical)]


class IdempotencyMismatch(Unprocessable):
    code = "idempotency_mismatch"
    message = "该幂等键已用于内容不同的请求"


def _normal(value: Any) -> Any:
    if isinstance(value, Decimal):  # 0.12 and 0.120 are one amount
        return value.normalize()
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


def fingerprint(payload: Any) -> str:
    """SHA-256 of the request's canonical JSON (keys sorted, values JSON-safe, amounts
    normalised). Callers leave out defaults, so adding a defaulted field later keeps every
    stored fingerprint valid."""
    text = json.dumps(json_safe(_normal(payload)), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def merge_keys(body_key: str | None, header_key: str | None) -> str | None:
    """The request's key from the body's ``client_id`` and the ``Idempotency-Key`` header
    (either; both must then agree)."""
    if body_key and header_key and body_key != header_key:
        raise IdempotencyMismatch("client_id 与 Idempotency-Key 不一致",
                                  details={"client_id": body_key, "idempotency_key": header_key})
    return body_key or header_key


def create_once(session: Session, find: Callable[[], T | None], create: Callable[[], T],
                same_request: Callable[[T], bool]) -> tuple[T, bool]:
    """``(row, True)`` from ``create`` (which adds and flushes the row whose unique key is the
    client id), or ``(first row, False)`` when the key was used before, also by a request
    racing this one (the unique constraint decides, not the check before it)."""

    def existing() -> T | None:
        row = find()
        if row is not None and not same_request(row):
            raise IdempotencyMismatch(details={"id": getattr(row, "id", None)})
        return row

    first = existing()
    if first is not None:
        return first, False
    try:
        with session.begin_nested():
            return create(), True
    except IntegrityError:
        first = existing()
        if first is None:
            raise
        return first, False


class IdempotencyClaim(Base):
    """A key taken by an action on an existing object (see :func:`claim`)."""

    __tablename__ = "idempotency_claims"
    __table_args__ = (UniqueConstraint("actor_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(36))
    scope: Mapped[str] = mapped_column(String(64))  # e.g. "hazard.verify"
    object_id: Mapped[int]
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # None: from before 0008
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def claim(session: Session, *, actor_id: int, key: str | None, scope: str, object_id: int,
          request: Any) -> bool:
    """Take ``key`` for this action before doing it; True when the key's work was already
    done (and committed) by an earlier request with the same scope, object and request: a
    replay. The same key for anything else is a mismatch."""
    if key is None:
        return False
    row = IdempotencyClaim(actor_id=actor_id, key=key, scope=scope, object_id=object_id,
                           fingerprint=fingerprint(request))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
        return False
    except IntegrityError:
        first = session.scalar(select(IdempotencyClaim).where(
            IdempotencyClaim.actor_id == actor_id, IdempotencyClaim.key == key))
        if first is None:
            raise
        if (first.scope, first.object_id) != (scope, object_id) or \
                first.fingerprint not in (None, row.fingerprint):
            raise IdempotencyMismatch(details={"scope": first.scope,
                                               "object_id": first.object_id}) from None
        return True
