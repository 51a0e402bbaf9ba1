from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter
from sqlalchemy import or_
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.deps import BearerToken, CurrentUser, SessionDep, SettingsDep, hot_read
from backend.errors import NotFound
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.hazards import major, service, views
from backend.hazards.bodies import HazardCreateIn
from backend.hazards.major_rules import OrderNoTaken
from backend.hazards.models import Hazard
from backend.hazards.schemas import HazardDetailOut, HazardOut
from backend.hazards.workflow import (
    ACTOR_RULES,
    PUBLIC_ACTIONS,
    TRANSITIONS,
    Action,
    ClosureEvidenceRequired,
    DateInFuture,
    DeadlineInPast,
    ExtensionNotLater,
    GovernancePlanRequired,
    PlanIncomplete,
    PublicAction,
    RestrictedUseMajorOnly,
    Status,
    SupervisionDeadlineBeforeDate,
    Transition,
    UpwardReportBeforeHazard,
)
from backend.idempotency import ClientId, IdempotencyMismatch, merge_keys
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import UPDATED_SINCE, Day, DbId, Timestamp
from backend.vocab import Category, Grade, HazardSource

router = APIRouter(prefix="/hazards", tags=["hazards"])

IdempotencyKey = Annotated[ClientId | None, Header(
    description="a UUID per intended write: a retry with it returns the first result")]


NEW_WORK_ERRORS = ("site_not_found", "site_inactive", "center_inactive", "campus_inactive")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HazardDetailOut,
             responses={200: {"model": HazardDetailOut, "description": "a retry: the first result"},
                        **error_responses(*NEW_WORK_ERRORS, service.SourceReserved,
                                          service.ActionForbidden, "invalid_photo",
                                          RestrictedUseMajorOnly,
                                          IdempotencyMismatch)})
def report_hazard(body: HazardCreateIn, response: Response, user: CurrentUser,
                  session: SessionDep, settings: SettingsDep,
                  idempotency_key: IdempotencyKey = None) -> HazardDetailOut:
    """Report a hazard (随手拍) with at least one photo. Send a ``client_id`` (or an
    ``Idempotency-Key`` header): a retry returns the first result instead of a duplicate."""
    key = merge_keys(body.client_id, idempotency_key)
    hazard, created = service.report(session, settings, user,
                                     body.model_copy(update={"client_id": key}))
    if not created:
        response.status_code = status.HTTP_200_OK
    set_etag(response, hazard.version)
    return views.hazard_detail(session, settings, user, hazard)


@dataclass
class _ListQuery:
    limit: int
    cursor: str | None
    any_of: dict[Any, list[Any] | None]
    exact: dict[Any, Any]
    overdue: bool | None
    created_from: date | None
    created_to: date | None
    deadline_from: date | None
    deadline_to: date | None
    q: str | None
    sort: str
    can: Action | None = None
    updated_since: datetime | None = None

    def page(self, session: Session, user: User) -> tuple[list[Hazard], str | None]:
        stmt = service.readable_hazards(user)
        if self.can is not None:
            stmt = stmt.where(service.actionable(user, self.can))
        for column, values in self.any_of.items():
            if values:
                stmt = stmt.where(column.in_(values))
        for column, value in self.exact.items():
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
        if self.sort == "updated":
            return keyset_page(session, stmt, [Hazard.updated_at, Hazard.id],
                               limit=self.limit, cursor=self.cursor)
        if self.sort == "deadline":
            return keyset_page(session, stmt, [Hazard.deadline_sort, Hazard.id],
                               limit=self.limit, cursor=self.cursor)
        return keyset_page(session, stmt, [Hazard.created_at, Hazard.id], limit=self.limit,
                           cursor=self.cursor, descending=True)


_PAGE_OF_HAZARDS = TypeAdapter(Page[HazardOut])


@router.get("", response_model=Page[HazardOut])
async def list_hazards(
    request: Request, token: BearerToken, settings: SettingsDep,
    limit: LimitParam = 20, cursor: CursorParam = None,
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
    sort: Annotated[str, Query(pattern="^(created|deadline|updated)$",
                               description="`created` newest first, `deadline` soonest first, "
                                           "`updated` least recently changed first")]
    = "created",
    can: Annotated[PublicAction | None, Query(
        description="only hazards on which the caller may take this action now (exactly "
                    "those whose `allowed_actions` include it): `assign` is 待我指派, "
                    "`verify` 待我验收")] = None,
    updated_since: Annotated[Timestamp | None, Query(description=UPDATED_SINCE)] = None,
) -> Response:
    """Hazards the user may see, newest first (or by deadline, soonest first; none last)."""
    query = _ListQuery(
        limit, cursor,
        {Hazard.status: status_, Hazard.center_id: center_id, Hazard.category: category,
         Hazard.grade: grade},
        {Hazard.campus_id: campus_id, Hazard.site_id: site_id, Hazard.source: source,
         Hazard.assignee_id: assignee_id},
        overdue, created_from, created_to, deadline_from, deadline_to, q, sort,
        Action(can) if can else None, updated_since)

    def page(session: Session, user: User) -> Page[HazardOut]:
        rows, next_cursor = query.page(session, user)
        return Page(items=views.hazard_list(session, settings, user, rows),
                    next_cursor=next_cursor)

    return await hot_read(request, token, page, _PAGE_OF_HAZARDS)


