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
def test_a_path_parameter_that_names_nothing_is_404(client, make, path):
    admin = make.user(Role.admin)
    resp = client.get(path, headers=make.headers(admin))
    assert resp.status_code == 404
    assert resp.json()["error"]["code"].endswith("not_found")


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


@pytest.mark.parametrize("path", ["/%00", "/hazards/%00", "/abc%00def", "/api/v1/sites/%00",
                                  "/api/v1/%00", "/assets/%00.js", "/icons/%00.png", "/docs%00",
                                  "/s/%0a", "/%7f"])
def test_control_characters_in_the_path_are_a_400_without_login(client, path):
    resp = client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "invalid_path"
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-request-id"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
@pytest.mark.parametrize("method, path", [("POST", "/api/v1/auth/login"),
                                          ("POST", "/api/v1/centers"),
                                          ("PATCH", "/api/v1/sites/1"),
                                          ("POST", "/api/v1/hazards")])
def test_json_numbers_must_be_finite_everywhere(client, make, method, path, number):
    admin = make.user(Role.admin)
    body = '{"username": "a", "password": "b", "name": "x", "gps": {"lat": N}}'.replace("N", number)
    resp = client.request(method, path, content=body.encode(),
                          headers={**make.headers(admin), "Content-Type": "application/json"})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["errors"][0]["type"] == "finite_number"


def test_nan_inside_a_string_is_just_text(client, make):
    admin = make.user(Role.admin)
    resp = client.post("/api/v1/centers", headers=make.headers(admin),
                       json={"code": "nan-infinity", "name": "NaN Infinity 1e400", "kind": "other"})
    assert resp.status_code == 201
    assert resp.json()["name"] == "NaN Infinity 1e400"


def test_oversized_json_bodies_are_a_413(client):
    body = b'{"username": "a", "password": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    resp = client.post("/api/v1/auth/login", content=body,
                       headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/me", "/api/v1/no-such-thing"])
def test_every_response_carries_the_security_headers(client, path):
    resp = client.get(path)
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "no-referrer"
    policy = directives(resp.headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"  # WebAssembly only, never JS eval


def test_the_docs_keep_working_under_their_own_policy(client):
    resp = client.get("/docs")
    assert resp.status_code == 200
    policy = directives(resp.headers["content-security-policy"])
    assert "https://cdn.jsdelivr.net" in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist" in resp.text  # its bundle: allowed
    assert client.get("/docs/oauth2-redirect").status_code == 200
    assert "cdn.jsdelivr.net" not in client.get("/healthz").headers["content-security-policy"]


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))
