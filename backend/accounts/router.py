from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, status
from sqlalchemy import select

from backend import clock
from backend.accounts import apikeys, onetime, service
from backend.accounts.models import ApiKey, User, UserRole
from backend.accounts.schemas import (
    ApiKeyCreatedOut,
    ApiKeyCreateIn,
    ApiKeyOut,
    LoginIn,
    LoginOut,
    MemberOut,
    OneTimePasswordOut,
    PasswordChangeIn,
    PasswordResetIn,
    UserCreateIn,
    UserOut,
    UserUpdateIn,
)
from backend.deps import AdminUser, CurrentUser, PrincipalDep, SessionDep, SettingsDep
from backend.errors import NotFound
from backend.openapi import error_responses
from backend.org.models import Center
from backend.org.service import GROUP_WIDE_ROLES, sees_center
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import DbId
from backend.vocab import Role

router = APIRouter(tags=["accounts"])


def _login_out(issued: service.IssuedToken) -> LoginOut:
    return LoginOut(access_token=issued.token, expires_at=issued.expires_at,
                    user=UserOut.model_validate(issued.user))


ONE_TIME_ERRORS = (onetime.PasswordChangeRequired, onetime.OneTimePasswordExpired)


@router.post("/auth/login", response_model=LoginOut,
             responses=error_responses("invalid_credentials", "login_locked", *ONE_TIME_ERRORS,
                                       onetime.NoPasswordChangeDue, onetime.OneTimePasswordUsed,
                                       "weak_password"))
def login(body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep) -> LoginOut:
    """Log in with username and password; returns a new bearer token. A one-time password
    (an administrator's reset) alone is 403 `password_change_required`: send it again with
    `new_password`, which replaces it, to log in."""
    issued = service.login(session, settings, body.username, body.password,
                           request.headers.get("user-agent"), body.new_password)
    return _login_out(issued)


@router.post("/auth/token", response_model=LoginOut, include_in_schema=True,
             responses=error_responses("invalid_credentials", "login_locked", *ONE_TIME_ERRORS,
                                       onetime.NoPasswordChangeDue, onetime.OneTimePasswordUsed,
                                       "weak_password"))
def login_form(form: Annotated[LoginIn, Form()], request: Request, session: SessionDep,
               settings: SettingsDep) -> LoginOut:
    """OAuth2 password flow (form-encoded), for the "Authorize" button of /docs. The fields are
    bounded as in the JSON login (other OAuth2 fields such as ``grant_type`` are ignored)."""
    issued = service.login(session, settings, form.username, form.password,
                           request.headers.get("user-agent"), form.new_password)
    return _login_out(issued)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(principal: PrincipalDep, session: SessionDep) -> None:
    """Revoke the token used for this request."""
    assert principal.token is not None  # people only (backend/accounts/scopes.py)
    service.logout(session, principal.user, principal.token)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT,
             responses=error_responses("wrong_password", "weak_password",
                                       "password_check_locked"))
def change_my_password(body: PasswordChangeIn, principal: PrincipalDep, session: SessionDep,
                       settings: SettingsDep) -> None:
    """Change one's own password; other sessions of this user are logged out. Wrong current
    passwords count like failed logins (429 ``password_check_locked`` after too many)."""
    service.change_password(session, settings, principal.user, body.current_password,
                            body.new_password,
                            keep_token_id=principal.token.id if principal.token else None)


@router.get("/centers/{center_id}/members", response_model=list[MemberOut],
            responses=error_responses("center_not_found"))
def list_center_members(center_id: DbId, user: CurrentUser, session: SessionDep) -> list[User]:
    """Active users of a center (to pick an assignee): one's own center, or any for
    qa/leader/admin."""
    center = session.get(Center, center_id)
    if center is None or center.group_id != user.group_id or \
            not sees_center(user, center_id, GROUP_WIDE_ROLES):
        raise NotFound("中心不存在", code="center_not_found", details={"center_id": center_id})
    return list(session.scalars(select(User).where(User.center_id == center_id,
                                                   User.is_active.is_(True))
                                .order_by(User.display_name, User.id)))


@router.get("/users", response_model=Page[UserOut])
def list_users(admin: AdminUser, session: SessionDep, limit: LimitParam = 50,
               cursor: CursorParam = None,
               center_id: Annotated[DbId | None, Query(description="of this center")] = None,
               role: Annotated[Role | None, Query(description="holding this role")] = None,
               is_active: Annotated[bool | None, Query(
                   description="`true` enabled only, `false` disabled only")] = None,
               q: Annotated[str | None, Query(
                   max_length=64, description="in username or display name")] = None,
               ) -> Page[UserOut]:
    """List users (admin)."""
    stmt = select(User).where(User.group_id == admin.group_id, User.is_integration.is_(False))
    if center_id is not None:
        stmt = stmt.where(User.center_id == center_id)
    if role is not None:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if is_active is not None:
        stmt = stmt.where(User.is_active.is_(is_active))
    if q:
        stmt = stmt.where(User.username.contains(q.lower(), autoescape=True)
                          | User.display_name.contains(q, autoescape=True))
    rows, next_cursor = keyset_page(session, stmt, [User.id], limit=limit, cursor=cursor)
    return Page(items=[UserOut.model_validate(u) for u in rows], next_cursor=next_cursor)


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses("username_taken", "unknown_center", "center_inactive",
                                       "roles_required", "center_required", "weak_password"))
