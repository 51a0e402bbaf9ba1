"""``GET /metrics``: the process metrics of :mod:`backend.metrics` (every worker's, in
multiprocess mode) and the outboxes' lag, read from the database at each scrape by whichever
worker answers, so that it is never counted twice."""

import os
from collections.abc import Iterable
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import clock
from backend.errors import NotAuthenticated, NotFound
from backend.events.cursors import WorkerCursor
from backend.events.models import DomainEvent, EventHead
from backend.metrics import MULTIPROC_ENV, bearer_matches
from backend.webhooks.models import DeliveryStatus, WebhookDelivery


class OutboxCollector(Collector):
    """The lag of each event consumer (``worker_cursors``) and of the webhook outbox, read from
    the database when scraped."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterable[Metric]:
        now = clock.utcnow()
        behind = GaugeMetricFamily("anxun_events_unconsumed",
                                   "Events committed after a consumer's cursor",
                                   labels=["consumer"])
        age = GaugeMetricFamily("anxun_events_oldest_unconsumed_age_seconds",
                                "Age of the oldest event a consumer has not handled (0: none)",
                                labels=["consumer"])
        pending = GaugeMetricFamily("anxun_webhook_deliveries_pending",
                                    "Webhook deliveries not yet delivered nor given up")
        oldest = GaugeMetricFamily("anxun_webhook_oldest_pending_age_seconds",
                                   "Age of the oldest pending webhook delivery (0: none)")
        session = self.session
        head = session.scalar(select(EventHead.last_id)) or 0
        for name, last in session.execute(select(WorkerCursor.name, WorkerCursor.last_event_id)):
            first = session.scalar(select(DomainEvent.at).where(DomainEvent.id > last)
                                   .order_by(DomainEvent.id).limit(1))
            behind.add_metric([name], max(0, head - last))
            age.add_metric([name], _age(now, first))
        count, since = session.execute(
            select(func.count(), func.min(WebhookDelivery.created_at))
            .where(WebhookDelivery.status == DeliveryStatus.pending)).one()
        pending.add_metric([], count)
        oldest.add_metric([], _age(now, since))
        return [behind, age, pending, oldest]


def _age(now: datetime, then: datetime | None) -> float:
    return 0.0 if then is None else max(0.0, (now - then).total_seconds())


def exposition(session: Session) -> bytes:
    """This process's metrics (or all workers', in multiprocess mode) and the database's."""
    if os.environ.get(MULTIPROC_ENV):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(OutboxCollector(session))
    return generate_latest(processes) + generate_latest(database)


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format, for ``Authorization: Bearer <ANXUN_METRICS_TOKEN>``; 404 while
    no token is configured (the endpoint does not exist then)."""
    token = request.app.state.settings.metrics_token
    if not token:
        raise NotFound()
    if not bearer_matches(request.headers.get("authorization", ""), token):
        raise NotAuthenticated("指标令牌无效", code="invalid_token")
    with request.app.state.sessions(read_only=True) as session:
        body = exposition(session)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
