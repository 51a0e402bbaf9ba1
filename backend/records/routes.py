"""The HTTP routes every kind of center record has, made from one description per kind:
list, create (idempotent), read, change and delete (``If-Match``), and its attachments."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.config import Settings
from backend.deps import CurrentUser, SessionDep, SettingsDep
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.hazards.router import IdempotencyKey
from backend.idempotency import IdempotencyMismatch, merge_keys
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.photos import documents
from backend.photos.documents import StoredDocument
from backend.records import attachments, crud
from backend.records.access import Kind, get_readable, order_columns, readable
from backend.records.errors import (
    RecordAttachmentNotFound,
    RecordCenterRequired,
    RecordChanged,
    RecordNotFound,
)
from backend.records.schemas import RecordAttachmentOut
from backend.records.views import attachment_out, records_out
from backend.types import DbId

UPLOAD_ERRORS = (documents.AttachmentTypeUnsupported, "bad_upload", "unsupported_media_type",
                 "payload_too_large")


@dataclass(frozen=True)
class Spec:
    kind: Kind
    path: str  # e.g. "/regulations"
    singular: str  # operation ids: create_<singular>, list_<plural>...
    plural: str
    title: str  # what the docs call it
    create_in: type[BaseModel]
    patch_in: type[BaseModel]
    out: type[BaseModel]
    errors: tuple[Any, ...] = ()  # the kind's own input errors
    # run before a list is read (附表1's standard rows are written on a center's first read)
    prepare: Callable[[Request, Session, User, int | None], None] = \
        lambda _request, _session, _user, _center_id: None


def add_routes(router: APIRouter, spec: Spec) -> None:  # noqa: C901 - one closure per route
    kind, path, out = spec.kind, spec.path, spec.out
    create_in, patch_in = spec.create_in, spec.patch_in
    item = f"{path}/{{record_id}}"
    attachment_path = f"{item}/attachments/{{attachment_id}}"
    write_errors = (kind.policy.forbidden, *spec.errors)

    def one(session: Session, row: Any, response: Response) -> Any:
        set_etag(response, row.version)
        return records_out(session, kind, path, out, [row])[0]

    @router.get(path, response_model=Page[out], name=f"list_{spec.plural}",  # type: ignore[valid-type]
                description=f"{spec.title} the user may read, in the table's order: every "
                "center's for 质监办 and leaders, their own center's for a center's users.")
    def list_records(request: Request, user: CurrentUser, session: SessionDep,
                     limit: LimitParam = 50,
                     cursor: CursorParam = None,
                     center_id: Annotated[DbId | None, Query(description="one center's")]
                     = None) -> Any:
        spec.prepare(request, session, user, center_id)
        stmt = readable(kind, user)
        if center_id is not None:
            stmt = stmt.where(kind.model.center_id == center_id)
        rows, next_cursor = keyset_page(session, stmt, order_columns(kind), limit=limit,
                                        cursor=cursor, descending=kind.newest_first)
        return Page(items=records_out(session, kind, path, out, rows), next_cursor=next_cursor)

    @router.post(path, status_code=status.HTTP_201_CREATED, response_model=out,
                 name=f"create_{spec.singular}",
                 description=f"Add a record to {spec.title} (a center manager for their "
                 "center, 质监办 for any: it names `center_id`). A retry with the same "
                 "`client_id` or `Idempotency-Key` returns the first record (200).",
                 responses={200: {"model": out, "description": "a retry: the first record"},
                            **error_responses(*write_errors, RecordCenterRequired,
                                              "center_not_found", IdempotencyMismatch)})
    def create_record(body: create_in, response: Response,  # type: ignore[valid-type]
                      user: CurrentUser, session: SessionDep,
                      idempotency_key: IdempotencyKey = None) -> Any:
        key = merge_keys(body.client_id, idempotency_key)  # type: ignore[attr-defined]
        row, created = crud.create(session, user, kind, body, key)
        if not created:
            response.status_code = status.HTTP_200_OK
        return one(session, row, response)

    @router.get(item, response_model=out, name=f"read_{spec.singular}",
                description="One record with its attachments; the `ETag` is its version.",
                responses=error_responses(RecordNotFound))
    def read_record(record_id: DbId, response: Response, user: CurrentUser,
                    session: SessionDep) -> Any:
        return one(session, get_readable(session, user, kind, record_id), response)

    @router.patch(item, response_model=out, name=f"update_{spec.singular}",
                  description="Change the fields sent (`null` clears an optional one). With "
                  "`If-Match` a stale version is 412; without it a lost race is 409.",
                  responses=error_responses(RecordNotFound, *write_errors, RecordChanged,
                                            PreconditionFailed))
    def update_record(record_id: DbId, body: patch_in,  # type: ignore[valid-type]
                      response: Response, user: CurrentUser, session: SessionDep,
                      if_match: IfMatch = None) -> Any:
        row = crud.update(session, user, kind, record_id, body, expected_versions(if_match))
        return one(session, row, response)

    @router.delete(item, status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
                   name=f"delete_{spec.singular}",
                   description="Delete the record and its attachments (`If-Match` as for a "
                   "change).",
                   responses=error_responses(RecordNotFound, *write_errors, RecordChanged,
                                             PreconditionFailed))
    def delete_record(record_id: DbId, user: CurrentUser, session: SessionDep,
                      settings: SettingsDep, if_match: IfMatch = None) -> Response:
        crud.remove(session, settings, user, kind, record_id, expected_versions(if_match))
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    def _attach(session: Session, settings: Settings, user: User, record_id: int,
                document: StoredDocument) -> RecordAttachmentOut:
        attachment = attachments.attach(session, settings, user, kind, record_id, document)
        return attachment_out(path, attachment)

    @router.post(f"{item}/attachments", status_code=status.HTTP_201_CREATED,
                 response_model=RecordAttachmentOut, name=f"upload_{spec.singular}_attachment",
                 description="Attach a document (multipart field `file`): PDF, Word, Excel, "
                 "JPEG or PNG, recognised by content, at most `attachment_max_bytes`; whoever "
                 "may change the record.",
                 responses=error_responses(RecordNotFound, kind.policy.forbidden,
                                           *UPLOAD_ERRORS),
                 openapi_extra=documents.UPLOAD_BODY)
    async def upload_attachment(record_id: DbId, request: Request, user: CurrentUser,
                                session: SessionDep, settings: SettingsDep) -> RecordAttachmentOut:
        await run_in_threadpool(attachments.check_attachable, session, user, kind, record_id)
        async with documents.received(request, settings) as document:
            return await run_in_threadpool(_attach, session, settings, user, record_id,
                                           document)

    @router.get(attachment_path, response_class=StreamingResponse,
                name=f"download_{spec.singular}_attachment",
                description="The attachment as uploaded, always as a download (whoever may "
                "read the record).",
                responses={200: documents.DOWNLOAD,
                           **error_responses(RecordNotFound, RecordAttachmentNotFound)})
    def download_attachment(record_id: DbId, attachment_id: DbId, user: CurrentUser,
                            session: SessionDep, settings: SettingsDep) -> Response:
        found = attachments.get(session, user, kind, record_id, attachment_id)
        return documents.download(
            settings, found.storage_key, found.content_type,
            attachments.download_name(kind, found), found.sha256,
            lambda: RecordAttachmentNotFound("附件文件缺失", details={"attachment_id": found.id}))

    @router.delete(attachment_path, status_code=status.HTTP_204_NO_CONTENT,
                   response_class=Response, name=f"delete_{spec.singular}_attachment",
                   description="Remove an attachment (whoever may change the record).",
                   responses=error_responses(RecordNotFound, RecordAttachmentNotFound,
                                             kind.policy.forbidden))
    def delete_attachment(record_id: DbId, attachment_id: DbId, user: CurrentUser,
                          session: SessionDep, settings: SettingsDep) -> Response:
        attachments.remove(session, settings, user, kind, record_id, attachment_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)
