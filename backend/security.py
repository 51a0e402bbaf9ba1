"""Browser security headers, and requests refused before any route sees them.

Pure ASGI middlewares (no BaseHTTPMiddleware buffering of responses).
"""

import json
import math
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import AppError, error_body


def _policy(directives: Mapping[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# The phone app: everything from this origin. Photos being captured are shown from blob: URLs;
# Vant's icon font is a data: URL (its second source, at.alicdn.com, is never needed: Chromium
# logs it as blocked). Vue and Vant set styles through the CSSOM, which CSP allows, so no
# 'unsafe-inline' is needed for styles either (the browser tests watch for violations).
# 'wasm-unsafe-eval' lets the live QR scanner compile its WebAssembly reader (served from this
# origin); it allows no JavaScript eval.
APP_POLICY = _policy({
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
    "style-src": "'self'",
    "img-src": "'self' blob: data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
})
# /docs (Swagger UI) and /redoc load their bundles from a CDN and start them with an inline
# script; these pages show only the API's own description.
DOCS_POLICY = _policy({
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-inline' https://cdn.jsdelivr.net",
    "style-src": "'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
    "img-src": "'self' data: https://fastapi.tiangolo.com https://cdn.jsdelivr.net",
    "font-src": "'self' data: https://fonts.gstatic.com",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
})
DOCS_PREFIXES = ("/docs", "/redoc")
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",  # frame-ancestors for browsers that predate CSP level 2
}


def _is_docs(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in DOCS_PREFIXES)


class SecurityHeadersMiddleware:
    """Adds the security headers to every response. A header the response already has is kept:
    the photo files carry their own, stricter policy (``default-src 'none'; sandbox``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = {**COMMON_HEADERS, "content-security-policy":
                  DOCS_POLICY if _is_docs(scope["path"]) else APP_POLICY}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name.encode(), value.encode()) for name, value in wanted.items()
                            if name.encode() not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class InvalidPath(AppError):
    code = "invalid_path"
    message = "请求路径包含非法字符"


JSON_BODY_LIMIT = 1024 * 1024  # the largest checklist save is a few hundred KB


class _NotFinite(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotFinite(name)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e400 parses as infinity
        raise _NotFinite(literal)
    return value


def _is_json(headers: Headers) -> bool:
    """What FastAPI parses as JSON: ``application/json``, ``application/*+json``, or no type."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type in ("", "application/json") or (
        content_type.startswith("application/") and content_type.endswith("+json"))


class InputGuardMiddleware:
    """Refuses, with the usual error body, what used to reach the routes and fail there:

    - a path with a control character (``/%00`` made file lookups raise: 500): 400
      ``invalid_path``;
    - a JSON body with ``NaN``, ``Infinity`` or a number too large for a float (Python's JSON
      parser accepts them and they were stored): 422 ``validation_error``. Checking the body here
      covers every endpoint; form and query floats use ``pydantic.FiniteFloat``. JSON bodies are
      buffered to be checked, so they are capped: 413 ``payload_too_large`` beyond
      ``JSON_BODY_LIMIT``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if any(ord(char) < 0x20 or char == "\x7f" for char in scope["path"]):
            await _refuse(scope, receive, send, InvalidPath.status_code, InvalidPath.code,
                          InvalidPath.message)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH") or not _is_json(Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, JSON_BODY_LIMIT)
        if body is None:
            await _refuse(scope, receive, send, 413, "payload_too_large", "请求体过大",
                          {"max_bytes": JSON_BODY_LIMIT})
            return
        try:
            json.loads(body, parse_constant=_refuse_constant, parse_float=_finite_float)
        except _NotFinite as exc:
            await _refuse(scope, receive, send, 422, "validation_error", "数值必须是有限数",
                          {"errors": [{"loc": ["body"], "type": "finite_number",
                                       "msg": f"{exc} is not a finite number"}]})
            return
        except ValueError:
            pass  # malformed JSON: the route answers 400 malformed_json as usual
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it exceeds ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the route sees the body it sent
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, code: str,
                  message: str, details: dict[str, Any] | None = None) -> None:
    response = JSONResponse(error_body(code, message, details), status_code=status)
    await response(scope, receive, send)
