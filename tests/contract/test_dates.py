"""Dates, one rule: a time without a time zone is a 422 saying so, and years are bounded
(2000..2100), so calendar-edge input is a 422, never an overflow 500."""

import uuid
from datetime import date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from backend.types import Day, Timestamp
from backend.vocab import Role

TIMESTAMP = TypeAdapter(Timestamp)
DAY = TypeAdapter(Day)

# filters and fields owned by other agents that don't follow the rule yet (contract-findings.md)
PENDING: set[str] = set()


def pending(case_id: str, *values: object):  # noqa: ANN201 - a pytest.param
    marks = [pytest.mark.xfail(reason="not on backend.types yet (contract-findings.md)",
                               strict=False)] if case_id in PENDING else []
    return pytest.param(*values, id=case_id, marks=marks)


@pytest.mark.parametrize("value", ["2026-03-01T08:30:00+08:00", "2026-03-01T00:30:00Z",
                                   "2000-01-01T00:00:00+14:00", "2100-12-31T23:59:59-12:00"])
def test_a_timestamp_with_a_zone_in_range_is_accepted(value):
    assert TIMESTAMP.validate_python(value).utcoffset() is not None


@pytest.mark.parametrize(("value", "kind"), [
    ("2026-03-01T08:30:00", "timezone_required"),
    ("2026-03-01", "timezone_required"),
    ("0001-01-01T00:00:00Z", "year_out_of_range"),
    ("9999-12-31T23:59:59-23:59", "year_out_of_range"),
    ("1999-12-31T23:59:59Z", "year_out_of_range"),
])
def test_a_naive_or_far_timestamp_is_refused(value, kind):
    with pytest.raises(ValidationError) as caught:
        TIMESTAMP.validate_python(value)
    assert caught.value.errors()[0]["type"] == kind


def test_days_are_bounded():
    assert DAY.validate_python("2000-01-01") == date(2000, 1, 1)
    assert DAY.validate_python("2100-12-31") == date(2100, 12, 31)
    for value in ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"):
        with pytest.raises(ValidationError):
            DAY.validate_python(value)


def _assert_422(resp, kind: str) -> None:
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "validation_error"
    assert kind in [e["type"] for e in error["details"]["errors"]], error
    if kind == "timezone_required":
        assert "时区" in error["message"]


@pytest.mark.parametrize(("path", "params", "kind"), [
    pending("audit-from-naive", "/api/v1/audit", {"from": "2026-01-01T00:00:00"},
            "timezone_required"),
    pending("audit-from-year-1", "/api/v1/audit", {"from": "0001-01-01T00:00:00Z"},
            "year_out_of_range"),
    pending("audit-to-year-9999", "/api/v1/audit", {"to": "9999-12-31T23:59:59Z"},
            "year_out_of_range"),
    pending("hazards-created_from-year-1", "/api/v1/hazards", {"created_from": "0001-01-01"},
            "year_out_of_range"),
    pending("hazards-created_to-year-9999", "/api/v1/hazards", {"created_to": "9999-12-31"},
            "year_out_of_range"),
    pending("hazards-deadline_to-year-9999", "/api/v1/hazards", {"deadline_to": "9999-12-31"},
            "year_out_of_range"),
    pending("inspections-created_from-year-1", "/api/v1/inspections",
            {"created_from": "0001-01-01"}, "year_out_of_range"),
    pending("inspections-created_to-year-9999", "/api/v1/inspections",
            {"created_to": "9999-12-31"}, "year_out_of_range"),
])
def test_calendar_edges_in_filters_are_a_422(client, make, path, params, kind):
    qa = make.user(Role.qa_officer)
    _assert_422(client.get(path, params=params, headers=make.headers(qa)), kind)


def test_a_time_zoned_audit_window_works(client, make):
    qa = make.user(Role.qa_officer)
    resp = client.get("/api/v1/audit", headers=make.headers(qa),
                      params={"from": "2000-01-01T00:00:00+08:00", "to": "2100-01-01T00:00:00Z"})
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(("field", "value", "kind"), [
    pending("hazard-captured_at-naive", "captured_at", "2026-03-01T08:30:00",
            "timezone_required"),
    pending("hazard-captured_at-year-1", "captured_at", "0001-01-01T00:00:00Z",
            "year_out_of_range"),
])
def test_hazard_report_times_follow_the_rule(client, make, field, value, kind):
    inspector = make.user(Role.inspector)
    body = {"client_id": str(uuid.uuid4()), "title": "灭火器过期", "site_id": make.org.kitchen.id,
            "category": "fire", "photo_ids": [make.photo(inspector).id], field: value}
    _assert_422(client.post("/api/v1/hazards", json=body, headers=make.headers(inspector)), kind)


@pytest.mark.parametrize(("value", "kind"), [
    pending("inspection-started_at-naive", "2026-03-01T08:30:00", "timezone_required"),
    pending("inspection-started_at-year-9999", "9999-12-31T23:00:00+08:00", "year_out_of_range"),
])
def test_inspection_start_times_follow_the_rule(client, make, value, kind):
    inspector = make.user(Role.inspector)
    module = client.get("/api/v1/modules", params={"limit": 1},
                        headers=make.headers(inspector)).json()["items"][0]
    body = {"client_id": str(uuid.uuid4()), "module_id": module["id"],
            "site_id": make.org.kitchen.id, "started_at": value}
    _assert_422(client.post("/api/v1/inspections", json=body, headers=make.headers(inspector)),
                kind)


def test_timestamps_are_datetimes():
    assert isinstance(TIMESTAMP.validate_python("2026-03-01T08:30:00+08:00"), datetime)
