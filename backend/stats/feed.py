"""The changes feed (GET /events): the domain events the caller may read, after a sequence
number, a page at a time, with the ``next`` number to persist.

Events are numbered in commit order without gaps, and one numbered N is visible only once
every event before it is (:mod:`backend.events.service`), so a client that persists ``next``
and asks again from it misses nothing and reads nothing twice, whatever its filters: ``next``
is how far the server looked, not the last event returned. The head (the newest number) is
read first and bounds the page, so an event committed during the read waits for the next
page. Each request considers at most ``SCAN`` numbers, so a rare type or another center's
quiet stretch costs a bounded read; ``more`` says the client should ask again at once."""

from dataclasses import dataclass
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.events.catalogue import TypeFilter
from backend.events.models import DomainEvent
from backend.stats.errors import FeedAfterHead
from backend.stats.service import centers_in_scope, check_reader
from backend.stats.stream import readable_events

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
SCAN = 10_000  # sequence numbers considered by one request


# a StreamEvent's columns as plain rows, ``data`` as its stored JSON text: building ORM
# entities and validating each into its model took 3/4 of a 1,000-event page (profiled on
# SQLite), and decoding ``data`` to encode it again 30 of the 48 ms its query then took
COLUMNS = (DomainEvent.id, DomainEvent.event_id, DomainEvent.type, DomainEvent.at,
           DomainEvent.center_id, DomainEvent.object_type, DomainEvent.object_id,
           DomainEvent.actor_id, cast(DomainEvent.data, Text).label("data"))


@dataclass(frozen=True)
class FeedPage:
    events: list[dict[str, Any]]  # a StreamEvent's fields, ``data`` as JSON text
    next: int  # persist it; the next request's ``after``
    more: bool  # events after ``next`` are already committed: ask again now

    def dump_json(self) -> bytes:
        """The body, as ``EventsPage``'s JSON: each event's other fields (in ``StreamEvent``'s
        order) rendered by pydantic's serializer, its stored ``data`` spliced in after them (a
        test holds it equal to the schema's own rendering)."""
        items = []
        for event in self.events:
            fields = dict(event)
            data = fields.pop("data")
            items.append(b"%s,\"data\":%s}" % (to_json(fields)[:-1], data.encode()))
        return b'{"items":[%s],"next":%d,"more":%s}' % (
            b",".join(items), self.next, b"true" if self.more else b"false")


class PageJSON:
    """GET /events's renderer for :func:`backend.deps.hot_read`."""

    @staticmethod
    def dump_json(page: FeedPage, /) -> bytes:
        return page.dump_json()


def page(session: Session, user: User, after: int, types: TypeFilter | None,
         center_ids: list[int], limit: int) -> FeedPage:
    """The user's events numbered after ``after`` (质监办 and leaders: the group's; a center's
    manager: their center's), of ``types`` and ``center_ids`` when given (another center's
    id is a 404 for a manager, as in the control room), at most ``limit``."""
    check_reader(user)
    for center_id in center_ids:
        centers_in_scope(session, user, center_id)
    head = session.scalar(select(func.max(DomainEvent.id))) or 0
    if after > head:
        raise FeedAfterHead(details={"after": after, "head": head})
    bound = min(head, after + SCAN)
    stmt = readable_events(user).where(DomainEvent.id > after, DomainEvent.id <= bound)
    if center_ids:
        stmt = stmt.where(DomainEvent.center_id.in_(center_ids))
    if types is not None:
        stmt = stmt.where(or_(DomainEvent.type.in_(types.exact),
                              *(DomainEvent.type.startswith(prefix, autoescape=True)
                                for prefix in sorted(types.prefixes))))
    rows = [dict(row._mapping) for row in session.execute(
        stmt.with_only_columns(*COLUMNS).order_by(DomainEvent.id).limit(limit))]
    scanned = rows[-1]["id"] if len(rows) == limit else bound
    return FeedPage(rows, scanned, scanned < head)
