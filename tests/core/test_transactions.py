"""A success response is only sent after the write committed."""

import httpx2 as httpx
from sqlalchemy.orm import Session

from backend.vocab import Role
from tests.factories import PASSWORD


def test_a_failed_commit_is_never_reported_as_success(live, monkeypatch):
    session, make = live.factory()
    user = make.user(Role.inspector)
    session.close()

    def failing_commit(self: Session) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Session, "commit", failing_commit)
    resp = httpx.post(f"{live.base_url}/api/v1/auth/login",
                      json={"username": user.username, "password": PASSWORD}, timeout=30)
    assert resp.status_code == 500
    assert resp.json()["error"]["code"] == "internal_error"
    monkeypatch.undo()
    ok = httpx.post(f"{live.base_url}/api/v1/auth/login",
                    json={"username": user.username, "password": PASSWORD}, timeout=30)
    assert ok.status_code == 200
