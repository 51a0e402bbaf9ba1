from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backend.schemas_base import Omittable, Strict
from backend.types import DbId
from backend.webhooks.models import AttemptOutcome, DeliveryStatus, WebhookFormat

Name = Annotated[str, Field(min_length=1, max_length=100)]
Url = Annotated[str, Field(min_length=8, max_length=2000, description=(
    "http(s) URL; private, loopback and link-local targets are refused (unless the "
    "`ANXUN_WEBHOOK_ALLOW_PRIVATE_TARGETS` setting allows them)"))]
EventTypes = Annotated[list[Annotated[str, Field(max_length=60)]], Field(
    min_length=1, max_length=60, description="exact types (`hazard.closed`), a family "
    "(`hazard.*`) or `*`: see `GET /webhooks/event-types`")]
CenterIds = Annotated[list[DbId] | None, Field(
    max_length=100, description="only events of these centers (events of no center, e.g. "
    "`evaluation.weights_updated`, then never match); null: every center")]
Secret = Annotated[str, Field(min_length=16, max_length=200, description=(
    "the HMAC key of `X-AnXun-Signature` (for a DingTalk robot in 加签 mode, its `SEC...` "
    "secret); default: generated, returned once"))]
FORMAT = ("`generic`: the event as JSON; `wecom`: a 企业微信群机器人 markdown message; "
          "`dingtalk`: a 钉钉自定义机器人 markdown message")
DINGTALK_SIGN = "DingTalk 加签 mode: sign the URL with `secret` (timestamp and sign parameters)"


class SubscriptionIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "智慧后勤平台", "url": "https://platform.example.edu.cn/anxun/hooks",
        "event_types": ["hazard.*", "task.missed"], "format": "generic"}]})

    name: Name
    url: Url
    event_types: EventTypes
    center_ids: CenterIds = None
    format: WebhookFormat = Field(default=WebhookFormat.generic, description=FORMAT)
    secret: Secret | None = None
    dingtalk_sign: bool = Field(default=False, description=DINGTALK_SIGN)
    enabled: bool = True

    @model_validator(mode="after")
    def _sign_only_dingtalk(self) -> Self:
        if self.dingtalk_sign and (self.format is not WebhookFormat.dingtalk or not self.secret):
            raise ValueError("dingtalk_sign needs format dingtalk and the robot's secret")
        return self


class SubscriptionPatchIn(Strict):
    """Only the fields sent are changed; `center_ids: null` means every center again."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"enabled": False}]})

    name: Omittable[Name] = None
    url: Omittable[Url] = None
    event_types: Omittable[EventTypes] = None
    center_ids: CenterIds = None
    format: Omittable[WebhookFormat] = Field(default=None, description=FORMAT)
    secret: Omittable[Secret] = None
    dingtalk_sign: Omittable[bool] = Field(default=None, description=DINGTALK_SIGN)
    enabled: Omittable[bool] = None


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    event_types: list[str]
    center_ids: list[int] | None
    format: WebhookFormat
    dingtalk_sign: bool
    enabled: bool
    created_by: int | None
    created_at: datetime
    updated_at: datetime


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str = Field(description="shown this once: keep it to verify `X-AnXun-Signature`")


class EventTypeOut(BaseModel):
    type: str
    label: str = Field(description="Chinese, as the robots' messages say it")


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    delivery_id: str = Field(description="`X-AnXun-Delivery`: the same on every attempt")
    event_seq: int = Field(description="the event's sequence number (`id` of the event)")
    event_type: str
    status: DeliveryStatus = Field(description="`pending` (waiting or being sent), "
                                   "`succeeded`, `failed` (no success within the retry window)")
    in_flight: bool = Field(description="a worker is sending it now")
    attempts: int
    next_attempt_at: datetime | None = Field(description="when pending: the next attempt")
    give_up_at: datetime
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int = Field(description="1 for the first attempt")
    outcome: AttemptOutcome = Field(description="`lost`: the worker stopped mid-send")
    started_at: datetime
    duration_ms: int | None
    status_code: int | None = Field(description="the receiver's HTTP status")
    error: str | None


class DeliveryDetailOut(DeliveryOut):
    body: str = Field(description="the request body sent (every attempt sends the same)")
    attempt_log: list[AttemptOut]
