from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from backend.hazards.workflow import Status
from backend.vocab import Grade


class EscalatedHazardOut(BaseModel):
    """The escalated hazard as it is now (it may have been closed or given a new deadline)."""

    title: str
    status: Status
    grade: Grade
    deadline: date | None = Field(description="its deadline now")
    is_overdue: bool = Field(description="still overdue now (deadline passed, still open)")
    overdue_days: int = Field(description="days overdue now; 0 when not overdue")


class EscalationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    object_type: str = Field(description="what is overdue: `hazard`")
    object_id: int
    center_id: int
    level: int = Field(description="1: the center's managers were told; 2: 质监办 was told")
    due_on: date = Field(description="the deadline that passed")
    days_overdue: int = Field(description="days past the deadline when escalated")
    title: str = Field(description="the object's title when escalated")
    created_at: datetime
    hazard: EscalatedHazardOut
