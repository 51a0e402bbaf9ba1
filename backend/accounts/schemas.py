from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.schemas_base import Omittable
from backend.types import DbId
from backend.vocab import Role

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=64,
                           pattern=r"^[a-zA-Z0-9_.-]+$")
]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Password = Annotated[str, Field(min_length=1, max_length=128)]
Phone = Annotated[str, Field(max_length=32)]
Roles = Annotated[list[Role], Field(min_length=1)]

PASSWORD_POLICY = ("at least 8 characters, not a common or easily guessed one "
                   "(else 422 `weak_password`)")


class LoginIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "username": "canteen_inspector1", "password": "Lantern-Maple-93"}]})

    username: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="login name (case-insensitive)")
    password: Password


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
