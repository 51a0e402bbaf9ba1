"""Creating, changing and deleting a center's record, the same way for every kind: a create is
idempotent on the client's key, a change or delete is one conditional statement on the version
(``If-Match``: 412 when stale; without it a lost race is 409 ``record_changed``), and each is
audited and emitted as a domain event (``<kind>.created`` / ``.updated`` / ``.deleted``) in its
transaction."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from backend import clock, commitlog, events, idempotency
from backend.accounts.models import User
from backend.audit.service import changes, record, snapshot
from backend.config import Settings
from backend.etag import PreconditionFailed, required_version
from backend.jsonsafe import json_safe
from backend.org.models import Center
from backend.photos.service import get_storage
from backend.records.access import Kind, center_for_new, check_writer, get_readable
from backend.records.errors import RecordChanged
from backend.records.models import RecordAttachment
from backend.statewrite import compare_and_set


def _group_of(session: Session, center_id: int) -> int | None:
    return session.scalar(select(Center.group_id).where(Center.id == center_id))


def _emit(session: Session, user: User, kind: Kind, row: Any, what: str,
          data: dict[str, Any]) -> None:
    events.emit(session, f"{kind.name}.{what}", object_type=kind.name, object_id=row.id,
                center_id=row.center_id, group_id=_group_of(session, row.center_id),
                actor_id=user.id, data=data)


def create(session: Session, user: User, kind: Kind, data: BaseModel,
           key: str | None) -> tuple[Any, bool]:
    """A new record of ``data`` (its ``center_id`` and ``client_id`` aside); a retry with the
    same ``key`` returns the first (``created`` False), a different body with it is 422."""
    center_id = center_for_new(session, user, kind, getattr(data, "center_id", None))
    request_hash = idempotency.fingerprint(data.model_dump(exclude={"client_id"},
                                                           exclude_defaults=True))
    model = kind.model

    def find() -> Any:
        if key is None:
            return None
        return session.scalar(select(model).where(model.created_by_id == user.id,
                                                  model.client_id == key))

    def add() -> Any:
        values = kind.validate(session, center_id,
                               data.model_dump(exclude={"center_id", "client_id"}))
        row = model(**values, center_id=center_id, created_by_id=user.id, client_id=key,
                    request_hash=request_hash)
        session.add(row)
        session.flush()
        after = snapshot(row, kind.editable)
        record(session, actor=user, action=f"{kind.name}.create", object_type=kind.name,
               object_id=row.id, summary={"after": {"center_id": center_id, **after}})
        _emit(session, user, kind, row, "created", after)
        return row

    return idempotency.create_once(session, find, add,
                                   lambda first: first.request_hash == request_hash)


def update(session: Session, user: User, kind: Kind, record_id: int, data: BaseModel,
           if_match: frozenset[int] | None) -> Any:
    """Change the fields ``data`` sets."""
    row = get_readable(session, user, kind, record_id)
    check_writer(user, kind, row.center_id)
    required = required_version(if_match, row.version)
    changed = {name: getattr(data, name) for name in data.model_fields_set}
    kind.guard(row, changed)
    values = kind.validate(session, row.center_id,
                           {**{name: getattr(row, name) for name in kind.editable}, **changed})
    before = snapshot(row, kind.editable)
    if not compare_and_set(session, row, {"version": required or row.version},
                           {**values, "updated_at": clock.utcnow()}):
        if required is not None:
            raise PreconditionFailed(details={"id": row.id})
        raise RecordChanged(details={"kind": kind.name, "id": row.id})
    diff = changes(before, snapshot(row, kind.editable))
    record(session, actor=user, action=f"{kind.name}.update", object_type=kind.name,
           object_id=row.id, summary=diff)
    _emit(session, user, kind, row, "updated", {"version": row.version, **diff})
    return row


def remove(session: Session, settings: Settings, user: User, kind: Kind, record_id: int,
           if_match: frozenset[int] | None) -> None:
    """Delete the record with its attachments (their bytes once the transaction commits)."""
    row = get_readable(session, user, kind, record_id)
    check_writer(user, kind, row.center_id)
    kind.guard(row, None)
    required = required_version(if_match, row.version)
    model = kind.model
    gone = session.execute(delete(model).where(model.id == row.id,
                                               model.version == (required or row.version))
                           .execution_options(synchronize_session=False))
    assert isinstance(gone, CursorResult)
    if gone.rowcount != 1:
        if required is not None:
            raise PreconditionFailed(details={"id": row.id})
        raise RecordChanged(details={"kind": kind.name, "id": row.id})
    # after the record's row lock: an attachment committed meanwhile is seen and deleted too
    keys = list(session.scalars(delete(RecordAttachment).where(
        RecordAttachment.record_type == kind.record_type, RecordAttachment.record_id == row.id)
        .returning(RecordAttachment.storage_key)))
    storage = get_storage(settings)
    for key in keys:
        commitlog.on_commit(session, lambda key=key: storage.delete(key))  # type: ignore[misc]
    before = json_safe({"center_id": row.center_id, **snapshot(row, kind.editable)})
    record(session, actor=user, action=f"{kind.name}.delete", object_type=kind.name,
           object_id=row.id, summary={"before": before, "attachments": len(keys)})
    _emit(session, user, kind, row, "deleted", before)
    session.expunge(row)
