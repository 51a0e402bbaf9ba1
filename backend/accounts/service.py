"""Accounts: login with throttling, opaque tokens, users and their roles."""

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from backend import audit
from backend.accounts import onetime
from backend.accounts.models import AuthToken, LoginThrottle, User, UserRole
from backend.accounts.passwords import (
    check_password_policy,
    hash_password,
    verify_password,
)
from backend.clock import utcnow
from backend.config import Settings
from backend.errors import (
    AppError,
    Conflict,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
    Unprocessable,
)
from backend.org.errors import CenterInactive
from backend.org.models import Center
from backend.vocab import Role

AUDITED_FIELDS = ("username", "display_name", "phone", "center_id", "roles", "is_active",
                  "center_limit")


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"
    message = "用户名或密码错误"
    keeps_writes = True  # the failure counter must be saved although the request fails


class LoginLocked(TooManyRequests):
    code = "login_locked"
    message = "登录失败次数过多，请稍后再试"
    keeps_writes = True


class WrongCurrentPassword(AppError):
    code = "wrong_password"
    message = "当前密码不正确"
    keeps_writes = True


class PasswordCheckLocked(TooManyRequests):
    code = "password_check_locked"
    message = "密码错误次数过多，请稍后再试"
    keeps_writes = True


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_hmac(settings: Settings, username: str) -> str:
    """A keyed hash of a normalised username: what the throttle and the audit log keep of a name
    that may not be a username at all. Without the secret it can't be reversed by guessing."""
    message = b"anxun-username\0" + normalise_username(username).encode()
    return hmac.new(settings.secret.encode(), message, hashlib.sha256).hexdigest()


def _throttle_row(session: Session, key: str) -> LoginThrottle | None:
    return session.get(LoginThrottle, key, with_for_update=True)


def _check_not_locked(throttle: LoginThrottle | None, now: datetime,
                      locked: type[TooManyRequests]) -> None:
    if throttle and throttle.locked_until and throttle.locked_until > now:
        retry_after = int((throttle.locked_until - now).total_seconds()) + 1
        raise locked(details={"retry_after": retry_after},
                     headers={"Retry-After": str(retry_after)})


def _new_throttle_row(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The counter row of a key; when a concurrent failure created it first (the primary key
    decides), that row, locked."""
    try:
        with session.begin_nested():
            throttle = LoginThrottle(username_hmac=key, failures=0, window_started_at=now)
            session.add(throttle)
            session.flush()
        return throttle
    except IntegrityError:
        existing = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert existing is not None  # the row that made our insert fail
        return existing


def _purge_stale_throttles(session: Session, settings: Settings, now: datetime,
                           keep: str) -> None:
    """Delete the rows whose window and lockout are both over (a lockout starts within its
    window, so it ends before window + lockout). Rows another request holds are skipped, never
    waited for: two purges could otherwise deadlock on each other's rows."""
    cutoff = now - timedelta(minutes=settings.login_failure_window_minutes
                             + settings.login_lockout_minutes)
    stale = (select(LoginThrottle.username_hmac)
             .where(LoginThrottle.window_started_at < cutoff, LoginThrottle.username_hmac != keep)
             .with_for_update(skip_locked=True))
    session.execute(delete(LoginThrottle).where(LoginThrottle.username_hmac.in_(stale))
                    .execution_options(synchronize_session=False))


def _record_failure(session: Session, throttle: LoginThrottle | None, key: str,
                    settings: Settings, now: datetime) -> None:
    _purge_stale_throttles(session, settings, now, keep=key)
    window = timedelta(minutes=settings.login_failure_window_minutes)
    if throttle is None:
        throttle = _new_throttle_row(session, key, now)
    elif now - throttle.window_started_at > window:
        throttle.failures, throttle.window_started_at, throttle.locked_until = 0, now, None
    throttle.failures += 1
    if throttle.failures >= settings.login_max_failures:
        throttle.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
    session.flush()


def login(session: Session, settings: Settings, username: str, password: str,
          user_agent: str | None = None, new_password: str | None = None) -> IssuedToken:
    """Check the credentials and issue a new token (a one-time password must come with the
    ``new_password`` that replaces it: backend/accounts/onetime.py).

    Failures are counted per username (existing or not); after ``login_max_failures`` within the
    window the username is locked for ``login_lockout_minutes`` and even the right password is
    refused, with the same answer for real and unknown usernames."""
    now = utcnow()
    name = normalise_username(username)
    key = username_hmac(settings, name)
    throttle = _throttle_row(session, key)
    user = session.scalar(select(User).where(User.username == name))
    try:
        _check_not_locked(throttle, now, LoginLocked)
    except LoginLocked:
        _audit_login_failure(session, key, user, "locked")
        raise
    valid = verify_password(password, user.password_hash if user else None)
    if not valid or user is None or not user.is_active or user.is_integration:
        _record_failure(session, throttle, key, settings, now)
        reason = "unknown_user" if user is None else "wrong_password" if not valid else \
            "integration" if user.is_integration else "inactive"
        _audit_login_failure(session, key, user, reason)
        raise InvalidCredentials()
    if throttle is not None:
        session.delete(throttle)
    onetime.settle(session, settings, user, password, new_password)
    issued = issue_token(session, settings, user, user_agent)
    audit.record(session, actor=user, action="auth.login", object_type="user", object_id=user.id)
    return issued


def _audit_login_failure(session: Session, key: str, user: User | None, reason: str) -> None:
    """Kept although the request fails (InvalidCredentials and LoginLocked keep writes). A name
    that is no account is recorded only as a prefix of its keyed hash: what was typed may be a
    password, yet repeated attempts on one name still show up as one label."""
    audit.record(session, actor=None,
                 actor_label=user.username if user else f"unknown:{key[:16]}",
                 action="auth.login_failed",
                 object_type="user" if user else None, object_id=user.id if user else None,
                 group_id=user.group_id if user else None, summary={"reason": reason})


def issue_token(session: Session, settings: Settings, user: User,
                user_agent: str | None = None) -> IssuedToken:
    now = utcnow()
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.token_lifetime_hours)
    session.add(AuthToken(user_id=user.id, token_hash=token_digest(token), created_at=now,
                          expires_at=expires_at, user_agent=(user_agent or "")[:300] or None))
    session.flush()
    return IssuedToken(token=token, expires_at=expires_at, user=user)


