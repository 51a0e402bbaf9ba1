"""The hazard list's page (GET /hazards): plain rows through Core with the names of their site
and people, the page's photos in one more statement, items built from the rows.

The page's statement is built once per shape (the filters set, the caller's roles, the sort,
first page or not). Before (bench/hazards.py, 20,000 hazards, a QA officer's page of 20) the list
read the page as ORM entities, then its before-photos, its rectification events and their photos
(entities again), the site names and the people's names: six statements with the token's, 16x
the raw driver's time for them on SQLite, 5x on PostgreSQL; bench/README.md has the figures."""

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from backend.accounts.models import User
from backend.config import Settings
from backend.hazards.filters import SHAPES, HazardFilters, Shape
from backend.hazards.models import Hazard
from backend.hazards.views import Items, Names, plain_rows
from backend.org.models import Site
from backend.pagination import keyset_params, keyset_rows, keyset_statement

COLUMNS = (Hazard.id, Hazard.client_id, Hazard.title, Hazard.description, Hazard.site_id,
           Hazard.center_id, Hazard.campus_id, Hazard.category, Hazard.grade, Hazard.source,
           Hazard.status, Hazard.reporter_id, Hazard.assignee_id, Hazard.measures,
           Hazard.cost_estimate, Hazard.deadline, Hazard.interim_measures, Hazard.rechecker_id,
           Hazard.governance_plan, Hazard.restricted_use, Hazard.supervision,
           Hazard.extension_deadline, Hazard.extension_reason, Hazard.rectification,
           Hazard.submitted_by_id, Hazard.verifier_id, Hazard.inspection_id, Hazard.item_id,
           Hazard.closed_late, Hazard.fixed_on_spot, Hazard.cancel_reason, Hazard.version,
           Hazard.captured_at, Hazard.created_at, Hazard.updated_at, Hazard.closed_at)
_COLUMN_KEYS = frozenset(c.key for c in COLUMNS)
# scalar subqueries, run for the page's rows only (joins could change the page's plan)
NAMES = (
    select(Site.name).where(Site.id == Hazard.site_id).correlate(Hazard)
    .scalar_subquery().label("site_name"),
    select(User.display_name).where(User.id == Hazard.reporter_id).correlate(Hazard)
    .scalar_subquery().label("reporter_name"),
    select(User.display_name).where(User.id == Hazard.assignee_id).correlate(Hazard)
    .scalar_subquery().label("assignee_name"),
)
# sort -> keys (all in the same direction, the id last) and whether newest first
SORTS: dict[str, tuple[list[InstrumentedAttribute[Any]], bool]] = {
    "created": ([Hazard.created_at, Hazard.id], True),
    "deadline": ([Hazard.deadline_sort, Hazard.id], False),
    "updated": ([Hazard.updated_at, Hazard.id], False),
}


def page_statement(filtered: Select[Any],
                   keys: list[InstrumentedAttribute[Any]]) -> Select[Any]:
    """``filtered`` (a statement of hazards) selecting the list's columns and ``keys``."""
    extra = [k.label(k.key) for k in keys if k.key not in _COLUMN_KEYS]
    return filtered.with_only_columns(*COLUMNS, *NAMES, *extra)


@functools.lru_cache(maxsize=SHAPES)
def _page(shape: Shape, sort: str, after: bool) -> Select[Any]:
    """A page's statement, built once per shape (see :meth:`HazardFilters.bound`)."""
    keys, descending = SORTS[sort]
    return keyset_statement(page_statement(HazardFilters.bound(shape), keys), keys,
                            descending=descending, after=after)


def page_rows(session: Session, user: User, filters: HazardFilters, *, sort: str, limit: int,
              cursor: str | None) -> tuple[list[Any], str | None]:
    """A page of the hazards ``user`` may read matching ``filters`` as rows of the list's
    columns, through Core (the ORM's setup per statement is not needed for plain columns)."""
    keys = SORTS[sort][0]
    params = filters.params(user) | keyset_params(keys, limit=limit, cursor=cursor)
    rows, next_cursor = keyset_rows(session.connection(),
                                    _page(filters.shape(user), sort, bool(cursor)), params,
                                    keys, limit)
    return plain_rows(rows), next_cursor


@dataclass(frozen=True)
class HazardPage:
    """A page of list items (``HazardOut``'s fields) with the next cursor, and with ``total``
    when counted: rendered as ``Page[HazardOut]`` or ``CountedPage[HazardOut]``."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    counted: bool = False
    total: int | None = None

    @staticmethod
    def dump_json(page: "HazardPage", /) -> bytes:
        """The body, byte for byte what the schema's own rendering gives (a test holds it), by
        orjson: 0.02 ms a page of 20 where pydantic's ``to_json`` of the same dict took 0.16,
        an eighth of the list's in-process time on SQLite (bench/hazards.py)."""
        body: dict[str, Any] = {"items": page.items, "next_cursor": page.next_cursor}
        if page.counted:
            body["total"] = page.total
        return orjson.dumps(body, default=_as_pydantic_renders, option=orjson.OPT_UTC_Z)


def _as_pydantic_renders(value: Any) -> Any:
    """What orjson does not render itself, as pydantic renders it in JSON."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not rendered in a hazard list")


def hazard_page(session: Session, settings: Settings, user: User, filters: HazardFilters, *,
                sort: str, limit: int, cursor: str | None) -> HazardPage:
    """A page of the hazards ``user`` may read matching ``filters``, with the next cursor."""
    rows, next_cursor = page_rows(session, user, filters, sort=sort, limit=limit, cursor=cursor)
    items = Items.of(session, settings, user, [r.id for r in rows])
    return HazardPage([items.item(r, Names(r.site_name, r.reporter_name, r.assignee_name))
                       for r in rows], next_cursor)
