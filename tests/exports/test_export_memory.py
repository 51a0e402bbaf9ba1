"""An export streams in flat memory: the server's peak of traced Python memory while
streaming 10,000 hazards stays within a bound and does not grow with the rows (compared with
an export of a tenth of them), on a live server (real sessions, real commits). bench/exports.py
measures 100,000 and 1,000,000 (the same peak).

The server runs in this process (tests/live.py), so tracemalloc sees its allocations; the
client counts the bytes and keeps none."""

import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import insert

from backend.hazards.models import Hazard, HazardEvent
from backend.hazards.workflow import Status
from backend.vocab import Category, Grade, HazardSource, Role

ROWS = 10_000  # 50,000 took 110 s a database under tracemalloc, for the same peak
START = datetime(2025, 1, 1, tzinfo=UTC)
BOUND = 24 * 2**20  # bytes of peak traced memory, whatever the number of rows


@pytest.fixture(scope="module")
def loaded(live):
    began = time.monotonic()
    session, make = live.factory()
    org = make.org
    reporter = make.user(Role.inspector, center=org.catering)
    qa = make.user(Role.qa_officer, center=org.qa)
    rows = [dict(reporter_id=reporter.id, site_id=org.kitchen.id, center_id=org.catering.id,
                 campus_id=org.campus.id, title=f"隐患 {n}, \"第{n}项\"", description="描述\n二行",
                 category=Category.fire, grade=Grade.general, source=HazardSource.adhoc,
                 status=Status.reported, created_at=START + timedelta(minutes=n),
                 updated_at=START + timedelta(minutes=n)) for n in range(ROWS)]
    ids = session.scalars(insert(Hazard).returning(Hazard.id), rows).all()
    del rows
    session.execute(insert(HazardEvent), [
        dict(hazard_id=i, seq=1, action="report", actor_id=reporter.id, at=START,
             to_status=Status.reported, changes={}) for i in ids])
    session.commit()
    token = live.token(session, qa)
    session.close()
    print(f"loaded {ROWS} hazards in {time.monotonic() - began:.0f} s")
    return token


def peak_while_exporting(live, token: str, path: str, params: dict[str, str]) -> tuple[int, int]:
    """(peak traced bytes above the start, rows received)"""
    tracemalloc.start()
    try:
        rows = 0
        with httpx.stream("GET", f"{live.base_url}/api/v1/exports/{path}", params=params,
                          headers={"Authorization": f"Bearer {token}"}, timeout=600) as resp:
            assert resp.status_code == 200
            last = b""
            for chunk in resp.iter_bytes():  # a CRLF may straddle two chunks
                rows += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
                last = chunk[-1:]
        current, peak = tracemalloc.get_traced_memory()
        return peak, rows
    finally:
        tracemalloc.stop()


def _tenth() -> dict[str, str]:
    """The filter keeping the last tenth of the rows."""
    return {"created_from": (START + timedelta(minutes=ROWS * 9 // 10)).date().isoformat()}


def test_a_csv_export_streams_in_flat_memory(live, loaded):
    small_peak, small_rows = peak_while_exporting(live, loaded, "hazards.csv", _tenth())
    peak, rows = peak_while_exporting(live, loaded, "hazards.csv", {})
    # rows end with CRLF (the LF inside a description is quoted, not counted)
    print(f"csv: {ROWS} rows peak {peak / 2**20:.1f} MiB, {small_rows - 1} rows "
          f"{small_peak / 2**20:.1f} MiB")
    assert rows == 1 + ROWS and small_rows < rows // 5
    assert peak < BOUND, (peak, small_peak)
    assert peak < small_peak * 1.5 + 2 * 2**20, (peak, small_peak)  # not growing with rows


def test_an_xlsx_export_builds_in_flat_memory(live, loaded):
    """(Kept in memory, as openpyxl's normal mode does, the workbook grows with the rows.)"""
    small_peak, _ = peak_while_exporting(live, loaded, "hazards.xlsx", _tenth())
    peak, _ = peak_while_exporting(live, loaded, "hazards.xlsx", {})
    print(f"xlsx: {ROWS} rows peak {peak / 2**20:.1f} MiB, a tenth {small_peak / 2**20:.1f} MiB")
    assert peak < BOUND, peak
    assert peak < small_peak * 1.5 + 2 * 2**20, (peak, small_peak)
