import pytest

from backend.vocab import Role


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz").headers["x-request-id"]
    second = client.get("/healthz").headers["x-request-id"]
    assert first and second and first != second
    echoed = client.get("/healthz", headers={"X-Request-ID": "phone-req-123456"})
    assert echoed.headers["x-request-id"] == "phone-req-123456"
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\r\nx"})
    assert unsafe.headers["x-request-id"] != "bad id\r\nx"


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json").json()
    assert "/api/v1/auth/login" in spec["paths"]
    operation_ids = [op["operationId"] for p in spec["paths"].values() for op in p.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert "login" in operation_ids
    assert client.get("/docs").status_code == 200


def test_malformed_json_is_a_400_with_the_error_body(client):
    resp = client.post("/api/v1/auth/login", content=b'{"username": "a", ',
                       headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("body", [
    {"username": 5, "password": ["x"]},
    {"username": "a"},
    [],
    "just a string",
    {"username": "", "password": ""},
])
def test_wrong_types_are_a_422_with_details(client, body):
    resp = client.post("/api/v1/auth/login", json=body)
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["errors"]


@pytest.mark.parametrize("path", ["/api/v1/sites/not-a-number", "/api/v1/modules/1.5",
                                  "/api/v1/users/-x"])
def test_bad_path_parameters_are_4xx(client, make, path):
    admin = make.user(Role.admin)
    resp = client.get(path, headers=make.headers(admin))
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"


def test_unknown_routes_and_methods(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/auth/login")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4Il0", "eyJhIjoxfQ", "!!!"])
def test_bad_cursors_are_a_400(client, make, cursor):
    qa = make.user(Role.qa_officer)
    resp = client.get("/api/v1/sites", params={"cursor": cursor}, headers=make.headers(qa))
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "invalid_cursor"


def test_huge_integers_in_ids_do_not_crash(client, make):
    qa = make.user(Role.qa_officer)
    resp = client.get(f"/api/v1/sites/{2**70}", headers=make.headers(qa))
    assert resp.status_code in (404, 422)
