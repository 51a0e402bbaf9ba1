"""Documents and images attached to a record (kept through :mod:`backend.photos.documents`):
added and removed by whoever may change the record, read by whoever may read it.

An upload racing the record's delete: the upload reads the record ``FOR SHARE`` before adding
its row, and the delete removes the record's row before its attachments, so either the upload
waits and then finds no record (404, its bytes deleted on rollback), or the delete waits and
then removes the attachment too (its bytes deleted on commit). Nothing is left pointing at a
record that is gone."""

from collections import defaultdict
from typing import Any

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from backend import commitlog, events
from backend.accounts.models import User
from backend.audit.service import record
from backend.config import Settings
from backend.photos.documents import StoredDocument, extension
from backend.photos.service import get_storage
from backend.records.access import Kind, check_writer, get_readable
from backend.records.errors import RecordAttachmentNotFound, RecordNotFound
from backend.records.models import RecordAttachment, RecordType


def check_attachable(session: Session, user: User, kind: Kind, record_id: int) -> None:
    """404 / 403 before the body streams in (then the transaction is closed: nothing is held
    while the bytes arrive)."""
    try:
        check_writer(user, kind, get_readable(session, user, kind, record_id).center_id)
    finally:
        session.rollback()


def _summary(attachment: RecordAttachment) -> dict[str, Any]:
    return {"attachment_id": attachment.id, "name": attachment.name,
            "content_type": attachment.content_type, "bytes": attachment.bytes,
            "sha256": attachment.sha256}


def _log(session: Session, user: User, kind: Kind, row: Any, action: str,
         attachment: RecordAttachment) -> None:
    summary = _summary(attachment)
    record(session, actor=user, action=f"{kind.name}.{action}", object_type=kind.name,
           object_id=row.id, summary={"after" if action == "attach" else "before": summary})
    events.emit(session, f"{kind.name}.{action}", object_type=kind.name, object_id=row.id,
                center_id=row.center_id, group_id=user.group_id, actor_id=user.id,
                data=summary)


def attach(session: Session, settings: Settings, user: User, kind: Kind, record_id: int,
           document: StoredDocument) -> RecordAttachment:
    row = get_readable(session, user, kind, record_id)
    check_writer(user, kind, row.center_id)
    if session.scalar(select(kind.model.id).where(kind.model.id == record_id)
                      .with_for_update(read=True)) is None:
        raise RecordNotFound(details={"kind": kind.name, "id": record_id})
    attachment = RecordAttachment(
        record_type=kind.record_type, record_id=row.id, center_id=row.center_id,
        storage_key=document.key, name=document.name, content_type=document.content_type,
        bytes=document.size, sha256=document.sha256, uploaded_by_id=user.id)
    session.add(attachment)
    session.flush()
    storage = get_storage(settings)
    commitlog.on_rollback(session, lambda: storage.delete(document.key))
    _log(session, user, kind, row, "attach", attachment)
    return attachment


def get(session: Session, user: User, kind: Kind, record_id: int,
        attachment_id: int) -> RecordAttachment:
    """An attachment of a record the user may read (404 otherwise, as a missing one)."""
    get_readable(session, user, kind, record_id)
    attachment = session.scalar(select(RecordAttachment).where(
        RecordAttachment.id == attachment_id, RecordAttachment.record_type == kind.record_type,
        RecordAttachment.record_id == record_id))
    if attachment is None:
        raise RecordAttachmentNotFound(details={"attachment_id": attachment_id})
    return attachment


def remove(session: Session, settings: Settings, user: User, kind: Kind, record_id: int,
           attachment_id: int) -> None:
    attachment = get(session, user, kind, record_id, attachment_id)
    row = get_readable(session, user, kind, record_id)
    check_writer(user, kind, row.center_id)
    gone = session.execute(delete(RecordAttachment).where(RecordAttachment.id == attachment.id)
                           .execution_options(synchronize_session=False))
    assert isinstance(gone, CursorResult)
    if gone.rowcount != 1:  # removed meanwhile by another request
        raise RecordAttachmentNotFound(details={"attachment_id": attachment_id})
    storage, key = get_storage(settings), attachment.storage_key
    commitlog.on_commit(session, lambda: storage.delete(key))
    _log(session, user, kind, row, "detach", attachment)
    session.expunge(attachment)


def of_records(session: Session, record_type: RecordType,
               record_ids: list[int]) -> dict[int, list[RecordAttachment]]:
    """Each record's attachments, oldest first."""
    found: dict[int, list[RecordAttachment]] = defaultdict(list)
    if record_ids:
        for attachment in session.scalars(select(RecordAttachment).where(
                RecordAttachment.record_type == record_type,
                RecordAttachment.record_id.in_(record_ids)).order_by(RecordAttachment.id)):
            found[attachment.record_id].append(attachment)
    return found


def download_name(kind: Kind, attachment: RecordAttachment) -> str:
    suffix = extension(attachment.content_type)
    return f"{kind.name}-{attachment.record_id}-{attachment.id}.{suffix}"
