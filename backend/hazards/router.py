from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.deps import BearerToken, CurrentUser, SessionDep, SettingsDep, hot_read
from backend.errors import NotFound
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.hazards import aggregates, listing, major, service, views
from backend.hazards.bodies import HazardCreateIn
from backend.hazards.filters import HazardFiltersDep
from backend.hazards.major_rules import OrderNoTaken
from backend.hazards.schemas import HazardDetailOut, HazardOut, HazardStatsOut
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
    RestrictedUseMajorOnly,
    SupervisionDeadlineBeforeDate,
    Transition,
    UpwardReportBeforeHazard,
)
from backend.idempotency import ClientId, IdempotencyMismatch, merge_keys
from backend.openapi import error_responses
from backend.pagination import (
    CountedPage,
    CountParam,
    CursorParam,
    LimitParam,
    count_of,
)
from backend.types import DbId

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


@router.get("/stats", response_model=HazardStatsOut,
            responses=error_responses(aggregates.GroupByInvalid))
async def hazard_stats(
    request: Request, token: BearerToken, filters: HazardFiltersDep,
    group_by: Annotated[str, Query(
        max_length=100, description="one or several of `center`, `status`, `grade`, "
        "`category`, `site`, `month` (the month reported, Asia/Shanghai), comma-separated")],
) -> Response:
    """How many hazards the list would show, grouped: the list's filters and scope (another
    center's hazards are never counted), each group with how many of them are overdue now."""
    dimensions = aggregates.parse_group_by(group_by)

    def count(session: Session, user: User) -> HazardStatsOut:
        return aggregates.grouped_counts(session, filters.statement(user), dimensions)

    return await hot_read(request, token, count, _STATS)


_STATS = TypeAdapter(HazardStatsOut)


@router.get("", response_model=CountedPage[HazardOut])
async def list_hazards(
    request: Request, token: BearerToken, settings: SettingsDep, filters: HazardFiltersDep,
    limit: LimitParam = 20, cursor: CursorParam = None,
    sort: Annotated[str, Query(pattern="^(created|deadline|updated)$",
                               description="`created` newest first, `deadline` soonest first, "
                                           "`updated` least recently changed first")]
    = "created",
    count: CountParam = False,
) -> Response:
    """Hazards the user may see, newest first (or by deadline, soonest first; none last)."""

    def page(session: Session, user: User) -> listing.HazardPage:
        found = listing.hazard_page(session, settings, user, filters, sort=sort, limit=limit,
                                    cursor=cursor)
        if count:
            return replace(found, counted=True,
                           total=count_of(session, filters.statement(user)))
        return found

    return await hot_read(request, token, page, listing.HazardPage)


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
