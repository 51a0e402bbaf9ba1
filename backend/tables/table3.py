"""附表3 风险隐患整改计划表: its layout (written from plain rows) and its reading back (a
hand-filled copy into plain rows, with what is wrong with each row).

Columns: 序号 | 名称(含校区、地点) | 隐患描述 | 整改措施 | 整改期限 per year | 费用估算(万元) per
year | 小计; rows 3-4 the two-level header, then the entries, 合计, the footnote."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from backend.rectification import rules
from backend.rectification.rules import YearFacts
from backend.tables import sheet

TITLE = "安全生产治本攻坚风险隐患整改计划表"
FIXED = ("序号", "名称(含校区、地点)", "隐患描述", "整改措施")
DEADLINES, COSTS, SUBTOTAL, TOTAL = "整改期限", "费用估算(万元)", "小计", "合计"
WIDTHS = (6, 24, 36, 40)
YEAR_WIDTH = 10
FIRST_ROW = 5
DEFAULT_DUE_ON = date(2024, 6, 30)  # the source document's date for 附表3
MAX_COST = Decimal(100_000)


@dataclass(frozen=True)
class Row:
    name: str
    description: str
    measures: str
    years: tuple[YearFacts, ...]

    def year(self, year: int) -> YearFacts | None:
        return next((y for y in self.years if y.year == year), None)

    @property
    def subtotal(self) -> Decimal:
        return rules.subtotal(y.cost for y in self.years)


def footnotetext_of(due_on: date) -> str:
    return ("备注: 1. 本质基础隐患包含房屋维修、设施设备改造或更新、信息化建设等; "
            f"2. 隐患整改计划表须在 {due_on.year} 年 {due_on.month} 月 {due_on.day} 日前提交。")


def last_column(years: Sequence[int]) -> int:
    return len(FIXED) + 2 * len(years) + 1


def write(ws: Worksheet, center_name: str, years: Sequence[int], rows: Sequence[Row],
          due_on: date = DEFAULT_DUE_ON) -> None:
    n, last = len(years), last_column(years)
    sheet.set_widths(ws, (*WIDTHS, *[YEAR_WIDTH] * (2 * n + 1)))
    sheet.write_titles(ws, last, sheet.table_title(center_name, TITLE))
    for column, text in enumerate(FIXED, start=1):
        sheet.header(ws, 3, column, text, rows=2)
    sheet.header(ws, 3, 5, DEADLINES, columns=n)
    sheet.header(ws, 3, 5 + n, COSTS, columns=n + 1)
    for i, year in enumerate(years):
        sheet.header(ws, 4, 5 + i, str(year))
        sheet.header(ws, 4, 5 + n + i, str(year))
    sheet.header(ws, 4, last, SUBTOTAL)
    for offset, entry in enumerate(rows):
        r = FIRST_ROW + offset
        sheet.body(ws, r, 1, offset + 1, centred=True)
        for column, text in ((2, entry.name), (3, entry.description), (4, entry.measures)):
            sheet.body(ws, r, column, text)
        for i, year in enumerate(years):
            facts = entry.year(year)
            sheet.body(ws, r, 5 + i, rules.month_range_text(
                facts.from_month, facts.to_month) if facts else None, centred=True)
            sheet.body(ws, r, 5 + n + i, facts.cost if facts else None, centred=True,
                       number_format=sheet.MONEY_FORMAT)
        sheet.body(ws, r, last, entry.subtotal, centred=True, number_format=sheet.MONEY_FORMAT)
        sheet.fit_height(ws, r, last)
    total = FIRST_ROW + len(rows)
    sheet.body(ws, total, 1, TOTAL, centred=True, bold=True)
    for column in range(2, 5 + n):
        sheet.body(ws, total, column, None)
    for i, year in enumerate(years):
        sheet.body(ws, total, 5 + n + i, rules.subtotal(
            f.cost for e in rows if (f := e.year(year)) is not None), centred=True,
            number_format=sheet.MONEY_FORMAT, bold=True)
    sheet.body(ws, total, last, rules.subtotal(e.subtotal for e in rows), centred=True,
               number_format=sheet.MONEY_FORMAT, bold=True)
    ws.row_dimensions[total].height = 22
    sheet.footnote(ws, total + 1, last, footnotetext_of(due_on))
    ws.freeze_panes = f"A{FIRST_ROW}"
    sheet.print_setup(ws, "3:4", last)


# --- reading a hand-filled copy ---------------------------------------------------------

def normal(value: Any) -> str:
    """A header cell as compared: no spaces, half-width brackets."""
    text = "" if value is None else str(value)
    return "".join(text.split()).replace("（", "(").replace("）", ")")


def header_years(top: Sequence[Any], second: Sequence[Any]) -> list[int] | None:
    """The year columns of a header (rows 3 and 4), or None when it is not 附表3's."""
    if [normal(v) for v in top[:4]] != list(FIXED) or normal(_at(top, 4)) != DEADLINES:
        return None
    years: list[int] = []
    for value in second[4:]:
        text = normal(value).removesuffix(".0").removesuffix("年")
        if not text.isdigit() or int(text) in years:  # the cost columns repeat the years
            break
        years.append(int(text))
    n = len(years)
    costs = [normal(v).removesuffix(".0").removesuffix("年") for v in second[4 + n:4 + 2 * n]]
    if not n or costs != [str(y) for y in years] or normal(_at(second, 4 + 2 * n)) != SUBTOTAL \
            or normal(_at(top, 4 + n)) != COSTS:
        return None
    return years


