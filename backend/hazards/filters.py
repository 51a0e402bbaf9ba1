"""The hazard list's filters, one dependency shared by everything that reads "the hazards the
list would show": the list itself, its aggregates (``GET /hazards/stats``) and the exports, so
a figure, a page and a spreadsheet never disagree about what a filter means."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Select, or_

from backend import clock
from backend.accounts.models import User
from backend.hazards import service
from backend.hazards.models import Hazard
from backend.hazards.workflow import Action, PublicAction, Status
from backend.types import UPDATED_SINCE, Day, DbId, Timestamp
from backend.vocab import Category, Grade, HazardSource


@dataclass(frozen=True)
class HazardFilters:
    status: list[Status] | None = None
    center_id: list[int] | None = None
    campus_id: int | None = None
    site_id: int | None = None
    category: list[Category] | None = None
    grade: list[Grade] | None = None
    source: HazardSource | None = None
    assignee_id: int | None = None
    overdue: bool | None = None
    created_from: date | None = None
    created_to: date | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    q: str | None = None
    can: Action | None = None
    updated_since: datetime | None = None

    def statement(self, user: User) -> Select[Any]:
        """The hazards ``user`` may read (the one scoping helper) that match every filter."""
        stmt = service.readable_hazards(user)
        if self.can is not None:
            stmt = stmt.where(service.actionable(user, self.can))
        any_of: dict[Any, list[Any] | None] = {
            Hazard.status: self.status, Hazard.center_id: self.center_id,
            Hazard.category: self.category, Hazard.grade: self.grade}
        for column, values in any_of.items():
            if values:
                stmt = stmt.where(column.in_(values))
        exact = {Hazard.campus_id: self.campus_id, Hazard.site_id: self.site_id,
                 Hazard.source: self.source, Hazard.assignee_id: self.assignee_id}
        for column, value in exact.items():
            if value is not None:
                stmt = stmt.where(column == value)
        if self.overdue is not None:
            clause = service.overdue_clause(clock.today())
            stmt = stmt.where(clause if self.overdue else ~clause)
        if self.created_from:
            stmt = stmt.where(Hazard.created_at >= clock.day_start(self.created_from))
        if self.created_to:
            stmt = stmt.where(Hazard.created_at < clock.day_start(self.created_to, plus_days=1))
        if self.deadline_from:
            stmt = stmt.where(Hazard.deadline >= self.deadline_from)
        if self.deadline_to:
            stmt = stmt.where(Hazard.deadline <= self.deadline_to)
        if self.q:
            stmt = stmt.where(or_(Hazard.title.contains(self.q, autoescape=True),
                                  Hazard.description.contains(self.q, autoescape=True)))
        if self.updated_since is not None:
            stmt = stmt.where(Hazard.updated_at >= self.updated_since)
        return stmt


async def hazard_filters(  # async and trivial: no thread-pool hop for the hot list
    status_: Annotated[list[Status] | None, Query(alias="status", description="any of")] = None,
    center_id: Annotated[list[DbId] | None, Query(description="any of")] = None,
    campus_id: Annotated[DbId | None, Query(description="campus")] = None,
    site_id: Annotated[DbId | None, Query(description="site")] = None,
    category: Annotated[list[Category] | None, Query(description="any of")] = None,
    grade: Annotated[list[Grade] | None, Query(description="any of")] = None,
    source: Annotated[HazardSource | None, Query(description="how it was found")] = None,
    assignee_id: Annotated[DbId | None, Query(description="责任人")] = None,
    overdue: Annotated[bool | None, Query(description="deadline passed, still open")] = None,
    created_from: Annotated[Day | None, Query(description="reported on or after (Asia/Shanghai)")]
    = None,
    created_to: Annotated[Day | None, Query(description="reported on or before")] = None,
    deadline_from: Annotated[Day | None, Query(description="deadline on or after")] = None,
    deadline_to: Annotated[Day | None, Query(description="deadline on or before")] = None,
    q: Annotated[str | None, Query(max_length=100, description="in title or description")] = None,
    can: Annotated[PublicAction | None, Query(
        description="only hazards on which the caller may take this action now (exactly "
                    "those whose `allowed_actions` include it): `assign` is 待我指派, "
                    "`verify` 待我验收")] = None,
    updated_since: Annotated[Timestamp | None, Query(description=UPDATED_SINCE)] = None,
) -> HazardFilters:
    return HazardFilters(status_, center_id, campus_id, site_id, category, grade, source,
                         assignee_id, overdue, created_from, created_to, deadline_from,
                         deadline_to, q, Action(can) if can else None, updated_since)


HazardFiltersDep = Annotated[HazardFilters, Depends(hazard_filters)]
