"""What routes get injected: the request's session, the settings and the authenticated user."""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Protocol, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.accounts import apikeys, scopes
from backend.accounts.models import ApiKey, AuthToken, User
from backend.accounts.service import user_for_token
from backend.admission import SAFE_METHODS, write_admission
from backend.clock import utcnow
from backend.config import Settings
from backend.db import new_session
from backend.errors import AppError, Forbidden, NotAuthenticated
from backend.limiters import PerLoop
from backend.observability import route_template
from backend.vocab import Role

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit on success, roll back on error (but keep the writes of errors that ask for it)."""
    try:
        yield session
    except AppError as exc:
        if exc.keeps_writes:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    else:
        try:
            session.commit()
        except BaseException:  # a failed commit rolls back too (and runs on_rollback effects)
            session.rollback()
            raise


@contextmanager
def request_session(engine: Engine, *, read_only: bool) -> Iterator[Session]:
    """A session in a unit of work: the production ``app.state.sessions``. Tests put their
    rolled-back transaction there instead."""
    with new_session(engine, read_only=read_only) as session, unit_of_work(session):
        yield session


Admitted = Annotated[None, Depends(write_admission, scope="function")]


def get_session(request: Request, _: Admitted) -> Iterator[Session]:
    """One session per request, for a writing method once it is admitted (backend/admission).
    Safe methods get a read-only session (on SQLite a deferred BEGIN that does not take the
    write lock)."""
    with request.app.state.sessions(read_only=request.method in SAFE_METHODS) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a client never gets a
# success for a write that did not commit (a phone deletes its copy on success)
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
async def app_settings(request: Request) -> Settings:
    """The app's settings (async and trivial: no thread-pool hop per request)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(app_settings)]

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Principal:
    """Who calls: a person with their login token, or an API key's service user with the key."""

    user: User
    token: AuthToken | None = None
    api_key: ApiKey | None = None


def get_principal(request: Request, session: SessionDep,
                  token: Annotated[str | None, Depends(bearer)]) -> Principal:
    """The caller of ``request``: a login token's user, or an API key (``anx_...``) allowed the
    operation by its scopes (403 ``scope_missing`` / ``people_only``). The first call of a
    request also counts it against the caller's rate limit (429 ``rate_limited``); later ones
    (an event stream's polls) only check the credential again."""
    return authenticate(request, session, token, writes=request.method not in SAFE_METHODS)


def get_reading_principal(request: Request,
                          token: Annotated[str | None, Depends(bearer)]) -> Principal:
    """:func:`get_principal` in a read-only session of its own, for an endpoint that writes
    later in a session of its own (a photo upload): a writing request's session takes SQLite's
    write lock at its first statement, so its token check queued for the lock behind every
    other upload's (py-spy of re-uploads: 597 of 4,860 samples in that ``BEGIN IMMEDIATE``)."""
    with request.app.state.sessions(read_only=True) as session:
        return authenticate(request, session, token, writes=False)


def authenticate(request: Request, session: Session, token: str | None, *,
                 writes: bool) -> Principal:
    """:func:`get_principal`'s work; ``writes``: ``session`` is the request's writing one."""
    if not token:
        raise NotAuthenticated()
    if apikeys.is_key_secret(token):
        key = apikeys.key_for_secret(session, token)
        if key is None:
            raise NotAuthenticated("API 密钥无效、已吊销或已过期", code="invalid_token")
        scopes.check(request.method, operation_path(request), key.scopes)
        principal = Principal(key.user, api_key=key)
    else:
        found = user_for_token(session, token)
        if found is None:
            raise NotAuthenticated("登录已失效，请重新登录", code="invalid_token")
        principal = Principal(*found)
    if not getattr(request.state, "admitted", False):
        request.state.admitted = True
        request.state.user_id = principal.user.id  # for the access log line
        request.state.api_key_id = principal.api_key.id if principal.api_key else None
        _admit(request, session, principal, writes=writes)
    return principal


def operation_path(request: Request) -> str:
    """The path template of the request's operation as the OpenAPI document writes it."""
    return route_template(request.scope) or request.url.path


def _admit(request: Request, session: Session, principal: Principal, *, writes: bool) -> None:
    """Count the request against its caller's limit (the headers are added to the answer by
    :class:`RateLimitHeaders`), and note a key's use (at most once a minute): in the request's
    own transaction when it writes, else in a short one of its own, so that a read keeps its
    read-only transaction (on SQLite, a write lock taken by every read would queue them all)."""
    settings: Settings = request.app.state.settings
    key = principal.api_key
    if key is not None:
        limit = key.rate_limit_per_minute if key.rate_limit_per_minute is not None \
            else settings.rate_limit_key_per_minute
        bucket = f"key:{key.id}"
        if not writes:
            if key.last_used_at is None or \
                    key.last_used_at <= utcnow() - apikeys.LAST_USED_RESOLUTION:
                with request.app.state.sessions(read_only=False) as writer:
                    apikeys.note_use(writer, key)
        else:
            apikeys.note_use(session, key)
    else:
        limit, bucket = settings.rate_limit_user_per_minute, f"user:{principal.user.id}"
    if limit:
        verdict = request.app.state.limiter.hit(bucket, limit)
        request.state.rate_limit = verdict.headers()
        verdict.enforce()


