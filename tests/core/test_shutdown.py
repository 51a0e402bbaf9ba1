"""A stop signal reaches the app before the server waits for open responses: event streams
end at once, and the server stops instead of waiting for ever."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx

from backend.shutdown import signalled
from tests.factories import PASSWORD


def test_a_stop_signal_sets_the_event_then_does_what_it_did_before():
    calls: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda sig, _frame: calls.append(sig))
    try:
        stopping = threading.Event()
        with signalled(stopping):
            signal.raise_signal(signal.SIGTERM)
            assert stopping.is_set() and calls == [signal.SIGTERM]
        signal.raise_signal(signal.SIGTERM)  # the block is over: the previous handler alone
        assert calls == [signal.SIGTERM, signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_anxun_serve_ends_open_event_streams_on_sigterm(tmp_path):
    """The real command (uvicorn, uvloop, httptools, the lifespan on): SIGTERM with a stream
    open ends the stream's body cleanly and the process exits at once. On a SQLite file of its
    own whatever the test database: this is about the server, not the data."""
    env = {**os.environ, "ANXUN_DATA_DIR": str(tmp_path), "ANXUN_SCHEDULER_ENABLED": "false",
           "ANXUN_DATABASE_URL": f"sqlite:///{tmp_path / 'anxun.db'}"}

    def cli(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env, check=True,
                       capture_output=True, timeout=120)

    cli("migrate")
    cli("create-user", "wall", "--role", "leader", "--password", PASSWORD)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve", "--port",
                               str(port)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "anxun serve did not start"
                time.sleep(0.1)
        token = httpx.post(f"{base}/api/v1/auth/login", json={
            "username": "wall", "password": PASSWORD}).json()["access_token"]
        with httpx.Client(base_url=base, timeout=10) as client, client.stream(
                "GET", "/api/v1/events/stream",
                headers={"Authorization": f"Bearer {token}"}) as resp:
            assert resp.status_code == 200
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            lines = list(resp.iter_lines())  # raises if the body is cut off uncleanly
        assert lines[0] == "retry: 3000"
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert server.wait(timeout=10) == -signal.SIGTERM
        assert time.monotonic() - started < 5
        log = server.stderr.read() or ""
        assert "Application shutdown complete" in log, log
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
