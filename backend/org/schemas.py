from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from backend.schemas_base import Omittable
from backend.types import DbId
from backend.vocab import CenterKind, SiteKind

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                                        pattern=r"^[a-z0-9_-]+$")]
SiteCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=4,
                                            max_length=32, pattern=r"^[A-Za-z0-9-]+$")]
SiteName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
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
    name: Omittable[Name] = None
    kind: Omittable[CenterKind] = None
    is_active: Omittable[bool] = None


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
    name: Omittable[Name] = None
    is_active: Omittable[bool] = None


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
    name: SiteName
    kind: SiteKind
    campus_id: DbId
    center_id: DbId
    location: Location | None = None
    code: SiteCode | None = None


class SitePatch(BaseModel):
    """Only the fields sent are changed; ``location: null`` removes the location."""

    name: Omittable[SiteName] = None
    kind: Omittable[SiteKind] = None
    campus_id: Omittable[DbId] = None
    center_id: Omittable[DbId] = None
    location: Location | None = None
    is_active: Omittable[bool] = None
