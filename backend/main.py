"""The FastAPI application."""

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from functools import partial

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import Engine, text

from backend.accounts.router import router as accounts_router
from backend.audit.router import router as audit_router
from backend.backup import unfinished
from backend.campaigns.router import router as campaigns_router
from backend.config import Settings, get_settings
from backend.db import READ_ONLY, get_engine
from backend.deps import RateLimitHeaders, request_session
from backend.errors import error_body, install_error_handlers
from backend.escalations.router import router as escalations_router
from backend.evaluation.router import router as evaluation_router
from backend.exports.router import router as exports_router
from backend.hazards.router import router as hazards_router
from backend.inspections.router import router as inspections_router
from backend.me.router import router as me_router
from backend.metrics import instrument_pool, live_process
from backend.metrics_route import router as metrics_router
from backend.modules.router import router as modules_router
from backend.notifications.router import router as notifications_router
from backend.observability import AccessLogMiddleware, RequestIdMiddleware
from backend.openapi import install_openapi, reject_unknown_query_parameters
from backend.org.router import router as org_router
from backend.photos.router import router as photos_router
from backend.plans.router import router as plans_router
from backend.ratelimit import RateLimiter
from backend.records.router import router as records_router
from backend.rectification.router import router as rectification_router
from backend.scheduler import run_in_app
from backend.security import InputGuardMiddleware, SecurityHeadersMiddleware
from backend.shutdown import signalled
from backend.stats.router import router as stats_router
from backend.tables.router import router as tables_router
from backend.web import install_pwa
from backend.webhooks import delivery as webhook_delivery
from backend.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"


def operation_id(route: APIRoute) -> str:
    """Stable operation ids (the function names) for generated API clients."""
    return route.name


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The scheduler and the webhook worker run beside the requests unless
    ``scheduler_enabled`` is off; a signal to stop sets ``app.state.stopping`` at once (event
    streams end on it). Nothing starts while a restore is unfinished (backup/unfinished.py)."""
    settings: Settings = app.state.settings
    unfinished.refuse_start(settings)
    with signalled(app.state.stopping), live_process():
        if not settings.scheduler_enabled:
            yield
            return
        scheduler = asyncio.create_task(
            run_in_app(lambda: app.state.sessions(read_only=False), settings))
        webhooks = asyncio.create_task(webhook_delivery.run_in_app(app.state.sessions, settings))
        try:
            yield
        finally:
            for task in (scheduler, webhooks):
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="AnXun API",  # ASCII: generated client packages are named after it
        version="1.0",
        description="安巡 — 安全巡查与隐患整改闭环: safety patrol and hazard rectification.",
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    if engine is None:
        engine = get_engine()
        instrument_pool(engine)  # the process's own engine (tests pass theirs)
    app.state.engine = engine
    app.state.sessions = partial(request_session, app.state.engine)
    app.state.stopping = threading.Event()  # set when the server is stopping (backend/shutdown)
    app.state.limiter = RateLimiter(settings, app.state.engine)
    install_error_handlers(app)
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(InputGuardMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # also on the guard's refusals
    app.add_middleware(AccessLogMiddleware)  # outside the guard: its refusals are logged too
    app.add_middleware(RequestIdMiddleware)  # last added, so outermost: every answer has an id

    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reject_unknown_query_parameters)])
    for router in (accounts_router, me_router, org_router, modules_router, photos_router,
                   inspections_router, hazards_router, audit_router, notifications_router,
                   escalations_router, plans_router, campaigns_router, records_router,
                   rectification_router, tables_router,
                   evaluation_router, stats_router, webhooks_router, exports_router):
        api.include_router(router)
    app.include_router(api)
    app.include_router(metrics_router)
    install_openapi(app)

    @app.get("/healthz", tags=["health"], include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], include_in_schema=False)
    def readyz() -> JSONResponse:
        try:
            with app.state.engine.execution_options(**{READ_ONLY: True}).connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not ready"
            return JSONResponse(
                error_body("database_unavailable", "数据库不可用", {"reason": type(exc).__name__}),
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    install_pwa(app, settings.pwa_dir)  # last: only what no route answered reaches the phone app
    return app
