"""The hazard list's filters, one dependency shared by everything that reads "the hazards the
list would show": the list itself, its aggregates (``GET /hazards/stats``) and the exports, so
a figure, a page and a spreadsheet never disagree about what a filter means."""

import functools
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Select, bindparam, or_

from backend import clock
from backend.accounts.models import User
from backend.hazards import service
from backend.hazards.models import Hazard
from backend.hazards.workflow import Action, PublicAction, Status
from backend.types import UPDATED_SINCE, Day, DbId, Timestamp
from backend.vocab import Category, Grade, HazardSource, Role


@dataclass(frozen=True)
class BoundUser:
    """A user for :func:`service.readable_hazards` and :func:`service.actionable` whose id,
    group, center and center limit are bound at execution: what the statements read of the
    user beyond these is their roles, and whether they have a center and a limit."""

    roles: frozenset[Role]
    has_center: bool
    limited: bool
    username: str = field(default="", compare=False)
    id: Any = field(default=bindparam("user_id"), compare=False)
    group_id: Any = field(default=bindparam("user_group_id"), compare=False)

    @property
    def center_id(self) -> Any:
        return bindparam("user_center_id") if self.has_center else None

    @property
    def center_limit(self) -> Any:
        return bindparam("user_center_limit", expanding=True) if self.limited else None

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @classmethod
    def of(cls, user: User) -> "BoundUser":
        return cls(frozenset(user.roles), user.center_id is not None,
                   user.center_limit is not None)

    @staticmethod
    def params(user: User) -> dict[str, Any]:
        return {"user_id": user.id, "user_group_id": user.group_id,
                "user_center_id": user.center_id, "user_center_limit": user.center_limit}


Shape = tuple[Any, ...]
ANY_OF = ("status", "center_id", "category", "grade")  # the filters taking several values
# statements kept: a few dozen shapes are in use; bounded, as a client chooses the filters
SHAPES = 512
LIKE_ESCAPE = "/"


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
        return self.bound(self.shape(user)).params(self.params(user))

    def shape(self, user: User) -> Shape:
        """What :meth:`bound`'s statement depends on: which filters are set (the overdue one's
        value), the action asked for and the user's :class:`BoundUser`."""
        present = tuple(f.name for f in fields(self)
                        if getattr(self, f.name) not in (None, [], "") and f.name != "overdue")
        single = tuple(name for name in ANY_OF if len(getattr(self, name) or ()) == 1)
        return present, single, self.overdue, self.can, BoundUser.of(user)

    def params(self, user: User) -> dict[str, Any]:
        """The values :meth:`bound`'s statement takes for these filters and ``user``."""
        values: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        values |= BoundUser.params(user)
        for name in ANY_OF:
            if len(values[name] or ()) == 1:
                values[name] = values[name][0]
        values["today"] = clock.today()
        if self.created_from:
            values["created_from"] = clock.day_start(self.created_from)
        if self.created_to:
            values["created_to"] = clock.day_start(self.created_to, plus_days=1)
        if self.q:  # what autoescape=True would do to a literal
            values["q"] = self.q.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2) \
                .replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
        return values

    @staticmethod
    @functools.lru_cache(maxsize=SHAPES)
    def bound(shape: Shape) -> Select[Any]:
        """The filtered statement of a shape, its values bound at execution (:meth:`params`):
        built once: building it on each request, and SQLAlchemy keying a new statement and
        matching its columns to the cached compilation, was a third of the hazard list's
        in-process time (profiled, bench/hazards.py)."""
        present, single, overdue, can, user = shape
        stmt = service.readable_hazards(user)
        if can is not None:
            stmt = stmt.where(service.actionable(user, can))
        any_of: tuple[Any, ...] = (Hazard.status, Hazard.center_id, Hazard.category,
                                   Hazard.grade)
        exact: tuple[Any, ...] = (Hazard.campus_id, Hazard.site_id, Hazard.source,
                                  Hazard.assignee_id)
        for column in any_of:
            # any of; one value as =: a list (an expanding IN) makes SQLAlchemy render the
            # statement's SQL again on every execution (bench/hazards.py)
            if column.key in single:
                stmt = stmt.where(column == bindparam(column.key))
            elif column.key in present:
                stmt = stmt.where(column.in_(bindparam(column.key, expanding=True)))
        for column in exact:
            if column.key in present:
                stmt = stmt.where(column == bindparam(column.key))
        if overdue is not None:
            clause = service.overdue_clause(bindparam("today", type_=Hazard.deadline.type))
            stmt = stmt.where(clause if overdue else ~clause)
        if "created_from" in present:
            stmt = stmt.where(Hazard.created_at >= bindparam("created_from",
                                                             type_=Hazard.created_at.type))
        if "created_to" in present:
            stmt = stmt.where(Hazard.created_at < bindparam("created_to",
                                                            type_=Hazard.created_at.type))
        if "deadline_from" in present:
            stmt = stmt.where(Hazard.deadline >= bindparam("deadline_from",
                                                           type_=Hazard.deadline.type))
        if "deadline_to" in present:
            stmt = stmt.where(Hazard.deadline <= bindparam("deadline_to",
                                                           type_=Hazard.deadline.type))
        if "q" in present:
            q = bindparam("q", type_=Hazard.title.type)
            stmt = stmt.where(or_(Hazard.title.contains(q, escape=LIKE_ESCAPE),
                                  Hazard.description.contains(q, escape=LIKE_ESCAPE)))
        if "updated_since" in present:
            stmt = stmt.where(Hazard.updated_at >= bindparam("updated_since",
                                                             type_=Hazard.updated_at.type))
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
