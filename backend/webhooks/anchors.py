"""The audit chain's anchors also POSTed to ``ANXUN_AUDIT_ANCHOR_URL``: the anchor's JSON,
signed as the webhooks are (``X-AnXun-Signature`` over ``X-AnXun-Timestamp`` + body, with
``ANXUN_AUDIT_ANCHOR_SECRET``; :func:`backend.webhooks.signing.verify` checks it), so a copy of
the head lives where the database's administrators cannot reach. The file anchor is written
first and stands whatever the receiver answers: a failed POST is logged, not retried."""

import logging
import time

import httpx

from backend.audit.anchors import Anchor
from backend.config import Settings
from backend.webhooks import signing
from backend.webhooks.delivery import USER_AGENT

log = logging.getLogger("anxun.audit.anchors")
EVENT = "audit.anchor"


def post_anchor(settings: Settings, anchor: Anchor) -> bool:
    """POST ``anchor`` when a URL is set; True when the receiver accepted it (2xx)."""
    if not settings.audit_anchor_url or not settings.audit_anchor_secret:
        return False
    body, timestamp = anchor.json().encode(), str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               "X-AnXun-Event": EVENT, "X-AnXun-Timestamp": timestamp,
               "X-AnXun-Signature": signing.signature(settings.audit_anchor_secret, timestamp,
                                                      body)}
    try:
        response = httpx.post(settings.audit_anchor_url, content=body, headers=headers,
                              timeout=settings.webhook_timeout_seconds)
    except httpx.HTTPError as exc:
        log.warning("audit anchor POST failed: %s", exc)
        return False
    if not response.is_success:
        log.warning("audit anchor POST answered %s", response.status_code)
    return response.is_success
