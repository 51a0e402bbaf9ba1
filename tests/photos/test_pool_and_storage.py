"""The decode pool's limits, atomic storage and the insert race."""

import asyncio
import hashlib
import operator
import os
import threading
import time

import pytest

from backend.photos.pool import DecodeFailed, DecodePool, DecoderBusy, DecodeTimeout
from backend.photos.processing import process_image
from backend.photos.service import Stored, UploadFields, save_photo
from backend.photos.storage import LocalStorage
from backend.photos.tempdirs import LOCK
from tests.photos.images import jpeg


@pytest.fixture
def small_pool():
    # a generous timeout: starting a worker process on a loaded CI machine takes seconds
    pool = DecodePool(workers=1, queue=0, memory_limit_mb=512, timeout=60)
    yield pool
    pool.shutdown()


def test_a_full_queue_is_refused_at_once(small_pool):
    async def scenario():
        first = asyncio.create_task(small_pool.run(time.sleep, 1))
        await asyncio.sleep(0.05)
        with pytest.raises(DecoderBusy) as busy:
            await small_pool.run(time.sleep, 0)
        assert busy.value.status_code == 503 and busy.value.headers["Retry-After"]
        await first

    asyncio.run(scenario())


def test_a_stuck_decode_times_out_and_the_pool_recovers(small_pool):
    async def scenario():
        assert await small_pool.run(pow, 2, 2) == 4  # the worker is up
        small_pool.timeout = 1
        with pytest.raises(DecodeTimeout):
            await small_pool.run(time.sleep, 30)
        small_pool.timeout = 60
        assert await small_pool.run(pow, 2, 10) == 1024

    started = time.monotonic()
    asyncio.run(scenario())
    assert time.monotonic() - started < 20


def test_memory_hungry_decodes_fail_cleanly(small_pool):
    async def scenario():
        with pytest.raises((DecodeFailed, DecodeTimeout)) as refused:
            await small_pool.run(bytearray, 2 * 1024**3)  # beyond the 512 MB limit
        assert refused.value.status_code == 422
        assert await small_pool.run(pow, 3, 3) == 27

    asyncio.run(scenario())


def test_any_exception_raised_in_a_worker_is_a_422(small_pool):
    async def scenario():
        for fn, *args in ((operator.truediv, 1, 0), (int, "not a number"), (os.stat, "/none")):
            with pytest.raises(DecodeFailed) as refused:
                await small_pool.run(fn, *args)
            assert refused.value.status_code == 422
            assert refused.value.code == "image_decode_failed"

    asyncio.run(scenario())


def test_a_worker_death_fails_only_the_call_that_caused_it():
    """A dying worker breaks the whole pool: the other call in flight is retried, not refused."""
    pool = DecodePool(workers=2, queue=0, memory_limit_mb=512, timeout=60)

    async def scenario():
        await asyncio.gather(pool.run(time.sleep, 0.5), pool.run(time.sleep, 0.5))  # 2 workers up
        honest = asyncio.create_task(pool.run(time.sleep, 2))
        await asyncio.sleep(0.5)
        with pytest.raises(DecodeFailed):
            await pool.run(os._exit, 1)
        assert await honest is None

    try:
        asyncio.run(scenario())
    finally:
        pool.shutdown()


def test_concurrent_writes_of_the_same_object_never_corrupt_it(tmp_path):
    storage = LocalStorage(tmp_path / "store")
    sources = []
    for n in range(8):
        path = tmp_path / f"src{n}.jpg"
        path.write_bytes(jpeg(1200, 900))
        sources.append(path)
    expected = hashlib.sha256(sources[0].read_bytes()).hexdigest()
    # all sources hold the same bytes (same drawing); the key is content-addressed
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == expected for p in sources)
    barrier = threading.Barrier(8)

    def put(path):
        barrier.wait()
        for _ in range(5):
            storage.put_file("originals/ab/same", path, "image/jpeg")

    threads = [threading.Thread(target=put, args=(p,)) for p in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = b"".join(storage.iter_bytes("originals/ab/same"))
    assert hashlib.sha256(stored).hexdigest() == expected
    assert [p.name for p in (tmp_path / "store").rglob("*")
            if p.is_file() and p.name != LOCK] == ["same"]


def test_storage_keys_cannot_escape_the_root(tmp_path):
    storage = LocalStorage(tmp_path / "store")
    with pytest.raises(ValueError):
        storage.exists("../../etc/passwd")


def test_the_loser_of_an_insert_race_gets_the_winners_row(db, make, tmp_path):
    user = make.user()
    source = tmp_path / "in.jpg"
    source.write_bytes(jpeg())
    processed = process_image(str(source), 50_000_000, None)
    fields = UploadFields(client_id=None, site_id=None)
    storage = LocalStorage(tmp_path / "store")
    first, created = save_photo(db, user, fields, processed, Stored(storage, source, "k" * 32),
                                None)
    second, created_again = save_photo(db, user, fields, processed,
                                       Stored(storage, source, "j" * 32), None)
    assert created and not created_again
    assert second.id == first.id


def test_a_local_store_whose_objects_are_gone_is_empty_despite_its_staging_lock(tmp_path):
    """A restore refuses a non-empty store: the lock file a process keeps in the staging area
    once it has stored anything is not an object."""
    from backend.photos.storage import LocalStorage

    store = LocalStorage(tmp_path / "photos")
    source = tmp_path / "p.jpg"
    source.write_bytes(b"jpeg")
    store.put_file("originals/ab/abc", source, "image/jpeg")
    assert not store.is_empty()
    store.delete("originals/ab/abc")
    assert store.is_empty()
