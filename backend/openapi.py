"""The API contract: the OpenAPI document tells every error an operation can answer, in the one
error body, and query parameters the contract doesn't name are refused.

- :func:`error_responses` is what a route passes as ``responses=`` for the errors it raises
  itself (by status, code or ``AppError`` class). Statuses every operation of a kind can answer
  are added automatically (see :func:`_automatic_codes`).
- :func:`install_openapi` post-processes FastAPI's document once (then cached): one ``Error``
  schema whose ``code`` is the catalogue's enum, on every error status; FastAPI's
  ``HTTPValidationError`` is gone since the 422 body is ours.
- :func:`reject_unknown_query_parameters`: a mistyped filter (``?stauts=closed``) is a 422
  ``unknown_parameter`` instead of silently returning everything.
"""

import threading
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel

from backend import ratelimit  # noqa: F401 - registers rate_limited
from backend.accounts import scopes
from backend.errors import (
    CATALOGUE,
    HTTP_CODES,
    AppError,
    UnknownParameter,
    complete_catalogue,
    not_found_code,
)

CODES_KEY = "x-error-codes"  # the codes of one error response, for people and client generators
CODES_CARRIER = "default"  # where error_responses() leaves codes until their status is known
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def error_responses(*declared: int | str | type[AppError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for the errors a route raises beyond the automatic ones: catalogue codes,
    ``AppError`` classes or bare HTTP statuses, e.g. ``error_responses("plan_incomplete",
    InvalidTransition, 404)``. The document shows each under its status with the ``Error``
    schema. Codes are placed when the document is built, once every module has registered its
    codes, so a router may name codes of modules it doesn't import."""
    responses: dict[int | str, dict[str, Any]] = {d: {} for d in declared if isinstance(d, int)}
    codes = {d if isinstance(d, str) else d.code for d in declared if not isinstance(d, int)}
    if codes:
        responses[CODES_CARRIER] = {CODES_KEY: sorted(codes)}
    return responses


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _query_names(route: APIRoute) -> frozenset[str]:
    """The query parameter names (aliases) a route declares, its dependencies' included."""
    names: set[str] = set()
    for dependant in _dependants(route.dependant):
        for field in dependant.query_params:
            model = field.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):  # a query model
                names.update(f.alias or name for name, f in model.model_fields.items())
            else:
                names.add(field.alias)
    return frozenset(names)


# id(route) -> (route, its names); holding the route keeps its id from being reused
_declared_query: dict[int, tuple[APIRoute, frozenset[str]]] = {}


async def reject_unknown_query_parameters(request: Request) -> None:
    """Refuse query parameters the route does not declare (an app-wide dependency: async and
    a set difference, so no thread hop; each route's names are computed once)."""
    if not request.scope.get("query_string"):
        return
    route = request.scope["route"]
    known = _declared_query.get(id(route))
    if known is None:
        known = _declared_query[id(route)] = (route, _query_names(route))
    allowed = known[1]
    unknown = sorted(set(request.query_params.keys()) - allowed)
    if unknown:
        raise UnknownParameter(f"未知的查询参数：{', '.join(unknown)}",
                               details={"unknown": unknown, "allowed": sorted(allowed)})


def _calls(route: RouteContext) -> set[str]:
    return {getattr(d.call, "__qualname__", "") for d in _dependants(route.dependant) if d.call}


def _automatic_codes(route: RouteContext, method: str,
                     operation: dict[str, Any]) -> dict[int, set[str]]:
    """The errors an operation can answer because of what it is: authenticated, role-checked,
    with parameters, a JSON body, a cursor or a path id."""
    codes: dict[int, set[str]] = {}
    calls = _calls(route)
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody", {}).get("content", {})
    if reject_unknown_query_parameters.__qualname__ in calls:
        codes.setdefault(422, set()).add("unknown_parameter")
    if parameters or body:
        codes.setdefault(422, set()).update({"validation_error", "invalid_value"})
    if "application/json" in body:
        codes.setdefault(400, set()).add("malformed_json")
    if method in ("POST", "PUT", "PATCH"):  # security.InputGuardMiddleware: JSON size, NaN
        codes.setdefault(413, set()).add("payload_too_large")
        codes.setdefault(422, set()).add("validation_error")
    if operation.get("security"):
        codes.setdefault(401, set()).update({"not_authenticated", "invalid_token"})
        # an API key outside its scopes (backend/accounts/scopes.py); any caller over its limit
        needs = scopes.needed(method, route.path_format or "")
        codes.setdefault(403, set()).add("people_only" if needs == scopes.PEOPLE
                                         else "scope_missing")
        codes.setdefault(429, set()).add("rate_limited")
    if any(call.startswith(("require_roles.", "require_roles_reading.")) for call in calls):
        codes.setdefault(403, set()).add("forbidden")
    if any(p["in"] == "query" and p["name"] == "cursor" for p in parameters):
        codes.setdefault(400, set()).add("invalid_cursor")
    path_ids = [p["name"] for p in parameters if p["in"] == "path"]
    if path_ids:  # a malformed or unknown id answers the object's own 404 code
        codes.setdefault(404, set()).update(not_found_code(name) for name in path_ids)
        codes.setdefault(400, set()).add("invalid_path")  # a control character in a path id
    return codes


def _describe_path_ids(operation: dict[str, Any]) -> None:
    """``hazard_id`` needs no prose from each route: "The hazard's id."."""
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path" and name.endswith("_id") and "description" not in parameter:
            parameter["description"] = f"The {name[:-3].replace('_', ' ')}'s id."


def _document_errors(route: RouteContext, method: str, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    codes = _automatic_codes(route, method, operation)
    for code in responses.pop(CODES_CARRIER, {}).get(CODES_KEY, []):
        if code in CATALOGUE:  # else left out: a contract test names it
            codes.setdefault(CATALOGUE[code].status, set()).add(code)
    for status, response in list(responses.items()):
        if status.isdigit() and int(status) >= 400:
            codes.setdefault(int(status), set()).update(response.get(CODES_KEY, []))
    for status, names in codes.items():
        if not names and status in HTTP_CODES:  # declared without its codes: the generic one
            names.add(HTTP_CODES[status])
        phrase = HTTPStatus(status).phrase
        described = responses.get(str(status), {}).get("description")
        own = described if described not in (None, phrase, "Validation Error") else phrase
        responses[str(status)] = {
            "description": f"{own}: " + ", ".join(f"`{c}`" for c in sorted(names)),
            "content": {"application/json": {"schema": ERROR_REF}},
            CODES_KEY: sorted(names),
        }
    operation["responses"] = dict(sorted(responses.items()))


def _error_schemas() -> dict[str, Any]:
    codes = sorted(CATALOGUE.values(), key=lambda c: (c.status, c.code))
    return {
        "Error": {
            "title": "Error", "type": "object", "required": ["error"],
            "description": "Every error answer: `{\"error\": {code, message, details}}`.",
            "properties": {"error": {"$ref": "#/components/schemas/ErrorInfo"}},
        },
        "ErrorInfo": {
            "title": "ErrorInfo", "type": "object", "required": ["code", "message", "details"],
            "properties": {
                "code": {"$ref": "#/components/schemas/ErrorCode"},
                "message": {"type": "string", "description": "For people, in Chinese."},
                "details": {"$ref": "#/components/schemas/ErrorDetails"},
            },
        },
        "ErrorCode": {
            "title": "ErrorCode", "type": "string", "enum": [c.code for c in codes],
            "description": "Machine-readable error code (HTTP status and meaning: "
                           "the README's error table, `anxun error-codes`).\n\n"
                           + "\n".join(f"- `{c.code}` ({c.status}): {c.meaning}" for c in codes),
        },
        "ErrorDetails": {
            "title": "ErrorDetails", "type": "object", "additionalProperties": True,
            "description": "Facts about the error (ids, fields, allowed values); for 400 "
                           "`malformed_json` and 422 `validation_error`, `errors` lists "
                           "each problem.",
            "properties": {"errors": {
                "type": "array", "items": {"$ref": "#/components/schemas/ValidationIssue"}}},
        },
        "ValidationIssue": {
            "title": "ValidationIssue", "type": "object", "required": ["loc", "type", "msg"],
            "properties": {
                "loc": {"type": "array", "items": {"type": "string"},
                        "description": "Where: `body`/`query`/`path`/`header`, then the field."},
                "type": {"type": "string", "description": "Kind of problem, e.g. `missing`, "
                                                          "`timezone_required`."},
                "msg": {"type": "string", "description": "What is wrong."},
            },
        },
    }


def _document(app: FastAPI, spec: dict[str, Any]) -> dict[str, Any]:
    complete_catalogue()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            for method in route.methods or ():
                operation = spec["paths"][route.path_format][method.lower()]
                _document_errors(route, method, operation)
                _describe_path_ids(operation)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for fastapi_own in ("HTTPValidationError", "ValidationError"):
        schemas.pop(fastapi_own, None)
    schemas.update(_error_schemas())
    spec["components"]["schemas"] = dict(sorted(schemas.items()))
    return spec


def install_openapi(app: FastAPI) -> None:
    """Serve the post-processed document, computed once on first use. Built in the thread
    pool, so under a lock: FastAPI's ``generate()`` caches its raw document in
    ``app.openapi_schema`` before ``_document`` has finished editing it, and a second request
    must not serve that half-made one."""
    generate = app.openapi
    built: list[dict[str, Any]] = []
    lock = threading.Lock()

    def openapi() -> dict[str, Any]:
        if not built:
            with lock:
                if not built:
                    built.append(_document(app, generate()))
        return built[0]

    app.openapi = openapi  # type: ignore[method-assign]
    _serve_off_the_event_loop(app)


def _serve_off_the_event_loop(app: FastAPI) -> None:
    """FastAPI's own ``/openapi.json`` route builds and encodes the document on the event loop:
    0.8 s idle, during which every other request waited (over 5 s on a loaded CI machine, past
    a client's timeout). This route does both in the thread pool."""
    app.router.routes = [route for route in app.router.routes
                         if getattr(route, "path", None) != app.openapi_url]

    async def openapi_document(request: Request) -> JSONResponse:  # noqa: ARG001 - a route
        return await run_in_threadpool(lambda: JSONResponse(app.openapi()))

    app.add_route(str(app.openapi_url), openapi_document, include_in_schema=False)
