"""Bulk exports of what the lists show, with the lists' filters and scope: hazards (with their
timelines and photo links) and inspections (a row per answer), as CSV streamed batch by batch
or as XLSX built in constant memory, however many rows."""

from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from backend import clock
from backend.deps import BearerToken, SettingsDep, get_principal
from backend.exports import hazard_rows, inspection_rows, writers
from backend.exports.cells import PhotoLinks
from backend.exports.stream import Export, Sheets
from backend.hazards.filters import HazardFilters, HazardFiltersDep
from backend.inspections.filters import InspectionFilters, InspectionFiltersDep
from backend.openapi import error_responses
from backend.photos.service import upload_dir

router = APIRouter(prefix="/exports", tags=["exports"])


def _file(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses("forbidden")}


CSV_DOC = _file(writers.CSV_MEDIA_TYPE, "UTF-8 with a BOM, a header row in Chinese, then a "
                "row per item; text that would run as a formula is prefixed with `'`")
XLSX_DOC = _file(writers.XLSX_MEDIA_TYPE, "the workbook")


def _disposition(stem: str, title: str, extension: str) -> dict[str, str]:
    """A download named ``隐患导出-20260610.csv`` (RFC 6266 ``filename*``), with an ASCII
    ``filename`` for older clients."""
    day = clock.today().strftime("%Y%m%d")
    return {"Content-Disposition": f'attachment; filename="{stem}-{day}.{extension}"; '
                                   f"filename*=UTF-8''{quote(f'{title}-{day}.{extension}')}",
            "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _hazards(request: Request, token: str, filters: HazardFilters, links: PhotoLinks,
             session: Session, cursor: str | None) -> hazard_rows.Batch:
    user = get_principal(request, session, token).user
    return hazard_rows.batch(session, user, filters, links, cursor)


def _inspections(request: Request, token: str, filters: InspectionFilters, links: PhotoLinks,
                 session: Session, cursor: str | None) -> inspection_rows.Batch:
    user = get_principal(request, session, token).user
    return inspection_rows.batch(session, user, filters, links, cursor)


async def _csv(request: Request, export: Export, header: tuple[str, ...], rows: Any,
               stem: str, title: str) -> StreamingResponse:
    await export.open()
    return StreamingResponse(export.csv(header, rows), media_type=writers.CSV_MEDIA_TYPE,
                             headers=_disposition(stem, title, "csv"))


async def _xlsx(request: Request, export: Export, settings: Any, sheets: Sheets, stem: str,
                title: str) -> Response:
    await export.open()
    path = await export.xlsx(upload_dir(settings), sheets)
    if path is None:  # the client left: nobody reads this answer
        return Response(status_code=204)
    return FileResponse(path, media_type=writers.XLSX_MEDIA_TYPE,
                        headers=_disposition(stem, title, "xlsx"),
                        background=BackgroundTask(path.unlink, missing_ok=True))


@router.get("/hazards.csv", response_class=StreamingResponse, responses=CSV_DOC)
async def export_hazards_csv(request: Request, token: BearerToken, settings: SettingsDep,
                             filters: HazardFiltersDep) -> StreamingResponse:
    """The hazards `GET /hazards` would list with these filters (the same scope: another
    center's are never included), newest first, streamed as CSV: a row per hazard with its
    plan, overdue, photo links (signed, valid `ANXUN_EXPORT_PHOTO_URL_TTL_HOURS`) and its
    timeline in one cell (an entry per line)."""
    export = Export(request, partial(_hazards, request, token, filters, PhotoLinks(settings)))
    return await _csv(request, export, hazard_rows.HEADER, lambda b: b.rows, "hazards",
                      "隐患导出")


@router.get("/hazards.xlsx", response_class=FileResponse, responses=XLSX_DOC)
async def export_hazards_xlsx(request: Request, token: BearerToken, settings: SettingsDep,
                              filters: HazardFiltersDep) -> Response:
    """As `hazards.csv`, as a workbook: the sheet 隐患 (a row per hazard) and the sheet 时间线
    (a row per timeline entry: 隐患编号, 序号, 时间, 操作, 操作人, 原状态, 新状态, 意见, 照片).
    Text stays text; times are Excel dates in Asia/Shanghai."""
    export = Export(request, partial(_hazards, request, token, filters, PhotoLinks(settings)))
    sheets = Sheets({"隐患": (hazard_rows.HEADER, lambda b: b.rows),
                     "时间线": (hazard_rows.TIMELINE_HEADER, lambda b: b.timeline)})
    return await _xlsx(request, export, settings, sheets, "hazards", "隐患导出")


@router.get("/inspections.csv", response_class=StreamingResponse, responses=CSV_DOC)
async def export_inspections_csv(request: Request, token: BearerToken, settings: SettingsDep,
                                 filters: InspectionFiltersDep) -> StreamingResponse:
    """The inspections `GET /inspections` would list with these filters (the same scope),
    newest first, streamed as CSV: a row per answer (检查项, 检查结果, 数值, 备注, photo links,
    the hazard it reported) with the inspection's columns repeated; a draft without answers
    has one row."""
    export = Export(request, partial(_inspections, request, token, filters, PhotoLinks(settings)))
    return await _csv(request, export, inspection_rows.HEADER, lambda b: b.rows,
                      "inspections", "检查导出")


@router.get("/inspections.xlsx", response_class=FileResponse, responses=XLSX_DOC)
async def export_inspections_xlsx(request: Request, token: BearerToken, settings: SettingsDep,
                                  filters: InspectionFiltersDep) -> Response:
    """As `inspections.csv`, as a workbook (the sheet 检查结果)."""
    export = Export(request, partial(_inspections, request, token, filters, PhotoLinks(settings)))
    sheets = Sheets({"检查结果": (inspection_rows.HEADER, lambda b: b.rows)})
    return await _xlsx(request, export, settings, sheets, "inspections", "检查导出")


