from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.accounts.scopes import Scope
from backend.schemas_base import Omittable, Strict
from backend.types import DbId, Timestamp
from backend.vocab import Role

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=64,
                           pattern=r"^[a-zA-Z0-9_.-]+$")
]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Password = Annotated[str, Field(min_length=1, max_length=128)]
Phone = Annotated[str, Field(max_length=32)]
Roles = Annotated[list[Role], Field(min_length=1)]
CenterLimit = Annotated[list[DbId], Field(min_length=1, max_length=100)]
CENTER_LIMIT_DOC = ("limit what the user reads to these centers (ids of the group, else 422 "
                    "`unknown_center`): a leader of one center; other centers' objects answer "
                    "404")

PASSWORD_POLICY = ("at least 8 characters, not a common or easily guessed one "
                   "(else 422 `weak_password`)")


class LoginIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "username": "canteen_inspector1", "password": "Lantern-Maple-93"}]})

    username: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="login name (case-insensitive)")
    password: Password
    new_password: Password | None = Field(
        default=None, description="only with a one-time password (answered 403 "
        f"`password_change_required`): the password that replaces it, {PASSWORD_POLICY}")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str = Field(description="login name, lower case")
    display_name: str = Field(description="name shown to colleagues, e.g. 饮食中心 陈师傅")
    phone: str | None
    center_id: int | None = Field(description="the user's center (中心); null for group-wide "
                                  "roles such as leader or admin")
    roles: list[Role] = Field(description="what the user may do; at least one")
    is_active: bool = Field(description="false: disabled, cannot log in")
    center_limit: list[int] | None = Field(
        default=None, description="only these centers' objects are visible (e.g. a leader of "
                                  "one center); null: every center the roles allow")
    must_change_password: bool = Field(
        default=False, description="an administrator set a one-time password the user has not "
                                   "replaced yet (their next login must)")
    created_at: datetime


class LoginOut(BaseModel):
    access_token: str = Field(description="send as `Authorization: Bearer <token>`")
    token_type: str = "bearer"
    expires_at: datetime = Field(description="when the token stops working")
    user: UserOut


class PasswordChangeIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "current_password": "Lantern-Maple-93", "new_password": "Blue-Teapot-58x"}]})

    current_password: Password = Field(description="the password in use now")
    new_password: Password = Field(description=f"the new password: {PASSWORD_POLICY}")


class UserCreateIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "username": "canteen_inspector3", "display_name": "饮食中心 吴师傅",
        "password": "Qiuyu-Lamp-7421", "roles": ["inspector"], "center_id": 1,
        "phone": "13800000000"}]})

    username: Username = Field(description="login name: letters, digits, `_`, `.`, `-`; "
                               "stored in lower case, unique")
    display_name: DisplayName = Field(description="name shown to colleagues")
    password: Password = Field(description=f"the first password: {PASSWORD_POLICY}")
    roles: Roles = Field(description="at least one; inspector and center_manager need a center")
    center_id: DbId | None = Field(default=None,
                                   description="the user's center (中心), an active one")
    phone: Phone | None = Field(default=None, description="contact phone")
    center_limit: CenterLimit | None = Field(default=None, description=CENTER_LIMIT_DOC)


class UserUpdateIn(BaseModel):
    """Only the fields sent are changed; ``center_id: null`` removes the center, ``phone: null``
    (or "") the phone."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "display_name": "饮食中心 吴师傅", "roles": ["inspector", "center_manager"],
        "center_id": 1, "is_active": True}]})

    display_name: Omittable[DisplayName] = Field(default=None,
                                                 description="name shown to colleagues")
    phone: Phone | None = Field(default=None, description="contact phone; null or \"\" removes it")
    center_id: DbId | None = Field(
        default=None, description="the user's center (中心), an active one; null removes it")
    roles: Omittable[Roles] = Field(default=None, description="replaces all the roles")
    is_active: Omittable[bool] = Field(
        default=None, description="false disables the user and ends their sessions")
    center_limit: CenterLimit | None = Field(
        default=None, description=CENTER_LIMIT_DOC + "; null removes the limit")


class OneTimePasswordOut(BaseModel):
    one_time_password: str = Field(description="shown this once: give it to the user, whose "
                                   "next login must replace it")
    expires_at: datetime = Field(description="unused until then, it no longer logs in")


class PasswordResetIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "new_password": "Blue-Teapot-58x"}]})

    new_password: Password = Field(description=f"the new password: {PASSWORD_POLICY}")


class MemberOut(BaseModel):
    """A colleague, as a manager picking an assignee sees them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    display_name: str
    roles: list[Role]


KeyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class ApiKeyCreateIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "燃气泄漏报警器-第二食堂", "scopes": ["hazards:write", "photos:write"],
        "center_ids": [1], "expires_at": "2027-12-31T16:00:00Z"}]})

    name: KeyName = Field(description="the integration's name: shown as the reporter of what "
                          "it reports and in the audit log")
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(Scope))] = Field(
        description="what the key may call (every operation's scope: /docs, and the README)")
    center_ids: CenterLimit | None = Field(
        default=None, description="only these centers' objects (and sites to report at); "
                                  "null: every center")
    expires_at: Timestamp | None = Field(default=None, description="after this the key is 401; "
                                         "null: until revoked")
    rate_limit_per_minute: Annotated[int, Field(ge=0, le=1_000_000)] | None = Field(
        default=None, description="requests per rate-limit window; null: the server's setting; "
                                  "0: none")


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str = Field(description="the secret's first characters, to recognise it")
    scopes: list[Scope]
    center_ids: list[int] | None = Field(description="the centers it is limited to; null: all")
    status: Literal["active", "revoked", "expired"]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="last request, to the minute")
    rate_limit_per_minute: int | None
    user_id: int = Field(description="the service user it acts as (reporter of its hazards)")
    created_by_id: int | None
    created_at: datetime


class ApiKeyCreatedOut(ApiKeyOut):
    secret: str = Field(description="send as `Authorization: Bearer <secret>`; shown only now, "
                                    "never again (only its hash is kept)")
