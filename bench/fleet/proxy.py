"""A faulty HTTP/1.1 proxy between the phones and the server.

Each request is read whole, then, at random: dropped before the server (the connection closes
without an answer; half of these cut the body off half-way into the server, as a phone losing
its network mid-upload does), forwarded and its response dropped after the server answered (so
after its commit), or sent twice (the copy a little later, racing or following the first).
Every request waits a random moment before it goes on, so the sends of different phones
overtake one another. One request per connection: the phones' clients keep none alive."""

import asyncio
import random
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True)
class Faults:
    drop_request: float = 0.10
    drop_response: float = 0.10
    duplicate: float = 0.05
    max_delay: float = 0.05  # seconds a request may be held, reordering sends


@dataclass
class Proxy:
    upstream_port: int
    faults: Faults
    rng: random.Random
    counts: Counter[str] = field(default_factory=Counter)
    reached: int = 0  # requests (and copies, and cut-off bodies) that reached the server
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # asyncio keeps no reference to a handler whose phone hung up (its client timed out):
        # held here, so that it is neither collected mid-await nor left running at close
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            request = await read_request(reader)
            if request is None:
                return
            await asyncio.sleep(self.rng.uniform(0, self.faults.max_delay))
            fate = self.rng.random()
            f = self.faults
            if fate < f.drop_request:
                self.counts["dropped requests"] += 1
                if self.rng.random() < 0.5:
                    await self._cut_off(request)
                return
            if fate < f.drop_request + f.duplicate:
                self.counts["duplicated requests"] += 1
                self._spawn(self._late_copy(request))
            response = await self._forward(request)
            if response is None:
                self.counts["server unreachable"] += 1
                return
            if self.rng.random() < f.drop_response / (1 - f.drop_request):
                self.counts["dropped responses"] += 1
                return
            self.counts["answered"] += 1
            writer.write(response)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _late_copy(self, request: bytes) -> None:
        await asyncio.sleep(self.rng.uniform(0, 4 * self.faults.max_delay))
        await self._forward(request)

    async def _forward(self, request: bytes) -> bytes | None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            return None
        self.reached += 1
        try:
            writer.write(request)
            await writer.drain()
            response = await reader.read()  # the server closes: the request said so
            return response if response.startswith(b"HTTP/1.1 ") else None
        except ConnectionError:
            return None
        finally:
            writer.close()

    async def _cut_off(self, request: bytes) -> None:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            return
        self.reached += 1
        writer.write(request[: len(request) // 2])
        await writer.drain()
        await asyncio.sleep(self.rng.uniform(0, self.faults.max_delay))
        writer.transport.abort()


async def read_request(reader: asyncio.StreamReader) -> bytes | None:
    """One whole request, its ``Connection`` header replaced by ``close``."""
    try:
        head = await reader.readuntil(HEAD_END)
    except asyncio.IncompleteReadError:
        return None
    lines = head[: -len(HEAD_END)].split(b"\r\n")
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value)
        elif key == b"transfer-encoding":
            raise ValueError("the phones send bodies with a Content-Length")
        if key != b"connection":
            kept.append(line)
    kept.append(b"Connection: close")
    body = await reader.readexactly(length)
    return b"\r\n".join(kept) + HEAD_END + body
