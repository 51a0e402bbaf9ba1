from typing import Annotated

from fastapi import APIRouter, Query

from backend import clock
from backend.deps import CurrentUser, SessionDep
from backend.notifications import service
from backend.notifications.models import Notification
from backend.notifications.schemas import NotificationOut, ReadAllOut, UnreadCountOut
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import DbId

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=Page[NotificationOut])
def list_notifications(
    user: CurrentUser, session: SessionDep, limit: LimitParam = 20, cursor: CursorParam = None,
    unread: Annotated[bool | None, Query(description="true: only unread; false: only read")]
    = None,
) -> Page[NotificationOut]:
    """My notifications (站内消息), newest first."""
    rows, next_cursor = keyset_page(session, service.own(user, unread), [Notification.id],
                                    limit=limit, cursor=cursor, descending=True)
    return Page(items=[NotificationOut.model_validate(n) for n in rows], next_cursor=next_cursor)


@router.get("/unread-count", response_model=UnreadCountOut)
def count_unread_notifications(user: CurrentUser, session: SessionDep) -> UnreadCountOut:
    """How many of my notifications are unread (the bell's badge)."""
    return UnreadCountOut(unread=service.unread_count(session, user))


@router.post("/read-all", response_model=ReadAllOut)
def mark_all_notifications_read(user: CurrentUser, session: SessionDep) -> ReadAllOut:
    """Mark all my notifications read."""
    return ReadAllOut(marked=service.mark_all_read(session, user, clock.utcnow()))


@router.post("/{notification_id}/read", response_model=NotificationOut,
             responses=error_responses(service.NotificationNotFound))
def mark_notification_read(notification_id: DbId, user: CurrentUser,
                           session: SessionDep) -> NotificationOut:
    """Mark one of my notifications read (another user's is 404)."""
    notification = service.mark_read(session, user, notification_id, clock.utcnow())
    return NotificationOut.model_validate(notification)
