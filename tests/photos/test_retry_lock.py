"""A photo's retry through a real server while another transaction writes."""

import uuid

import httpx2 as httpx

from backend.vocab import Role
from tests.photos.images import jpeg


def test_a_retry_is_answered_while_another_transaction_holds_the_write_lock(live):
    """A retry only reads: its token check and lookup take no write lock, so a phone's retries
    are not queued behind other uploads' writes (on SQLite the token check of a POST took the
    write lock: this retry waited out the 30 s busy timeout)."""
    session, make = live.factory()
    user = make.user(Role.inspector)
    headers = {"Authorization": f"Bearer {live.token(session, user)}",
               "Content-Type": "image/jpeg"}
    url, data = f"{live.base_url}/api/v1/photos?client_id={uuid.uuid4()}", jpeg()
    first = httpx.post(url, headers=headers, content=data, timeout=30)
    assert first.status_code == 201, first.text
    with live.engine.begin() as writer:  # SQLite: BEGIN IMMEDIATE, the database's write lock
        if writer.dialect.name == "postgresql":
            writer.exec_driver_sql("LOCK TABLE photos IN EXCLUSIVE MODE")  # blocks writers only
        retry = httpx.post(url, headers=headers, content=data, timeout=10)
    assert retry.status_code == 200, retry.text
    assert retry.json()["id"] == first.json()["id"]
    session.close()
