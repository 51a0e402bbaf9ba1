"""Domain errors carry their HTTP status and machine-readable code; one handler renders them.

Every error body has the shape ``{"error": {"code", "message", "details"}}``.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("anxun")


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    message = "请求无效"
    # True when the request's writes must be committed although it fails (e.g. a login failure
    # counter); otherwise the session dependency rolls back
    keeps_writes = False

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details or {}
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


HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


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
        if any(e["type"] == "json_invalid" for e in details["errors"]):
            return JSONResponse(
                error_body("malformed_json", "请求体不是有效的 JSON", details), status_code=400
            )
        return JSONResponse(
            error_body("validation_error", "提交的数据不符合要求", details), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(DataError)
    async def data_error(_request: Request, exc: DataError) -> JSONResponse:
        # a value the database refuses (out of range, bad encoding) that validation let through
        log.warning("database refused a value: %s", exc.orig)
        return JSONResponse(error_body("invalid_value", "数值超出允许范围"), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "服务器内部错误"), status_code=500)
