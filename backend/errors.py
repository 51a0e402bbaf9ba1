"""Domain errors carry their HTTP status and machine-readable code; one handler renders them.

Every error body has the shape ``{"error": {"code", "message", "details"}}``.

Every code the API can answer with is in :data:`CATALOGUE` (code → HTTP status and Chinese
meaning): the OpenAPI ``ErrorCode`` enum and the README's error table are generated from it
(``anxun error-codes``). An ``AppError`` subclass registers its class code when it is defined;
a code passed as ``code="..."`` at a raise site must be in the table below (a test scans the
sources for them, and while a test runs the constructor refuses an unregistered one).
"""

import logging
import os
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import PydanticCustomError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.jsonsafe import json_safe

log = logging.getLogger("anxun")


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    meaning: str


CATALOGUE: dict[str, ErrorCode] = {}


class UnknownErrorCode(LookupError):
    """A code that is not in the catalogue: the API contract would not list it."""


def register(code: str, status: int, meaning: str) -> None:
    """Add ``code`` to the catalogue; a code keeps one status everywhere."""
    known = CATALOGUE.get(code)
    if known is None:
        CATALOGUE[code] = ErrorCode(code, status, meaning)
    elif known.status != status:
        raise TypeError(f"error code {code!r} is HTTP {known.status} in the catalogue, "
                        f"not {status}")


# codes given as strings at raise sites (or by the framework handlers below); codes of AppError
# subclasses register themselves, and listing one here too fixes its meaning when several
# classes share it
for _code, _status, _meaning in (
    ("bad_request", 400, "请求无效"),
    ("malformed_json", 400, "请求体不是有效的 JSON"),
    ("invalid_path", 400, "请求路径包含非法字符"),
    ("wrong_password", 400, "当前密码不正确"),
    ("source_reserved", 400, "检查发现的隐患只能由提交检查生成"),
    ("invalid_token", 401, "登录已失效，请重新登录"),
    ("url_expired", 403, "照片链接已过期"),
    ("inspection_kind_forbidden", 403, "您不能在该点位进行此类检查"),
    ("not_the_inspector", 403, "只有检查人可以修改该检查"),
    ("not_found", 404, "对象不存在（或无权查看）"),
    ("center_not_found", 404, "中心不存在"),
    ("campus_not_found", 404, "校区不存在"),
    ("site_not_found", 404, "点位不存在"),
    ("module_not_found", 404, "巡检模块不存在"),
    ("module_version_not_found", 404, "模块版本不存在"),
    ("inspection_not_found", 404, "检查不存在"),
    ("hazard_not_found", 404, "隐患不存在"),
    ("photo_not_found", 404, "照片不存在"),
    ("photo_file_missing", 404, "照片文件缺失"),
    ("method_not_allowed", 405, "不支持此请求方法"),
    ("duplicate", 409, "代码或名称已存在"),
    ("username_taken", 409, "用户名已存在"),
    ("cannot_lock_out_self", 409, "不能停用自己或移除自己的管理员角色"),
    ("inspection_submitted", 409, "检查已提交，不能再修改"),
    ("precondition_failed", 412, "对象已被修改（If-Match 不符），请刷新后重试"),
    ("payload_too_large", 413, "请求体过大"),
    ("unsupported_media_type", 415, "不支持的内容类型"),
    ("validation_error", 422, "提交的数据不符合要求（details.errors 逐项说明）"),
    ("unknown_parameter", 422, "未知的查询参数（拼错的筛选条件不会被忽略）"),
    ("invalid_value", 422, "数值超出数据库允许的范围"),
    ("idempotency_mismatch", 422, "该幂等键已用于内容不同的请求"),
    ("weak_password", 422, "密码不符合要求"),
    ("roles_required", 422, "至少需要一个角色"),
    ("center_required", 422, "巡检员和中心负责人必须属于一个中心"),
    ("unknown_center", 422, "中心不存在"),
    ("unknown_campus", 422, "校区不存在"),
    ("module_inactive", 422, "该巡检模块已停用"),
    ("unknown_item", 422, "检查项不属于该模块版本"),
    ("invalid_assignee", 422, "责任人必须是该隐患所属中心的在岗人员"),
    ("plan_incomplete", 422, "整改计划（五定）不完整"),
    ("governance_plan_required", 422, "重大隐患须制定完整的治理方案"),
    ("restricted_use_major_only", 422, "停用/封控仅适用于重大隐患"),
    ("deadline_in_past", 422, "整改期限不能早于今天"),
    ("extension_not_later", 422, "新期限必须晚于当前期限"),
    ("image_rejected", 422, "文件中含有网页或脚本内容"),
    ("image_too_large", 422, "照片像素过多"),
    ("image_corrupt", 422, "照片文件已损坏或不完整"),
    ("image_decode_failed", 422, "照片处理失败，文件可能过大或已损坏"),
    ("internal_error", 500, "服务器内部错误"),
    ("database_unavailable", 503, "数据库不可用"),
):
    register(_code, _status, _meaning)


