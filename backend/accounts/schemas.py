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


class LoginIn(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Password


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    phone: str | None
    center_id: int | None
    roles: list[Role]
    is_active: bool
    created_at: datetime


class LoginOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserOut


class PasswordChangeIn(BaseModel):
    current_password: Password
    new_password: Password


class UserCreateIn(BaseModel):
    username: Username
    display_name: DisplayName
    password: Password
    roles: Roles
    center_id: DbId | None = None
    phone: Phone | None = None


class UserUpdateIn(BaseModel):
    """Only the fields sent are changed; ``center_id: null`` removes the center, ``phone: null``
    (or "") the phone."""

    display_name: Omittable[DisplayName] = None
    phone: Phone | None = None
    center_id: DbId | None = None
    roles: Omittable[Roles] = None
    is_active: Omittable[bool] = None


class PasswordResetIn(BaseModel):
    new_password: Password


class MemberOut(BaseModel):
    """A colleague, as a manager picking an assignee sees them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    display_name: str
    roles: list[Role]
