"""What routes get injected: the request's session, the settings and the authenticated user."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from backend.accounts.models import AuthToken, User
from backend.accounts.service import user_for_token
from backend.config import Settings
from backend.db import new_session
from backend.errors import AppError, Forbidden, NotAuthenticated
from backend.vocab import Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
        session.commit()


def get_session(request: Request) -> Iterator[Session]:
    """One session per request. Safe methods get a read-only session (on SQLite a deferred
    BEGIN that does not take the write lock)."""
    engine = request.app.state.engine
    with new_session(engine, read_only=request.method in SAFE_METHODS) as session:
        with unit_of_work(session):
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
    user: User
    token: AuthToken


def get_principal(session: SessionDep, token: Annotated[str | None, Depends(bearer)]) -> Principal:
    if not token:
        raise NotAuthenticated()
    found = user_for_token(session, token)
    if found is None:
        raise NotAuthenticated("登录已失效，请重新登录", code="invalid_token")
    return Principal(*found)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: PrincipalDep) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role):  # noqa: ANN201 - returns a dependency
    """A dependency that lets through users holding any of ``roles``."""

    async def check(user: CurrentUser) -> User:
        if not user.has_role(*roles):
            raise Forbidden(details={"required_roles": [r.value for r in roles]})
        return user

    return Depends(check)


AdminUser = Annotated[User, require_roles(Role.admin)]
