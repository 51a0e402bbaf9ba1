"""Client-driven optimistic concurrency: reads send ``ETag: "<version>"``; a write sent with
``If-Match`` applies only while the object still has that version (else 412). Without
``If-Match`` a write that loses a race is a 409, as before."""

import re
from typing import Annotated

from fastapi import Header, Response

from backend.errors import AppError


class PreconditionFailed(AppError):
    status_code = 412
    code = "precondition_failed"
    message = "对象已被修改（If-Match 不符），请刷新后重试"


_ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')

IfMatch = Annotated[str | None, Header(
    max_length=100, description='the `ETag` of the version this write was based on, e.g. `"3"`; '
    "a stale one is 412 `precondition_failed`")]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header names (None without one; ``*`` matches any)."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.match(if_match)
    if found is None:
        raise PreconditionFailed("If-Match 格式无效", details={"if_match": if_match[:100]})
    return int(found.group(1))
