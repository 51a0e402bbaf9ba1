from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.config import Settings
from backend.deps import BearerToken, CurrentUser, SessionDep, SettingsDep, hot_read
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.idempotency import IdempotencyMismatch
from backend.inspections import service
from backend.inspections.filters import InspectionFiltersDep
from backend.inspections.models import (
    Inspection,
    InspectionAnswer,
)
from backend.inspections.schemas import (
    AnswerOut,
    AnswersIn,
    GPSIn,
    InspectionCreateIn,
    InspectionDetailOut,
    InspectionOut,
    Progress,
)
from backend.openapi import error_responses
from backend.pagination import (
    CountedPage,
    CountParam,
    CursorParam,
    LimitParam,
    Page,
    count_of,
    keyset_page,
)
from backend.photos.service import photos_by_owner
from backend.photos.views import photo_out
from backend.types import DbId

router = APIRouter(prefix="/inspections", tags=["inspections"])


def _summaries(session: Session, inspections: list[Inspection]) -> list[InspectionOut]:
    ids = [i.id for i in inspections]
    version_ids = list({i.module_version_id for i in inspections})
    labels = service.version_labels(session, version_ids)
    totals = service.item_counts(session, version_ids)
    counts = service.answer_counts(session, ids)
    hazards = service.hazard_ids_by_inspection(session, ids)
    out = []
    for i in inspections:
        name, number = labels[i.module_version_id]
        answered, failed = counts.get(i.id, (0, 0))
        gps = GPSIn(lat=i.gps_lat, lon=i.gps_lon) if i.gps_lat is not None \
            and i.gps_lon is not None else None
        out.append(InspectionOut(
            id=i.id, client_id=i.client_id, module_id=i.module_id,
            module_version_id=i.module_version_id, module_name=name, module_version=number,
            site_id=i.site_id, center_id=i.center_id, campus_id=i.campus_id,
            inspector_id=i.inspector_id, kind=i.kind, status=i.status, note=i.note,
            checkin_method=i.checkin_method, gps=gps, started_at=i.started_at,
            submitted_at=i.submitted_at, created_at=i.created_at, updated_at=i.updated_at,
            version=i.version,
            progress=Progress(answered=answered, total=totals.get(i.module_version_id, 0),
                              failed=failed),
            hazard_ids=hazards[i.id]))
    return out


def _detail(session: Session, settings: Settings, inspection: Inspection,
            response: Response | None = None) -> InspectionDetailOut:
    if response is not None:
        set_etag(response, inspection.version)
    summary = _summaries(session, [inspection])[0]
    answers = list(session.scalars(select(InspectionAnswer)
                                   .where(InspectionAnswer.inspection_id == inspection.id)
                                   .order_by(InspectionAnswer.item_id)))
    ids = [a.id for a in answers]
    before = photos_by_owner(session, service.BEFORE, ids)
    after = photos_by_owner(session, service.AFTER, ids)
    return InspectionDetailOut(**summary.model_dump(), answers=[
        AnswerOut(item_id=a.item_id, result=a.result, value=a.value, text=a.text, note=a.note,
                  fixed_on_spot=a.fixed_on_spot,
                  photos=[photo_out(p, settings) for p in before[a.id]],
                  after_photos=[photo_out(p, settings) for p in after[a.id]])
        for a in answers])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=InspectionDetailOut,
             responses={200: {"model": InspectionDetailOut, "description": "a retry"},
                        **error_responses("site_not_found", "site_inactive", "center_inactive",
                                          "campus_inactive", "inspection_kind_forbidden",
                                          "module_not_found", "module_inactive",
                                          service.ModuleVersionMismatch, IdempotencyMismatch)})
