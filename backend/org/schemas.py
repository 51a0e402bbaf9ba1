from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
BuildingHeight = Annotated[float, Field(ge=0, le=1000)]  # stored to 0.1 m
HEIGHT = ("the building's height in metres (建筑高度), where it changes a limit: railings, "
          "high-rise fire rules")
LARGE_SPAN = "it has a large-span roof (大跨度屋盖: sports halls, canteens): checked for snow load"

SHORT_CODE = "short code: lower-case letters, digits, `_`, `-`; unique in the group"
SITE_CODE = "the code printed on the site's QR label: unique, never changes"
CENTER_ACTIVE = "false: deactivated, no new inspections or hazards at its sites, no new users"
CAMPUS_ACTIVE = "false: deactivated, no new inspections or hazards at its sites"
SITE_ACTIVE = "false: deactivated, no new inspections or hazards"


class CenterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str = Field(description=SHORT_CODE)
    name: str = Field(description="e.g. 饮食服务中心")
    kind: CenterKind = Field(description="line of work (中心类型)")
    is_active: bool = Field(description=CENTER_ACTIVE)


class CenterIn(BaseModel):
    """A center (中心): a department of the logistics group that runs sites."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "campus-service", "name": "校园服务中心", "kind": "campus_service"}]})

    code: Code = Field(description=SHORT_CODE)
    name: Name = Field(description="unique in the group")
    kind: CenterKind = Field(description="line of work (中心类型)")


class CenterPatch(BaseModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "校园综合服务中心", "is_active": True}]})

    name: Omittable[Name] = Field(default=None, description="unique in the group")
    kind: Omittable[CenterKind] = Field(default=None, description="line of work (中心类型)")
    is_active: Omittable[bool] = Field(default=None, description=CENTER_ACTIVE)


class CampusOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str = Field(description=SHORT_CODE)
    name: str = Field(description="e.g. 将军路校区")
    is_active: bool = Field(description=CAMPUS_ACTIVE)


class CampusIn(BaseModel):
    """A campus (校区)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "jjl", "name": "将军路校区"}]})

    code: Code = Field(description=SHORT_CODE)
    name: Name = Field(description="unique in the group")


class CampusPatch(BaseModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "将军路校区（江宁）", "is_active": True}]})

    name: Omittable[Name] = Field(default=None, description="unique in the group")
    is_active: Omittable[bool] = Field(default=None, description=CAMPUS_ACTIVE)


class SiteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str = Field(description=SITE_CODE)
    name: str = Field(description="e.g. 第一食堂后厨")
    kind: SiteKind = Field(description="what the place is (点位类型)")
    campus_id: int = Field(description="the campus (校区) it is on")
    center_id: int = Field(description="the center (中心) responsible for it")
    location: str | None = Field(description="where to find it")
    building_height_m: float | None = Field(description=HEIGHT)
    large_span_roof: bool = Field(description=LARGE_SPAN)
    is_active: bool = Field(description=SITE_ACTIVE)
    created_at: datetime


class SiteIn(BaseModel):
    """A site (点位): a place that is patrolled, labelled with a QR code."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "第一食堂后厨", "kind": "canteen", "campus_id": 1, "center_id": 1,
        "location": "第一食堂一楼西侧", "code": "MGG-C1-KIT"}]})

    name: SiteName = Field(description="what people call the place")
    kind: SiteKind = Field(description="what the place is (点位类型)")
    campus_id: DbId = Field(description="the campus (校区) it is on")
    center_id: DbId = Field(description="the center (中心) responsible for it")
    location: Location | None = Field(default=None, description="where to find it")
    building_height_m: BuildingHeight | None = Field(default=None, description=HEIGHT)
    large_span_roof: bool = Field(default=False, description=LARGE_SPAN)
    code: SiteCode | None = Field(
        default=None, description=f"{SITE_CODE}: 4-32 letters, digits or `-`, stored in upper "
        "case; omit to have one generated")


class SitePatch(BaseModel):
    """Only the fields sent are changed; ``location: null`` removes the location."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "第一食堂后厨（含面点间）", "location": "第一食堂一楼西侧", "is_active": True}]})

    name: Omittable[SiteName] = Field(default=None, description="what people call the place")
    kind: Omittable[SiteKind] = Field(default=None, description="what the place is (点位类型)")
    campus_id: Omittable[DbId] = Field(default=None, description="the campus (校区) it is on")
    center_id: Omittable[DbId] = Field(default=None,
                                       description="the center (中心) responsible for it")
    location: Location | None = Field(default=None,
                                      description="where to find it; null removes it")
    building_height_m: BuildingHeight | None = Field(default=None,
                                                     description=f"{HEIGHT}; null removes it")
    large_span_roof: Omittable[bool] = Field(default=None, description=LARGE_SPAN)
    is_active: Omittable[bool] = Field(default=None, description=SITE_ACTIVE)


class SiteLabelOut(BaseModel):
    """What one printed label shows: the same text and QR as the sheets of ``labels.pdf``."""

    site_id: int
    name: str = Field(description="the site's name")
    campus: str = Field(description="its campus's name")
    center: str = Field(description="its center's name")
    code: str = Field(description=SITE_CODE)
    checkin_url: str = Field(description="the site's check-in link, which the QR holds")
    qr_svg: str = Field(description="the QR of `checkin_url` as an SVG `data:` URI (error "
                                    "correction M, 4 modules of quiet zone, no fixed size)")
