"""``GET /hazards/stats``: the list's hazards (its filters and scope, ``filters.py``) counted by
one SQL GROUP BY over the dimensions asked for, whatever the number of hazards."""

from typing import Any

from sqlalchemy import Select, String, case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from backend import clock
from backend.errors import Unprocessable
from backend.hazards import service
from backend.hazards.models import Hazard
from backend.hazards.schemas import HazardGroupOut, HazardStatsOut


class shanghai_month(FunctionElement[str]):  # noqa: N801 - an SQL function
    """The Asia/Shanghai month of a UTC instant as ``YYYY-MM`` (China keeps +08:00 all year)."""

    type = String()
    inherit_cache = True


@compiles(shanghai_month, "sqlite")
def _month_sqlite(element: shanghai_month, compiler: SQLCompiler, **kw: Any) -> str:
    (instant,) = [compiler.process(arg, **kw) for arg in element.clauses]
    return f"strftime('%Y-%m', {instant}, '+8 hours')"  # stored as naive UTC text


@compiles(shanghai_month, "postgresql")
def _month_pg(element: shanghai_month, compiler: SQLCompiler, **kw: Any) -> str:
    (instant,) = [compiler.process(arg, **kw) for arg in element.clauses]
    return f"to_char({instant} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


# the API's name of each dimension -> the grouped expression (and the output field)
DIMENSIONS: dict[str, tuple[Any, str]] = {
    "center": (Hazard.center_id, "center_id"),
    "status": (Hazard.status, "status"),
    "grade": (Hazard.grade, "grade"),
    "category": (Hazard.category, "category"),
    "site": (Hazard.site_id, "site_id"),
    "month": (shanghai_month(Hazard.created_at), "month"),
}


class GroupByInvalid(Unprocessable):
    code = "group_by_invalid"
    message = "分组维度无效"


def parse_group_by(text: str) -> list[str]:
    """``center,month`` -> the dimensions in order, each once; 422 for an unknown or none."""
    names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in DIMENSIONS]
    if not names or unknown:
        raise GroupByInvalid(details={"unknown": unknown, "allowed": list(DIMENSIONS)})
    return names


def grouped_counts(session: Session, stmt: Select[Any], dimensions: list[str]) -> HazardStatsOut:
    """Count the hazards ``stmt`` selects (the list's filtered statement) per group."""
    keys = [DIMENSIONS[d][0] for d in dimensions]
    overdue = func.coalesce(func.sum(case((service.overdue_clause(clock.today()), 1),
                                          else_=0)), 0)
    grouped = stmt.with_only_columns(*keys, func.count(), overdue) \
        .group_by(*keys).order_by(*keys)
    groups = [HazardGroupOut(**{DIMENSIONS[d][1]: v for d, v in zip(dimensions, row[:-2],
                                                                    strict=True)},
                             count=row[-2], overdue=row[-1])
              for row in session.execute(grouped)]
    return HazardStatsOut(group_by=dimensions, total=sum(g.count for g in groups),
                          overdue=sum(g.overdue for g in groups), groups=groups)
