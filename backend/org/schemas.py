from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from backend.types import DbId
from backend.vocab import CenterKind, SiteKind

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                                        pattern=r"^[a-z0-9_-]+$")]
SiteCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=4,
                                            max_length=32, pattern=r"^[A-Za-z0-9-]+$")]
Location = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class CenterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: CenterKind
    is_active: bool


class CenterIn(BaseModel):
    code: Code
    name: Name
    kind: CenterKind


class CenterPatch(BaseModel):
    name: Name | None = None
    kind: CenterKind | None = None
    is_active: bool | None = None


class CampusOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    is_active: bool


class CampusIn(BaseModel):
    code: Code
    name: Name


class CampusPatch(BaseModel):
    name: Name | None = None
    is_active: bool | None = None


class SiteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: SiteKind
    campus_id: int
    center_id: int
    location: str | None
    is_active: bool
    created_at: datetime


class SiteIn(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    kind: SiteKind
    campus_id: DbId
    center_id: DbId
    location: Location | None = None
    code: SiteCode | None = None


class SitePatch(BaseModel):
    name: Annotated[str | None, StringConstraints(strip_whitespace=True, min_length=1,
                                                  max_length=120)] = None
    kind: SiteKind | None = None
    campus_id: DbId | None = None
    center_id: DbId | None = None
    location: Location | None = None
    is_active: bool | None = None
