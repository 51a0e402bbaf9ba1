"""Phones sending slowly must not stop other writes. The write admission (backend/admission)
was taken for the whole request, body included: twenty uploads trickling in over a weak
signal held every admission, and a report from a phone with a good signal waited for them."""

import socket
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from backend.admission import WRITERS
from backend.vocab import Role

SENDERS = WRITERS + 2
BOUNDARY = "slow-sender"


@pytest.fixture(scope="module")
def inspector(live):
    session, make = live.factory()
    user = make.user(Role.inspector)
    photo_id = make.photo(user).id
    site_id = make.org.kitchen.id
    session.commit()
    token = live.token(session, user)
    session.close()
    return token, photo_id, site_id


def _stalled(live, head: str, body_start: bytes) -> socket.socket:
    """A connection that sent a request's head and the start of its body, then stalls."""
    url = urlsplit(live.base_url)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    sock.sendall(head.encode() + b"\r\n" + body_start)
    return sock


@pytest.fixture
def trickling(live, inspector) -> Iterator[None]:
    """SENDERS photo uploads and SENDERS JSON reports, each stalled mid-body."""
    token, _, _ = inspector
    photo_start = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
                   f"filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8"
    sockets = [_stalled(live, (f"POST /api/v1/photos HTTP/1.1\r\nHost: t\r\n"
                               f"Authorization: Bearer {token}\r\n"
                               f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                               f"Content-Length: 2000000\r\n"), photo_start)
               for _ in range(SENDERS)]
    sockets += [_stalled(live, (f"POST /api/v1/hazards HTTP/1.1\r\nHost: t\r\n"
                                f"Authorization: Bearer {token}\r\n"
                                f"Content-Type: application/json\r\nContent-Length: 400\r\n"),
                         b'{"title": "')
                for _ in range(SENDERS)]
    time.sleep(1)  # the server has taken every request in
    try:
        yield
    finally:
        for sock in sockets:
            sock.close()


def test_a_report_is_not_held_up_by_slow_senders(live, inspector, trickling):
    token, photo_id, site_id = inspector
    began = time.monotonic()
    response = httpx.post(f"{live.base_url}/api/v1/hazards", timeout=30, headers={
        "Authorization": f"Bearer {token}"}, json={
        "title": "配电房门未关", "site_id": site_id, "category": "water_power",
        "photo_ids": [photo_id], "client_id": str(uuid.uuid4())})
    assert response.status_code == 201, response.text
    assert time.monotonic() - began < 5
