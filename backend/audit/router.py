import threading
import time
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.audit.anchors import AnchorFileError, check_anchors
from backend.audit.hashing import process_key
from backend.audit.models import AuditEntry
from backend.audit.schemas import (
    AnchorStatusOut,
    AuditEntryOut,
    ChainStatusOut,
    VerificationOut,
)
from backend.audit.service import verify_chain
from backend.config import Settings
from backend.deps import SessionDep, SettingsDep, require_roles
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import DbId, Timestamp
from backend.vocab import Role

router = APIRouter(prefix="/audit", tags=["audit"])

AuditReader = Annotated[User, require_roles(Role.qa_officer, Role.admin)]


@router.get("", response_model=Page[AuditEntryOut])
def list_audit_entries(
    user: AuditReader, session: SessionDep, limit: LimitParam = 50, cursor: CursorParam = None,
    actor_id: Annotated[DbId | None, Query(description="Only entries by this user.")] = None,
    action: Annotated[str | None, Query(
        max_length=64, description="An action (`hazard.assign`), or a prefix ending in `.` "
                                   "(`hazard.`).")] = None,
    object_type: Annotated[str | None, Query(
        max_length=32, description="Only entries about this kind of object (`hazard`, "
                                   "`user`...).")] = None,
    object_id: Annotated[str | None, Query(
        max_length=64, description="With `object_type`: only entries about this object.")] = None,
    from_: Annotated[Timestamp | None, Query(
        alias="from", description="Entries at or after this time (with a time zone).")] = None,
    to: Annotated[Timestamp | None, Query(
        description="Entries before this time (with a time zone).")] = None,
) -> Page[AuditEntryOut]:
    """The audit log, newest first (qa_officer, admin)."""
    stmt = select(AuditEntry).where(
        or_(AuditEntry.group_id == user.group_id, AuditEntry.group_id.is_(None))
    )
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True)
                          if action.endswith(".") else AuditEntry.action == action)
    if object_type is not None:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if from_ is not None:
        stmt = stmt.where(AuditEntry.at >= from_)
    if to is not None:
        stmt = stmt.where(AuditEntry.at < to)
    rows, next_cursor = keyset_page(session, stmt, [AuditEntry.id], limit=limit, cursor=cursor,
                                    descending=True)
    return Page(items=[AuditEntryOut.model_validate(e) for e in rows], next_cursor=next_cursor)


_verifying = threading.Lock()  # one walk of the chain at a time per process: the others wait


def _anchor_status(session: Session, settings: Settings) -> AnchorStatusOut:
    try:
        check = check_anchors(session, settings)
    except AnchorFileError as exc:
        return AnchorStatusOut(ok=False, anchors=0, first_bad=None, missing=[], message=str(exc))
    return AnchorStatusOut(ok=check.ok, anchors=check.count, missing=list(check.missing),
                           first_bad=check.bad.label if check.bad else None,
                           message=check.message)


@router.get("/verification", response_model=VerificationOut,
            responses=error_responses("forbidden"))
def verify_audit_trail(user: AuditReader, session: SessionDep,
                       settings: SettingsDep) -> VerificationOut:
    """Verify the audit trail now, as `anxun audit verify` does (qa_officer, admin): every
    entry's keyed hash and link, the head and its seal, and every anchor in the anchor file
    (and that no daily anchor the database records is missing from it). Walks the whole chain:
    seconds for a large log; one verification at a time per server process."""
    with _verifying:
        began = time.perf_counter()
        chain = verify_chain(session, process_key())
        anchors = _anchor_status(session, settings)
        took_ms = round((time.perf_counter() - began) * 1000)
    return VerificationOut(
        ok=chain.ok and anchors.ok, checked_at=clock.utcnow(), took_ms=took_ms,
        chain=ChainStatusOut(ok=chain.ok, entries=chain.count, unkeyed=chain.unkeyed,
                             bad_entry_id=chain.bad_id, reason=chain.reason,
                             message=chain.message),
        anchors=anchors)
