"""The error-code catalogue is generated from the code and can't drift: every code a raise site
names is registered with its status, the README table and the OpenAPI enum are the catalogue."""

import ast
import re
from pathlib import Path

import pytest

import backend
from backend.cli import main as cli
from backend.errors import (
    CATALOGUE,
    HTTP_CODES,
    AppError,
    NotFound,
    UnknownErrorCode,
    complete_catalogue,
    markdown_table,
    register,
)
from backend.main import create_app

BACKEND = Path(backend.__file__).parent
README = BACKEND.parent / "README.md"


def _all_error_classes() -> list[type[AppError]]:
    found, pending = [], [AppError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def _error_classes() -> dict[str, set[int]]:
    """AppError subclass name -> the statuses of the classes of that name."""
    found: dict[str, set[int]] = {}
    for cls in _all_error_classes():
        found.setdefault(cls.__name__, set()).add(cls.status_code)
    return found


def unregistered_codes(source: str, error_classes: dict[str, set[int]]) -> list[str]:
    """Problems with the literal codes in ``source``: ``SomeError(code="...")`` must name a
    registered code of the class's status; ``error_responses("...")`` and ``error_body("...")``
    registered codes."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else \
            node.func.attr if isinstance(node.func, ast.Attribute) else None
        literals: list[str] = []
        if name in error_classes:
            literals = [k.value.value for k in node.keywords if k.arg == "code"
                        and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)]
        elif name == "error_responses":
            literals = [a.value for a in node.args if isinstance(a, ast.Constant)
                        and isinstance(a.value, str)]
        elif name == "error_body" and node.args and isinstance(node.args[0], ast.Constant):
            literals = [node.args[0].value]
        for code in literals:
            entry = CATALOGUE.get(code)
            if entry is None:
                problems.append(f"line {node.lineno}: {code!r} is not in the catalogue")
            elif name in error_classes and entry.status not in error_classes[name]:
                problems.append(f"line {node.lineno}: {code!r} is HTTP {entry.status} in the "
                                f"catalogue, {name} answers {sorted(error_classes[name])}")
    return problems


def test_every_code_named_in_the_backend_is_registered_with_its_status():
    complete_catalogue()
    classes = _error_classes()
    problems = {str(path.relative_to(BACKEND)): found
                for path in sorted(BACKEND.rglob("*.py")) if "migrations" not in path.parts
                if (found := unregistered_codes(path.read_text(encoding="utf-8"), classes))}
    assert problems == {}


def test_the_scan_finds_an_unregistered_code_and_a_wrong_status():
    classes = _error_classes()
    source = ('raise NotFound("x", code="no_such_code_anywhere")\n'
              'raise errors.Conflict(code="site_not_found")\n'
              'responses = error_responses("another_unknown_code", 404)\n')
    assert len(unregistered_codes(source, classes)) == 3


def test_every_error_class_is_registered_with_its_status():
    complete_catalogue()
    wrong = {cls.__qualname__: cls.code for cls in _all_error_classes()
             if cls.code not in CATALOGUE or CATALOGUE[cls.code].status != cls.status_code}
    assert wrong == {}


def test_an_unregistered_code_is_refused_while_testing():
    with pytest.raises(UnknownErrorCode):
        NotFound(code="no_such_code_anywhere")
    assert NotFound(code="hazard_not_found").status_code == 404


def test_a_code_keeps_one_status():
    register("contract_test_code", 409, "测试")
    try:
        with pytest.raises(TypeError):
            register("contract_test_code", 422, "测试")
    finally:
        del CATALOGUE["contract_test_code"]


def test_the_readme_error_table_is_the_catalogue(capsys):
    assert cli(["error-codes"]) == 0
    printed = capsys.readouterr().out
    assert printed == markdown_table()
    readme = README.read_text(encoding="utf-8")
    section = re.search(r"<!-- error-codes:begin -->\n(.*?)<!-- error-codes:end -->", readme,
                        re.S)
    assert section, "README.md has no error-codes section"
    assert section.group(1) == printed, "run `anxun error-codes` and paste it into README.md"


def test_the_openapi_error_code_enum_is_the_catalogue():
    spec = create_app().openapi()
    assert set(spec["components"]["schemas"]["ErrorCode"]["enum"]) == set(CATALOGUE)
    assert set(HTTP_CODES.values()) <= set(CATALOGUE)
    for code in ("plan_incomplete", "deadline_in_past", "source_reserved", "image_corrupt",
                 "unknown_parameter", "invalid_cursor", "malformed_json"):
        assert code in CATALOGUE


def test_framework_errors_answer_with_the_catalogue_in_chinese(client):
    missing = client.get("/api/v1/no-such-thing").json()["error"]
    assert missing == {"code": "not_found", "message": CATALOGUE["not_found"].meaning,
                       "details": {}}
    wrong = client.delete("/api/v1/auth/login").json()["error"]
    assert (wrong["code"], wrong["message"]) == ("method_not_allowed", "不支持此请求方法")