# built once: building it on each request was a quarter of the token check (bench/tasks.py,
# GET /tasks); the roles are joined in, not fetched by a second query after the user
_TOKEN_OWNER = (select(User, AuthToken)
                .join(AuthToken, AuthToken.user_id == User.id)
                .where(AuthToken.token_hash == bindparam("token_hash"),
                       AuthToken.revoked_at.is_(None),
                       AuthToken.expires_at > bindparam("now", type_=AuthToken.expires_at.type),
                       User.is_active.is_(True))
                .options(joinedload(User.role_rows)))


def user_for_token(session: Session, token: str) -> tuple[User, AuthToken] | None:
    row = session.execute(_TOKEN_OWNER, {"token_hash": token_digest(token),
                                         "now": utcnow()}).unique().first()
    return (row[0], row[1]) if row else None


def logout(session: Session, user: User, token: AuthToken) -> None:
    """Revoke the token of this request."""
    token.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor=user, action="auth.logout", object_type="user", object_id=user.id)


def revoke_all_tokens(session: Session, user: User, *, except_token_id: int | None = None) -> None:
    stmt = update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    if except_token_id is not None:
        stmt = stmt.where(AuthToken.id != except_token_id)
    session.execute(stmt.values(revoked_at=utcnow()))


def _check_center(session: Session, group_id: int, center_id: int | None) -> None:
    """A center a user may be put into: one of the group, and active."""
    if center_id is None:
        return
    center = session.get(Center, center_id)
    if center is None or center.group_id != group_id:
        raise Unprocessable("中心不存在", code="unknown_center", details={"center_id": center_id})
    if not center.is_active:
        raise CenterInactive("该中心已停用，不能加入用户", details={"center_id": center_id})


def check_center_limit(session: Session, group_id: int,
                       center_ids: Iterable[int] | None) -> list[int] | None:
    """The centers a user (or key) is limited to, sorted, each one of the group (else 422
    ``unknown_center``); None: no limit."""
    if center_ids is None:
        return None
    wanted = sorted(set(center_ids))
    found = set(session.scalars(select(Center.id).where(Center.id.in_(wanted),
                                                        Center.group_id == group_id)))
    missing = [c for c in wanted if c not in found]
    if missing:
        raise Unprocessable("中心不存在", code="unknown_center", details={"center_ids": missing})
    return wanted


def _check_roles(roles: Iterable[Role], center_id: int | None) -> None:
    if not roles:
        raise Unprocessable("至少需要一个角色", code="roles_required")
    centered = {Role.inspector, Role.center_manager}
    if center_id is None and not centered.isdisjoint(roles):
        raise Unprocessable("巡检员和中心负责人必须属于一个中心", code="center_required")


