import base64
import binascii
import functools
import json
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.campaigns.models import Campaign
from backend.deps import CurrentUser, SessionDep, require_roles
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.openapi import error_responses
from backend.pagination import CursorParam, InvalidCursor, LimitParam, Page, keyset_page
from backend.plans import coverage, errors, listing, service
from backend.plans.models import PatrolPlan, TaskState
from backend.plans.schemas import (
    FromTemplateIn,
    InspectorCoverageOut,
    PlanIn,
    PlanOut,
    PlanPatchIn,
    SiteCoverageOut,
    TaskOut,
    TemplateOut,
)
from backend.plans.templates import TEMPLATES
from backend.types import Day, DbId
from backend.vocab import Role

router = APIRouter(tags=["plans"])
PLAN_INPUT_ERRORS = (errors.PlanManageForbidden, errors.PlanTargetInvalid,
                     errors.PlanScheduleInvalid, errors.PlanInspectorInvalid,
                     "module_not_found", "module_inactive")


def _plan_out(plan: PatrolPlan, response: Response | None = None) -> PlanOut:
    if response is not None:
        set_etag(response, plan.version)
    return PlanOut.model_validate(plan)


@router.get("/plans", response_model=Page[PlanOut])
def list_plans(
    user: CurrentUser, session: SessionDep, limit: LimitParam = 20, cursor: CursorParam = None,
    center_id: Annotated[DbId | None, Query(description="plans of this center")] = None,
    site_id: Annotated[DbId | None, Query(description="plans naming this site")] = None,
    module_id: Annotated[DbId | None, Query(description="plans of this module")] = None,
    is_active: Annotated[bool | None, Query(description="active or paused plans")] = None,
) -> Page[PlanOut]:
    """Patrol plans the user may read, newest first."""
    stmt = service.readable_plans(user)
    for column, value in ((PatrolPlan.center_id, center_id), (PatrolPlan.site_id, site_id),
                          (PatrolPlan.module_id, module_id), (PatrolPlan.is_active, is_active)):
        if value is not None:
            stmt = stmt.where(column == value)
    rows, next_cursor = keyset_page(session, stmt, [PatrolPlan.id], limit=limit, cursor=cursor,
                                    descending=True)
    return Page(items=[_plan_out(p) for p in rows], next_cursor=next_cursor)


@router.get("/plans/templates", response_model=list[TemplateOut])
def list_plan_templates(user: CurrentUser) -> list[TemplateOut]:
    """Ready plans the group recognises (日管控 / 周排查 / 月调度, 防火巡查, 五关)."""
    return [TemplateOut(key=key, name=t.name, kind=t.kind, frequency=t.frequency,
                        plans=[f"{code}@{kind.value}" for code, kind in t.targets])
            for key, t in TEMPLATES.items()]


@router.post("/plans", status_code=status.HTTP_201_CREATED, response_model=PlanOut,
             responses=error_responses(*PLAN_INPUT_ERRORS, errors.PlanCenterRequired,
                                       "center_not_found"))
def create_plan(body: PlanIn, response: Response, user: CurrentUser,
                session: SessionDep) -> PlanOut:
    """Create a plan (a center manager for their center, 质监办 for any)."""
    return _plan_out(service.create(session, user, body), response)


@router.post("/plans/from-template", status_code=status.HTTP_201_CREATED,
             response_model=list[PlanOut],
             responses=error_responses(*PLAN_INPUT_ERRORS, errors.PlanCenterRequired,
                                       "center_not_found"))
def create_plans_from_template(body: FromTemplateIn, user: CurrentUser,
                               session: SessionDep) -> list[PlanOut]:
    """Create a template's plans for a center's sites of the kinds it names."""
    return [_plan_out(p) for p in service.create_from_template(session, user, body)]


@router.get("/plans/{plan_id}", response_model=PlanOut,
            responses=error_responses(errors.PlanNotFound))
def read_plan(plan_id: DbId, response: Response, user: CurrentUser,
              session: SessionDep) -> PlanOut:
    """A plan; the ``ETag`` is its version."""
    return _plan_out(service.get_readable_plan(session, user, plan_id), response)


@router.patch("/plans/{plan_id}", response_model=PlanOut,
              responses=error_responses(*PLAN_INPUT_ERRORS, errors.PlanNotFound,
                                        errors.PlanChanged, PreconditionFailed))
def update_plan(plan_id: DbId, body: PlanPatchIn, response: Response, user: CurrentUser,
                session: SessionDep, if_match: IfMatch = None) -> PlanOut:
    """Change a plan; tasks already written keep what they were. With ``If-Match`` a stale
    version is 412."""
    plan = service.update(session, user, plan_id, body, expected_versions(if_match))
    return _plan_out(plan, response)


