"""Capacity limiters kept one per event loop: anyio's limiter belongs to the loop that made it,
and a process may run several loops (uvicorn's, and each test's app)."""

import asyncio
import weakref

import anyio


class PerLoop:
    """A FIFO :class:`anyio.CapacityLimiter` for each running event loop."""

    def __init__(self) -> None:
        self._limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                                  anyio.CapacityLimiter] = \
            weakref.WeakKeyDictionary()

    def get(self, slots: int) -> anyio.CapacityLimiter:
        """The running loop's limiter, made with ``slots`` the first time it is asked for."""
        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:
            limiter = self._limiters[loop] = anyio.CapacityLimiter(slots)
        return limiter
