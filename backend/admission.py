"""Writing requests are admitted a bounded number at a time per process.

A writing request takes SQLite's write lock at its first statement (``BEGIN IMMEDIATE``: its
token check) and holds it across thread-pool hops (dependencies, endpoint, commit) until it
commits. When every worker thread was a writer waiting for the lock, the holder waited for a
thread and nothing moved until SQLite's 30 s busy timeout failed them all: 120 reports at once
on a 40-thread pool answered 500 after 75 s (found by bench/chaos.py). Admitted at most
:data:`WRITERS` at a time, the others wait on the event loop, holding no thread, and the
rest of the pool stays free for the holder's hops and for reads (which never wait for the
lock under WAL). Half the pool, not one: a writer receiving a photo from a slow phone holds
its admission, and one such upload must not stop every other write. PostgreSQL too: its
writers serialise on the event and audit heads at commit and hold a pooled connection across
hops, and the same burst timed out there (no answer in 60 s) until it was bounded alike."""

import asyncio
import weakref

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.db import THREAD_POOL_SIZE
from backend.deps import SAFE_METHODS

WRITERS = THREAD_POOL_SIZE // 2
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = \
    weakref.WeakKeyDictionary()


def _limiter() -> anyio.CapacityLimiter:
    """The admissions of this event loop (FIFO)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(WRITERS)
    return limiter


class WriteAdmission:
    """Pure ASGI: a writing method waits for an admission."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        async with _limiter():
            await self.app(scope, receive, send)
