from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, TimestampMixin
from backend.vocab import Role


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime | None]
    # the password is a one-time one an administrator was shown: the next login replaces it
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # the service user an API key acts through: never logs in with a password, receives no
    # notifications, is managed under /api-keys (backend/accounts/apikeys.py)
    is_integration: Mapped[bool] = mapped_column(default=False)
    # None: every center the roles allow; else only these centers' objects (a leader of one
    # center, a key for one canteen's sensors). A JSON list on the row, not a table: the token
    # lookup of every request reads it without another join, and centers are never deleted
    center_limit: Mapped[list[int] | None] = mapped_column(JSON)

    role_rows: Mapped[list["UserRole"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="UserRole.role"
    )

    @property
    def roles(self) -> list[Role]:
        return sorted(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return any(row.role in roles for row in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(primary_key=True)


class AuthToken(Base):
    """An opaque bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(300))


class LoginThrottle(Base):
    """Failed password checks per username (logins, and the current-password check of a password
    change), whether or not the account exists, so that a lockout does not reveal which usernames
    are real.

    Keyed by a keyed hash of the normalised username: a row has the same small size whatever was
    typed, and keeps no typed text (which may be a password typed into the username box). Rows
    whose window and lockout are over are purged when a failure is written."""

    __tablename__ = "login_throttle"

    username_hmac: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(index=True)
    locked_until: Mapped[datetime | None]


class ApiKey(Base):
    """A machine credential of a named integration: it acts through its service user
    (``user``: roles from its scopes, ``center_limit`` its centers), so every role check and
    the one scoping helper apply to it; its scopes decide which operations it may call
    (backend/accounts/scopes.py). Only the SHA-256 of the secret is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(16))  # the secret's first characters, shown
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    rate_limit_per_minute: Mapped[int | None]  # None: the setting's
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
