import asyncio
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter
from sqlalchemy import or_
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.config import Settings
from backend.deps import (
    CurrentUser,
    SessionDep,
    SettingsDep,
    bearer,
    get_principal,
    get_session,
)
from backend.errors import NotAuthenticated, Unprocessable
from backend.hazards import service, views
from backend.hazards.models import Hazard, HazardSource
from backend.hazards.schemas import ClientId, HazardCreateIn, HazardDetailOut, HazardOut
from backend.hazards.workflow import Action, Status
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import DbId
from backend.vocab import Category, Grade

router = APIRouter(prefix="/hazards", tags=["hazards"])


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HazardDetailOut,
             responses={200: {"model": HazardDetailOut, "description": "a retry: the first result"}})
def report_hazard(body: HazardCreateIn, request: Request, response: Response,
                  user: CurrentUser, session: SessionDep, settings: SettingsDep,
                  idempotency_key: Annotated[ClientId | None, Header()] = None) -> HazardDetailOut:
    """Report a hazard (随手拍) with at least one photo. Send a ``client_id`` (or an
    ``Idempotency-Key`` header): a retry returns the first result instead of a duplicate."""
    if body.client_id is None and idempotency_key is not None:
        body = body.model_copy(update={"client_id": idempotency_key})
    elif body.client_id and idempotency_key and \
            body.client_id.replace("-", "").lower() != idempotency_key.replace("-", "").lower():
        raise Unprocessable("client_id 与 Idempotency-Key 不一致", code="idempotency_mismatch")
    hazard, created = service.report(session, user, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return views.hazard_detail(session, settings, user, hazard, _base(request))


# The list is the busiest read, so its endpoint is async and does ALL its database work (the
# token lookup, the page, its photos and events) and the JSON in ONE worker-thread call, at most
# LIST_CONCURRENCY at a time per process, first come first served; the connection is checked out
# and returned within that call. As a plain sync endpoint every request took five thread-pool
# hops (session, token lookup, endpoint, response validation, commit) holding its connection
# from the second to the last: under 50 clients it reached about half the in-process ceiling
# on PostgreSQL, and once the thread pool was full of requests waiting for a connection while
# the connections' holders waited for a thread, nothing moved until the pool timed out (SQLite's
# 15 connections, or any pool smaller than the thread pool). See bench/hazards.py.
#
# Slots per process: on PostgreSQL two, so that one thread computes while the other waits for
# the server; on SQLite, whose queries run in this process under the GIL, one (a second thread
# only added switching: about 45% of the ceiling instead of 55-60%), at the price of queueing
# the list behind a slow search. More throughput comes from uvicorn workers, not threads.
LIST_CONCURRENCY = {"sqlite": 1, "postgresql": 2}
_list_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = \
    weakref.WeakKeyDictionary()
_PAGE_OF_HAZARDS = TypeAdapter(Page[HazardOut])


def _list_limiter(request: Request) -> anyio.CapacityLimiter:
    """The list's worker slots, FIFO, one set per event loop."""
    loop = asyncio.get_running_loop()
    limiter = _list_limiters.get(loop)
    if limiter is None:
        slots = LIST_CONCURRENCY.get(request.app.state.engine.dialect.name, 2)
        limiter = _list_limiters[loop] = anyio.CapacityLimiter(slots)
    return limiter


@contextmanager
def _session(request: Request) -> Iterator[Session]:
    """``get_session`` (or its override: the tests' transaction) entered in the calling thread
    rather than by FastAPI, so that opening, using and committing happen in one worker call."""
    override = request.app.dependency_overrides.get(get_session)
    with contextmanager(override)() if override else contextmanager(get_session)(request) \
            as session:
        yield session


def _check_token(request: Request, token: str) -> None:
    with _session(request) as session:
        get_principal(session, token)


async def _bearer_token(request: Request,
                        token: Annotated[str | None, Depends(bearer)]) -> AsyncIterator[str]:
    """The bearer token, checked in the order the sync endpoint's dependencies did: none is 401
    before the parameters are validated, and so is an unknown one (looked up here only when
    the parameters are invalid; otherwise the list's worker call looks it up)."""
    if not token:
        raise NotAuthenticated()
    try:
        yield token
    except RequestValidationError:
        await anyio.to_thread.run_sync(_check_token, request, token, limiter=_list_limiter(request))
        raise


@dataclass
class _ListQuery:
    limit: int
    cursor: str | None
    status_: list[Status] | None
    exact: dict[Any, Any]
    overdue: bool | None
    created_from: date | None
    created_to: date | None
    deadline_from: date | None
    deadline_to: date | None
    q: str | None
    sort: str

    def page(self, session: Session, user: User) -> tuple[list[Hazard], str | None]:
        stmt = service.readable_hazards(user)
        for column, value in self.exact.items():
            if value is not None:
                stmt = stmt.where(column == value)
        if self.status_:
            stmt = stmt.where(Hazard.status.in_(self.status_))
        if self.overdue is not None:
            clause = service.overdue_clause(service.today())
            stmt = stmt.where(clause if self.overdue else ~clause)
        if self.created_from:
            stmt = stmt.where(Hazard.created_at >= service.day_start(self.created_from))
        if self.created_to:
            stmt = stmt.where(Hazard.created_at < service.day_start(self.created_to, plus_days=1))
        if self.deadline_from:
            stmt = stmt.where(Hazard.deadline >= self.deadline_from)
        if self.deadline_to:
            stmt = stmt.where(Hazard.deadline <= self.deadline_to)
        if self.q:
            stmt = stmt.where(or_(Hazard.title.contains(self.q, autoescape=True),
                                  Hazard.description.contains(self.q, autoescape=True)))
        if self.sort == "deadline":
            return keyset_page(session, stmt, [Hazard.deadline_sort, Hazard.id],
                               limit=self.limit, cursor=self.cursor)
        return keyset_page(session, stmt, [Hazard.created_at, Hazard.id], limit=self.limit,
                           cursor=self.cursor, descending=True)


def _hazard_page_json(request: Request, settings: Settings, token: str,
                      query: _ListQuery) -> bytes:
    """The list's whole database work in the calling worker thread (the same session, unit of
    work and token check the dependencies gave the sync endpoint) and the JSON FastAPI renders
    for ``Page[HazardOut]``, after the connection is back in the pool."""
    with _session(request) as session:
        user = get_principal(session, token).user
        rows, next_cursor = query.page(session, user)
        page = Page(items=views.hazard_list(session, settings, user, rows, _base(request)),
                    next_cursor=next_cursor)
    return _PAGE_OF_HAZARDS.dump_json(page)


@router.get("", response_model=Page[HazardOut])
async def list_hazards(
    request: Request, token: Annotated[str, Depends(_bearer_token)], settings: SettingsDep,
    limit: LimitParam = 20, cursor: CursorParam = None,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    center_id: DbId | None = None, campus_id: DbId | None = None, site_id: DbId | None = None,
    category: Category | None = None, grade: Grade | None = None,
    source: HazardSource | None = None, assignee_id: DbId | None = None,
    overdue: bool | None = None,
    created_from: date | None = None, created_to: date | None = None,
    deadline_from: date | None = None, deadline_to: date | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Literal["created", "deadline"] = "created",
) -> Response:
    """Hazards the user may see, newest first (or by deadline, soonest first; none last)."""
    exact = {Hazard.center_id: center_id, Hazard.campus_id: campus_id, Hazard.site_id: site_id,
             Hazard.category: category, Hazard.grade: grade, Hazard.source: source,
             Hazard.assignee_id: assignee_id}
    query = _ListQuery(limit, cursor, status_, exact, overdue, created_from, created_to,
                       deadline_from, deadline_to, q, sort)
    body = await anyio.to_thread.run_sync(_hazard_page_json, request, settings, token, query,
                                          limiter=_list_limiter(request))
    return Response(body, media_type="application/json")


@router.get("/{hazard_id}", response_model=HazardDetailOut)
def read_hazard(hazard_id: DbId, request: Request, user: CurrentUser, session: SessionDep,
                settings: SettingsDep) -> HazardDetailOut:
    """A hazard with its photos, plan, allowed actions and full timeline."""
    hazard = service.get_readable_hazard(session, user, hazard_id)
    return views.hazard_detail(session, settings, user, hazard, _base(request))


@router.post("/{hazard_id}/actions/{action}", response_model=HazardDetailOut)
def act_on_hazard(hazard_id: DbId, action: Action, request: Request, user: CurrentUser,
                  session: SessionDep, settings: SettingsDep,
                  body: Annotated[dict[str, Any] | None, Body()] = None,
                  idempotency_key: Annotated[ClientId | None, Header()] = None) -> HazardDetailOut:
    """Take a workflow action. Bodies: assign {assignee_id, measures, cost_estimate, deadline,
    interim_measures}; submit {description, photo_ids}; reject / cancel / reopen {reason};
    request_extension {deadline, reason}; approve_extension / deny_extension / verify
    {comment?}. With an ``Idempotency-Key`` header, a retry of an action that already
    happened returns the hazard as it is now (200) instead of 409."""
    hazard = service.perform(session, settings, user, hazard_id, action, body or {},
                             idempotency_key)
    return views.hazard_detail(session, settings, user, hazard, _base(request))
