"""Where each consumer of the domain events is: events are numbered in commit order without
gaps (:mod:`backend.events.service`), so "everything up to N is done" is a single number."""

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.db import Base
from backend.events.models import DomainEvent


class WorkerCursor(Base):
    """A consumer (``notifications``, later ``webhooks``...) and the last event it handled."""

    __tablename__ = "worker_cursors"

    name: Mapped[str] = mapped_column(String(48), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)


def claim(session: Session, name: str) -> WorkerCursor | None:
    """The cursor row, locked for this transaction; None while another worker holds it (it is
    consuming the same events: skip rather than wait). SQLite serialises writers anyway."""
    cursor = session.scalar(select(WorkerCursor).where(WorkerCursor.name == name)
                            .with_for_update(skip_locked=True)
                            .execution_options(populate_existing=True))
    if cursor is None and session.get(WorkerCursor, name) is None:
        raise RuntimeError(f"worker cursor {name!r} missing: run the migrations")
    return cursor


def events_after(session: Session, cursor: WorkerCursor, limit: int) -> list[DomainEvent]:
    return list(session.scalars(select(DomainEvent).where(DomainEvent.id > cursor.last_event_id)
                                .order_by(DomainEvent.id).limit(limit)))
