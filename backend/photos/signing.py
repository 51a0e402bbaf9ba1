"""Short-lived signed photo URLs: ``<img>`` tags can't send a bearer token."""

import base64
import hashlib
import hmac
import math

from backend.clock import utcnow


def _signature(secret: str, photo_id: int, variant: str, expires: int) -> str:
    message = f"photo:{photo_id}:{variant}:{expires}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def expiry(ttl_seconds: int) -> int:
    """Expiry rounded up to a whole TTL, so the URL of a photo stays the same (and cacheable)
    for a while instead of changing with every response."""
    now = utcnow().timestamp()
    return int(math.ceil((now + ttl_seconds) / ttl_seconds) * ttl_seconds)


def signed_path(secret: str, photo_id: int, variant: str, expires: int) -> str:
    sig = _signature(secret, photo_id, variant, expires)
    return f"/api/v1/photos/{photo_id}/{variant}?exp={expires}&sig={sig}"


def check(secret: str, photo_id: int, variant: str, expires: int, sig: str) -> str | None:
    """None when valid, else the reason (``url_expired`` or ``invalid_signature``)."""
    expected = _signature(secret, photo_id, variant, expires)
    if not hmac.compare_digest(expected.encode(), sig.encode()):
        return "invalid_signature"
    if expires < utcnow().timestamp():
        return "url_expired"
    return None
