"""The OpenAPI document tells the truth about errors, and is described well enough for people
and for generated clients."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from backend.accounts.passwords import check_password_policy
from backend.errors import CATALOGUE
from backend.main import create_app
from backend.openapi import CODES_CARRIER, CODES_KEY
from backend.vocab import Role

APP = create_app()
SPEC = APP.openapi()
OPERATIONS = [(method.upper(), path, op) for path, methods in SPEC["paths"].items()
              for method, op in methods.items()]
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _id(operation: tuple[str, str, dict]) -> str:
    return f"{operation[0]} {operation[1]}"


def test_fastapis_validation_schemas_are_gone():
    text = json.dumps(SPEC)
    assert "HTTPValidationError" not in text
    assert "#/components/schemas/ValidationError" not in text
    assert {"Error", "ErrorInfo", "ErrorCode", "ErrorDetails", "ValidationIssue"} <= \
        set(SPEC["components"]["schemas"])


@pytest.mark.parametrize("operation", OPERATIONS, ids=_id)
def test_every_error_status_has_the_error_body_and_its_codes(operation):
    method, path, op = operation
    errors = {int(s): r for s, r in op["responses"].items() if s.isdigit() and int(s) >= 400}
    assert 422 in errors, "every /api operation refuses unknown query parameters"
    assert "unknown_parameter" in errors[422][CODES_KEY]
    if op.get("security"):
        assert {"not_authenticated", "invalid_token"} <= set(errors[401][CODES_KEY])
    if any(p["in"] == "path" for p in op.get("parameters", [])):
        assert 404 in errors
    for status, response in errors.items():
        assert response["content"] == {"application/json": {"schema": ERROR_REF}}
        assert response[CODES_KEY], f"{status} lists no code"
        for code in response[CODES_KEY]:
            assert code in CATALOGUE, code
            assert CATALOGUE[code].status == status, (code, status)
            assert f"`{code}`" in response["description"]
    assert CODES_CARRIER not in op["responses"]


def test_every_code_a_route_declares_is_in_the_catalogue():
    declared = {code for route in iter_route_contexts(APP.routes)
                if isinstance(route.original_route, APIRoute)
                for code in route.responses.get(CODES_CARRIER, {}).get(CODES_KEY, [])}
    assert declared - set(CATALOGUE) == set()


def test_role_checks_and_lists_are_documented():
    users = SPEC["paths"]["/api/v1/users"]["get"]["responses"]
    assert users["403"][CODES_KEY] == ["forbidden", "people_only"]  # people only: no API key
    assert users["429"][CODES_KEY] == ["rate_limited"]
    hazards = SPEC["paths"]["/api/v1/hazards"]["get"]["responses"]
    assert hazards["403"][CODES_KEY] == ["scope_missing"]  # a key without hazards:read
    assert "invalid_cursor" in users["400"][CODES_KEY]
    login = SPEC["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"401", "429"} <= set(login) and "malformed_json" in login["400"][CODES_KEY]


def test_the_422_in_the_document_is_the_422_on_the_wire(client, make):
    admin = make.user(Role.admin)
    body = client.get("/api/v1/users", params={"limit": "many"}, headers=make.headers(admin))
    assert body.status_code == 422
    error = body.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] in SPEC["components"]["schemas"]["ErrorCode"]["enum"]
    issue = error["details"]["errors"][0]
    assert set(issue) == set(SPEC["components"]["schemas"]["ValidationIssue"]["required"])
    assert issue["loc"] == ["query", "limit"]


def test_own_schemas_describe_every_field():
    schemas = SPEC["components"]["schemas"]
    for name in ("AuditEntryOut", "Page_AuditEntryOut_", "ErrorInfo", "ValidationIssue"):
        for field, prop in schemas[name]["properties"].items():
            assert prop.get("description") or "$ref" in prop, (name, field)


def test_the_title_is_ascii_and_the_description_keeps_the_chinese():
    assert SPEC["info"]["title"] == "AnXun API"
    assert SPEC["info"]["title"].isascii()
    assert "安巡" in SPEC["info"]["description"]


def test_the_document_is_built_once():
    app = create_app()
    assert app.openapi() is app.openapi()


def test_the_document_is_built_and_encoded_off_the_event_loop():
    """Building it takes 0.8 s idle: on the event loop (FastAPI's own route) the first request
    for it stalled every other request, past a client's 5 s timeout on a loaded CI machine."""
    app = create_app()
    build = app.openapi
    on_the_loop: list[bool] = []

    def recording_build() -> dict:
        try:
            asyncio.get_running_loop()
            on_the_loop.append(True)
        except RuntimeError:
            on_the_loop.append(False)
        return build()

    app.openapi = recording_build  # type: ignore[method-assign]
    with TestClient(app) as client:
        served = client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == build()
    assert on_the_loop == [False]


def _json_body_schema(op: dict) -> dict | None:
    content = op.get("requestBody", {}).get("content", {})
    return content.get("application/json")


@pytest.mark.parametrize("operation", OPERATIONS, ids=_id)
def test_every_parameter_is_described_and_every_json_body_has_an_example(operation):
    _, _, op = operation
    assert op.get("description") or op.get("summary")
    undescribed = [p["name"] for p in op.get("parameters", []) if not p.get("description")]
    assert undescribed == []
    body = _json_body_schema(op)
    if body is not None:
        schema = body["schema"]
        if "$ref" in schema:
            schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        assert body.get("example") or body.get("examples") or schema.get("examples") or \
            schema.get("example"), "the request body has no example"


BODY_ROUTES = [(method, context.path, context.original_route.body_field.field_info.annotation)
               for context in iter_route_contexts(APP.routes)
               if isinstance(context.original_route, APIRoute)
               and context.original_route.body_field is not None
               for method in sorted(context.methods or ())]


def _examples(op: dict) -> list:
    body = _json_body_schema(op) or {}
    schema = body.get("schema", {})
    if "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    examples = list(schema.get("examples", [])) + [e["value"] for e in body.get("examples", {})
                                                     .values() if "value" in e]
    return examples + [x for x in (schema.get("example"), body.get("example")) if x is not None]


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_every_request_body_example_is_accepted_by_its_model(route):
    method, path, model = route
    for example in _examples(SPEC["paths"][path][method.lower()]):
        model.model_validate_json(json.dumps(example))
        for field in ("password", "current_password", "new_password"):
            if field in example:
                check_password_policy(example[field], username=example.get("username", ""))


def test_concurrent_first_requests_get_the_finished_document():
    """Built in the thread pool, two first requests overlap: neither may get FastAPI's raw
    document before it is post-processed (it has no ``Error`` schema yet)."""
    app = create_app()
    with ThreadPoolExecutor(4) as pool:
        documents = list(pool.map(lambda _: app.openapi(), range(4)))
    assert all(d is documents[0] for d in documents)
    assert "Error" in documents[0]["components"]["schemas"]
