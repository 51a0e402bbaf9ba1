"""Emitting domain events: staged with the change, numbered when it commits
(:mod:`backend.commitlog`, after the audit chain)."""

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from backend import clock, commitlog
from backend.events.models import DomainEvent, EventHead
from backend.jsonsafe import json_safe

HEAD_ID = 1


def _number(session: Session, staged: list[DomainEvent]) -> None:
    head = session.get(EventHead, HEAD_ID, with_for_update=True, populate_existing=True)
    if head is None:
        raise RuntimeError("event_head row missing: run the migrations")
    for event in staged:
        head.last_id += 1
        event.id = head.last_id
        session.add(event)
    session.flush()


LOG = commitlog.register(commitlog.CommitLog("events", order=2, append=_number))


def emit(session: Session, event_type: str, *, object_type: str, object_id: int,
         center_id: int | None, group_id: int | None, actor_id: int | None,
         data: Mapping[str, Any] | None = None) -> DomainEvent:
    """Stage an event of ``event_type`` (e.g. ``hazard.assigned``) about an object; it is
    written if and when the transaction commits."""
    event = DomainEvent(event_id=str(uuid.uuid4()), type=event_type, at=clock.utcnow(),
                        group_id=group_id, center_id=center_id, object_type=object_type,
                        object_id=object_id, actor_id=actor_id,
                        data=json_safe(dict(data or {})))
    LOG.stage(session, event)
    return event
