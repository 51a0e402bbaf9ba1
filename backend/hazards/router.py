from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Request, Response, status
from sqlalchemy import or_

from backend.deps import CurrentUser, SessionDep, SettingsDep
from backend.errors import Unprocessable
from backend.hazards import service, views
from backend.hazards.models import Hazard, HazardSource
from backend.hazards.schemas import ClientId, HazardCreateIn, HazardDetailOut, HazardOut
from backend.hazards.workflow import Action, Status
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import DbId
from backend.vocab import Category, Grade

router = APIRouter(prefix="/hazards", tags=["hazards"])


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HazardDetailOut,
             responses={200: {"model": HazardDetailOut, "description": "a retry: the first result"}})
def report_hazard(body: HazardCreateIn, request: Request, response: Response,
                  user: CurrentUser, session: SessionDep, settings: SettingsDep,
                  idempotency_key: Annotated[ClientId | None, Header()] = None) -> HazardDetailOut:
    """Report a hazard (随手拍) with at least one photo. Send a ``client_id`` (or an
    ``Idempotency-Key`` header): a retry returns the first result instead of a duplicate."""
    if body.client_id is None and idempotency_key is not None:
        body = body.model_copy(update={"client_id": idempotency_key})
    elif body.client_id and idempotency_key and \
            body.client_id.replace("-", "").lower() != idempotency_key.replace("-", "").lower():
        raise Unprocessable("client_id 与 Idempotency-Key 不一致", code="idempotency_mismatch")
    hazard, created = service.report(session, user, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return views.hazard_detail(session, settings, user, hazard, _base(request))


@router.get("", response_model=Page[HazardOut])
def list_hazards(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    limit: LimitParam = 20, cursor: CursorParam = None,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    center_id: DbId | None = None, campus_id: DbId | None = None, site_id: DbId | None = None,
    category: Category | None = None, grade: Grade | None = None,
    source: HazardSource | None = None, assignee_id: DbId | None = None,
    overdue: bool | None = None,
    created_from: date | None = None, created_to: date | None = None,
    deadline_from: date | None = None, deadline_to: date | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Literal["created", "deadline"] = "created",
) -> Page[HazardOut]:
    """Hazards the user may see, newest first (or by deadline, soonest first; none last)."""
    stmt = service.readable_hazards(user)
    exact = {Hazard.center_id: center_id, Hazard.campus_id: campus_id, Hazard.site_id: site_id,
             Hazard.category: category, Hazard.grade: grade, Hazard.source: source,
             Hazard.assignee_id: assignee_id}
    for column, value in exact.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if status_:
        stmt = stmt.where(Hazard.status.in_(status_))
    if overdue is not None:
        clause = service.overdue_clause(service.today())
        stmt = stmt.where(clause if overdue else ~clause)
    if created_from:
        stmt = stmt.where(Hazard.created_at >= service.day_start(created_from))
    if created_to:
        stmt = stmt.where(Hazard.created_at < service.day_start(created_to, plus_days=1))
    if deadline_from:
        stmt = stmt.where(Hazard.deadline >= deadline_from)
    if deadline_to:
        stmt = stmt.where(Hazard.deadline <= deadline_to)
    if q:
        stmt = stmt.where(or_(Hazard.title.contains(q, autoescape=True),
                              Hazard.description.contains(q, autoescape=True)))
    if sort == "deadline":
        rows, next_cursor = keyset_page(session, stmt, [Hazard.deadline_sort, Hazard.id],
                                        limit=limit, cursor=cursor)
    else:
        rows, next_cursor = keyset_page(session, stmt, [Hazard.created_at, Hazard.id],
                                        limit=limit, cursor=cursor, descending=True)
    items = views.hazard_list(session, settings, user, rows, _base(request))
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{hazard_id}", response_model=HazardDetailOut)
def read_hazard(hazard_id: DbId, request: Request, user: CurrentUser, session: SessionDep,
                settings: SettingsDep) -> HazardDetailOut:
    """A hazard with its photos, plan, allowed actions and full timeline."""
    hazard = service.get_readable_hazard(session, user, hazard_id)
    return views.hazard_detail(session, settings, user, hazard, _base(request))


@router.post("/{hazard_id}/actions/{action}", response_model=HazardDetailOut)
def act_on_hazard(hazard_id: DbId, action: Action, request: Request, user: CurrentUser,
                  session: SessionDep, settings: SettingsDep,
                  body: Annotated[dict[str, Any] | None, Body()] = None) -> HazardDetailOut:
    """Take a workflow action. Bodies: assign {assignee_id, measures, cost_estimate, deadline,
    interim_measures}; submit {description, photo_ids}; reject / cancel / reopen {reason};
    request_extension {deadline, reason}; approve_extension / deny_extension / verify
    {comment?}."""
    hazard = service.perform(session, settings, user, hazard_id, action, body or {})
    return views.hazard_detail(session, settings, user, hazard, _base(request))
