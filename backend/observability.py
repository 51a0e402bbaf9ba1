"""Request ids (every response carries ``X-Request-ID`` and every log line names it), one access
log line per request, and the logging setup: JSON lines (``ANXUN_LOG_FORMAT=json``, the
default, for a log collector) or plain text (``plain``, to read in a terminal)."""

import json
import logging
import logging.config
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend import metrics

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware buffering): reuses a sane incoming ``X-Request-ID``
    from a proxy, otherwise makes one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


def route_template(scope: Scope) -> str | None:
    """The matched operation's path as the OpenAPI document writes it
    (``/api/v1/hazards/{hazard_id}``), or None when no route matched. The route in the scope is
    the router's own, whose path lacks the prefixes it was included under: mapped once per app."""
    route, app = scope.get("route"), scope.get("app")
    if route is None or app is None:
        return None
    paths: dict[int, str] | None = getattr(app.state, "operation_paths", None)
    if paths is None:
        from fastapi.routing import iter_route_contexts

        paths = {id(c.original_route): c.path_format
                 for c in iter_route_contexts(app.routes) if c.path_format}
        app.state.operation_paths = paths
    return paths.get(id(route))


ACCESS_FIELDS = ("method", "route", "path", "status", "duration_ms", "user_id", "api_key_id")
access_log = logging.getLogger("anxun.access")


class AccessLogMiddleware:
    """One log line and one latency observation per request, by route template (bounded label
    values: ``/hazards/{hazard_id}``, never ``/hazards/12``). The caller is what authentication
    put in the request's state (``backend.deps.get_principal``). Pure ASGI, like the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless an answer starts: an exception reaches the server's 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            metrics.observe_request(scope["method"], route, status, seconds)
            state = scope.get("state", {})
            fields = {"method": scope["method"], "route": route or metrics.UNMATCHED,
                      "path": scope["path"], "status": status,
                      "duration_ms": round(seconds * 1000, 1),
                      "user_id": state.get("user_id"), "api_key_id": state.get("api_key_id"),
                      "request_id": request_id_var.get()}
            caller = f" user {fields['user_id']}" if fields["user_id"] else ""
            caller += f" key {fields['api_key_id']}" if fields["api_key_id"] else ""
            access_log.info("%s %s %s %.1fms%s", scope["method"], scope["path"], status,
                            fields["duration_ms"], caller, extra=fields)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """A JSON object per line: time, level, logger, message, request id, the access fields
    when present, and the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get())}
        line.update({name: getattr(record, name) for name in ACCESS_FIELDS
                     if hasattr(record, name)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the app's loggers and uvicorn's, in one format.
    Given to uvicorn as ``log_config`` so that every worker process applies it; uvicorn's own
    access lines are off (``AccessLogMiddleware`` writes a richer one)."""
    formatter: dict[str, Any] = {"()": JsonFormatter} if log_format == "json" \
        else {"format": PLAIN}
    handler = {"class": "logging.StreamHandler", "formatter": "default",
               "filters": ["request_id"], "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {name: {"handlers": ["default"], "level": level, "propagate": False}
                    for name in ("anxun", "uvicorn", "uvicorn.error")},
    }


def configure_logging(log_format: str = "json", level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(log_format, level))
