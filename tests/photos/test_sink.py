"""The worker that hashes and writes an upload: bounded memory, nothing left, errors told."""

import asyncio
import errno
import hashlib
import threading
import time

import pytest

from backend.photos import sink as sink_module
from backend.photos.sink import FileSink

CHUNK = 64 * 1024


@pytest.fixture
def stalled(monkeypatch):
    """A worker held until the test lets it go."""
    go, threads = threading.Event(), []

    def submit(sink: FileSink) -> None:
        def held() -> None:
            go.wait(10)
            sink._drain()
        threads.append(threading.Thread(target=held))
        threads[-1].start()

    monkeypatch.setattr(sink_module, "_submit", submit)
    monkeypatch.setattr(sink_module, "WINDOW", 2 * CHUNK)
    yield go
    go.set()
    for thread in threads:
        thread.join(10)


def test_the_receive_waits_while_a_window_is_unwritten(tmp_path, stalled):
    data = [bytes([n]) * CHUNK for n in range(6)]

    async def run() -> str:
        sink = FileSink(tmp_path)
        for chunk in data[:2]:
            await sink.write(chunk)  # within the window: no wait
        third = asyncio.ensure_future(sink.write(data[2]))
        await asyncio.sleep(0.1)
        assert not third.done()  # over the window while the worker is held
        stalled.set()
        await third
        for chunk in data[3:]:
            await sink.write(chunk)
        digest = await sink.finish()
        assert sink.path.read_bytes() == b"".join(data)
        sink.discard()
        return digest

    assert asyncio.run(run()) == hashlib.sha256(b"".join(data)).hexdigest()
    assert list(tmp_path.iterdir()) == []


def test_discarded_mid_write_the_file_is_gone_and_closed_by_the_worker(tmp_path, stalled):
    async def run() -> FileSink:
        sink = FileSink(tmp_path)
        await sink.write(b"x" * CHUNK)
        receive = asyncio.ensure_future(sink.write(b"y" * 3 * CHUNK))
        await asyncio.sleep(0.05)
        receive.cancel()  # the request ends while it waits for the worker
        with pytest.raises(asyncio.CancelledError):
            await receive
        sink.discard()
        assert list(tmp_path.iterdir()) == []
        return sink

    sink = asyncio.run(run())  # the loop is closed before the worker runs
    stalled.set()
    deadline = time.monotonic() + 5
    while not sink._file.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sink._file.closed


class FullDisk:
    closed = False

    def write(self, _chunk: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        self.closed = True


def test_a_write_error_reaches_the_receive(tmp_path):
    async def run() -> None:
        sink = FileSink(tmp_path)
        sink._file.close()
        sink._file = FullDisk()  # type: ignore[assignment]
        await sink.write(b"x" * CHUNK)
        with pytest.raises(OSError) as error:
            await sink.finish()
        assert error.value.errno == errno.ENOSPC
        sink.discard()

    asyncio.run(run())
    assert list(tmp_path.iterdir()) == []
