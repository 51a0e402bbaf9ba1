"""The head anchored outside the database: once a day by the scheduler (two passes at once
write one anchor), on demand by `anxun audit anchor`, and POSTed signed when a URL is set."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from backend.audit import anchors
from backend.audit.anchors import anchor_daily, read_anchors
from backend.audit.models import AuditEntry
from backend.config import Settings
from backend.deps import request_session
from backend.scheduler import PassResult, run_once
from backend.webhooks import signing
from tests.audit.conftest import clear_settings_caches
from tests.audit.tamper import append

MORNING = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


def sessions(deployment):  # noqa: ANN001, ANN201
    return partial(request_session, deployment.engine, read_only=False)


def test_the_scheduler_anchors_the_head_once_a_day(deployment):
    append(deployment.engine, 3)
    assert run_once(sessions(deployment), deployment.settings, MORNING).anchored == 1
    assert anchor_daily(sessions(deployment), deployment.settings,
                        MORNING + timedelta(hours=12)) is None  # 21:30: the same day
    append(deployment.engine, 2)
    next_day = anchor_daily(sessions(deployment), deployment.settings,
                            MORNING + timedelta(hours=15))  # 00:30 the next day
    assert next_day is not None and next_day.entry_id == 5
    written = read_anchors(deployment.settings)
    assert [(a.kind, a.entry_id, a.label) for a in written] == [
        ("daily", 3, "2026-12-01 条目 3"), ("daily", 5, "2026-12-02 条目 5")]
    run = deployment.cli("audit", "verify")
    assert run.code == 0 and "与 2 个锚点一致" in run.out, run


def test_an_empty_chain_is_not_anchored(deployment):
    assert anchor_daily(sessions(deployment), deployment.settings, MORNING) is None
    run = deployment.cli("audit", "anchor")
    assert run.code == 0 and "审计链为空" in run.out
    assert read_anchors(deployment.settings) == []


def test_two_passes_at_once_write_one_anchor(deployment, monkeypatch):
    """Real threads on their own connections; the first holds its transaction while it writes
    the file (slowed down), so the second arrives while the day is being anchored."""
    append(deployment.engine, 3)
    write = anchors.append

    def slow_write(settings: Settings, anchor: anchors.Anchor) -> None:
        time.sleep(0.3)
        write(settings, anchor)

    monkeypatch.setattr(anchors, "append", slow_write)
    gate = threading.Barrier(2)

    def scheduler_pass(_: int) -> PassResult:
        gate.wait()
        return run_once(sessions(deployment), deployment.settings, MORNING)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(scheduler_pass, range(2)))
    assert sorted(result.anchored for result in results) == [0, 1]
    assert len(read_anchors(deployment.settings)) == 1


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/anchors"
    server.shutdown()
    server.server_close()


def test_the_on_demand_anchor_is_also_posted_signed(deployment, receiver, monkeypatch):
    secret = "anchor-receiver-secret-0123"
    monkeypatch.setenv("ANXUN_AUDIT_ANCHOR_URL", receiver)
    monkeypatch.setenv("ANXUN_AUDIT_ANCHOR_SECRET", secret)
    clear_settings_caches()
    append(deployment.engine, 2)
    run = deployment.cli("audit", "anchor")
    assert run.code == 0 and "已锚定" in run.out and "已发送到" in run.out, run
    [(headers, body)] = Receiver.received
    assert signing.verify(secret, body, headers["X-AnXun-Timestamp"],
                          headers["X-AnXun-Signature"])
    [written] = read_anchors(deployment.settings)
    assert json.loads(body) == json.loads(written.json()) and written.entry_id == 2


def test_a_failed_post_is_reported_and_the_file_anchor_stands(deployment, monkeypatch):
    monkeypatch.setenv("ANXUN_AUDIT_ANCHOR_URL", "http://127.0.0.1:9/nobody-listens")
    monkeypatch.setenv("ANXUN_AUDIT_ANCHOR_SECRET", "anchor-receiver-secret-0123")
    clear_settings_caches()
    append(deployment.engine, 1)
    run = deployment.cli("audit", "anchor")
    assert run.code == 1 and "锚点未能发送" in run.err
    assert len(read_anchors(deployment.settings)) == 1


def test_an_anchor_url_needs_a_signing_secret(tmp_path):
    with pytest.raises(ValidationError, match="ANXUN_AUDIT_ANCHOR_SECRET"):
        Settings(data_dir=tmp_path, audit_anchor_url="https://anchors.example.edu.cn/in")
    assert Settings(data_dir=tmp_path).anchor_dir == tmp_path / "anchors"


@pytest.fixture
def anchored_twice(deployment):
    """Daily anchors on two days, as the scheduler writes them."""
    append(deployment.engine, 3)
    assert anchor_daily(sessions(deployment), deployment.settings, MORNING) is not None
    append(deployment.engine, 2)
    assert anchor_daily(sessions(deployment), deployment.settings,
                        MORNING + timedelta(days=1)) is not None
    return deployment


@pytest.mark.parametrize("damage", ["deleted", "emptied", "truncated"])
def test_anchors_the_database_records_but_the_file_lacks_fail(anchored_twice, damage):
    """Review of issue 14: deleting the anchor file passed as "no anchors yet"."""
    path = anchors.anchor_file(anchored_twice.settings)
    first_line = path.read_text().splitlines()[0]
    if damage == "deleted":
        path.unlink()
    else:
        path.write_text("" if damage == "emptied" else first_line + "\n")
    run = anchored_twice.cli("audit", "verify")
    assert run.code == 1, run
    lacking = ["2026-12-02 条目 5"] if damage == "truncated" else \
        ["2026-12-01 条目 3", "2026-12-02 条目 5"]
    assert f"{len(lacking)} 个每日锚点不在锚点文件中" in run.err
    assert ", ".join(lacking) in run.err


def test_anchoring_restarts_on_a_new_file_with_an_audit_entry(anchored_twice):
    """After restoring an older snapshot the operator moves the file aside and restarts."""
    refused = anchored_twice.cli("audit", "anchor", "--restart")
    assert refused.code == 2 and "请先移走" in refused.err
    path = anchors.anchor_file(anchored_twice.settings)
    path.rename(path.with_name("audit-anchors.before-restore.jsonl"))
    run = anchored_twice.cli("audit", "anchor", "--restart")
    assert run.code == 0 and "不再核对的 2 个每日锚点" in run.out, run
    [anchor] = read_anchors(anchored_twice.settings)
    assert anchor.entry_id == 6  # the restart's own entry, anchored
    verified = anchored_twice.cli("audit", "verify")
    assert verified.code == 0 and "与 1 个锚点一致" in verified.out, verified
    with anchored_twice.engine.connect() as conn:
        summary = conn.scalar(select(AuditEntry.summary)
                              .where(AuditEntry.action == "audit.anchors_restarted"))
    assert summary["forgotten"] == ["2026-12-01 条目 3", "2026-12-02 条目 5"]
