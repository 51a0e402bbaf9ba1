"""photos-gc deleting an original (its key is its bytes' SHA-256, shared by every photo of them)
while a phone uploads those bytes again, on a live server (both databases, a local store and
S3): whichever comes first, every row ends naming a file that exists (a row named a deleted
file before: the GC decided before the upload's row committed and deleted after)."""

import hashlib
import itertools
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import httpx2 as httpx
import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from backend.backup.objects import referenced
from backend.clock import utcnow
from backend.db import make_engine, new_session
from backend.migrate import upgrade
from backend.photos import originals, router, service
from backend.photos.housekeeping import collect_unnamed_objects, run_gc
from backend.photos.models import Photo
from backend.photos.originals import original_key
from backend.photos.storage import LocalStorage
from backend.vocab import Role
from tests.photos.images import jpeg
from tests.photos.test_s3 import BUCKET, s3_endpoint  # noqa: F401 - a fixture, used by name

WEEK = timedelta(days=7)  # the GC's age: the old photo is older, the new upload younger
WIDTHS = itertools.count(400)
UPLOADS = 6


def fresh() -> bytes:
    """Bytes no earlier test uploaded (an uploader's second upload of the same bytes is
    answered with the first photo, not stored)."""
    return jpeg(next(WIDTHS), 203)


@pytest.fixture(scope="module")
def inspectors(live):  # noqa: ANN001, ANN201
    """The headers of three inspectors of the live server (the second uploads the first's
    bytes again: a photo, and a row, of its own)."""
    session, make = live.factory()
    yield [{"Authorization": f"Bearer {live.token(session, make.user(Role.inspector))}"}
           for _ in range(3)]
    session.close()


@pytest.fixture(params=["local", "s3"])
def phones(request, live, inspectors, monkeypatch):  # noqa: ANN001, ANN201
    """The inspectors, with the live server's store local or on S3 (moto)."""
    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        for name, value in (("photo_storage", "s3"), ("s3_bucket", BUCKET),
                            ("s3_endpoint_url", endpoint), ("s3_access_key", "test"),
                            ("s3_secret_key", "test"), ("s3_prefix", f"{uuid.uuid4().hex}/")):
            monkeypatch.setattr(live.settings, name, value)
    return inspectors


def send(live, headers: dict[str, str], data: bytes) -> httpx.Response:  # noqa: ANN001
    return httpx.post(f"{live.base_url}/api/v1/photos", headers=headers, timeout=60,
                      data={"client_id": str(uuid.uuid4())},
                      files={"file": ("p.jpg", data, "image/jpeg")})


def old_photo(live, headers: dict[str, str], data: bytes) -> None:  # noqa: ANN001
    """A photo of ``data`` received weeks ago that nothing uses: the GC's to collect."""
    first = send(live, headers, data)
    assert first.status_code == 201, first.text
    with Session(live.engine) as session:
        session.execute(update(Photo).where(Photo.id == first.json()["id"])
                        .values(received_at=utcnow() - 4 * WEEK))
        session.commit()


def gc(live) -> None:  # noqa: ANN001
    with Session(live.engine) as session:
        run_gc(session, live.settings, WEEK)


def assert_served(live, answer: httpx.Response, data: bytes) -> None:  # noqa: ANN001
    assert answer.status_code == 201, answer.text
    original = httpx.get(live.base_url + answer.json()["urls"]["original"], timeout=30)
    assert original.status_code == 200, original.text  # 404 photo_file_missing before
    assert hashlib.sha256(original.content).digest() == hashlib.sha256(data).digest()


@contextmanager
def paused_before_its_row(monkeypatch) -> Iterator[tuple[threading.Event, threading.Event]]:  # noqa: ANN001
    """Uploads stop after storing their files, before saving their row, until ``go``."""
    stored, go = threading.Event(), threading.Event()
    save = router._save

    def paused(*args):  # noqa: ANN002, ANN202
        stored.set()
        assert go.wait(30)
        return save(*args)

    monkeypatch.setattr(router, "_save", paused)
    try:
        yield stored, go
    finally:
        go.set()


def in_background(call: Callable[[], httpx.Response]) -> Future[httpx.Response]:
    pool = ThreadPoolExecutor(1)
    future = pool.submit(call)
    pool.shutdown(wait=False)
    return future