def create_user(session: Session, *, group_id: int, username: str, display_name: str,
                password: str, roles: Iterable[Role], center_id: int | None = None,
                phone: str | None = None, center_limit: Iterable[int] | None = None) -> User:
    username = normalise_username(username)
    roles = set(roles)
    _check_center(session, group_id, center_id)
    _check_roles(roles, center_id)
    check_password_policy(password, username=username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("用户名已存在", code="username_taken", details={"username": username})
    user = User(group_id=group_id, username=username, display_name=display_name, phone=phone,
                center_id=center_id, password_hash=hash_password(password),
                center_limit=check_center_limit(session, group_id, center_limit),
                password_changed_at=utcnow(),
                role_rows=[UserRole(role=role) for role in sorted(roles)])
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # a concurrent create of the same username
        raise Conflict("用户名已存在", code="username_taken",
                       details={"username": username}) from exc
    return user


def add_user(session: Session, actor: User | None, group_id: int, **fields: Any) -> User:
    """:func:`create_user`, recorded: by an administrator, or by the system (``actor`` None) from
    the command line. Seeding (the demo, tests) creates users unrecorded."""
    user = create_user(session, group_id=group_id, **fields)
    audit.record(session, actor=actor, action="user.create", object_type="user",
                 object_id=user.id, group_id=group_id,
                 summary={"after": audit.snapshot(user, AUDITED_FIELDS)})
    return user


def get_user_in_group(session: Session, admin: User, user_id: int) -> User:
    """A person of the admin's group (an API key's service user is managed as its key)."""
    user = session.get(User, user_id)
    if user is None or user.group_id != admin.group_id or user.is_integration:
        raise NotFound(details={"user_id": user_id})
    return user


def update_user(session: Session, admin: User, user_id: int, changes: Mapping[str, Any]) -> User:
    """Apply an administrator's PATCH: only the fields present in ``changes`` (``phone`` None or
    "" clears it, ``center_id`` None removes the center). Disabling a user logs them out."""
    user = get_user_in_group(session, admin, user_id)
    if user.id == admin.id:
        _check_not_locking_out_self(changes.get("is_active"), changes.get("roles"))
    before = audit.snapshot(user, AUDITED_FIELDS)
    if "display_name" in changes:
        user.display_name = changes["display_name"]
    if "phone" in changes:
        user.phone = changes["phone"] or None
    if "center_id" in changes and changes["center_id"] != user.center_id:
        _check_center(session, user.group_id, changes["center_id"])
        user.center_id = changes["center_id"]
    if "center_limit" in changes:
        user.center_limit = check_center_limit(session, user.group_id, changes["center_limit"])
    roles = changes.get("roles")
    new_roles = set(roles) if roles is not None else set(user.roles)
    _check_roles(new_roles, user.center_id)
    if roles is not None:
        user.role_rows = [UserRole(role=role) for role in sorted(new_roles)]
    is_active = changes.get("is_active")
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        if not is_active:
            revoke_all_tokens(session, user)
    session.flush()
    audit.record(session, actor=admin, action="user.update", object_type="user",
                 object_id=user.id,
                 summary=audit.changes(before, audit.snapshot(user, AUDITED_FIELDS)))
    return user


def _check_not_locking_out_self(is_active: bool | None, roles: Iterable[Role] | None) -> None:
    """An administrator may not disable themselves or drop their own admin role: the group
    could be left without anyone able to manage accounts."""
    if is_active is False or (roles is not None and Role.admin not in set(roles)):
        raise Conflict("不能停用自己或移除自己的管理员角色", code="cannot_lock_out_self")


def change_password(session: Session, settings: Settings, user: User, current: str, new: str,
                    keep_token_id: int | None) -> None:
    """Change one's own password; every other session of the user is logged out.

    A stolen token must not give unlimited guesses of the password: wrong current passwords
    count on the user's login throttle, so guesses here and at the login share one budget."""
    now = utcnow()
    key = username_hmac(settings, user.username)
    throttle = _throttle_row(session, key)
    try:
        _check_not_locked(throttle, now, PasswordCheckLocked)
    except PasswordCheckLocked:
        _audit_password_check_failure(session, user, "locked")
        raise
    if not verify_password(current, user.password_hash):
        _record_failure(session, throttle, key, settings, now)
        _audit_password_check_failure(session, user, "wrong_password")
        raise WrongCurrentPassword()
    if current == new:
        raise Unprocessable("新密码不能与当前密码相同", code="weak_password",
                            details={"reason": "unchanged"})
    check_password_policy(new, username=user.username)
    if throttle is not None:
        session.delete(throttle)
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    revoke_all_tokens(session, user, except_token_id=keep_token_id)
    session.flush()
    audit.record(session, actor=user, action="user.password_change", object_type="user",
                 object_id=user.id)


def _audit_password_check_failure(session: Session, user: User, reason: str) -> None:
    audit.record(session, actor=user, action="user.password_change_failed", object_type="user",
                 object_id=user.id, summary={"reason": reason})


def reset_password(session: Session, admin: User, user_id: int, new: str | None = None) -> str:
    """An administrator sets a new password, or without ``new`` a one-time password that the
    next login must replace (backend/accounts/onetime.py); all the user's sessions end.
    Returns the password (a one-time one is shown to the administrator once)."""
    user = get_user_in_group(session, admin, user_id)
    user.must_change_password = new is None
    if new is None:
        new = onetime.generate()
    else:
        check_password_policy(new, username=user.username)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    revoke_all_tokens(session, user)
    session.flush()
    audit.record(session, actor=admin, action="user.password_reset", object_type="user",
                 object_id=user.id, summary={"one_time": user.must_change_password})
    return new
