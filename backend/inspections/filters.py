"""The inspection list's filters, one dependency shared by the list and the exports, so a page
and a spreadsheet never disagree about what a filter means."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Select

from backend import clock
from backend.accounts.models import User
from backend.inspections import service
from backend.inspections.models import Inspection, InspectionKind, InspectionStatus
from backend.types import UPDATED_SINCE, Day, DbId, Timestamp


@dataclass(frozen=True)
class InspectionFilters:
    site_id: int | None = None
    module_id: int | None = None
    inspector_id: int | None = None
    center_id: list[int] | None = None
    kind: list[InspectionKind] | None = None
    status: list[InspectionStatus] | None = None
    created_from: date | None = None
    created_to: date | None = None
    updated_since: datetime | None = None

    def statement(self, user: User) -> Select[Any]:
        """The inspections ``user`` may read (the one scoping helper) matching every filter."""
        stmt = service.readable_inspections(user)
        exact = {Inspection.site_id: self.site_id, Inspection.module_id: self.module_id,
                 Inspection.inspector_id: self.inspector_id}
        for column, value in exact.items():
            if value is not None:
                stmt = stmt.where(column == value)
        any_of: dict[Any, list[Any] | None] = {
            Inspection.center_id: self.center_id, Inspection.kind: self.kind,
            Inspection.status: self.status}
        for column, values in any_of.items():
            if values:
                stmt = stmt.where(column.in_(values))
        if self.created_from:
            stmt = stmt.where(Inspection.created_at >= clock.day_start(self.created_from))
        if self.created_to:
            stmt = stmt.where(Inspection.created_at
                              < clock.day_start(self.created_to, plus_days=1))
        if self.updated_since is not None:
            stmt = stmt.where(Inspection.updated_at >= self.updated_since)
        return stmt


async def inspection_filters(  # async and trivial: no thread-pool hop for the hot list
    site_id: Annotated[DbId | None, Query(description="site")] = None,
    module_id: Annotated[DbId | None, Query(description="patrol module")] = None,
    inspector_id: Annotated[DbId | None, Query(description="who inspected")] = None,
    center_id: Annotated[list[DbId] | None, Query(description="any of")] = None,
    kind: Annotated[list[InspectionKind] | None, Query(description="any of")] = None,
    status_: Annotated[list[InspectionStatus] | None,
                       Query(alias="status", description="any of")] = None,
    created_from: Annotated[Day | None, Query(description="started on or after (Asia/Shanghai)")]
    = None,
    created_to: Annotated[Day | None, Query(description="started on or before")] = None,
    updated_since: Annotated[Timestamp | None, Query(description=UPDATED_SINCE)] = None,
) -> InspectionFilters:
    return InspectionFilters(site_id, module_id, inspector_id, center_id, kind, status_,
                             created_from, created_to, updated_since)


InspectionFiltersDep = Annotated[InspectionFilters, Depends(inspection_filters)]