def start_inspection(body: InspectionCreateIn, response: Response, user: CurrentUser,
                     session: SessionDep, settings: SettingsDep) -> InspectionDetailOut:
    """Start an inspection: a draft bound to the module version the phone used (default: the
    current one). A retry with the same ``client_id`` returns it (200)."""
    inspection, created = service.create(session, user, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _detail(session, settings, inspection, response)


_PAGE_OF_INSPECTIONS = TypeAdapter(Page[InspectionOut])
_COUNTED_PAGE_OF_INSPECTIONS = TypeAdapter(CountedPage[InspectionOut])


@router.get("", response_model=CountedPage[InspectionOut])
async def list_inspections(
    request: Request, token: BearerToken, filters: InspectionFiltersDep,
    limit: LimitParam = 20, cursor: CursorParam = None, count: CountParam = False,
    sort: Annotated[str, Query(pattern="^(created|updated)$", description=(
        "`created` newest first, `updated` least recently changed first"))] = "created",
) -> Response:
    """Inspections the user may see, newest first (or least recently changed first)."""

    def page(session: Session, user: User) -> Page[InspectionOut]:
        stmt = filters.statement(user)
        if sort == "updated":
            rows, next_cursor = keyset_page(session, stmt,
                                            [Inspection.updated_at, Inspection.id],
                                            limit=limit, cursor=cursor)
        else:
            rows, next_cursor = keyset_page(session, stmt,
                                            [Inspection.created_at, Inspection.id],
                                            limit=limit, cursor=cursor, descending=True)
        if count:
            return CountedPage(items=_summaries(session, rows), next_cursor=next_cursor,
                               total=count_of(session, stmt))
        return Page(items=_summaries(session, rows), next_cursor=next_cursor)

    shape: TypeAdapter[Any] = _COUNTED_PAGE_OF_INSPECTIONS if count else _PAGE_OF_INSPECTIONS
    return await hot_read(request, token, page, shape)


@router.get("/{inspection_id}", response_model=InspectionDetailOut)
def read_inspection(inspection_id: DbId, response: Response, user: CurrentUser,
                    session: SessionDep, settings: SettingsDep) -> InspectionDetailOut:
    """An inspection with its answers and photos; the ``ETag`` is its version."""
    inspection = service.get_readable_inspection(session, user, inspection_id)
    return _detail(session, settings, inspection, response)


@router.put("/{inspection_id}/answers", response_model=InspectionDetailOut,
            responses=error_responses("not_the_inspector", service.InspectionSubmitted,
                                      "unknown_item", "invalid_photo", PreconditionFailed))
def save_answers(inspection_id: DbId, body: AnswersIn, response: Response, user: CurrentUser,
                 session: SessionDep, settings: SettingsDep,
                 if_match: IfMatch = None) -> InspectionDetailOut:
    """Save answers of a draft (any subset, at any moment; the inspector only). Saving the
    same answers again is harmless; with ``If-Match`` a stale version is 412."""
    inspection = service.save_answers(session, user, inspection_id, body,
                                      expected_versions(if_match))
    return _detail(session, settings, inspection, response)


@router.delete("/{inspection_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=error_responses("not_the_inspector", service.InspectionSubmitted,
                                         PreconditionFailed))
def discard_draft(inspection_id: DbId, user: CurrentUser, session: SessionDep,
                  if_match: IfMatch = None) -> Response:
    """Delete one's own draft with its answers (the inspector only; a submitted inspection is
    409). With ``If-Match`` a stale version is 412."""
    service.discard_draft(session, user, inspection_id, expected_versions(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{inspection_id}/submit", response_model=InspectionDetailOut,
             responses=error_responses("not_the_inspector", service.InspectionIncomplete,
                                       PreconditionFailed, "hazard_action_forbidden"))
def submit_inspection(inspection_id: DbId, response: Response, user: CurrentUser,
                      session: SessionDep, settings: SettingsDep,
                      if_match: IfMatch = None) -> InspectionDetailOut:
    """Submit: failed items become hazards. Submitting again (also concurrently) returns the
    same result."""
    inspection = service.submit(session, settings, user, inspection_id,
                                expected_versions(if_match))
    return _detail(session, settings, inspection, response)
