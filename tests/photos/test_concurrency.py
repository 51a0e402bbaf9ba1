"""Concurrent uploads of the same bytes through a real server."""

import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx

from backend.vocab import Role
from tests.photos.images import jpeg


def test_concurrent_identical_uploads_store_one_intact_photo(live):
    session, make = live.factory()
    user = make.user(Role.inspector)
    headers = {"Authorization": f"Bearer {live.token(session, user)}"}
    data = jpeg(1600, 1200)

    def send(_n: int) -> httpx.Response:
        return httpx.post(f"{live.base_url}/api/v1/photos", headers=headers, timeout=60,
                          data={"client_id": str(uuid.uuid4())},
                          files={"file": ("p.jpg", data, "image/jpeg")})

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(send, range(8)))
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    original = httpx.get(live.base_url + responses[0].json()["urls"]["original"], timeout=30)
    assert hashlib.sha256(original.content).hexdigest() == hashlib.sha256(data).hexdigest()
    originals = list((live.settings.data_dir / "photos" / "originals").rglob("*"))
    assert len([p for p in originals if p.is_file()]) == 1
    derived = list((live.settings.data_dir / "photos" / "derived").rglob("*.jpg"))
    assert len(derived) == 2  # the losers of the race removed their derivatives
    session.close()
