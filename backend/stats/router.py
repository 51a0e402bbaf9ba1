from functools import partial
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.deps import BearerToken, get_principal, hot_read
from backend.events import catalogue
from backend.openapi import error_responses
from backend.stats import feed, service, stream
from backend.stats.errors import FeedAfterHead, PeriodInvalid
from backend.stats.schemas import EventsPage, OverviewOut
from backend.types import Day, DbId

router = APIRouter(tags=["stats"])

_OVERVIEW = TypeAdapter(OverviewOut)
READERS_ONLY = error_responses("forbidden")


@router.get("/stats/overview", response_model=OverviewOut,
            responses=error_responses("forbidden", "center_not_found", PeriodInvalid))
async def stats_overview(
    request: Request, token: BearerToken,
    from_: Annotated[Day | None, Query(alias="from", description=(
        "the period's first day (Asia/Shanghai); default: the Monday 11 weeks before the "
        "week of `to`, so 12 weeks"))] = None,
    to: Annotated[Day | None, Query(description="the period's last day; default: today")]
    = None,
    center_id: Annotated[DbId | None, Query(description="one center (a center's manager: "
                                            "only their own)")] = None,
) -> Response:
    """The control room's figures (质监办 and leaders: the whole group or one center; a
    center's manager: their own center). Open and overdue hazards are as of now; the rest is
    over the period (at most 366 days). Rates are null when there is nothing to divide by."""

    def figures(session: Session, user: User) -> OverviewOut:
        return service.overview(session, user, from_, to, center_id)

    return await hot_read(request, token, figures, _OVERVIEW)


def _reader(request: Request, token: str, session: Session) -> User:
    return service.check_reader(get_principal(request, session, token).user)


@router.get("/events/stream", response_class=StreamingResponse,
            responses={200: stream.STREAM_DOC, **READERS_ONLY})
async def stream_events(
    request: Request, token: BearerToken,
    last_event_id: Annotated[int | None, Header(
        alias="Last-Event-ID", ge=0, le=2**62,
        description="the last `id` received: the stream resumes after it; without it, the "
                    "stream starts with the next event")] = None,
) -> StreamingResponse:
    """Server-Sent Events: the domain events (hazards reported, assigned, closed...; tasks
    done and missed; campaigns) of what the caller may read (质监办 and leaders: the group; a
    center's manager: their center), in order, as they commit. Read it with `fetch` (the
    bearer token is a header) and send `Last-Event-ID` when reconnecting."""
    events = stream.EventStream(request, partial(_reader, request, token), last_event_id)
    await events.open()
    return StreamingResponse(events.body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


FEED_DOC = f"""The changes feed: the domain events of what the caller may read (质监办 and
leaders: the group's; a center's manager: their center's; API keys: scope `events:read`), in
sequence order, a page at a time. Sequence numbers (`id`) follow commit order without gaps.

Start with `after=0` (or the newest `id` you hold), handle `items`, persist `next`, and ask
again with `after=<next>` at once while `more` is true, then every few seconds: nothing is
missed or repeated, whatever the filters (`next` is how far the server looked, not the last
event returned). Persisting `next` before the handling commits may lose events on a crash;
after, may repeat a page: `event_id` is stable, so handle idempotently.

A mirror of hazards and inspections: for each `hazard.*` or `inspection.*` event, GET the
object by `object_id` (`/hazards/{{id}}`, `/inspections/{{id}}`) and store it; a 404 (an
`inspection.discarded` draft) removes it. `hazard.cancelled` is a hazard's end without
closure; hazards are never deleted. `hazard.overdue` and `hazard.escalated` change no row.

`types`: exact types or a family with `.*` (e.g. `hazard.*,inspection.submitted`), repeated
or comma separated; an unknown one is 422 `event_type_unknown`. `center_id`: only those
centers' events (events of the group, with no center, are left out). An `after` beyond the
newest event (a database restored from an older backup) is 409 `events_after_head`.

Event types and their `data`:

{catalogue.markdown()}
"""


@router.get("/events", response_model=EventsPage, description=FEED_DOC,
            responses=error_responses("forbidden", "center_not_found",
                                      catalogue.EventTypeUnknown, FeedAfterHead))
async def list_events(
    request: Request, token: BearerToken,
    after: Annotated[int, Query(ge=0, le=2**62, description="the last `next` you persisted; "
                                "0: from the first event")] = 0,
    types: Annotated[list[str] | None, Query(max_length=2000, description=(
        "any of these types or families (`hazard.*`; `*`: every type, as a webhook "
        "subscription names it), comma separated or repeated"))] = None,
    center_id: Annotated[list[DbId] | None, Query(description="any of these centers")] = None,
    limit: Annotated[int, Query(ge=1, le=feed.MAX_LIMIT, description="at most this many "
                                "events")] = feed.DEFAULT_LIMIT,
) -> Response:
    wanted = catalogue.parse_types(types or [])

    def events(session: Session, user: User) -> feed.FeedPage:
        return feed.page(session, user, after, wanted, center_id or [], limit)

    return await hot_read(request, token, events, feed.PageJSON())
