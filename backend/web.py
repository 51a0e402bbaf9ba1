"""Serving the built phone app (pwa/dist) at ``/``.

Nothing here is a route: the API keeps every answer it had (404, 405), and only a request that no
route matched falls through to the PWA. Hashed ``/assets/*`` are immutable; ``index.html``, the
service worker and the manifest are ``no-cache`` so a deployment is picked up at the next start.
Deep links of the single-page app (``/hazards/12``, ``/s/{code}``) get ``index.html``, and the desk
console's (``/console/...``) its own entry ``console.html``; anything under the server's own paths keeps
the JSON error body.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "pwa" / "dist"
SERVER_PREFIXES = ("/api", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz",
                   "/metrics")
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


class ImmutableStatic(StaticFiles):
    """Content-hashed build output: cache for a year, never revalidate."""

    def file_response(self, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def _is_server_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in SERVER_PREFIXES)


def _is_console_path(path: str) -> bool:
    return path == "/console" or path.startswith("/console/")


def _file_in(dist: Path, path: str) -> Path | None:
    relative = path.lstrip("/")
    if not relative:
        return None
    candidate = (dist / relative).resolve()
    if not candidate.is_relative_to(dist) or not candidate.is_file():
        return None
    return candidate


def install_pwa(app: FastAPI, dist: Path | None = None) -> None:
    """Serve the PWA if it was built; otherwise ``/`` keeps pointing at the API docs."""
    dist = (dist or DEFAULT_DIST).resolve()
    index, console = dist / "index.html", dist / "console.html"
    if not index.is_file():
        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse("/docs")
        return

    if (dist / "assets").is_dir():
        app.mount("/assets", ImmutableStatic(directory=dist / "assets"), name="pwa-assets")
    # the JSON error handler backend.errors installed (an async one)
    json_not_found = cast(Callable[[Request, Exception], Awaitable[Response]],
                          app.exception_handlers[StarletteHTTPException])

    async def fallback(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if request.method not in ("GET", "HEAD") or _is_server_path(path):
            return await json_not_found(request, exc)
        found = _file_in(dist, path)
        if found is not None:
            return FileResponse(found, headers={"Cache-Control": NO_CACHE})
        last = path.rsplit("/", 1)[-1]
        if "." in last and "text/html" not in request.headers.get("accept", ""):
            return await json_not_found(request, exc)  # a missing file, not an app route
        page = console if console.is_file() and _is_console_path(path) else index
        return FileResponse(page, headers={"Cache-Control": NO_CACHE})

    app.add_exception_handler(404, fallback)
