"""Who reads and writes which center's records. Reads are scoped where rows are selected
(another center's record is a 404, as a missing one); writes are checked on the record read."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, aliased

from backend.accounts.models import User
from backend.errors import AppError, NotFound
from backend.org.models import Center
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.records.errors import RecordCenterRequired, RecordNotFound
from backend.records.models import CenterRecord, RecordType
from backend.vocab import Role

CENTER_STAFF = (Role.inspector, Role.center_manager)


@dataclass(frozen=True)
class Policy:
    """``center_readers``: roles that read their own center's records (质监办 and leaders read
    every center's); ``writers``: who creates, changes and deletes them: ``center`` (the
    center's managers and 质监办) or ``qa`` (质监办 only)."""

    center_readers: tuple[Role, ...]
    writers: str
    forbidden: type[AppError]


@dataclass(frozen=True)
class Kind:
    """A kind of center record: its model, its audit and event name, what may be changed."""

    model: type[Any]
    record_type: RecordType
    editable: tuple[str, ...]
    policy: Policy
    order: tuple[str, ...]  # list order (the id breaks ties)
    newest_first: bool = False
    # the full values of a new or changed record, checked (and completed) for its center
    validate: Callable[[Session, int, dict[str, Any]], dict[str, Any]] = \
        lambda _session, _center_id, values: values
    # refuses changing (``changes``) or deleting (None) a record that must stay as it is
    guard: Callable[[Any, dict[str, Any] | None], None] = lambda _row, _changes: None

    @property
    def name(self) -> str:
        return self.record_type.value


def readable_center_ids(user: User) -> Select[Any]:
    """The ids of the centers whose records the user may read (every center of the group for
    质监办 and leaders, else their own)."""
    target = aliased(Center)
    return scoped_to_user(select(target.id), target.id, user, CENTER_DATA_READERS)


def readable(kind: Kind, user: User) -> Select[Any]:
    """The records of ``kind`` the user may read."""
    model = kind.model
    stmt = scoped_to_user(select(model), model.center_id, user, CENTER_DATA_READERS)
    if not user.has_role(*CENTER_DATA_READERS, *kind.policy.center_readers):
        stmt = stmt.where(false())
    return stmt


def get_readable(session: Session, user: User, kind: Kind, record_id: int) -> Any:
    row = session.scalar(readable(kind, user).where(kind.model.id == record_id)
                         .execution_options(populate_existing=True))
    if row is None:
        raise RecordNotFound(details={"kind": kind.name, "id": record_id})
    return row


def may_write(user: User, kind: Kind, center_id: int | None) -> bool:
    """质监办 writes every center's; a center's manager their own (any of theirs when
    ``center_id`` is None) where the kind lets centers write."""
    if user.has_role(Role.qa_officer):
        return True
    return kind.policy.writers == "center" and user.has_role(Role.center_manager) and \
        (center_id is None or center_id == user.center_id)


def check_writer(user: User, kind: Kind, center_id: int | None) -> None:
    if not may_write(user, kind, center_id):
        raise kind.policy.forbidden(details={"kind": kind.name})


def center_for_new(session: Session, user: User, kind: Kind, center_id: int | None) -> int:
    """The center a new record belongs to: the caller's own by default; another center's is
    404 unless the caller is 质监办, who must name one."""
    check_writer(user, kind, None)
    if center_id is None:
        if user.has_role(Role.qa_officer) or user.center_id is None:
            raise RecordCenterRequired()
        return user.center_id
    center = session.get(Center, center_id)
    if center is None or center.group_id != user.group_id or not may_write(user, kind, center_id):
        raise NotFound(code="center_not_found", details={"center_id": center_id})
    return center_id


def order_columns(kind: Kind) -> list[Any]:
    model: type[CenterRecord] = kind.model
    return [*(getattr(model, name) for name in kind.order), model.id]
