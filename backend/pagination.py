"""Keyset (cursor) pagination: ``?limit=&cursor=`` → ``{"items": [...], "next_cursor": ...}``.

The cursor is the sort key of the last row of the page, so pages stay stable while rows are
added and a page deep in the list costs the same as the first."""

import base64
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Row, Select, bindparam, func, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from backend.errors import AppError

LimitParam = Annotated[int, Query(ge=1, le=200, description="Page size: at most this many items.")]
CursorParam = Annotated[str | None, Query(
    max_length=500, description="Opaque: the previous page's `next_cursor`; omit for the first.")]


CountParam = Annotated[bool, Query(
    description="also answer `total`: how many items match the filters across all pages (a "
                "COUNT over every match, so asked for, not given by default)")]


class InvalidCursor(AppError):
    code = "invalid_cursor"
    message = "分页游标无效"


T = TypeVar("T")
R = TypeVar("R")


class Page(BaseModel, Generic[T]):
    items: list[T] = Field(description="This page's items, in the list's order.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page.")


class CountedPage(Page[T], Generic[T]):
    total: int | None = Field(
        default=None, description="With `count=true`: how many items match the filters in all "
                                  "pages; absent otherwise.")


def count_of(session: Session, stmt: Select[Any]) -> int:
    """How many rows ``stmt`` (a list's filtered statement, before paging) selects."""
    return session.scalar(stmt.with_only_columns(func.count()).order_by(None)) or 0


def _encode(values: list[Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, datetime | date):
            return {"t": type(v).__name__, "v": v.isoformat()}
        return v

    raw = json.dumps([plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: list[InstrumentedAttribute[Any]]) -> list[Any]:
    def typed(v: Any) -> Any:
        if isinstance(v, dict):
            parse = datetime.fromisoformat if v.get("t") == "datetime" else date.fromisoformat
            return parse(v["v"])
        if not isinstance(v, int | str | float) or isinstance(v, bool):
            raise ValueError(v)
        return v

    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError(values)
        decoded = [typed(v) for v in values]
        for key, value in zip(keys, decoded, strict=True):
            if type(value) is not key.type.python_type:
                raise ValueError(value)
            if isinstance(value, int) and not -(2**31) <= value < 2**31:
                raise ValueError(value)
        return decoded
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc


def keyset_page(session: Session, stmt: Select[Any], keys: list[InstrumentedAttribute[Any]], *,
                limit: int, cursor: str | None,
                descending: bool = False) -> tuple[list[Any], str | None]:
    """Run ``stmt`` ordered by ``keys`` from after ``cursor``.

    All keys sort the same way, belong to the first entity selected, and the last one is unique
    (the id). Returns the page (entities when one entity is selected, else row tuples) and the
    cursor of the next page, or None on the last page."""
    rows = session.execute(_after(stmt, keys, limit, cursor, descending)).all()
    rows, next_cursor = _cut(rows, limit, lambda row: [getattr(row[0], k.key) for k in keys])
    if len(stmt.column_descriptions) == 1:
        return [row[0] for row in rows], next_cursor
    return [tuple(row) for row in rows], next_cursor


def keyset_statement(stmt: Select[Any], keys: list[InstrumentedAttribute[Any]], *,
                     descending: bool, after: bool) -> Select[Any]:
    """:func:`keyset_page`'s statement with its cursor and limit bound at execution
    (:func:`keyset_params`), to build once per shape: ordered by ``keys``, after the row whose
    keys are ``after_0``, ``after_1``... when ``after``."""
    if after:
        bound = tuple_(*keys)
        # typed as the keys: an untyped datetime is bound as-is, and SQLite then compares its
        # text with the stored UTC text wrongly
        values = tuple_(*(bindparam(f"after_{i}", type_=k.type) for i, k in enumerate(keys)))
        stmt = stmt.where(bound < values if descending else bound > values)
    order = [k.desc() for k in keys] if descending else keys
    return stmt.order_by(*order).limit(bindparam("limit"))


def keyset_params(keys: list[InstrumentedAttribute[Any]], *, limit: int,
                  cursor: str | None) -> dict[str, Any]:
    values = _decode(cursor, keys) if cursor else []
    return {"limit": limit + 1, **{f"after_{i}": v for i, v in enumerate(values)}}


def keyset_rows(connection: Connection, stmt: Select[Any], params: dict[str, Any],
                keys: list[InstrumentedAttribute[Any]],
                limit: int) -> tuple[list[Row[Any]], str | None]:
    """Run a :func:`keyset_statement` through Core (plain columns, no entities), each row with
    the ``keys`` among its columns under their names: the page and the next cursor."""
    rows = connection.execute(stmt, params).all()
    return _cut(rows, limit, lambda row: [getattr(row, k.key) for k in keys])


def _after(stmt: Select[Any], keys: list[InstrumentedAttribute[Any]], limit: int,
           cursor: str | None, descending: bool) -> Select[Any]:
    if cursor:
        values = _decode(cursor, keys)
        bound = tuple_(*keys)
        stmt = stmt.where(bound < tuple_(*values) if descending else bound > tuple_(*values))
    order = [k.desc() for k in keys] if descending else keys
    return stmt.order_by(*order).limit(limit + 1)


def _cut(rows: Sequence[R], limit: int,
         key_values: Callable[[R], list[Any]]) -> tuple[list[R], str | None]:
    if len(rows) > limit:
        return list(rows[:limit]), _encode(key_values(rows[limit - 1]))
    return list(rows), None
