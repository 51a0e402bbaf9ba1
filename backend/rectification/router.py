from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from backend.deps import CurrentUser, SessionDep
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.hazards.router import IdempotencyKey
from backend.idempotency import IdempotencyMismatch, merge_keys
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.rectification import errors, service, views
from backend.rectification.models import RectificationCategory, RectificationEntry
from backend.rectification.schemas import EntryIn, EntryOut, EntryPatchIn
from backend.types import DbId

router = APIRouter(prefix="/rectification-entries", tags=["rectification"])
INPUT_ERRORS = (errors.EntryManageForbidden, errors.EntryIncomplete, errors.EntryHazardInvalid,
                errors.HazardAlreadyPlanned, "hazard_not_found")


@router.get("", response_model=Page[EntryOut])
def list_rectification_entries(
    user: CurrentUser, session: SessionDep, limit: LimitParam = 50, cursor: CursorParam = None,
    center_id: Annotated[DbId | None, Query(description="entries of this center")] = None,
    category: Annotated[RectificationCategory | None, Query(
        description="本质基础隐患 of this category")] = None,
    linked: Annotated[bool | None, Query(
        description="true: entries of hazards; false: stand-alone entries")] = None,
) -> Page[EntryOut]:
    """附表3 entries the user may read (their center's; every center's for 质监办 and leaders),
    in table order (center, then 序号)."""
    stmt = service.readable_entries(user)
    if center_id is not None:
        stmt = stmt.where(RectificationEntry.center_id == center_id)
    if category is not None:
        stmt = stmt.where(RectificationEntry.category == category)
    if linked is not None:
        column = RectificationEntry.hazard_id
        stmt = stmt.where(column.is_not(None) if linked else column.is_(None))
    rows, next_cursor = keyset_page(session, stmt, [RectificationEntry.center_id,
                                                    RectificationEntry.id],
                                    limit=limit, cursor=cursor)
    return Page(items=views.entries_out(session, rows), next_cursor=next_cursor)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EntryOut,
             responses={200: {"model": EntryOut, "description": "a retry: the first entry"},
                        **error_responses(*INPUT_ERRORS, errors.EntryCenterRequired,
                                          "center_not_found", IdempotencyMismatch)})
def create_rectification_entry(body: EntryIn, response: Response, user: CurrentUser,
                               session: SessionDep,
                               idempotency_key: IdempotencyKey = None) -> EntryOut:
    """Add a 附表3 entry (a center manager for their center, 质监办 for any): a hazard's
    rectification (`hazard_id`) or a stand-alone 本质基础隐患 (`category`). A retry with the
    same `client_id` / `Idempotency-Key` returns the first entry (200)."""
    key = merge_keys(body.client_id, idempotency_key)
    entry, created = service.create(session, user, body.model_copy(update={"client_id": key}))
    if not created:
        response.status_code = status.HTTP_200_OK
    set_etag(response, entry.version)
    return views.entry_out(session, entry)


@router.get("/{entry_id}", response_model=EntryOut,
            responses=error_responses(errors.EntryNotFound))
def read_rectification_entry(entry_id: DbId, response: Response, user: CurrentUser,
                             session: SessionDep) -> EntryOut:
    """An entry with its years, subtotal and linked hazard; the `ETag` is its version."""
    entry = service.get_readable_entry(session, user, entry_id)
    set_etag(response, entry.version)
    return views.entry_out(session, entry)


@router.patch("/{entry_id}", response_model=EntryOut,
              responses=error_responses(*INPUT_ERRORS, errors.EntryNotFound,
                                        errors.EntryChanged, PreconditionFailed))
def update_rectification_entry(entry_id: DbId, body: EntryPatchIn, response: Response,
                               user: CurrentUser, session: SessionDep,
                               if_match: IfMatch = None) -> EntryOut:
    """Change an entry; `years` replaces every year. With `If-Match` a stale version is 412;
    without it a write that loses a race is 409 `rectification_entry_changed`."""
    entry = service.update(session, user, entry_id, body, expected_versions(if_match))
    set_etag(response, entry.version)
    return views.entry_out(session, entry)


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=error_responses(errors.EntryManageForbidden, errors.EntryNotFound,
                                         errors.EntryChanged, PreconditionFailed))
def delete_rectification_entry(entry_id: DbId, user: CurrentUser, session: SessionDep,
                               if_match: IfMatch = None) -> Response:
    """Remove an entry from the plan (its hazard, if any, is untouched). With `If-Match` a
    stale version is 412."""
    service.remove(session, user, entry_id, expected_versions(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
