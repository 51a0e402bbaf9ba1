"""The webhook signature: ``X-AnXun-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." +
body)>`` with ``X-AnXun-Timestamp`` (Unix seconds). :func:`verify` is what a receiver runs
(standard library only: copy it as it is; the README shows it in a receiver)."""

import base64
import hashlib
import hmac
import time
import urllib.parse

MAX_AGE_SECONDS = 300  # a receiver refuses a request signed longer ago than this (a replay)


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-AnXun-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, body: bytes, timestamp: str | None, signature_header: str | None,
           now: float | None = None, max_age: int = MAX_AGE_SECONDS) -> bool:
    """True when ``body`` (the raw request bytes) was signed with ``secret`` at ``timestamp``
    (the ``X-AnXun-Timestamp`` header) no more than ``max_age`` seconds from ``now``;
    ``signature_header`` is ``X-AnXun-Signature``. Keep the ``X-AnXun-Delivery`` ids you
    handled for those minutes too: a retry of a delivery carries the same id."""
    if not timestamp or not signature_header or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > max_age:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), signature_header.encode())


def dingtalk_signed_url(url: str, secret: str, millis: int) -> str:
    """A DingTalk robot URL in its 加签 mode: ``&timestamp=<ms>&sign=<urlencoded base64
    HMAC-SHA256(secret, "<ms>\\n<secret>")>`` appended (the secret is the robot's ``SEC...``)."""
    mac = hmac.new(secret.encode(), f"{millis}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(mac))
    return f"{url}{'&' if '?' in url else '?'}timestamp={millis}&sign={sign}"
