"""The shipped catalogue as a 质监办 engineer signs it (issue 10): every major flag traceable to a
registered document, one condition one grade, every item checkable (how to check, the usual fix),
every module placed at the sites it applies to. Parametrized per module: ``-k fire-`` narrows it."""

from collections import defaultdict

import pytest

from backend.demo import SITES
from backend.modules.schemas import CatalogueModule
from backend.modules.service import read_catalogue
from backend.modules.standards import citations, cited_standard, registry
from backend.vocab import Grade

CATALOGUE = read_catalogue()
BY_CODE = {m.code: m for m in CATALOGUE}


def test_exactly_50_modules_ship():
    assert len(CATALOGUE) == 50


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_citation_is_a_registered_document(code):
    unknown = [c for c in citations(BY_CODE[code]) if cited_standard(c) is None]
    assert unknown == [], f"{code}: not in backend/modules/standards.yaml: {unknown}"


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_item_says_how_to_check_and_fix_and_which_condition(code):
    module: CatalogueModule = BY_CODE[code]
    missing = [(item.code, field) for item in module.items
               for field in ("method", "advice", "rule") if not getattr(item, field)]
    assert missing == [], f"{code}: {missing}"


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_major_item_has_its_basis_and_grade(code):
    for item in BY_CODE[code].items:
        if item.major_if_failed:
            assert item.major_basis, f"{code}/{item.code}: directly major without a basis"
            assert item.default_grade is Grade.major
            assert _names_a_clause(item.major_basis), \
                f"{code}/{item.code}: basis {item.major_basis!r} names no clause (or say 集团规定)"
        else:
            assert item.default_grade is Grade.general, \
                f"{code}/{item.code}: major by default but not flagged (one grade or the other)"


def _names_a_clause(basis: str) -> bool:
    """A major basis is a registered document and the clause that makes the hazard major, or
    exactly 集团规定 (the group is stricter than any rule): a bare document code says nothing a
    reviewer can check."""
    if basis == "集团规定":
        return True
    standard = cited_standard(basis)
    return standard is not None and standard.kind != "group" \
        and basis[len(standard.code):].strip() != ""


def test_a_major_basis_names_a_clause():
    assert _names_a_clause("GB 45067-2024 5.6.1")
    assert _names_a_clause("教育部 公安部令第28号 第十条")
    assert _names_a_clause("集团规定")
    assert not _names_a_clause("GB 45067-2024")
    assert not _names_a_clause("教育部 公安部令第28号")
    assert not _names_a_clause("集团规定 第三条")  # the group's rule is cited as is
    assert not _names_a_clause("GB 45067 5.6.1")  # not a registered code


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_module_applies_to_a_site_kind(code):
    assert BY_CODE[code].site_kinds, f"{code}: no site_kinds"


def test_one_condition_one_grade_and_basis():
    """Items of any module that check one condition (one ``rule``) agree on grade and basis,
    whichever module the inspector picked."""
    by_rule: dict[str, set[tuple[str, bool, str | None]]] = defaultdict(set)
    where: dict[str, list[str]] = defaultdict(list)
    for module in CATALOGUE:
        for item in module.items:
            if item.rule:
                by_rule[item.rule].add((item.default_grade.value, item.major_if_failed,
                                        item.major_basis))
                where[item.rule].append(f"{module.code}/{item.code}")
    disagreements = {rule: (sorted(map(str, grades)), where[rule])
                     for rule, grades in by_rule.items() if len(grades) > 1}
    assert disagreements == {}


def test_every_demo_site_has_modules_for_its_kind():
    covered = {kind for module in CATALOGUE for kind in module.site_kinds}
    bare = [(code, kind.value) for code, _, _, _, kind, _ in SITES if kind not in covered]
    assert bare == []


def test_every_registered_document_is_cited():
    """The registry lists what the catalogue cites, nothing more: a document the catalogue
    deliberately stopped citing (校车安全管理条例, GB 30871) must not linger as if it applied."""
    cited = {s.code for m in CATALOGUE for c in citations(m) if (s := cited_standard(c))}
    assert sorted(set(registry()) - cited) == []


def test_citations_are_matched_by_code_and_clause_only():
    assert cited_standard("GB 50016-2014(2018年版) 第6.2.9条").code == "GB 50016-2014(2018年版)"
    assert cited_standard("教育部 公安部令第28号 第十条").code == "教育部 公安部令第28号"
    assert cited_standard("集团规定").code == "集团规定"
    assert cited_standard("GB 50016-2014") is None  # the year's edition is part of the code
    assert cited_standard("GB 35181 重大火灾隐患判定规则") is None  # a misquoted title
    assert all(s.year >= 1990 for s in registry().values())


def test_the_catalogue_report_is_a_document_an_engineer_can_sign(tmp_path):
    from tests.core.test_cli import run_cli

    out = tmp_path / "catalogue.md"
    run_cli(tmp_path, "catalogue-report", "--output", str(out))
    report = out.read_text(encoding="utf-8")
    rows = [line for line in report.splitlines() if line.startswith("| ") and "<br>`" in line]
    assert len(rows) == 50
    for module in CATALOGUE:
        row = next(r for r in rows if f"`{module.code}`" in r)
        for item in module.items:
            if item.major_if_failed:
                assert f"{item.text}（{item.major_basis}）" in row, (module.code, item.code)
    cited = {s.code for m in CATALOGUE for c in citations(m) if (s := cited_standard(c))}
    for code in cited:
        assert f"| {code} | {registry()[code].title} |" in report
