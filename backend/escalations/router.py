from typing import Annotated

from fastapi import APIRouter, Query

from backend.accounts.models import User
from backend.deps import SessionDep, require_roles
from backend.escalations.models import Escalation
from backend.escalations.schemas import EscalationOut
from backend.escalations.service import readable_escalations
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import DbId
from backend.vocab import Role

router = APIRouter(prefix="/escalations", tags=["escalations"])

EscalationReader = Annotated[User, require_roles(Role.qa_officer, Role.leader,
                                                 Role.center_manager)]


@router.get("", response_model=Page[EscalationOut])
def list_escalations(
    user: EscalationReader, session: SessionDep, limit: LimitParam = 50,
    cursor: CursorParam = None,
    level: Annotated[int | None, Query(
        ge=1, le=2, description="1: escalated to the center's managers, 2: to 质监办")] = None,
    center_id: Annotated[DbId | None, Query(description="one center")] = None,
) -> Page[EscalationOut]:
    """Overdue hazards escalated up the ladder, newest first (质监办 and leaders: every center;
    a center's manager: their own)."""
    stmt = readable_escalations(user)
    if level is not None:
        stmt = stmt.where(Escalation.level == level)
    if center_id is not None:
        stmt = stmt.where(Escalation.center_id == center_id)
    rows, next_cursor = keyset_page(session, stmt, [Escalation.id], limit=limit, cursor=cursor,
                                    descending=True)
    return Page(items=[EscalationOut.model_validate(e) for e in rows], next_cursor=next_cursor)
