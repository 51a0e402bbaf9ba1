from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from backend.accounts.models import User
from backend.audit.models import AuditEntry
from backend.audit.schemas import AuditEntryOut
from backend.deps import SessionDep, require_roles
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
