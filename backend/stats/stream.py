"""The live feed: domain events as Server-Sent Events, scoped like the objects they are about.

Events are numbered in commit order without gaps, and an event numbered N is visible only once
every event before it is (:mod:`backend.events.service`), so "everything up to N" is one
number: the SSE ``id``, which a client sends back as ``Last-Event-ID`` to resume without loss
or duplicates. A stream polls the table every ``POLL_SECONDS`` in a worker thread (the event
loop never touches the database); each poll checks the token again, so a logout, a disabled
account or a removed role ends the stream. It ends too when the client goes away or the
server is stopping (:mod:`backend.shutdown`)."""

import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
from fastapi import Request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.errors import AppError
from backend.events.models import DomainEvent
from backend.org.service import CENTER_DATA_READERS
from backend.stats.schemas import StreamEvent

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0
CHECK_SECONDS = 0.25  # how soon a wait notices a departed client or a stopping server
BATCH = 200
RETRY_MS = 3000  # the client's reconnection delay


def readable_events(user: User) -> Select[DomainEvent]:
    """The events about what the user may read: the group's for 质监办 and leaders, their
    center's for a center's manager; only their centers' for one limited to some."""
    stmt = select(DomainEvent)
    if user.center_limit is not None:
        stmt = stmt.where(DomainEvent.center_id.in_(user.center_limit))
    if user.has_role(*CENTER_DATA_READERS):
        return stmt.where(DomainEvent.group_id == user.group_id)
    return stmt.where(DomainEvent.center_id == user.center_id)


@dataclass
class Batch:
    events: list[StreamEvent]
    scanned_to: int  # every event up to here was considered (the next poll starts after it)


def poll(session: Session, user: User, after: int | None) -> Batch:
    """The user's events after ``after`` (None: none, start from the newest), at most
    ``BATCH``. The head is read first: a later event of this read is never skipped."""
    head = session.scalar(select(func.max(DomainEvent.id))) or 0
    if after is None:
        return Batch([], head)
    rows = list(session.scalars(readable_events(user)
                                .where(DomainEvent.id > after, DomainEvent.id <= head)
                                .order_by(DomainEvent.id).limit(BATCH)))
    scanned = rows[-1].id if len(rows) == BATCH else max(after, head)
    return Batch([StreamEvent.model_validate(r, from_attributes=True) for r in rows], scanned)


def sse(event: StreamEvent) -> bytes:
    return f"id: {event.id}\ndata: {event.model_dump_json()}\n\n".encode()


class EventStream:
    """One client's stream: :meth:`open` checks the caller (errors answer as JSON), then
    :meth:`body` is the response. ``reader(session)`` is the caller, checked again at each
    poll (an ``AppError`` when they may no longer read)."""

    def __init__(self, request: Request, reader: Callable[[Session], User],
                 last_event_id: int | None) -> None:
        self.request, self.reader, self.after = request, reader, last_event_id
        self.stopping: threading.Event = request.app.state.stopping

    def _poll(self) -> Batch:
        with self.request.app.state.sessions(read_only=True) as session:
            return poll(session, self.reader(session), self.after)

    async def open(self) -> None:
        self.first = await anyio.to_thread.run_sync(self._poll)

    async def body(self) -> AsyncIterator[bytes]:
        yield f"retry: {RETRY_MS}\n\n".encode()
        batch, quiet_since = self.first, time.monotonic()
        while True:
            for event in batch.events:
                yield sse(event)
            self.after = batch.scanned_to
            if batch.events:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
                yield b": heartbeat\n\n"
                quiet_since = time.monotonic()
            if len(batch.events) < BATCH and not await self._wait():
                return
            try:
                batch = await anyio.to_thread.run_sync(self._poll)
            except AppError:  # the token is no longer valid, or the role is gone
                return

    async def _wait(self) -> bool:
        """Sleep until the next poll; False as soon as the client left or the server is
        stopping."""
        deadline = time.monotonic() + POLL_SECONDS
        while not self.stopping.is_set() and not await self.request.is_disconnected():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            await anyio.sleep(min(remaining, CHECK_SECONDS))
        return False


# the OpenAPI response: `schema` describes each event (as OpenAPI 3.1 tools read a stream)
STREAM_DOC: dict[str, Any] = {
    "description": "`text/event-stream`: a `retry:` line, then each event as `id: <id>` and "
                   "`data: <StreamEvent as JSON>`, and a `: heartbeat` comment after "
                   f"{HEARTBEAT_SECONDS:g} quiet seconds",
    "content": {"text/event-stream": {"schema": {
        "type": "object", "required": ["id", "data", "event"],
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9]+$",
                   "description": "the event's `id`: send it back as Last-Event-ID"},
            "event": {"type": "string", "enum": ["message"],
                      "description": "always `message` (the type is in the data)"},
            "data": {"type": "string", "contentMediaType": "application/json",
                     "contentSchema": StreamEvent.model_json_schema()},
        }}}},
}
