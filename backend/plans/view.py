"""A task as it is listed: a written row, or one computed ahead from its plan (``id`` None),
with its plan's and site's names."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.inspections.models import InspectionKind
from backend.plans.models import PatrolTask, TaskState

WRITTEN = tuple(c.key for c in PatrolTask.__table__.columns
                if c.key not in ("id", "missed_at", "created_at", "updated_at"))


@dataclass(slots=True)
class TaskView:
    id: int | None
    plan_id: int
    plan_name: str
    site_id: int
    site_name: str
    center_id: int
    module_id: int
    kind: InspectionKind
    due_on: date
    window_start_at: datetime
    window_end_at: datetime
    assignee_ids: list[int]
    state: TaskState
    inspection_id: int | None
    done_at: datetime | None

    def row(self) -> dict[str, Any]:
        """The ``patrol_tasks`` columns it is written with."""
        return {name: getattr(self, name) for name in WRITTEN}

    def order(self) -> tuple[datetime, int, int]:
        return self.window_start_at, self.plan_id, self.site_id
