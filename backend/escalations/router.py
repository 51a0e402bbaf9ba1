from typing import Annotated

from fastapi import APIRouter, Query

from backend import clock
from backend.accounts.models import User
from backend.deps import SessionDep, require_roles
from backend.escalations.schemas import EscalationOut
from backend.escalations.service import READERS, escalation_page
from backend.pagination import CursorParam, LimitParam, Page
from backend.types import DbId

router = APIRouter(prefix="/escalations", tags=["escalations"])

EscalationReader = Annotated[User, require_roles(*READERS)]


@router.get("", response_model=Page[EscalationOut])
def list_escalations(
    user: EscalationReader, session: SessionDep, limit: LimitParam = 50,
    cursor: CursorParam = None,
    level: Annotated[int | None, Query(
        ge=1, le=2, description="1: escalated to the center's managers, 2: to 质监办")] = None,
    center_id: Annotated[DbId | None, Query(description="one center")] = None,
    overdue: Annotated[bool | None, Query(
        description="true: only escalations whose hazard is still overdue now; false: only "
                    "those closed or given a new deadline since")] = None,
) -> Page[EscalationOut]:
    """Overdue hazards escalated up the ladder, newest first, each with its hazard as it is now
    (质监办 and leaders: every center; a center's manager: their own)."""
    items, next_cursor = escalation_page(session, user, today=clock.today(), limit=limit,
                                         cursor=cursor, level=level, center_id=center_id,
                                         overdue=overdue)
    return Page(items=items, next_cursor=next_cursor)
