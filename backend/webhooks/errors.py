from backend.errors import Conflict, NotFound, Unprocessable


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    message = "Webhook 订阅不存在"


class WebhookDeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"
    message = "Webhook 投递记录不存在"


class WebhookUrlRefused(Unprocessable):
    code = "webhook_url_refused"
    message = "Webhook 地址不可用：只允许 http(s) 公网地址"


class WebhookEventTypesUnknown(Unprocessable):
    code = "webhook_event_types_unknown"
    message = "事件类型不存在（可用完整类型、类别前缀如 hazard.* 或 *）"


class WebhookDeliveryInFlight(Conflict):
    code = "webhook_delivery_in_flight"
    message = "该投递正在发送中，请稍后再重新发送"


class WebhookPaused(Conflict):
    code = "webhook_paused"
    message = "该订阅已暂停，启用后才能发送测试消息"
