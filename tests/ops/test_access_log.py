"""One access log line per request, as a JSON object with the request id, the caller (a
person or an API key), the route template, the status and the duration."""

import io
import json
import logging
import logging.config

import pytest

from backend.observability import JsonFormatter, logging_config
from backend.vocab import Role


@pytest.fixture
def access_lines(caplog):
    caplog.set_level(logging.INFO, logger="anxun.access")

    def lines() -> list[dict]:
        formatter = JsonFormatter()
        return [json.loads(formatter.format(r)) for r in caplog.records
                if r.name == "anxun.access"]

    return lines


def test_a_person_s_request(client, make, access_lines):
    inspector = make.user(Role.inspector)
    hazard = make.hazard(inspector)
    resp = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(inspector))
    assert resp.status_code == 200
    [line] = access_lines()
    assert line["request_id"] == resp.headers["x-request-id"]
    assert line["logger"] == "anxun.access" and line["level"] == "INFO"
    assert (line["method"], line["route"], line["path"], line["status"]) == \
        ("GET", "/api/v1/hazards/{hazard_id}", f"/api/v1/hazards/{hazard.id}", 200)
    assert line["user_id"] == inspector.id and line["api_key_id"] is None
    assert 0 < line["duration_ms"] < 10_000


def test_an_api_key_s_request_and_a_refusal(client, make, access_lines):
    key, secret = make.api_key("hazards:read")
    assert client.get("/api/v1/hazards", headers={"Authorization": f"Bearer {secret}"}) \
        .status_code == 200
    assert client.get("/api/v1/hazards").status_code == 401
    keyed, anonymous = access_lines()
    assert (keyed["route"], keyed["status"], keyed["api_key_id"]) == ("/api/v1/hazards", 200,
                                                                      key.id)
    assert keyed["user_id"] == key.user_id
    assert (anonymous["status"], anonymous["user_id"], anonymous["api_key_id"]) == (401, None,
                                                                                   None)
    assert keyed["request_id"] != anonymous["request_id"]


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_the_configured_handler_writes_the_chosen_format(log_format):
    stream = io.StringIO()
    config = logging_config(log_format)
    config["handlers"]["default"]["stream"] = stream
    configured = [logging.getLogger(name) for name in config["loggers"]]
    saved = [(logger.handlers[:], logger.level, logger.propagate) for logger in configured]
    logging.config.dictConfig(config)
    try:
        logging.getLogger("anxun.access").info("GET / 200",
                                               extra={"method": "GET", "status": 200})
    finally:
        for logger, (handlers, level, propagate) in zip(configured, saved, strict=True):
            logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate
    written = stream.getvalue().strip()
    if log_format == "json":
        assert json.loads(written)["status"] == 200
    else:
        assert written.endswith("INFO anxun.access [-] GET / 200")
