"""API keys (machine credentials, like ODK Central's app users): created by an administrator
for a named integration with explicit scopes, optionally limited to some centers and with an
expiry, revocable. The secret (``anx_`` + 43 random URL-safe characters) is returned once and
kept only as its SHA-256: a 256-bit random secret needs no slow hash.

A key acts through its own service user (``User.is_integration``): a leader (reads every
center) or, holding a write scope, 质监办 (reports at any center's sites), with the key's
centers as its ``center_limit``. Every role check, the one scoping helper and the audit log
(the key's name in the actor label) then treat it as they treat people; its scopes decide which
operations it reaches (:mod:`backend.accounts.scopes`). It never logs in with a password, so
no username lockout applies to it."""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session, contains_eager

from backend import audit
from backend.accounts.models import ApiKey, User, UserRole
from backend.accounts.passwords import hash_password
from backend.accounts.scopes import WRITE_SCOPES, Scope
from backend.accounts.service import check_center_limit, token_digest
from backend.clock import utcnow
from backend.errors import NotFound, Unprocessable
from backend.vocab import Role

SECRET_PREFIX = "anx_"
SHOWN_PREFIX = 12  # "anx_" and 8 characters: enough to recognise a key in a list
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    message = "API 密钥不存在"


class ApiKeyExpiryInvalid(Unprocessable):
    code = "api_key_expiry_invalid"
    message = "API 密钥的有效期必须晚于当前时间"


def is_key_secret(token: str) -> bool:
    return token.startswith(SECRET_PREFIX)


def key_status(key: ApiKey, now: datetime | None = None) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= (now or utcnow()):
        return "expired"
    return "active"


def service_roles(scopes: Iterable[str]) -> list[Role]:
    """The service user's one role: 质监办 when the key writes (reports hazards and uploads
    their photos at any center's sites, within its center limit), else a leader (reads)."""
    return [Role.qa_officer if WRITE_SCOPES.intersection(scopes) else Role.leader]


def create_key(session: Session, admin: User, *, name: str, scopes: list[Scope],
               center_ids: list[int] | None, expires_at: datetime | None,
               rate_limit_per_minute: int | None) -> tuple[ApiKey, str]:
    """A new key and its secret (shown once)."""
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise ApiKeyExpiryInvalid(details={"expires_at": expires_at})
    limit = check_center_limit(session, admin.group_id, center_ids)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    prefix = secret[:SHOWN_PREFIX]
    held = sorted(set(scopes))
    user = User(group_id=admin.group_id, username=f"key:{prefix[len(SECRET_PREFIX):]}:{name}"[:64],
                display_name=name, password_hash=hash_password(secrets.token_urlsafe(32)),
                is_integration=True, center_limit=limit,
                role_rows=[UserRole(role=role) for role in service_roles(held)])
    key = ApiKey(group_id=admin.group_id, user=user, name=name, prefix=prefix,
                 secret_hash=token_digest(secret), scopes=[str(s) for s in held],
                 rate_limit_per_minute=rate_limit_per_minute, expires_at=expires_at,
                 created_by_id=admin.id, created_at=now)
    session.add(key)
    session.flush()
    audit.record(session, actor=admin, action="api_key.create", object_type="api_key",
                 object_id=key.id, summary={"after": {
                     "name": name, "prefix": prefix, "scopes": key.scopes, "center_ids": limit,
                     "expires_at": expires_at, "rate_limit_per_minute": rate_limit_per_minute}})
    return key, secret


def keys_of_group(group_id: int):  # noqa: ANN201 - a Select
    return select(ApiKey).where(ApiKey.group_id == group_id)


def get_key(session: Session, admin: User, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or key.group_id != admin.group_id:
        raise ApiKeyNotFound(details={"key_id": key_id})
    return key


def revoke_key(session: Session, admin: User, key_id: int) -> ApiKey:
    """Revoke a key at once (its next request is 401); revoking again changes nothing."""
    key = session.get(ApiKey, key_id, with_for_update=True)
    if key is None or key.group_id != admin.group_id:
        raise ApiKeyNotFound(details={"key_id": key_id})
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        key.user.is_active = False
        session.flush()
        audit.record(session, actor=admin, action="api_key.revoke", object_type="api_key",
                     object_id=key.id, summary={"name": key.name, "prefix": key.prefix})
    return key


# built once, like the token lookup (accounts.service._TOKEN_OWNER)
_KEY_OWNER = (select(ApiKey)
              .join(User, User.id == ApiKey.user_id)
              .where(ApiKey.secret_hash == bindparam("secret_hash"),
                     ApiKey.revoked_at.is_(None),
                     or_(ApiKey.expires_at.is_(None),
                         ApiKey.expires_at > bindparam("now", type_=ApiKey.expires_at.type)),
                     User.is_active.is_(True))
              .options(contains_eager(ApiKey.user).joinedload(User.role_rows)))


def key_for_secret(session: Session, secret: str) -> ApiKey | None:
    """The usable key of a secret: not revoked, not expired, its service user active."""
    return session.execute(_KEY_OWNER, {"secret_hash": token_digest(secret),
                                        "now": utcnow()}).unique().scalar_one_or_none()


def note_use(session: Session, key: ApiKey) -> bool:
    """Record that the key was used now, at most once a ``LAST_USED_RESOLUTION`` per key
    across every worker (a conditional UPDATE), not a write per request. True when written."""
    now = utcnow()
    stale = now - LAST_USED_RESOLUTION
    if key.last_used_at is not None and key.last_used_at > stale:
        return False
    result = session.execute(
        update(ApiKey).where(ApiKey.id == key.id, or_(ApiKey.last_used_at.is_(None),
                                                      ApiKey.last_used_at <= stale))
        .values(last_used_at=now).execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]