@router.get("/{hazard_id}", response_model=HazardDetailOut)
def read_hazard(hazard_id: DbId, response: Response, user: CurrentUser, session: SessionDep,
                settings: SettingsDep) -> HazardDetailOut:
    """A hazard with its photos, plan, allowed actions and full timeline. The ``ETag`` is its
    version, for ``If-Match`` on actions."""
    hazard = service.get_readable_hazard(session, user, hazard_id)
    set_etag(response, hazard.version)
    return views.hazard_detail(session, settings, user, hazard)


def _action_route(action: Action, rule: Transition) -> None:
    default = Body(default_factory=rule.body) if rule.body_optional else Body()

    def act(hazard_id: DbId, response: Response, user: CurrentUser, session: SessionDep,
            settings: SettingsDep, body: Annotated[rule.body, default],  # type: ignore[name-defined]
            idempotency_key: IdempotencyKey = None,
            if_match: IfMatch = None) -> HazardDetailOut:
        hazard = service.perform(session, settings, user, hazard_id, action, body,
                                 idempotency_key=idempotency_key,
                                 if_match=expected_versions(if_match))
        set_etag(response, hazard.version)
        return views.hazard_detail(session, settings, user, hazard)

    sources = ", ".join(sorted(s.value for s in rule.sources if s))
    target = rule.target.value if rule.target else "unchanged"
    who = "; or ".join(ACTOR_RULES[a] for a in sorted(rule.actors))
    pending = "" if rule.needs_pending_extension is None else \
        " An extension request must be pending." if rule.needs_pending_extension else \
        " No extension request may be pending."
    act.__doc__ = (f"Workflow action `{action.value}`: {sources} → {target}. Who: {who}."
                   f"{pending} A state that does not allow it is 409 "
                   "`hazard_invalid_transition`; a user who may not, 403 "
                   "`hazard_action_forbidden`; a change by someone else meanwhile, 409 "
                   "`hazard_conflict` (412 with a stale `If-Match`). With an `Idempotency-Key`, "
                   "a retry of an action that happened returns the hazard as it is now (200).")
    router.add_api_route(f"/{{hazard_id}}/actions/{action.value}", act, methods=["POST"],
                         response_model=HazardDetailOut, name=f"act_on_hazard_{action.value}",
                         summary=f"Hazard action: {action.value}",
                         responses=error_responses(*ACTION_ERRORS,
                                                   *ACTION_ERRORS_OF.get(action, ())))


ACTION_ERRORS = (service.InvalidTransition, service.ActionForbidden, service.ConcurrentChange,
                 PreconditionFailed, IdempotencyMismatch)
ACTION_ERRORS_OF: dict[Action, tuple[Any, ...]] = {
    Action.assign: (PlanIncomplete, GovernancePlanRequired, RestrictedUseMajorOnly,
                    DeadlineInPast, service.InvalidAssignee),
    Action.submit: ("invalid_photo",),
    Action.request_extension: (ExtensionNotLater,),
    Action.verify: (ClosureEvidenceRequired, "invalid_photo"),
    Action.supervise: (DateInFuture, SupervisionDeadlineBeforeDate, OrderNoTaken),
    Action.report_upward: (DateInFuture, UpwardReportBeforeHazard),
}


class SupervisionNotFound(NotFound):
    code = "supervision_not_found"
    message = "该隐患未挂牌督办"


SHEET_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@router.get("/{hazard_id}/supervision/sheet", response_class=HTMLResponse,
            responses={200: {"content": {"text/html": {}},
                             "description": "the 督办单: one A4 page of HTML to print"},
                       **error_responses(SupervisionNotFound)})
def supervision_sheet(hazard_id: DbId, user: CurrentUser, session: SessionDep,
                      settings: SettingsDep) -> HTMLResponse:
    """The printable 督办单 (重大事故隐患挂牌督办单) of a supervised hazard: HTML with print CSS
    for A4, to open with the caller's auth and print; rendered with the reader's own fonts."""
    hazard = service.get_readable_hazard(session, user, hazard_id)
    if hazard.supervision is None:
        raise SupervisionNotFound(details={"hazard_id": hazard_id})
    html = major.supervision_sheet(session, views.hazard_detail(session, settings, user, hazard))
    return HTMLResponse(html, headers={"Content-Security-Policy": SHEET_POLICY,
                                       "Cache-Control": "no-store"})


for _action in PUBLIC_ACTIONS:
    _action_route(_action, TRANSITIONS[_action])
