"""The registry of documents the catalogue may cite (``standards.yaml``), and the catalogue as a
document a safety engineer reviews without the code (``anxun catalogue-report``)."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from backend.modules.schemas import CatalogueModule
from backend.vocab import label

REGISTRY_PATH = Path(__file__).parent / "standards.yaml"


@dataclass(frozen=True)
class Standard:
    code: str
    title: str
    year: int
    kind: str


@cache
def registry() -> dict[str, Standard]:
    entries = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))
    return {str(e["code"]): Standard(str(e["code"]), str(e["title"]), int(e["year"]),
                                     str(e["kind"])) for e in entries}


def cited_standard(citation: str) -> Standard | None:
    """The registry entry a citation names: its code alone, or the code, one space and a
    clause ("GB 50016-2014(2018年版) 第6.2.9条"). None: a citation the registry doesn't know."""
    known = registry()
    if citation in known:
        return known[citation]
    code, _, clause = citation.partition(" ")
    while clause:  # codes may contain spaces ("教育部 公安部令第28号")
        if code in known:
            return known[code]
        head, _, clause = clause.partition(" ")
        code = f"{code} {head}"
    return None


def citations(module: CatalogueModule) -> list[str]:
    """Every citation of a module: its standards, its items' standards and major bases."""
    found = list(module.standards)
    for item in module.items:
        found += [c for c in (item.standard, item.major_basis) if c]
    return found


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def catalogue_report(modules: list[CatalogueModule]) -> str:
    """The catalogue as Markdown: one table row a module, its major items with their basis,
    then the documents cited, from the registry."""
    majors = sum(i.major_if_failed for m in modules for i in m.items)
    lines = ["# 巡检模块目录（供安全工程师审阅）", "",
             f"共 {len(modules)} 个模块，{sum(len(m.items) for m in modules)} 个检查项，"
             f"其中直接判定重大隐患的 {majors} 项。",
             "", "| 模块 | 适用点位 | 检查项 | 重大隐患项及判定依据 | 引用依据 |",
             "|---|---|---|---|---|"]
    cited: set[str] = set()
    for m in sorted(modules, key=lambda m: (m.category.value, m.code)):
        major_items = "<br>".join(f"{_cell(i.text)}（{_cell(i.major_basis)}）"
                             for i in m.items if i.major_if_failed) or "—"
        codes = sorted({s.code for c in citations(m) if (s := cited_standard(c))})
        cited.update(codes)
        kinds = "、".join(label(k) for k in m.site_kinds)
        lines.append(f"| {_cell(m.name)}<br>`{m.code}` | {kinds} | {len(m.items)} | {major_items} "
                     f"| {_cell('；'.join(codes))} |")
    lines += ["", "## 引用的文件", "", "| 编号 | 名称 | 年份 |", "|---|---|---|"]
    lines += [f"| {_cell(s.code)} | {_cell(s.title)} | {s.year} |"
              for s in sorted((registry()[c] for c in cited), key=lambda s: s.code)]
    return "\n".join(lines) + "\n"
