"""Concurrent writers through a real server never fork the chain."""

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from sqlalchemy import func, select

from backend.audit import verify_chain
from backend.audit.models import AuditEntry
from backend.vocab import Role
from tests.factories import PASSWORD


def test_concurrent_logins_append_one_unbroken_chain(live):
    session, make = live.factory()
    users = [make.user(Role.inspector) for _ in range(4)]
    session.close()
    attempts = [(user.username, PASSWORD if n % 3 else "wrong-password-1")
                for n in range(6) for user in users]

    def send(attempt: tuple[str, str]) -> int:
        username, password = attempt
        return httpx.post(f"{live.base_url}/api/v1/auth/login", timeout=60,
                          json={"username": username, "password": password}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, attempts))
    assert sorted(set(statuses)) == [200, 401]
    with live.engine.connect() as conn:
        logged = conn.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action.in_(["auth.login", "auth.login_failed"])))
    assert logged == len(attempts)
    session, _ = live.factory()
    result = verify_chain(session)
    session.close()
    assert result.ok, result
