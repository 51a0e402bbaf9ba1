"""An upload's file, hashed and written on a worker thread while the event loop receives the
next chunks.

On 2 cores the event loop is the bottleneck of a receive: inline, SHA-256 (SHA-NI, ~1.8 GB/s)
and the write to the temporary file cost it more than a raw stream-to-disk server spends on a
whole request (bench/photos.py). Both release the GIL on large buffers, so here they run on
another core, in order, for each upload; the loop only hands the chunks over. Batches awaited
one by one in the thread pool measured worse (the loop waited for every hop); here the loop
waits only when more than :data:`WINDOW` bytes are still unwritten, so memory stays bounded
whatever the upload's size."""

import asyncio
import hashlib
import os
import queue
import tempfile
import threading
from collections import deque
from pathlib import Path
from typing import BinaryIO

WINDOW = 1 << 20  # unwritten bytes an upload may have in flight before its receive waits
# Sinks with chunks to write, taken by a worker a core (hashing and writing are C calls without
# the GIL), apart from the database's thread pool, so a slow disk never starves queries. A
# SimpleQueue, not a ThreadPoolExecutor: a hand-over costs the event loop 12 us against 23 us
# for submit (a Future and a Condition), about 15 times per 3.8 MB photo.
_pending: "queue.SimpleQueue[FileSink]" = queue.SimpleQueue()
_started_in = 0  # the pid whose workers run (a forked worker process starts its own)
_starting = threading.Lock()


def _submit(sink: "FileSink") -> None:
    global _started_in
    if _started_in != os.getpid():
        with _starting:
            if _started_in != os.getpid():
                for _ in range(os.cpu_count() or 2):
                    threading.Thread(target=_work, name="upload-sink", daemon=True).start()
                _started_in = os.getpid()
    _pending.put(sink)


def _work() -> None:
    while True:
        _pending.get()._drain()


class FileSink:
    """A temporary file under ``tmp_dir`` and the SHA-256 of what was written to it; with no
    ``tmp_dir``, the SHA-256 alone (a retry of a stored photo: its bytes are only compared)."""

    def __init__(self, tmp_dir: Path | None) -> None:
        self.path: Path | None = None
        self._file: BinaryIO | None = None
        if tmp_dir is not None:
            tmp_dir.mkdir(parents=True, exist_ok=True)
            fd, path = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
            self.path, self._file = Path(path), os.fdopen(fd, "wb")
        self.size = 0  # bytes handed over
        self._digest = hashlib.sha256()
        self._loop = asyncio.get_running_loop()
        self._lock = threading.Lock()  # guards everything below, shared with the worker
        self._chunks: deque[bytes] = deque()
        self._unwritten = 0
        self._draining = False  # a worker is writing; it closes the file if discarded meanwhile
        self._discarded = False
        self._error: OSError | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._wait_below = 0

    async def write(self, chunk: bytes) -> None:
        """Hand ``chunk`` over; waits only while more than :data:`WINDOW` bytes are unwritten."""
        self.size += len(chunk)
        with self._lock:
            self._raise_error()
            self._chunks.append(chunk)
            self._unwritten += len(chunk)
            start, self._draining = not self._draining, True
        if start:
            _submit(self)
        await self._wait(WINDOW)

    async def finish(self) -> str:
        """Wait until everything is written, close the file; the hex SHA-256."""
        await self._wait(0)
        with self._lock:
            self._raise_error()
        self._close()
        return self._digest.hexdigest()

    def discard(self) -> None:
        """Drop what is unwritten and remove the file (safe at any point, also twice)."""
        with self._lock:
            self._unwritten -= sum(map(len, self._chunks))
            self._chunks.clear()
            close_here = not self._draining
            self._discarded, self._waiter = True, None
        if close_here:  # else the worker closes it once its current chunk is written
            self._close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()

    async def _wait(self, limit: int) -> None:
        with self._lock:
            if self._unwritten <= limit:
                return
            self._waiter, self._wait_below = self._loop.create_future(), limit
            waiter = self._waiter
        try:
            await waiter
        finally:
            with self._lock:
                if self._waiter is waiter:  # cancelled: the worker must not wake a closed loop
                    self._waiter = None

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _drain(self) -> None:
        """On a worker: write the chunks in order until none is left."""
        while True:
            with self._lock:
                if not self._chunks:
                    self._draining = False
                    if self._discarded:
                        self._close()
                    return
                chunk = self._chunks.popleft()
            try:
                if self._error is None:
                    self._digest.update(chunk)
                    if self._file is not None:
                        self._file.write(chunk)
            except OSError as exc:  # a full disk: the receive raises it at its next step
                self._error = exc
            with self._lock:
                self._unwritten -= len(chunk)
                if self._error is not None:
                    self._unwritten -= sum(map(len, self._chunks))
                    self._chunks.clear()
                if self._waiter is not None and self._unwritten <= self._wait_below:
                    self._loop.call_soon_threadsafe(_wake, self._waiter)
                    self._waiter = None


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():  # a cancelled receive no longer waits
        waiter.set_result(None)
