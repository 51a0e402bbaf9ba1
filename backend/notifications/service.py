"""Writing notifications (once per recipient and reminder) and reading one's own."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User, UserRole
from backend.dedupe import insert_or_skip
from backend.errors import NotFound
from backend.notifications.models import Notification, NotificationKind
from backend.vocab import Role


class NotificationNotFound(NotFound):
    code = "notification_not_found"
    message = "消息不存在"


@dataclass(frozen=True)
class Notice:
    """A message about an object, before it is addressed to its recipients."""

    kind: NotificationKind
    object_type: str
    object_id: int
    title: str
    body: str
    dedupe_key: str


Addressed = tuple[Notice, Iterable[int]]
BATCH_CACHE = "notifications_batch_cache"  # a notice and its recipients' user ids


def deliver(session: Session, addressed: Iterable[Addressed], at: datetime) -> list[int]:
    """Write each notice to each of its recipients who doesn't have it yet (one statement);
    the ids written."""
    rows = [{"user_id": user_id, "kind": notice.kind, "object_type": notice.object_type,
             "object_id": notice.object_id, "title": notice.title[:200],
             "body": notice.body[:1000], "dedupe_key": notice.dedupe_key, "created_at": at}
            for notice, recipients in addressed for user_id in sorted(set(recipients))]
    return insert_or_skip(session, Notification, rows, ("user_id", "dedupe_key"))


def holders_of(session: Session, role: Role, *, group_id: int,
               center_id: int | None = None) -> list[User]:
    """Active people of the group holding ``role`` (in ``center_id`` when given); an API key's
    service user is told nothing."""
    stmt = (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role, User.group_id == group_id, User.is_active,
                   User.is_integration.is_(False))
            .order_by(User.id))
    if center_id is not None:
        stmt = stmt.where(User.center_id == center_id)
    return list(session.scalars(stmt))


def batch_cache(session: Session, name: str) -> dict[Any, Any]:
    """A cache for what stays true while one batch of events is handled (the consumer starts
    each batch with an empty one: :data:`BATCH_CACHE`)."""
    caches: dict[str, dict[Any, Any]] = session.info.setdefault(BATCH_CACHE, {})
    return caches.setdefault(name, {})


def holder_ids(session: Session, role: Role, *, group_id: int,
               center_id: int | None = None) -> list[int]:
    """The ids of :func:`holders_of`, looked up once per session (the consumer's batch of
    events): measured (bench/tasks.py, SQLite), 644 escalations asking each took 4.4 s."""
    cache: dict[tuple[Role, int, int | None], list[int]] = batch_cache(session, "holder_ids")
    key = (role, group_id, center_id)
    if key not in cache:
        cache[key] = [u.id for u in holders_of(session, role, group_id=group_id,
                                               center_id=center_id)]
    return cache[key]


def own(user: User, unread: bool | None = None) -> Select[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread is not None:
        stmt = stmt.where(Notification.read_at.is_(None) if unread
                          else Notification.read_at.is_not(None))
    return stmt


def unread_count(session: Session, user: User) -> int:
    return session.scalar(own(user, unread=True).with_only_columns(func.count())) or 0


def mark_read(session: Session, user: User, notification_id: int, at: datetime) -> Notification:
    """Mark one of the user's notifications read (again: it keeps its first read time)."""
    notification = session.scalar(own(user).where(Notification.id == notification_id))
    if notification is None:
        raise NotificationNotFound(details={"notification_id": notification_id})
    if notification.read_at is None:
        notification.read_at = at
        session.flush()
    return notification


def mark_all_read(session: Session, user: User, at: datetime) -> int:
    """Mark every unread notification of the user read; how many were."""
    result = session.execute(update(Notification)
                             .where(Notification.user_id == user.id,
                                    Notification.read_at.is_(None))
                             .values(read_at=at).execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return result.rowcount