def _check_registered(code: str) -> None:
    if code in CATALOGUE:
        return
    # while a test runs (pytest sets PYTEST_CURRENT_TEST) an unregistered code fails loudly; in
    # production the answer still goes out: a 500 would make a phone retry it forever
    if "PYTEST_CURRENT_TEST" in os.environ:
        raise UnknownErrorCode(f"error code {code!r} is not in backend.errors.CATALOGUE")
    log.error("error code %r is not in the error catalogue", code)


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    message = "请求无效"
    # True when the request's writes must be committed although it fails (e.g. a login failure
    # counter); otherwise the session dependency rolls back
    keeps_writes = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__ or "status_code" in cls.__dict__:
            register(cls.code, cls.status_code, cls.message)

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if code is not None:
            _check_registered(code)
        self.message = message or self.message
        self.code = code or self.code
        # plain JSON now: a date or an enum in details answered 500 when the body was written
        self.details = json_safe(details or {})
        self.headers = headers
        super().__init__(self.message)


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "未登录或登录已过期"

    def __init__(self, message: str | None = None, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kw)


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "无权执行此操作"


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "对象不存在"


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "与现有数据冲突"


class Unprocessable(AppError):
    status_code = 422
    code = "validation_error"
    message = "提交的数据不符合要求"


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"
    message = "请求过于频繁，请稍后再试"


class UnknownParameter(Unprocessable):
    code = "unknown_parameter"
    message = "未知的查询参数"


# Starlette's own HTTP errors (unknown route, wrong method, unreadable form...)
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}

# validation error types whose (Chinese) message becomes the 422's message
_SELF_EXPLAINING: set[str] = set()


def validation_failure(kind: str, message: str) -> PydanticCustomError:
    """A validation error of type ``kind`` for a Pydantic validator to raise; its Chinese
    ``message`` is repeated as the 422 body's message."""
    _SELF_EXPLAINING.add(kind)
    return PydanticCustomError(kind, message)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _validation_details(exc: RequestValidationError) -> dict[str, Any]:
    errors = []
    for err in exc.errors():
        errors.append(
            {
                "loc": [str(part) for part in err.get("loc", ())],
                "type": err.get("type"),
                "msg": err.get("msg"),
            }
        )
    return {"errors": errors}


# path parameters whose name does not say what they name
_NAMED_BY = {"version": "module_version", "variant": "photo"}


def not_found_code(parameter: str) -> str:
    """``hazard_id`` → ``hazard_not_found`` when the catalogue has it, else ``not_found``."""
    code = f"{_NAMED_BY.get(parameter, parameter.removesuffix('_id'))}_not_found"
    return code if code in CATALOGUE else "not_found"


def _validation_message(errors: list[dict[str, Any]]) -> str:
    general = "提交的数据不符合要求"
    explained = next((e["msg"] for e in errors if e["type"] in _SELF_EXPLAINING), None)
    return f"{general}：{explained}" if explained else general


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        path_errors = [e for e in details["errors"] if e["loc"][:1] == ["path"]]
        if path_errors:  # /hazards/abc names no hazard: 404, as a missing one would
            return JSONResponse(error_body(not_found_code(path_errors[0]["loc"][-1]),
                                           "对象不存在", {"errors": path_errors}), status_code=404)
        if any(e["type"] == "json_invalid" for e in details["errors"]):
            return JSONResponse(
                error_body("malformed_json", "请求体不是有效的 JSON", details), status_code=400
            )
        return JSONResponse(
            error_body("validation_error", _validation_message(details["errors"]), details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code,
                              "internal_error" if exc.status_code >= 500 else "bad_request")
        return JSONResponse(error_body(code, CATALOGUE[code].meaning),
                            status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DataError)
    async def data_error(_request: Request, exc: DataError) -> JSONResponse:
        # a value the database refuses (out of range, bad encoding) that validation let through
        log.warning("database refused a value: %s", exc.orig)
        return JSONResponse(error_body("invalid_value", "数值超出允许范围"), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "服务器内部错误"), status_code=500)


def complete_catalogue() -> dict[str, ErrorCode]:
    """The catalogue once every backend module has registered its error classes."""
    import importlib
    import pkgutil

    import backend

    for module in pkgutil.walk_packages(backend.__path__, "backend."):
        if not module.name.startswith("backend.migrations"):
            importlib.import_module(module.name)
    return CATALOGUE


def markdown_table() -> str:
    """The complete catalogue as the README's Markdown table (``anxun error-codes``)."""
    rows = sorted(complete_catalogue().values(), key=lambda c: (c.status, c.code))
    lines = ["| code | HTTP | 含义 |", "|---|---|---|"]
    lines += [f"| `{c.code}` | {c.status} | {c.meaning} |" for c in rows]
    return "\n".join(lines) + "\n"
