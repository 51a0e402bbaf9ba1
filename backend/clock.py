"""The server's clock. Every deadline, expiry and overdue check reads time from here (UTC)."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