def test_the_gc_runs_while_an_upload_of_the_bytes_is_about_to_save_its_row(live, phones,
                                                                           monkeypatch):
    """The upload has written the original; the GC deletes the old photo of the same bytes,
    sees no other row (the upload's is not committed) and deletes the file; then the upload's
    row commits."""
    data = fresh()
    old_photo(live, phones[0], data)
    with paused_before_its_row(monkeypatch) as (stored, go):
        upload = in_background(lambda: send(live, phones[1], data))
        assert stored.wait(30)
        gc(live)
        go.set()
        assert_served(live, upload.result(timeout=60), data)


def test_an_upload_of_the_bytes_commits_while_the_gc_is_between_its_rows_and_its_files(
        live, phones):
    """The GC has committed the old photo's deletion and decided the original goes; the new
    upload stores it again and commits its row; then the GC deletes the files it decided on."""
    data = fresh()
    old_photo(live, phones[0], data)
    answers: list[httpx.Response] = []
    with Session(live.engine) as session:
        @event.listens_for(session, "after_commit")
        def upload_once(_session: Session) -> None:
            if not answers:
                answers.append(send(live, phones[1], data))

        run_gc(session, live.settings, WEEK)
    [answer] = answers
    assert_served(live, answer, data)


class ListedThen(LocalStorage):
    """A local store that runs ``then`` once its listing is read."""

    def __init__(self, root, then: Callable[[], None]) -> None:  # noqa: ANN001
        super().__init__(root)
        self.then = then

    def listing(self) -> Iterator[tuple[str, float]]:
        yield from super().listing()
        self.then()


def test_the_unnamed_objects_sweep_while_an_upload_of_the_bytes_is_about_to_save_its_row(
        live, inspectors, monkeypatch):
    """A two-day-old original no row names (a killed upload's); the sweep lists it as old, then
    an upload of its bytes stores it again and stops before its row; the sweep reads the rows
    (the upload's is not there) and deletes the file; then the upload's row commits."""
    headers = inspectors[2]
    data = fresh()
    store = live.settings.data_dir / "photos"
    left = store / original_key(hashlib.sha256(data).hexdigest())
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(data)
    os.utime(left, (time.time() - 2 * 24 * 3600,) * 2)
    with paused_before_its_row(monkeypatch) as (stored, go):
        uploads: list[Future[httpx.Response]] = []

        def upload_until_stored() -> None:
            uploads.append(in_background(lambda: send(live, headers, data)))
            assert stored.wait(30)

        def named() -> set[str]:
            with live.engine.connect() as conn:
                return {o.key for o in referenced(conn)}

        with Session(live.engine) as session:
            swept = collect_unnamed_objects(session, ListedThen(store, upload_until_stored),
                                            named)
        go.set()
        assert_served(live, uploads[0].result(timeout=60), data)
    assert swept == 1  # the sweep took the file; the upload put it back before its row


def test_uploads_of_old_photos_bytes_race_the_gc(live, phones, monkeypatch):
    """No pause: old photos, then new uploads of their bytes, and the GC once the first of
    them has stored its files (they queue for the decoders, so their store-to-commit windows
    spread out over the next 0.1-0.2 s), a little later each round."""
    first_stored = threading.Event()
    store = service.store

    def signalling(*args):  # noqa: ANN002, ANN202
        stored = store(*args)
        first_stored.set()
        return stored

    monkeypatch.setattr(service, "store", signalling)
    for delay in (0.0, 0.03, 0.06, 0.09):
        photos = [fresh() for _ in range(UPLOADS)]
        for data in photos:
            old_photo(live, phones[0], data)
        first_stored.clear()
        with ThreadPoolExecutor(UPLOADS) as pool:
            answers = pool.map(lambda data: send(live, phones[1], data), photos)
            assert first_stored.wait(30)
            time.sleep(delay)
            gc(live)
            for answer, data in zip(answers, photos, strict=True):
                assert_served(live, answer, data)


def test_on_sqlite_an_originals_lock_is_held_from_the_call(tmp_path):
    """On SQLite the lock is the write transaction: taken by ``lock`` itself, not by the
    caller's next statement (a check of the file before that statement was unprotected)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as conn:
        upgrade(conn)
    other = sqlite3.connect(tmp_path / "lock.db", timeout=0.1, isolation_level=None)
    try:
        with new_session(engine) as session:
            originals.lock(session, "ab" * 32)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released with the session
        other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()
