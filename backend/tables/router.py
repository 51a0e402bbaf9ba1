from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from backend import admission
from backend.accounts.models import User
from backend.config import Settings
from backend.deps import CurrentUser, SessionDep, SettingsDep
from backend.openapi import error_responses
from backend.photos.service import upload_dir
from backend.photos.upload import receive_upload
from backend.records.access import center_for_new
from backend.records.kinds import REGULATION
from backend.rectification import errors as plan_errors
from backend.rectification import service as plan
from backend.tables import errors, exports, imports, workbook
from backend.types import DbId

router = APIRouter(tags=["tables"])
CenterParam = Annotated[DbId | None, Query(
    description="the center; default: the caller's own. 质监办 and leaders who name none get "
    "every center's table, one sheet per center after a summary sheet (汇总)")]
XLSX: dict[int | str, dict[str, Any]] = {200: {"description": "the workbook", "content": {
    workbook.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}
UPLOAD_ERRORS = (errors.TableFileUnsupported, errors.WorkbookTooLarge, errors.TableFileCorrupt,
                 errors.TableHeaderMismatch, errors.TableEmpty, errors.TableRowsRejected,
                 "bad_upload", "unsupported_media_type", "payload_too_large")
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}


def _xlsx(fallback: str, name: str, content: bytes) -> Response:
    """The workbook as a download: its Chinese name (RFC 6266 ``filename*``) and an ASCII
    ``filename`` for older clients."""
    return Response(content, media_type=workbook.MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{fallback}"; '
                               f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"})


@router.get("/exports/table3.xlsx", response_class=Response,
            responses={**XLSX, **error_responses("center_not_found", "action_campaign_not_found",
                                                 403)})
def export_table3(user: CurrentUser, session: SessionDep, center_id: CenterParam = None,
                  campaign_id: Annotated[DbId | None, Query(
                      description="the three-year action whose years and due date the table "
                      "shows; default 2024-2026, due 2024-06-30")] = None) -> Response:
    """附表3 风险隐患整改计划表 in the official layout: the titles with the center's name, the
    two-level header (整改期限 and 费用估算(万元) per year, 小计), the entries, 合计, the
    footnote; A4 landscape with the header rows repeated on every page."""
    return _xlsx("table3.xlsx", *exports.table3_workbook(session, user, center_id, campaign_id))


@router.get("/exports/table1.xlsx", response_class=Response,
            responses={**XLSX, **error_responses("center_not_found", 403)})
def export_table1(user: CurrentUser, session: SessionDep,
                  center_id: CenterParam = None) -> Response:
    """附表1 安全责任体系建设情况统计表 in the official layout (具体内容, 是否建立（或签订）,
    整改期限, 备注); every center's, a sheet each, for 质监办 and leaders naming none."""
    return _xlsx("table1.xlsx", *exports.table1_workbook(session, user, center_id))


@router.get("/exports/table2.xlsx", response_class=Response,
            responses={**XLSX, **error_responses("center_not_found", 403)})
def export_table2(user: CurrentUser, session: SessionDep,
                  center_id: CenterParam = None) -> Response:
    """附表2 安全管理制度建设情况统计表 in the official layout (序号, 制度名称, 文号, 发文日期,
    备注); every center's, a sheet each, for 质监办 and leaders naming none."""
    return _xlsx("table2.xlsx", *exports.table2_workbook(session, user, center_id))


class ImportOut(BaseModel):
    center_id: int
    created: int = Field(description="rows stored, in the table's order")
    ids: list[int] = Field(description="the new records' ids (plan entries or regulations)")


ImportCenter = Annotated[DbId | None, Query(
    description="the center the rows belong to; default: the caller's own (质监办 must name one)")]
Importer = Callable[[Session, User, int | None, Sequence[tuple[Any, ...]]], list[Any]]
IMPORTERS: dict[str, tuple[Callable[[Session, User, int | None], object], Importer]] = {
    "table2": (lambda s, u, c: center_for_new(s, u, REGULATION, c), imports.import_table2),
    "table3": (plan.entry_center, imports.import_table3),
}


def _check_importer(table: str, session: Session, user: User, center_id: int | None) -> None:
    try:
        IMPORTERS[table][0](session, user, center_id)
    finally:
        session.rollback()  # don't hold the database while the body streams in


def _store(table: str, session: Session, user: User, center_id: int | None,
           path: Path) -> ImportOut:
    rows = IMPORTERS[table][1](session, user, center_id, workbook.first_sheet_rows(path))
    return ImportOut(center_id=rows[0].center_id, created=len(rows), ids=[r.id for r in rows])


async def _import(table: str, request: Request, user: User, session: Session,
                  settings: Settings, center_id: int | None) -> ImportOut:
    await run_in_threadpool(_check_importer, table, session, user, center_id)
    async with admission.released(request):
        upload = await receive_upload(request.headers.get("content-type"),
                                      request.headers.get("content-length"), request.stream(),
                                      upload_dir(settings), workbook.MAX_UPLOAD_BYTES)
    try:
        assert upload.path is not None
        return await run_in_threadpool(_store, table, session, user, center_id, upload.path)
    finally:
        upload.discard()


@router.post("/imports/table3.xlsx", status_code=status.HTTP_201_CREATED,
             response_model=ImportOut, openapi_extra=UPLOAD_BODY,
             responses=error_responses(*UPLOAD_ERRORS, plan_errors.EntryManageForbidden,
                                       plan_errors.EntryCenterRequired, "center_not_found"))
async def import_table3(request: Request, user: CurrentUser, session: SessionDep,
                        settings: SettingsDep, center_id: ImportCenter = None) -> ImportOut:
    """A hand-filled 附表3 (multipart field `file`, an .xlsx in the exported layout, at most
    5 MB) becomes the center's plan entries (stand-alone, category `other`). Every row is
    checked first: any bad row refuses the whole table, 422 `table_rows_rejected` with each
    rejected row's problems in `details.rows`, and nothing is stored."""
    return await _import("table3", request, user, session, settings, center_id)


@router.post("/imports/table2.xlsx", status_code=status.HTTP_201_CREATED,
             response_model=ImportOut, openapi_extra=UPLOAD_BODY,
             responses=error_responses(*UPLOAD_ERRORS, "record_write_forbidden",
                                       "record_center_required", "center_not_found"))
async def import_table2(request: Request, user: CurrentUser, session: SessionDep,
                        settings: SettingsDep, center_id: ImportCenter = None) -> ImportOut:
    """A hand-filled 附表2 (as for 附表3) becomes the center's regulations, all rows or none
    (422 `table_rows_rejected` with each rejected row's problems)."""
    return await _import("table2", request, user, session, settings, center_id)
