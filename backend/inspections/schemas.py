from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.idempotency import ClientId
from backend.inspections.models import (
    AnswerResult,
    CheckinMethod,
    InspectionKind,
    InspectionStatus,
)
from backend.photos.schemas import PhotoOut
from backend.schemas_base import Strict
from backend.types import DbId, Timestamp

Note = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=1000)]


class GPSIn(Strict):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class InspectionCreateIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "client_id": "5d0c7f1e-2b1a-4c3d-8e9f-0a1b2c3d4e5f", "module_id": 3,
        "module_version_id": 3, "site_id": 12, "kind": "routine", "checkin_method": "qr",
        "started_at": "2026-12-01T08:05:00+08:00"}]})

    client_id: ClientId | None = Field(
        default=None, description="the phone's UUID for this inspection: a retry returns it")
    module_id: DbId
    module_version_id: DbId | None = Field(
        default=None, description="the version the phone's checklist was built from (default: "
        "the current one), so answers captured offline match its items")
    site_id: DbId
    kind: InspectionKind = InspectionKind.routine
    checkin_method: CheckinMethod | None = None
    gps: GPSIn | None = None
    started_at: Timestamp | None = Field(default=None, description="the phone's start time")
    note: Note = None


class AnswerIn(Strict):
    item_id: DbId
    result: AnswerResult | None = None
    value: Annotated[Decimal | None, Field(ge=-1e9, le=1e9, max_digits=14, decimal_places=4)] = None
    text: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=500)] = None
    note: Note = None
    photo_ids: Annotated[list[DbId], Field(max_length=10)] = Field(default_factory=list)
    fixed_on_spot: bool = False
    after_photo_ids: Annotated[list[DbId], Field(max_length=10)] = Field(default_factory=list)


class AnswersIn(Strict):
    """Answers to save (merged by item; items not listed keep their saved answer)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"answers": [
        {"item_id": 31, "result": "pass"},
        {"item_id": 32, "value": "72.5"},
        {"item_id": 33, "result": "fail", "note": "灭火器压力不足", "photo_ids": [41]},
        {"item_id": 34, "result": "fail", "note": "已当场清理", "photo_ids": [42],
         "fixed_on_spot": True, "after_photo_ids": [43]}]}]})

    answers: Annotated[list[AnswerIn], Field(max_length=200)]
    note: Note = None


class AnswerOut(BaseModel):
    item_id: int
    result: AnswerResult | None
    value: Decimal | None
    text: str | None
    note: str | None
    fixed_on_spot: bool
    photos: list[PhotoOut]
    after_photos: list[PhotoOut]


class Progress(BaseModel):
    answered: int
    total: int
    failed: int


class InspectionOut(BaseModel):
    id: int
    client_id: str | None
    module_id: int
    module_version_id: int
    module_name: str
    module_version: int
    site_id: int
    center_id: int
    campus_id: int
    inspector_id: int
    kind: InspectionKind
    status: InspectionStatus
    note: str | None
    checkin_method: CheckinMethod | None
    gps: GPSIn | None
    started_at: datetime | None
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="bumped by every change; the `ETag` of GET /inspections/{id}")
    progress: Progress
    hazard_ids: list[int]


class InspectionDetailOut(InspectionOut):
    answers: list[AnswerOut]
