"""Writing requests are admitted a bounded number at a time per process.

A writing request takes SQLite's write lock at its first statement (``BEGIN IMMEDIATE``: its
token check) and holds it across thread-pool hops (dependencies, endpoint, commit) until it
commits. When every worker thread was a writer waiting for the lock, the holder waited for a
thread and nothing moved until SQLite's 30 s busy timeout failed them all: 120 reports at once
on a 40-thread pool answered 500 after 75 s (found by bench/chaos.py). Admitted at most
:data:`WRITERS` at a time, the others wait on the event loop, holding no thread, and the
rest of the pool stays free for the holder's hops and for reads (which never wait for the
lock under WAL). PostgreSQL too: its writers serialise on the event and audit heads at commit
and hold a pooled connection across hops, and the same burst timed out there (no answer in
60 s) until it was bounded alike.

The admission is taken by the request's session dependency, so after FastAPI has read a JSON
or form body, and an endpoint that streams its body (photos, attachments, imports) gives it
back while the bytes arrive (:func:`released`): taken for the whole request (an ASGI
middleware at first), twenty phones uploading slowly held every admission and no other write
could start (tests/races/test_slow_senders.py)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import Request

from backend.db import THREAD_POOL_SIZE
from backend.limiters import PerLoop

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITERS = THREAD_POOL_SIZE // 2
_admissions = PerLoop()


class Admission:
    """One writing request's admission, held between :meth:`take` and :meth:`give_back`."""

    def __init__(self, limiter: anyio.CapacityLimiter) -> None:
        self._limiter = limiter
        self._held = False

    async def take(self) -> None:
        await self._limiter.acquire_on_behalf_of(self)
        self._held = True

    def give_back(self) -> None:
        if self._held:
            self._held = False
            self._limiter.release_on_behalf_of(self)


async def write_admission(request: Request) -> AsyncIterator[None]:
    """A dependency (of the session's): a writing method waits for an admission (FIFO) and
    keeps it until the request's transaction has ended."""
    if request.method in SAFE_METHODS:
        yield
        return
    async with admitted() as admission:
        request.state.admission = admission
        yield


@asynccontextmanager
async def released(request: Request) -> AsyncIterator[None]:
    """Give the request's admission back for the block (a body streaming in: the block must not
    use the database) and wait for it again after."""
    admission: Admission | None = getattr(request.state, "admission", None)
    if admission is None:
        yield
        return
    admission.give_back()
    try:
        yield
    finally:
        await admission.take()


@asynccontextmanager
async def admitted() -> AsyncIterator[Admission]:
    """An admission for the block: the request session's, or one for an endpoint that writes
    in a session of its own (a photo upload saves its row only after receiving and decoding)."""
    admission = Admission(_admissions.get(WRITERS))
    await admission.take()
    try:
        yield admission
    finally:
        admission.give_back()
