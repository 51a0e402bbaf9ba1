"""Client-driven optimistic concurrency: reads send ``ETag: "<version>"``; a write sent with
``If-Match`` applies only while the object still has that version (else 412). Without
``If-Match`` a write that loses a race is a 409, as before.

``If-Match`` may list several tags (RFC 9110), and ``W/"3"`` is read as ``"3"``: strictly a
weak tag never matches, but proxies that compress JSON (nginx gzip) weaken ETags on the way."""

import re
from typing import Annotated

from fastapi import Header, Response

from backend.errors import AppError


class PreconditionFailed(AppError):
    status_code = 412
    code = "precondition_failed"
    message = "对象已被修改（If-Match 不符），请刷新后重试"


class PreconditionRequired(AppError):
    status_code = 428
    code = "precondition_required"
    message = "修改须带 If-Match（读取时的 ETag），以免覆盖他人的修改"


_ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,18})"\s*$')

IfMatch = Annotated[str | None, Header(
    max_length=100, description='the `ETag` of the version this write was based on, e.g. `"3"`; '
    "a stale one is 412 `precondition_failed`")]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions an ``If-Match`` header names (None without one; ``*`` matches any)."""
    if if_match is None or if_match.strip() == "*":
        return None
    versions = set()
    for tag in if_match.split(","):
        found = _ETAG.match(tag)
        if found is None:
            raise PreconditionFailed("If-Match 格式无效", details={"if_match": if_match[:100]})
        versions.add(int(found.group(1)))
    return frozenset(versions)


def required_version(versions: frozenset[int] | None, current: int) -> int | None:
    """The version a conditional write must still find: ``current`` when ``If-Match`` named
    it, None without a precondition; 412 when it named only other versions."""
    if versions is None:
        return None
    if current not in versions:
        raise PreconditionFailed(details={"version": current})
    return current


def required_if_match(if_match: str | None) -> str:
    """``If-Match`` where a write must name the version it read (428 without one)."""
    if if_match is None:
        raise PreconditionRequired()
    return if_match