def create_user(body: UserCreateIn, admin: AdminUser, session: SessionDep) -> User:
    """Create a user (admin)."""
    return service.add_user(session, admin, admin.group_id, **body.model_dump())


@router.get("/users/{user_id}", response_model=UserOut)
def read_user(user_id: DbId, admin: AdminUser, session: SessionDep) -> User:
    """One user (admin)."""
    return service.get_user_in_group(session, admin, user_id)


@router.patch("/users/{user_id}", response_model=UserOut,
              responses=error_responses("cannot_lock_out_self", "unknown_center",
                                        "center_inactive", "roles_required", "center_required"))
def update_user(user_id: DbId, body: UserUpdateIn, admin: AdminUser, session: SessionDep) -> User:
    """Change a user's name, center, roles or active flag (admin). Disabling logs them out."""
    return service.update_user(session, admin, user_id, body.model_dump(exclude_unset=True))


@router.post("/users/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT,
             responses=error_responses("weak_password"))
def reset_user_password(user_id: DbId, body: PasswordResetIn, admin: AdminUser,
                        session: SessionDep) -> None:
    """Set a new password for a user (admin); all their sessions end."""
    service.reset_password(session, admin, user_id, body.new_password)


@router.post("/users/{user_id}/one-time-password", status_code=status.HTTP_201_CREATED,
             response_model=OneTimePasswordOut, responses=error_responses("not_found"))
def make_one_time_password(user_id: DbId, admin: AdminUser, session: SessionDep,
                           settings: SettingsDep) -> OneTimePasswordOut:
    """Reset a user's password to a one-time password, shown in this answer only (admin); all
    their sessions end. Their next login gets 403 `password_change_required` until it sends
    `new_password` with it; unused it expires after `one_time_password_hours`."""
    password = service.reset_password(session, admin, user_id)
    return OneTimePasswordOut(one_time_password=password, expires_at=clock.utcnow() + timedelta(
        hours=settings.one_time_password_hours))


def _key_out(key: ApiKey, shape: type[ApiKeyOut] = ApiKeyOut, **extra: str) -> ApiKeyOut:
    return shape.model_validate({
        **{name: getattr(key, name) for name in ApiKeyOut.model_fields
           if name not in ("center_ids", "status")},
        "center_ids": key.user.center_limit, "status": apikeys.key_status(key), **extra})


@router.post("/api-keys", response_model=ApiKeyCreatedOut, status_code=status.HTTP_201_CREATED,
             tags=["api-keys"], responses=error_responses("unknown_center",
                                                          apikeys.ApiKeyExpiryInvalid))
def create_api_key(body: ApiKeyCreateIn, admin: AdminUser, session: SessionDep) -> ApiKeyOut:
    """Create an API key for a named integration (admin). The answer is the only time the
    secret is shown; send it as `Authorization: Bearer anx_...`."""
    key, secret = apikeys.create_key(session, admin, name=body.name, scopes=body.scopes,
                                     center_ids=body.center_ids, expires_at=body.expires_at,
                                     rate_limit_per_minute=body.rate_limit_per_minute)
    return _key_out(key, ApiKeyCreatedOut, secret=secret)


@router.get("/api-keys", response_model=Page[ApiKeyOut], tags=["api-keys"])
def list_api_keys(admin: AdminUser, session: SessionDep, limit: LimitParam = 50,
                  cursor: CursorParam = None) -> Page[ApiKeyOut]:
    """The group's API keys (admin), newest first, with their status and last use; never
    their secrets."""
    rows, next_cursor = keyset_page(session, apikeys.keys_of_group(admin.group_id),
                                    [ApiKey.id], limit=limit, cursor=cursor, descending=True)
    return Page(items=[_key_out(k) for k in rows], next_cursor=next_cursor)


@router.get("/api-keys/{key_id}", response_model=ApiKeyOut, tags=["api-keys"])
def read_api_key(key_id: DbId, admin: AdminUser, session: SessionDep) -> ApiKeyOut:
    """One API key (admin), without its secret."""
    return _key_out(apikeys.get_key(session, admin, key_id))


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut, tags=["api-keys"])
def revoke_api_key(key_id: DbId, admin: AdminUser, session: SessionDep) -> ApiKeyOut:
    """Revoke an API key (admin): its next request is 401. Revoking again changes nothing."""
    return _key_out(apikeys.revoke_key(session, admin, key_id))
