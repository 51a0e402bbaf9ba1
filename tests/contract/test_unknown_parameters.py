"""A query parameter the operation doesn't declare is a 422 ``unknown_parameter``: a mistyped
filter must not silently return everything."""

import pytest

from backend.vocab import Role


@pytest.fixture
def qa_headers(make):
    return make.headers(make.user(Role.qa_officer))


@pytest.mark.parametrize(("path", "params"), [
    ("/api/v1/sites", {"stauts": "x"}),
    ("/api/v1/hazards", {"status": "reported", "statuss": "closed"}),
    ("/api/v1/inspections", {"site": "1"}),
    ("/api/v1/modules", {"categroy": "fire"}),
    ("/api/v1/audit", {"from_": "2026-01-01T00:00:00Z"}),
    ("/api/v1/me", {"verbose": "1"}),
    ("/api/v1/centers", {"limit": "5"}),
])
def test_an_unknown_query_parameter_is_a_422(client, qa_headers, path, params):
    resp = client.get(path, params=params, headers=qa_headers)
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "unknown_parameter"
    unknown = sorted(set(params) - set(error["details"]["allowed"]))
    assert error["details"]["unknown"] == unknown
    assert unknown[0] in error["message"]


def test_declared_parameters_aliases_and_repeats_pass(client, qa_headers):
    audit = client.get("/api/v1/audit", headers=qa_headers,
                       params={"from": "2026-01-01T00:00:00+08:00", "limit": 5})
    assert audit.status_code == 200, audit.text
    hazards = client.get("/api/v1/hazards?status=reported&status=assigned&limit=5",
                         headers=qa_headers)
    assert hazards.status_code == 200, hazards.text


def test_writes_and_anonymous_requests_are_checked_too(client):
    login = client.post("/api/v1/auth/login?remember=1",
                        json={"username": "nobody", "password": "whatever-it-is"})
    assert login.status_code == 422
    assert login.json()["error"]["code"] == "unknown_parameter"


def test_paths_outside_the_api_are_not_checked(client):
    assert client.get("/healthz", params={"probe": "1"}).status_code == 200
