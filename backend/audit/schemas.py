from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str
    summary: dict[str, Any]
    prev_hash: str
    hash: str
