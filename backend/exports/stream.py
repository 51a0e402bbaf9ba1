"""Running an export: every batch is read (and encoded) in a worker thread on a session of its
own, so the event loop never touches the database and no connection or transaction is held
while a slow client downloads; the caller's token is checked again at each batch (a logout or
a disabled account stops the export). At most ``SLOTS`` batches run at once per process, in
arrival order, so exports interleave batch by batch and never take the hot reads' slots.

A batch's rows are the next ones in keyset order after the previous batch's last: each row is
exported once even while hazards are reported and changed during the export (a row changed
meanwhile is exported as it was read)."""

import os
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from fastapi import Request
from sqlalchemy.orm import Session

from backend.exports import writers
from backend.exports.cells import Cell
from backend.limiters import PerLoop

SLOTS = 2
_limiters = PerLoop()


@dataclass
class Sheets:
    """Which sheet each part of a batch goes to: name -> (header, the batch's rows for it)."""

    parts: dict[str, tuple[Sequence[str], Callable[[Any], Sequence[Sequence[Cell]]]]]


class Export:
    """One export. ``read(session, cursor)`` gives the batch after ``cursor`` (None: the
    first), checking the caller; :meth:`open` reads the first batch, so that errors (401, 404,
    422) answer as JSON before any byte of the file is sent."""

    def __init__(self, request: Request, read: Callable[[Session, str | None], Any]) -> None:
        self.request, self.read = request, read

    def _batch(self, cursor: str | None) -> Any:
        with self.request.app.state.sessions(read_only=True) as session:
            return self.read(session, cursor)

    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await anyio.to_thread.run_sync(fn, *args, limiter=_limiters.get(SLOTS))

    async def open(self) -> None:
        self.first = await self._in_thread(self._batch, None)

    async def batches(self) -> AsyncIterator[Any]:
        batch = self.first
        while True:
            yield batch
            if batch.cursor is None:
                return
            batch = await self._in_thread(self._batch, batch.cursor)

    async def csv(self, header: Sequence[str],
                  rows: Callable[[Any], Sequence[Sequence[Cell]]]) -> AsyncIterator[bytes]:
        """The CSV file, a batch at a time (read and encoded in the worker thread)."""
        yield writers.csv_start(header)
        batch = self.first
        yield writers.csv_lines(rows(batch))
        while batch.cursor is not None:
            cursor = batch.cursor

            def step(after: str) -> tuple[Any, bytes]:
                nxt = self._batch(after)
                return nxt, writers.csv_lines(rows(nxt))

            batch, data = await self._in_thread(step, cursor)
            yield data

    async def xlsx(self, tmpdir: Path, sheets: Sheets) -> Path | None:
        """The workbook in a temporary file (its path; None when the client left before it
        was done). The caller removes the file once sent."""
        tmpdir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmpdir, prefix="export-", suffix=".xlsx")
        os.close(fd)
        path = Path(name)
        try:
            book = await self._in_thread(
                writers.XlsxBook, path, {n: h for n, (h, _) in sheets.parts.items()}, tmpdir)

            def write(batch: Any) -> None:
                for sheet, (_, rows) in sheets.parts.items():
                    book.add(sheet, rows(batch))

            async for batch in self.batches():
                await self._in_thread(write, batch)
                if await self.request.is_disconnected():
                    await self._in_thread(book.close)
                    path.unlink(missing_ok=True)
                    return None
            await self._in_thread(book.close)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
