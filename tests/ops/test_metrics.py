"""GET /metrics: the Prometheus text format, behind its token; what the requests, the photo
ingest, the scheduler and the outboxes put in it."""

import pytest
from fastapi.routing import iter_route_contexts
from prometheus_client.parser import text_string_to_metric_families

from backend.scheduler import run_once
from backend.vocab import Role
from tests.notifications.helpers import run_scheduler
from tests.photos.images import jpeg

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def scrape(client, settings):
    settings.metrics_token = TOKEN

    def read() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        resp = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith("text/plain; version=")
        return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in text_string_to_metric_families(resp.text)
                for sample in family.samples}

    return read


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_absent_without_a_token(client):
    resp = client.get("/metrics")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found"
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
def test_a_wrong_token_is_401(client, settings, header):
    settings.metrics_token = TOKEN
    resp = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "invalid_token"


def test_requests_counted_under_their_route_template(client, app, make, scrape):
    inspector = make.user(Role.inspector)
    hazard = make.hazard(inspector)
    headers = make.headers(inspector)
    count = "anxun_http_request_duration_seconds_count"
    route = "/api/v1/hazards/{hazard_id}"
    before = scrape()
    for _ in range(3):
        assert client.get(f"/api/v1/hazards/{hazard.id}", headers=headers).status_code == 200
    assert client.get("/api/v1/hazards/999999", headers=headers).status_code == 404
    assert client.get("/api/v1/no-such-thing/12345").status_code == 404
    after = scrape()
    assert value(after, count, method="GET", route=route) - \
        value(before, count, method="GET", route=route) == 4
    assert value(after, "anxun_http_requests_total", method="GET", route=route, status="404") - \
        value(before, "anxun_http_requests_total", method="GET", route=route, status="404") == 1
    assert value(after, count, method="GET", route="<unmatched>") > \
        value(before, count, method="GET", route="<unmatched>")
    routes = {dict(labels)["route"] for _, labels in after if "route" in dict(labels)}
    templates = {c.path_format for c in iter_route_contexts(app.routes) if c.path_format}
    # "/": the API docs' redirect of apps other tests build without the PWA (one registry)
    assert routes <= templates | {"<unmatched>", "/"}, routes - templates  # never a raw path


def test_photo_ingest_stages_and_outbox_lag(client, make, scrape, app):
    inspector = make.user(Role.inspector)
    before = scrape()
    resp = client.post("/api/v1/photos", headers=make.headers(inspector),
                       files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert resp.status_code == 201, resp.text
    make.hazard(inspector)  # commits events no consumer has handled (the scheduler is off)
    after = scrape()
    for stage in ("receive", "decode", "store", "save"):
        name = "anxun_photo_ingest_duration_seconds_count"
        assert value(after, name, stage=stage) - value(before, name, stage=stage) == 1, stage
    assert value(after, "anxun_photo_decode_in_flight") == 0
    assert value(after, "anxun_events_unconsumed", consumer="notifications") >= 1
    assert value(after, "anxun_events_oldest_unconsumed_age_seconds",
                 consumer="notifications") >= 0

    runs = value(after, "anxun_scheduler_runs_total", outcome="ok")
    run_scheduler(app)
    done = scrape()
    assert value(done, "anxun_scheduler_runs_total", outcome="ok") == runs + 1
    assert value(done, "anxun_events_unconsumed", consumer="notifications") == 0
    assert value(done, "anxun_events_oldest_unconsumed_age_seconds", consumer="notifications") == 0


def test_a_failed_scheduler_pass_is_counted(scrape, settings):
    def database_down():
        raise ConnectionError("database down")

    failed = value(scrape(), "anxun_scheduler_runs_total", outcome="failed")
    with pytest.raises(ConnectionError):
        run_once(database_down, settings)
    assert value(scrape(), "anxun_scheduler_runs_total", outcome="failed") == failed + 1
