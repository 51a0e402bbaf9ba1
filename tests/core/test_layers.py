"""Packages depend downward only (issue 8).

The graph: one node per package under ``backend/`` (``accounts``, ``org``... and each single
module such as ``deps`` or ``clock``), an edge for every ``import`` in a module that is not a
router (function-level imports too: a deferred import is still a dependency). Routers are the
HTTP layer above every domain and may import any service; migrations are frozen history."""

import ast
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise
from pathlib import Path

import pytest

BACKEND = Path(__file__).parents[2] / "backend"

# import no domain package: everything else is built on them
FOUNDATIONS = ("clock", "commitlog", "config", "db", "dedupe", "errors", "etag", "idempotency",
               "ratelimit",
               "jsonsafe", "metrics", "observability", "pagination", "schemas_base", "shutdown",
               "statewrite",
               "types", "vocab", "workshare")
# domain packages, lowest first: each imports only packages of the layers below it
DOMAIN_LAYERS = (
    {"audit", "events"},  # every write records to them; audit takes an Actor Protocol
    # the organisation and the patrol catalogue: org describes who reads with a Protocol too
    # (users belong to centers, not centers to users)
    {"org", "modules"},
    {"accounts"},
    {"photos"},  # taken by users at sites
    {"hazards"},
    {"inspections"},  # an inspection's failed items report hazards
    {"plans"},  # plans name modules and sites; a submitted inspection completes a task
    {"notifications", "escalations"},  # told of hazards (later tasks, campaigns) when due
    {"campaigns"},  # dispatch plan-less tasks, report external hazards, register notices
    # the official tables' records (accountability names hazards and campaigns), and 附表3's
    # plan entries (linked to hazards)
    {"records", "rectification"},
    {"tables"},  # the official tables (附表1/2/3) as .xlsx from the records, and back
    {"evaluation"},  # scores centers on hazards, patrol tasks and the records
    {"me", "stats"},  # the signed-in user's view, the control room: across every domain
    {"webhooks", "exports"},  # any domain's events sent out (a robot's message names hazards and
    # sites); the lists' hazards and inspections as CSV / XLSX files
    {"backup"},  # copies every domain's rows and the store objects they name
)

Edges = dict[str, dict[str, set[str]]]  # importer -> imported -> the files that import it


def _node(module: str) -> str | None:
    """The package of a dotted module name under ``backend``, or None outside it."""
    parts = module.split(".")
    return parts[1] if parts[0] == "backend" and len(parts) > 1 else None


def _imported_nodes(tree: ast.Module, module: str) -> set[str]:
    nodes: set[str] = set()
    for statement in ast.walk(tree):
        if isinstance(statement, ast.Import):
            nodes.update(filter(None, (_node(alias.name) for alias in statement.names)))
        elif isinstance(statement, ast.ImportFrom):
            base = statement.module or ""
            if statement.level:  # relative: resolve against the importing module's package
                package = module.split(".")[:-statement.level]
                base = ".".join([*package, base] if base else package)
            if base == "backend":  # from backend import audit, clock
                nodes.update(alias.name for alias in statement.names)
            elif (node := _node(base)) is not None:
                nodes.add(node)
    return nodes


def import_graph(root: Path) -> Edges:
    """The package-level import graph of the non-router modules under ``root``."""
    edges: Edges = defaultdict(lambda: defaultdict(set))
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] == "migrations" or path.name == "router.py" or \
                relative == Path("__init__.py"):
            continue
        module = ".".join([root.name, *relative.with_suffix("").parts])
        node = _node(module.removesuffix(".__init__"))
        assert node is not None
        edges[node]  # a node that imports nothing is still a node
        for imported in _imported_nodes(ast.parse(path.read_text(encoding="utf-8")), module):
            if imported != node:
                edges[node][imported].add(str(relative))
    return edges


def find_cycle(edges: Edges) -> str | None:
    """A cycle as ``a → b → a`` (each imports the next, with the files that do), or None."""
    try:
        TopologicalSorter({node: set(imported) for node, imported in edges.items()}).prepare()
    except CycleError as exc:
        # graphlib lists each node before the ones that depend on it: importers come later
        cycle = list(reversed(exc.args[1]))
        return " → ".join(
            f"{a} ({', '.join(sorted(edges[a][b]))})" for a, b in pairwise(cycle)
        ) + f" → {cycle[-1]}"
    return None


def domain_packages(root: Path) -> set[str]:
    return {path.parent.name for path in root.glob("*/__init__.py")} - {"migrations"}


@pytest.fixture(scope="module")
def graph() -> Edges:
    return import_graph(BACKEND)


def test_no_import_cycle(graph: Edges) -> None:
    cycle = find_cycle(graph)
    assert cycle is None, f"import cycle: {cycle}"


def test_foundations_import_no_domain_package(graph: Edges) -> None:
    domains = domain_packages(BACKEND)
    for foundation in FOUNDATIONS:
        assert foundation in graph, f"backend/{foundation}.py is gone: update FOUNDATIONS"
        upward = {name: sorted(files) for name, files in graph[foundation].items()
                  if name in domains}
        assert not upward, f"{foundation} imports domain packages: {upward}"


def test_domain_packages_import_only_lower_layers(graph: Edges) -> None:
    domains = domain_packages(BACKEND)
    assert set().union(*DOMAIN_LAYERS) == domains, \
        "a domain package was added or removed: place it in DOMAIN_LAYERS"
    lower: set[str] = set()
    for layer in DOMAIN_LAYERS:
        for package in layer:
            upward = {name: sorted(files) for name, files in graph[package].items()
                      if name in domains - lower}
            assert not upward, f"{package} imports a package of its layer or above: {upward}"
        lower |= layer


# the checker itself: a test that cannot fail proves nothing


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_graph_finds_a_cycle_and_names_its_files(tmp_path: Path) -> None:
    root = _write(tmp_path / "backend", {
        "__init__.py": "",
        "clock.py": "",
        "org/__init__.py": "",
        "org/service.py": "from backend.accounts.models import User\nfrom backend import clock\n",
        "accounts/__init__.py": "",
        "accounts/models.py": "def f():\n    import backend.org.models\n",
        "accounts/router.py": "from backend.deps import CurrentUser\n",
        "deps.py": "from . import accounts\nfrom .accounts.service import user_for_token\n",
        "migrations/env.py": "from backend import deps\n",
    })
    edges = import_graph(root)
    assert {node: set(imported) for node, imported in edges.items()} == {
        "clock": set(), "org": {"accounts", "clock"}, "accounts": {"org"},
        "deps": {"accounts"}}
    assert find_cycle(edges) in (
        "org (org/service.py) → accounts (accounts/models.py) → org",
        "accounts (accounts/models.py) → org (org/service.py) → accounts")


def test_graph_without_cycle(tmp_path: Path) -> None:
    root = _write(tmp_path / "backend", {
        "org/__init__.py": "", "org/service.py": "from backend import clock\n",
        "clock.py": "", "accounts/__init__.py": "",
        "accounts/service.py": "from backend.org.service import x\n",
    })
    assert find_cycle(import_graph(root)) is None
