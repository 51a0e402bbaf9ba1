from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


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
