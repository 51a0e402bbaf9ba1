"""A bounded pool of decode worker processes.

Decoding untrusted images runs in separate processes with an address-space limit, so a hostile
or huge file can't take the server down; calls beyond ``workers + queue`` are refused at once
(503 with Retry-After) instead of piling up; a decode that outlives its timeout gets the pool
killed and rebuilt, because a stuck C decoder can't be interrupted any other way."""

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from backend.errors import AppError


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


def _init_worker(memory_limit_bytes: int) -> None:
    import resource

    if memory_limit_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
    from backend.photos.processing import register_heif

    register_heif()


class DecodePool:
    def __init__(self, workers: int, queue: int, memory_limit_mb: int, timeout: float) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.memory_limit = memory_limit_mb * 1024 * 1024
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._in_flight = 0

    def _get_executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
                    else "spawn"
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context(method),
                    initializer=_init_worker, initargs=(self.memory_limit,))
            return self._executor

    def _reset(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:
                return
            self._executor = None
        for process in list((broken._processes or {}).values()):  # no public API to kill
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def _reserve(self) -> None:
        with self._lock:
            if self._in_flight >= self.capacity:
                raise DecoderBusy()
            self._in_flight += 1

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` in a worker; the caller awaits without blocking the event loop."""
        self._reserve()
        try:
            executor = self._get_executor()
            future: Future[Any] = executor.submit(fn, *args)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except TimeoutError as exc:
                self._reset(executor)
                raise DecodeTimeout() from exc
            except BrokenProcessPool as exc:  # a worker died (e.g. killed by the memory limit)
                self._reset(executor)
                raise DecodeTimeout("照片处理失败，文件可能过大或已损坏",
                                    code="image_decode_failed") from exc
        finally:
            self._release()

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
    """The process-wide pool (workers start on first use and are reused)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = DecodePool(workers or os.cpu_count() or 2, queue, memory_limit_mb, timeout)
        return _pool
