"""Webhook subscriptions and their delivery log (the group's admins)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from backend import clock
from backend.deps import AdminUser, SessionDep, SettingsDep
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.types import DbId
from backend.webhooks import catalogue, service
from backend.webhooks.errors import (
    WebhookDeliveryInFlight,
    WebhookDeliveryNotFound,
    WebhookEventTypesUnknown,
    WebhookNotFound,
    WebhookPaused,
    WebhookUrlRefused,
)
from backend.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from backend.webhooks.schemas import (
    DeliveryDetailOut,
    DeliveryOut,
    EventTypeOut,
    SubscriptionCreatedOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatchIn,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
INPUT_ERRORS = (WebhookUrlRefused, WebhookEventTypesUnknown, "unknown_center")
DeliveryId = Annotated[str, Path(
    pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    description="`X-AnXun-Delivery`")]


def _delivery_out(row: WebhookDelivery) -> DeliveryOut:
    now = clock.utcnow()
    return DeliveryOut.model_validate({
        **{k: getattr(row, k) for k in DeliveryOut.model_fields if hasattr(row, k)},
        "in_flight": service.in_flight(row, now),
        "next_attempt_at": row.next_attempt_at if row.status is DeliveryStatus.pending
        else None})


@router.get("/event-types", response_model=list[EventTypeOut])
def list_webhook_event_types(_admin: AdminUser) -> list[EventTypeOut]:
    """The event types a subscription may name (or a family: `hazard.*`; or `*`)."""
    return [EventTypeOut(type=t, label=label) for t, label in catalogue.LABELS.items()]


@router.get("", response_model=Page[SubscriptionOut])
def list_webhooks(admin: AdminUser, session: SessionDep, limit: LimitParam = 50,
                  cursor: CursorParam = None) -> Page[SubscriptionOut]:
    """The group's subscriptions, oldest first (their secrets are never shown again)."""
    rows, next_cursor = keyset_page(session, service.readable(admin), [WebhookSubscription.id],
                                    limit=limit, cursor=cursor)
    return Page(items=[SubscriptionOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SubscriptionCreatedOut,
             responses=error_responses(*INPUT_ERRORS))
def create_webhook(body: SubscriptionIn, admin: AdminUser, session: SessionDep,
                   settings: SettingsDep) -> SubscriptionCreatedOut:
    """Subscribe a URL to events; the answer shows the `secret` this once. Every request
    carries `X-AnXun-Event`, `X-AnXun-Delivery`, `X-AnXun-Timestamp` and `X-AnXun-Signature:
    sha256=HMAC-SHA256(secret, timestamp + "." + body)`; see the README for a receiver."""
    sub, secret = service.create(session, settings, admin, body)
    return SubscriptionCreatedOut.model_validate(
        {**SubscriptionOut.model_validate(sub).model_dump(), "secret": secret})


@router.get("/{subscription_id}", response_model=SubscriptionOut,
            responses=error_responses(WebhookNotFound))
def read_webhook(subscription_id: DbId, admin: AdminUser,
                 session: SessionDep) -> SubscriptionOut:
    return SubscriptionOut.model_validate(service.get(session, admin, subscription_id))


@router.patch("/{subscription_id}", response_model=SubscriptionOut,
              responses=error_responses(WebhookNotFound, *INPUT_ERRORS))
def update_webhook(subscription_id: DbId, body: SubscriptionPatchIn, admin: AdminUser,
                   session: SessionDep, settings: SettingsDep) -> SubscriptionOut:
    """Change a subscription (`enabled: false` pauses it: no new deliveries, its pending ones
    wait); the fields sent only. A new `secret` signs from the next attempt on."""
    return SubscriptionOut.model_validate(
        service.update(session, settings, admin, subscription_id, body))


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=error_responses(WebhookNotFound))
def delete_webhook(subscription_id: DbId, admin: AdminUser, session: SessionDep) -> Response:
    """Remove a subscription with its deliveries and their log."""
    service.delete(session, admin, subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{subscription_id}/deliveries", response_model=Page[DeliveryOut],
            responses=error_responses(WebhookNotFound))
def list_webhook_deliveries(
    subscription_id: DbId, admin: AdminUser, session: SessionDep, limit: LimitParam = 50,
    cursor: CursorParam = None,
    status_: Annotated[DeliveryStatus | None, Query(
        alias="status", description="only deliveries in this status")] = None,
) -> Page[DeliveryOut]:
    """The subscription's delivery log, newest first: status, attempts, last response code
    and error."""
    stmt = service.deliveries(session, admin, subscription_id, status_)
    rows, next_cursor = keyset_page(session, stmt, [WebhookDelivery.id], limit=limit,
                                    cursor=cursor, descending=True)
    return Page(items=[_delivery_out(r) for r in rows], next_cursor=next_cursor)


@router.get("/{subscription_id}/deliveries/{delivery_id}", response_model=DeliveryDetailOut,
            responses=error_responses(WebhookNotFound, WebhookDeliveryNotFound))
def read_webhook_delivery(subscription_id: DbId, delivery_id: DeliveryId, admin: AdminUser,
                          session: SessionDep) -> DeliveryDetailOut:
    """A delivery with its body and every attempt (number, outcome, status code, duration,
    error)."""
    row = service.get_delivery(session, admin, subscription_id, delivery_id)
    return DeliveryDetailOut.model_validate({
        **_delivery_out(row).model_dump(), "body": row.body,
        "attempt_log": service.attempt_log(session, row)}, from_attributes=True)


@router.post("/{subscription_id}/deliveries/{delivery_id}/resend", response_model=DeliveryOut,
             responses=error_responses(WebhookNotFound, WebhookDeliveryNotFound,
                                       WebhookDeliveryInFlight))
def resend_webhook_delivery(subscription_id: DbId, delivery_id: DeliveryId, admin: AdminUser,
                            session: SessionDep, settings: SettingsDep) -> DeliveryOut:
    """Send a delivery again at once, with the same `X-AnXun-Delivery` and body, and a new
    retry window; one being sent right now is 409."""
    return _delivery_out(service.resend(session, settings, admin, subscription_id,
                                        delivery_id))


@router.post("/{subscription_id}/test", status_code=status.HTTP_201_CREATED,
             response_model=DeliveryOut, responses=error_responses(WebhookNotFound, WebhookPaused))
def send_webhook_test(subscription_id: DbId, admin: AdminUser, session: SessionDep,
                      settings: SettingsDep) -> DeliveryOut:
    """Send a test message (`webhook.test`: for `generic` the body of an event with
    `"test": true`; for the robots a 测试消息) now, signed like every delivery; follow it in
    the delivery log. A paused subscription is 409 `webhook_paused`."""
    return _delivery_out(service.send_test(session, settings, admin, subscription_id))
