from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base


class DomainEvent(Base):
    """A state change that matters (hazard assigned, inspection submitted...), written in the
    transaction of the change: a rolled-back change leaves none, a committed one is never lost.
    ``id`` is the sequence: assigned at commit in commit order, without gaps, so a consumer that
    has read up to N has seen every event before N (the changes feed, webhooks, the scheduler).
    ``at`` is when the change was made, not when it committed: order by ``id``."""

    __tablename__ = "domain_events"
    __table_args__ = (Index("ix_domain_events_object", "object_type", "object_id"),
                      # a center's events in order (GET /events for a center's manager)
                      Index("ix_domain_events_center_seq", "center_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)  # stable public id (UUID)
    type: Mapped[str] = mapped_column(String(48), index=True)
    at: Mapped[datetime]
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class EventHead(Base):
    """The single head row (id 1): appending locks it, which orders ids by commit."""

    __tablename__ = "event_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
