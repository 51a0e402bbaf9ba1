"""Telling long-lived responses that the server is stopping.

uvicorn (and servers like it) stop in this order: stop accepting, wait for every open response
to end, then the application's lifespan shutdown. An event stream never ends by itself, so it
would hold the shutdown for ever: it watches the app's ``stopping`` event instead, which
:func:`signalled` sets the moment the process is asked to stop (SIGINT, SIGTERM), before the
server's own handler runs. uvicorn installs its handlers before the lifespan starts, in the
main thread of each worker process; elsewhere (a server in a thread, the test client) nothing
is installed and whoever stops the server sets the event (tests/live.py)."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def signalled(stopping: threading.Event) -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM set ``stopping``, then do what they did before."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {sig: signal.getsignal(sig) for sig in SIGNALS}

    def handler(sig: int, frame: FrameType | None) -> None:
        stopping.set()
        prior = previous[sig]
        if callable(prior):
            prior(sig, frame)
        else:  # the default action (or ignore): as if we had never been here
            signal.signal(sig, prior)
            if prior != signal.SIG_IGN:
                signal.raise_signal(sig)

    for sig in SIGNALS:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig in SIGNALS:
            if signal.getsignal(sig) is handler:
                signal.signal(sig, previous[sig])
