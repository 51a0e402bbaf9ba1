"""Date arithmetic both databases do in SQL, each in its own words: SQLite has ``julianday``,
PostgreSQL subtracts timestamps into intervals. Instants are UTC in both (``UTCDateTime``)."""

from typing import Any

from sqlalchemy import Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class days_between(FunctionElement[float]):  # noqa: N801 - an SQL function
    """``later - earlier`` in days, fractional."""

    type = Float()
    inherit_cache = True


class rounded(FunctionElement[int]):  # noqa: N801 - an SQL function
    """A non-negative number rounded to the nearest integer."""

    type = Integer()
    inherit_cache = True


class week_index(FunctionElement[int]):  # noqa: N801 - an SQL function
    """Whole weeks from ``start`` to ``instant`` (``instant >= start``): 0 for the first week."""

    type = Integer()
    inherit_cache = True


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between, "postgresql")
def _days_between_pg(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


@compiles(rounded, "sqlite")
def _rounded_sqlite(element: rounded, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    return f"CAST(({value}) + 0.5 AS INTEGER)"  # CAST truncates


@compiles(rounded, "postgresql")
def _rounded_pg(element: rounded, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    return f"CAST(round({value}) AS INTEGER)"


@compiles(week_index, "sqlite")
def _week_index_sqlite(element: week_index, compiler: SQLCompiler, **kw: Any) -> str:
    instant, start = _args(element, compiler, **kw)
    # CAST truncates toward zero: the floor, as instant >= start
    return f"CAST((julianday({instant}) - julianday({start})) / 7 AS INTEGER)"


@compiles(week_index, "postgresql")
def _week_index_pg(element: week_index, compiler: SQLCompiler, **kw: Any) -> str:
    instant, start = _args(element, compiler, **kw)
    return f"CAST(floor(EXTRACT(EPOCH FROM ({instant} - {start})) / 604800) AS INTEGER)"
