"""A bounded pool of decode worker processes.

Decoding untrusted images runs in separate processes with an address-space limit, so a hostile
or huge file can't take the server down; calls beyond ``workers + queue`` are refused at once
(503 with Retry-After) instead of piling up; a decode that outlives its timeout gets the pool
killed and rebuilt, because a stuck C decoder can't be interrupted any other way.

Whatever a decoder raises reaches the client as a 4xx, never a 500: a phone retries a 5xx
forever, so such a photo would never leave its queue."""

import asyncio
import logging
import multiprocessing
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from backend import metrics
from backend.errors import AppError
from backend.photos.processing import ImageRejected

log = logging.getLogger("anxun.photos")


class DecoderBusy(AppError):
    status_code = 503
    code = "photo_queue_full"
    message = "照片处理繁忙，请稍后重试"

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "5"})


class DecodeTimeout(AppError):
    status_code = 422
    code = "image_timeout"
    message = "照片处理超时，文件可能已损坏"


class DecodeFailed(AppError):
    status_code = 422
    code = "image_decode_failed"
    message = "照片处理失败，文件可能过大或已损坏"


def client_error(exc: Exception) -> AppError:
    """What a decoder raised, as the answer to the client."""
    if isinstance(exc, ImageRejected):
        error = DecodeFailed(exc.message, code=exc.code)
        error.status_code = exc.status
        return error
    if isinstance(exc, MemoryError):  # the worker's address-space limit
        return DecodeFailed("照片过大，处理时内存不足", code="image_too_large")
    log.warning("decoder raised %s", type(exc).__name__, exc_info=exc)
    return DecodeFailed()


def _watch_owner(owner: int) -> None:
    """End this worker when the process that made the pool ends, however it ends. A worker
    holds its own call queue's write end and the forkserver's liveness pipe, so after a
    ``kill -9`` of the server neither it nor the forkserver ever saw EOF: both lived on (found
    after the chaos benchmark's kills and killed test runs)."""
    import select
    import threading

    if not hasattr(os, "pidfd_open"):  # Linux only; elsewhere the lifespan's shutdown alone
        return
    try:
        pidfd = os.pidfd_open(owner)
    except ProcessLookupError:
        os._exit(0)

    def wait() -> None:
        select.select([pidfd], [], [])  # readable once the owner has exited
        os._exit(0)

    threading.Thread(target=wait, name="owner-watch", daemon=True).start()


def _init_worker(memory_limit_bytes: int, owner: int) -> None:
    import resource

    _watch_owner(owner)
    if memory_limit_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
    from backend.photos.processing import register_heif

    register_heif()


SUBMIT_ERRORS = (BrokenProcessPool, RuntimeError, OSError)


def _start(executor: ProcessPoolExecutor, fn: Callable[..., Any],
           args: tuple[Any, ...]) -> Future[Any]:
    try:
        return executor.submit(fn, *args)
    except SUBMIT_ERRORS as exc:  # no worker process can start: the server's trouble, retry later
        raise DecoderBusy() from exc


class _PoolLost(Exception):
    """The call's worker pool broke under it (a worker died, or the pool was reset)."""


class DecodePool:
    def __init__(self, workers: int, queue: int, memory_limit_mb: int, timeout: float) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.memory_limit = memory_limit_mb * 1024 * 1024
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._in_flight = 0
        self._alone: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = \
            weakref.WeakKeyDictionary()

    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        context: multiprocessing.context.BaseContext = multiprocessing.get_context("spawn")
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            # the forkserver imports the decoders once; each worker forked from it starts in
            # milliseconds instead of importing them (2.5-3.5 s a pool, measured with the
            # load at 7: a pool per app start and per rebuild)
            forkserver.set_forkserver_preload(["__main__", _init_worker.__module__,
                                               "backend.photos.processing", "pillow_heif"])
            context = forkserver
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=context,
            initializer=_init_worker, initargs=(self.memory_limit, os.getpid()))

    def _get_executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = self._new_executor(self.workers)
            return self._executor

    @staticmethod
    def _kill(executor: ProcessPoolExecutor) -> None:
        for process in list((executor._processes or {}).values()):  # no public API to kill
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def _reset(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:
                return
            self._executor = None
        self._kill(broken)

    def _reserve(self) -> None:
        with self._lock:
            if self._in_flight >= self.capacity:
                raise DecoderBusy()
            self._in_flight += 1
            self._publish()

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._publish()

    def _publish(self) -> None:
        metrics.DECODE_IN_FLIGHT.set(self._in_flight)
        metrics.DECODE_QUEUE_DEPTH.set(max(0, self._in_flight - self.workers))

    def _submit(self, fn: Callable[..., Any],
                args: tuple[Any, ...]) -> tuple[ProcessPoolExecutor, Future[Any]]:
        executor = self._get_executor()
        try:
            return executor, executor.submit(fn, *args)
        except SUBMIT_ERRORS:  # reset by another call since we got it: once more, fresh
            self._reset(executor)
        executor = self._get_executor()
        return executor, _start(executor, fn, args)

    def _alone_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._lock:
            return self._alone.setdefault(loop, asyncio.Lock())

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` in a worker; the caller awaits without blocking the event loop.

        A worker that dies (the memory limit, a crash in C) or a pool reset for another call's
        timeout fails every call in flight. Each is then tried once more alone, in a process of
        its own and one at a time, so only the file that really kills a worker is refused."""
        self._reserve()
        try:
            executor, future = self._submit(fn, args)
            try:
                return await self._outcome(future, executor)
            except _PoolLost:
                self._reset(executor)
            async with self._alone_lock():
                alone = self._new_executor(1)
                try:
                    return await self._outcome(_start(alone, fn, args), alone)
                except _PoolLost as exc:
                    raise DecodeFailed() from exc
                finally:
                    self._kill(alone)
        finally:
            self._release()

    async def _outcome(self, future: Future[Any], executor: ProcessPoolExecutor) -> Any:
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError as exc:
            self._reset(executor)
            raise DecodeTimeout() from exc
        except (BrokenProcessPool, asyncio.CancelledError) as exc:
            task = asyncio.current_task()
            if isinstance(exc, asyncio.CancelledError) and task and task.cancelling():
                raise  # this request is being cancelled, not the pool's call
            raise _PoolLost() from exc
        except Exception as exc:
            raise client_error(exc) from exc

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Blocking variant for scripts and benchmarks."""
        return self._get_executor().submit(fn, *args).result(self.timeout)

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_pool: DecodePool | None = None
_pool_lock = threading.Lock()


def get_pool(workers: int | None, queue: int, memory_limit_mb: int, timeout: float) -> DecodePool:
    """The process-wide pool (workers start on first use and are reused until
    :func:`shutdown_pool`)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = DecodePool(workers or os.cpu_count() or 2, queue, memory_limit_mb, timeout)
        return _pool


_holders = 0


@contextmanager
def pool_held() -> Iterator[None]:
    """The pool's processes end when the last holder lets go: the app's lifespan, and in the
    tests the session too (an app per test made each test start workers anew: tests/photos
    took 72 s instead of 33 s)."""
    global _holders
    with _pool_lock:
        _holders += 1
    try:
        yield
    finally:
        with _pool_lock:
            _holders -= 1
            pool = _pool if _holders == 0 else None
        if pool is not None:
            pool.shutdown()