def _at(values: Sequence[Any], index: int) -> Any:
    return values[index] if index < len(values) else None


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cost(value: Any) -> Decimal | None:
    """A cost cell: a number (or its text) in 万元, at most two decimals; ValueError else."""
    if value is None or text_of(value) == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        amount = Decimal(str(value).strip().removesuffix("万元"))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_COST or \
            amount != amount.quantize(rules.CENT):
        raise ValueError(value)
    return amount.quantize(rules.CENT)


@dataclass(frozen=True)
class Problem:
    column: str
    message: str


def read_row(values: Sequence[Any], years: Sequence[int]) -> tuple[Row | None, list[Problem]]:
    """A body row as a :class:`Row`, or the problems that refuse it."""
    n = len(years)
    problems: list[Problem] = []
    texts = {}
    for index, (field, limit) in enumerate((("名称", 200), ("隐患描述", 2000),
                                            ("整改措施", 2000)), start=1):
        text = text_of(_at(values, index))
        if not text:
            problems.append(Problem(field, "必填"))
        elif len(text) > limit:
            problems.append(Problem(field, f"超过 {limit} 字"))
        texts[field] = text
    facts = []
    for i, year in enumerate(years):
        months, cost = None, None
        try:
            months = rules.parse_month_range(text_of(_at(values, 4 + i)))
        except ValueError:
            problems.append(Problem(f"{year} 整改期限", '应为月份范围，如 "7-8 月" 或 "9 月"'))
        try:
            cost = _cost(_at(values, 4 + n + i))
        except ValueError:
            problems.append(Problem(f"{year} 费用估算",
                                    "应为 0 到 100000 之间的万元数，最多两位小数"))
        if months is not None or cost is not None:
            first, last = months or (None, None)
            facts.append(YearFacts(year, first, last, cost))
    row = Row(texts["名称"], texts["隐患描述"], texts["整改措施"], tuple(facts))
    try:
        stated = _cost(_at(values, 4 + 2 * n))
    except ValueError:
        stated = None
        problems.append(Problem(SUBTOTAL, "应为万元数，最多两位小数"))
    if not problems and stated is not None and stated != row.subtotal:
        problems.append(Problem(SUBTOTAL, f"与各年费用之和 {row.subtotal} 不符"))
    return (None if problems else row), problems


def is_blank(values: Sequence[Any]) -> bool:
    return all(text_of(v) == "" for v in values)
