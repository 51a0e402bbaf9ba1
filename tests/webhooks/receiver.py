"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it records every request and
answers as told, and counts the requests in flight per delivery id."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def delivery_id(self) -> str:
        return self.headers["x-anxun-delivery"]


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0


Respond = Callable[[Received, int], Answer]  # the request and its number (1 for the first)


@dataclass
class Receiver:
    respond: Respond = lambda _request, _n: Answer()  # noqa: E731
    requests: list[Received] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    most_in_flight: Counter[str] = field(default_factory=Counter)  # per delivery id, ever
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                   body)
                key = request.headers.get("x-anxun-delivery", "")
                with receiver.lock:
                    receiver.requests.append(request)
                    number = len(receiver.requests)
                    receiver.in_flight[key] += 1
                    receiver.most_in_flight[key] = max(receiver.most_in_flight[key],
                                                       receiver.in_flight[key])
                try:
                    answer = receiver.respond(request, number)
                    time.sleep(answer.delay)
                    self.send_response(answer.status)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                finally:
                    with receiver.lock:
                        receiver.in_flight[key] -= 1

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