def _encode(task: TaskOut) -> str:
    start, *ids = listing.task_order(task)
    key = [start.isoformat(), *ids]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode(cursor: str) -> listing.Order:
    """A cursor this API wrote; anything else (a time without its zone, which cannot be
    compared with the tasks' (review-11 B2), a negative or missing id) is 400 invalid_cursor."""
    try:
        start, *ids = json.loads(base64.urlsafe_b64decode(cursor + "=" * 3))
        after = datetime.fromisoformat(start)
        if (len(ids) != 4 or after.tzinfo is None
                or not all(type(i) is int and i >= 0 for i in ids)):
            raise ValueError(cursor)
        plan_id, campaign_id, site_id, module_id = ids
        return after, plan_id, campaign_id, site_id, module_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc


def _with_campaign_titles(session: Session, tasks: list[TaskOut]) -> list[TaskOut]:
    """Campaigns sit above plans: their titles are joined here, at the HTTP layer."""
    ids = {t.campaign_id for t in tasks if t.campaign_id}
    titles = dict(session.execute(select(Campaign.id, Campaign.title).where(
        Campaign.id.in_(ids))).all()) if ids else {}
    return [t.model_copy(update={"campaign_title": titles[t.campaign_id]}) if t.campaign_id
            else t for t in tasks]


def _mine_by_default(user: User) -> bool:
    return not user.has_role(Role.center_manager, Role.qa_officer, Role.leader)


@router.get("/tasks", response_model=Page[TaskOut], responses=error_responses(InvalidCursor))
def list_tasks(
    user: CurrentUser, session: SessionDep, limit: LimitParam = 50, cursor: CursorParam = None,
    date: Annotated[Day | None, Query(description="the day (Asia/Shanghai); default today")]
    = None,
    state: Annotated[TaskState | None, Query(description="due, done or missed")] = None,
    site_id: Annotated[DbId | None, Query(description="tasks at this site")] = None,
    mine: Annotated[bool | None, Query(
        description="only tasks naming me; default: yes for inspectors, no for managers, "
        "质监办 and leaders")] = None,
    campaign_id: Annotated[DbId | None, Query(
        description="every task of this campaign over its whole window (`date` is then "
        "ignored)")] = None,
) -> Page[TaskOut]:
    """A day's patrol tasks (due, done, missed or cancelled), by window: an inspector's own by
    default, a manager's center's, every center's for 质监办 and leaders; or a campaign's."""
    listed = functools.partial(listing.tasks_on, day=date or clock.today()) \
        if campaign_id is None else functools.partial(listing.campaign_tasks,
                                                      campaign_id=campaign_id)
    rows = listed(session, user, mine=_mine_by_default(user) if mine is None else mine,
                  state=state, site_id=site_id, after=_decode(cursor) if cursor else None,
                  limit=limit + 1)
    page = _with_campaign_titles(session, rows[:limit])
    next_cursor = _encode(page[-1]) if len(rows) > limit else None
    return Page(items=page, next_cursor=next_cursor)


CoverageReader = Annotated[User, require_roles(Role.center_manager, Role.qa_officer,
                                               Role.leader)]
PeriodStart = Annotated[Day | None, Query(alias="from", description=(
    "the period's first day (Asia/Shanghai); default: 29 days before `to`"))]
PeriodEnd = Annotated[Day | None, Query(description="the period's last day; default: today")]
CoverageCenter = Annotated[DbId | None, Query(description="one center's tasks")]
Rows = list[dict[str, Any]]


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    last = end or clock.today()
    return start or last - timedelta(days=29), last


@router.get("/tasks/coverage/sites", response_model=list[SiteCoverageOut],
            responses=error_responses("forbidden", errors.CoveragePeriodInvalid))
def site_coverage(user: CoverageReader, session: SessionDep, from_: PeriodStart = None,
                  to: PeriodEnd = None, center_id: CoverageCenter = None) -> Rows:
    """Patrol coverage per site over the period (at most 366 days; tasks by the day they fell
    due): tasks, done, missed (漏检), open, cancelled and the done rate; the most missed first.
    Center managers: their center's sites; 质监办 and leaders: every center's."""
    return coverage.by_site(session, user, *_period(from_, to), center_id)


@router.get("/tasks/coverage/inspectors", response_model=list[InspectorCoverageOut],
            responses=error_responses("forbidden", errors.CoveragePeriodInvalid))
def inspector_coverage(user: CoverageReader, session: SessionDep, from_: PeriodStart = None,
                       to: PeriodEnd = None, center_id: CoverageCenter = None) -> Rows:
    """Patrol coverage per inspector over the period: a done task counts for whoever submitted
    its inspection, a missed or open one for each inspector it named (a row without inspector:
    tasks naming nobody); the most missed first."""
    return coverage.by_inspector(session, user, *_period(from_, to), center_id)
