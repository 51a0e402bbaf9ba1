from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.hazards.models import HazardSource
from backend.hazards.workflow import Action, Status
from backend.photos.schemas import PhotoOut
from backend.types import DbId
from backend.vocab import Category, Grade

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text2000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]
ClientId = Annotated[str, StringConstraints(
    pattern=r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
PhotoIds = Annotated[list[DbId], Field(min_length=1, max_length=20)]
Money = Annotated[Decimal, Field(ge=0, le=100_000, max_digits=12, decimal_places=4)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HazardCreateIn(Strict):
    """An ad-hoc report (随手拍)."""

    client_id: ClientId | None = None
    title: Text200
    description: Annotated[str | None, StringConstraints(strip_whitespace=True,
                                                         max_length=2000)] = None
    site_id: DbId
    category: Category
    grade: Grade = Grade.general
    source: HazardSource = HazardSource.adhoc
    photo_ids: PhotoIds
    captured_at: datetime | None = Field(default=None, description="the phone's time of capture")


class AssignIn(Strict):
    assignee_id: DbId | None = None
    measures: Text2000 | None = None
    cost_estimate: Money | None = Field(default=None, description="万元")
    deadline: date | None = None
    interim_measures: Text2000 | None = None
    rechecker_id: DbId | None = None
    comment: Annotated[str | None, StringConstraints(max_length=2000)] = None


class SubmitIn(Strict):
    description: Text2000
    photo_ids: PhotoIds


class ReasonIn(Strict):
    reason: Reason


class ExtensionIn(Strict):
    deadline: date
    reason: Reason


class CommentIn(Strict):
    comment: Annotated[str | None, StringConstraints(max_length=2000)] = None


ACTION_BODIES: dict[Action, type[Strict]] = {
    Action.assign: AssignIn,
    Action.submit: SubmitIn,
    Action.verify: CommentIn,
    Action.reject: ReasonIn,
    Action.cancel: ReasonIn,
    Action.request_extension: ExtensionIn,
    Action.approve_extension: CommentIn,
    Action.deny_extension: CommentIn,
    Action.reopen: ReasonIn,
}


class EventOut(BaseModel):
    seq: int
    action: str
    actor_id: int | None
    actor_name: str | None
    at: datetime
    from_status: Status | None
    to_status: Status | None
    comment: str | None
    changes: dict[str, Any]
    photos: list[PhotoOut]


class HazardOut(BaseModel):
    id: int
    client_id: str | None
    title: str
    description: str | None
    site_id: int
    site_name: str
    center_id: int
    campus_id: int
    category: Category
    grade: Grade
    source: HazardSource
    status: Status
    photos: list[PhotoOut]
    rectification_photos: list[PhotoOut]
    reporter_id: int
    reporter_name: str
    assignee_id: int | None
    assignee_name: str | None
    measures: str | None
    cost_estimate: Decimal | None = Field(description="万元")
    deadline: date | None
    interim_measures: str | None
    rechecker_id: int | None
    extension_deadline: date | None
    extension_reason: str | None
    rectification: str | None
    submitted_by_id: int | None
    verifier_id: int | None
    inspection_id: int | None
    item_id: int | None
    is_overdue: bool
    overdue_days: int
    closed_late: bool
    fixed_on_spot: bool
    cancel_reason: str | None
    photo_time_suspect: bool = Field(
        description="a before-photo's EXIF time is far from the report (or missing)")
    allowed_actions: list[Action]
    version: int
    captured_at: datetime | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class HazardDetailOut(HazardOut):
    timeline: list[EventOut]
