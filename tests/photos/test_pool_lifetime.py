"""The decode pool's processes end with what made them: the app (its lifespan's shutdown), the
test session (tests/conftest.py holds the pool), and a server killed with SIGKILL (review of
issue 14: after the chaos benchmark and test runs, `ps` still showed them)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient

from backend.photos import pool as decode_pool
from tests.photos.images import jpeg


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended


def gone_within(pids: set[int], seconds: float) -> set[int]:
    """Those of ``pids`` still alive after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := {pid for pid in pids if alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def worker_pids() -> set[int]:
    pool = decode_pool._pool
    executor = pool._executor if pool is not None else None
    return set((executor._processes or {}).keys()) if executor is not None else set()


def test_the_apps_shutdown_ends_the_decode_workers(app, make, inspector, monkeypatch):
    monkeypatch.setattr(decode_pool, "_holders", 0)  # the app alone, as in production
    with TestClient(app) as client:
        resp = client.post("/api/v1/photos", headers=make.headers(inspector),
                           data={"client_id": str(uuid.uuid4())},
                           files={"file": ("p.jpg", jpeg(), "image/jpeg")})
        assert resp.status_code == 201, resp.text
        workers = worker_pids()
        assert workers and all(alive(pid) for pid in workers)
    assert gone_within(workers, 10) == set()


OWNER = """
import os, signal, sys
from backend.photos.pool import DecodePool

if __name__ == "__main__":
    pool = DecodePool(workers=2, queue=0, memory_limit_mb=512, timeout=60)
    pool.call(pow, 2, 2)
    print(" ".join(str(pid) for pid in pool._executor._processes), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_workers_end_when_their_server_is_killed(tmp_path):
    script, printed = tmp_path / "owner.py", tmp_path / "pids"
    script.write_text(OWNER)
    with open(printed, "w") as out:  # not a pipe: a worker left alive would hold it open
        owner = subprocess.Popen([sys.executable, str(script)], stdout=out,
                                 cwd=Path(__file__).parents[2], start_new_session=True)
        owner.wait(120)
    workers = {int(pid) for pid in printed.read_text().split()}
    left = gone_within(workers, 10)
    with contextlib.suppress(ProcessLookupError):  # the forkserver too, if it stayed
        os.killpg(owner.pid, signal.SIGKILL)
    assert owner.returncode == -signal.SIGKILL and workers
    assert left == set()


def test_the_pool_ends_with_its_last_holder(monkeypatch):
    monkeypatch.setattr(decode_pool, "_holders", 0)
    pool = decode_pool.get_pool(1, 0, 512, 60)
    with decode_pool.pool_held():
        with decode_pool.pool_held():
            assert pool.call(pow, 2, 3) == 8
            workers = worker_pids()
        assert worker_pids() == workers  # another holder still uses it
    assert gone_within(workers, 10) == set()
