from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from backend.notifications.models import NotificationKind


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: NotificationKind
    object_type: str = Field(description="what it is about (`hazard`): the phone opens it")
    object_id: int
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None = Field(description="null while unread")


class UnreadCountOut(BaseModel):
    unread: int


class ReadAllOut(BaseModel):
    marked: int = Field(description="how many were unread and are now read")
