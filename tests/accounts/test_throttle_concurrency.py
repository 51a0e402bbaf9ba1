"""Failed logins racing on a real server: counters and the purge of old rows never give a 500."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx2 as httpx
from sqlalchemy import select

from backend.accounts.models import LoginThrottle
from backend.accounts.service import username_hmac
from backend.clock import utcnow

NAMES = [f"racer-{n}" for n in range(6)]


def test_concurrent_failures_and_purges_of_old_rows(live):
    settings = live.settings
    expired = utcnow() - timedelta(minutes=settings.login_failure_window_minutes
                                   + settings.login_lockout_minutes + 5)
    session, _ = live.factory()
    # every name starts with an expired row: each request locks its own and purges the others'
    session.add_all(LoginThrottle(username_hmac=username_hmac(settings, name), failures=3,
                                  window_started_at=expired) for name in NAMES)
    session.commit()
    session.close()

    def fail(name: str) -> int:
        return httpx.post(f"{live.base_url}/api/v1/auth/login", timeout=60,
                          json={"username": name, "password": "wrong-password-1"}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(fail, NAMES * 3))
    assert statuses == [401] * len(statuses)
    with live.engine.connect() as conn:
        rows = conn.execute(select(LoginThrottle.failures, LoginThrottle.window_started_at))
        rows = rows.all()
    assert all(started > expired for _, started in rows)  # old windows are gone or restarted
    assert sum(failures for failures, _ in rows) == len(statuses)