class RateLimitHeaders:
    """Adds the ``RateLimit-*`` headers of the request's count to its answer (a pure ASGI
    middleware: the count is known only once the caller is)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                counted = scope.get("state", {}).get("rate_limit")
                if counted:
                    headers = list(message.get("headers", []))
                    present = {name.lower() for name, _ in headers}
                    headers += [(name.lower().encode(), value.encode())
                                for name, value in counted.items()
                                if name.lower().encode() not in present]
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
ReadingPrincipal = Annotated[Principal, Depends(get_reading_principal)]


async def get_current_user(principal: PrincipalDep) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def _check_roles(user: User, roles: tuple[Role, ...]) -> User:
    if not user.has_role(*roles):
        raise Forbidden(details={"required_roles": [r.value for r in roles]})
    return user


def require_roles(*roles: Role):  # noqa: ANN201 - returns a dependency
    """A dependency that lets through users holding any of ``roles``."""

    async def check(user: CurrentUser) -> User:
        return _check_roles(user, roles)

    return Depends(check)


def require_roles_reading(*roles: Role):  # noqa: ANN201 - returns a dependency
    """:func:`require_roles` for an endpoint without the request's session: the user is looked
    up in a read-only session of its own (:func:`get_reading_principal`) and is detached."""

    async def check(principal: ReadingPrincipal) -> User:
        return _check_roles(principal.user, roles)

    return Depends(check)


AdminUser = Annotated[User, require_roles(Role.admin)]


# The hot reads (the hazard, inspection and module lists) are async endpoints that do ALL their
# database work (the token lookup, the page and what it needs) and the JSON in ONE worker-thread
# call, at most ``HOT_READ_SLOTS`` at a time per process, first come first served; the
# connection is checked out and returned within that call. As plain sync endpoints every
# request took five thread-pool hops (session, token lookup, endpoint, response validation,
# commit) holding its connection from the second to the last: under 50 clients the hazard list
# reached about half the in-process ceiling on PostgreSQL, and once the thread pool was full of
# requests waiting for a connection while the connections' holders waited for a thread, nothing
# moved until the pool timed out. See bench/hazards.py.
#
# Slots per process: on PostgreSQL two, so that one thread computes while the other waits for
# the server; on SQLite, whose queries run in this process under the GIL, one (a second thread
# only added switching: about 45% of the ceiling instead of 55-60%), at the price of queueing a
# list behind a slow search. More throughput comes from uvicorn workers, not threads.
HOT_READ_SLOTS = {"sqlite": 1, "postgresql": 2}
_hot_read_limiters = PerLoop()


def _hot_read_limiter(request: Request) -> anyio.CapacityLimiter:
    """The hot reads' worker slots, FIFO, one set per event loop."""
    return _hot_read_limiters.get(HOT_READ_SLOTS.get(request.app.state.engine.dialect.name, 2))


async def _bearer_token(request: Request,
                        token: Annotated[str | None, Depends(bearer)]) -> AsyncIterator[str]:
    """The bearer token, checked in the order a sync endpoint's dependencies would: none is 401
    before the parameters are validated, and so is an unknown one (looked up here only when
    the parameters are invalid; otherwise the hot read's worker call looks it up)."""
    if not token:
        raise NotAuthenticated()
    try:
        yield token
    except RequestValidationError:
        await anyio.to_thread.run_sync(get_reading_principal, request, token,
                                       limiter=_hot_read_limiter(request))
        raise


BearerToken = Annotated[str, Depends(_bearer_token)]


class JSONShape(Protocol[T_contra]):
    """What renders a hot read's result: a ``TypeAdapter``, or a renderer of its own."""

    def dump_json(self, instance: T_contra, /) -> bytes: ...


async def hot_read(request: Request, token: str, work: Callable[[Session, User], T],
                   shape: JSONShape[T]) -> Response:
    """Run ``work(session, user)`` in one worker call (session, token check, unit of work) and
    render its result as ``shape``'s JSON after the connection is back in the pool."""

    def run() -> bytes:
        with request.app.state.sessions(read_only=True) as session:
            result = work(session, get_principal(request, session, token).user)
        return shape.dump_json(result)

    body = await anyio.to_thread.run_sync(run, limiter=_hot_read_limiter(request))
    return Response(body, media_type="application/json")
