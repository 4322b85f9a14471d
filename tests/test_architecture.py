"""The shape of the code: the import graph has no cycle, dependencies point one way through the
layers, and modules and functions stay small enough to read.

Every module under ``pipeline/`` is parsed with ``ast`` (nothing is imported); an edge is any
``import`` or ``from ... import`` of a ``pipeline`` module, at the top of the file or inside a
function. ``from pkg import name`` counts as an import of ``pkg.name`` when that is a module.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"

# Lowest first: a module may import modules of its own layer or of lower ones, never higher.
# The record contract, io, rule-data loading and the Doc-side contract come first; then the
# stages; the registry that binds them; the run; the tools over a run's files; the command line.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("pipeline", "pipeline.io", "pipeline.contract", "pipeline.resources", "pipeline.regex_structure")),
    ("doc", ("pipeline.extensions", "pipeline.records", "pipeline.syntax", "pipeline.speed")),
    ("stages", ("pipeline.stages",)),
    ("registry", ("pipeline.registry",)),
    ("run", ("pipeline.run", "pipeline.runner")),
    ("tools", ("pipeline.training", "pipeline.schema", "pipeline.evaluate", "pipeline.export", "pipeline.dataset_card", "pipeline.dataset_tables", "pipeline.report", "pipeline.review",
               "pipeline.bench", "pipeline.bench_figures", "pipeline.bench_dates")),
    ("cli", ("pipeline.cli", "pipeline.__main__", "pipeline.api")),
]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = path.relative_to(PIPELINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=None)
def modules() -> dict[str, Path]:
    """Every module under pipeline/ by dotted name."""
    return {module_name(path): path for path in sorted(PIPELINE.rglob("*.py"))}


@lru_cache(maxsize=None)
def tree(name: str) -> ast.Module:
    path = modules()[name]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _package_of(name: str) -> str:
    """The package a relative import in module ``name`` starts from."""
    return name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]


def imports_of(name: str) -> set[str]:
    """The pipeline modules ``name`` imports (top level or inside functions)."""
    found: set[str] = set()
    known = modules()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name)
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            # "from pkg import mod" imports pkg.mod (and pkg only for names that are not modules)
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source for alias in node.names]
        else:
            continue
        for target in targets:
            # "import pipeline.a.b" imports pipeline.a.b (the longest known prefix of the name)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@lru_cache(maxsize=None)
def graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(imports_of(name)) for name in modules()}


def layer_of(name: str) -> int:
    """Index in LAYERS of the longest prefix that names ``name`` (a package covers its modules)."""
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), i
    assert rank is not None, f"{name} belongs to no layer: add it to LAYERS"
    return rank


def find_cycle(edges: dict[str, frozenset[str]]) -> list[str] | None:
    """One import cycle (as a path that ends where it starts), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_relative_and_lazy_imports():
    edges = graph()
    assert "pipeline.run.build" in edges["pipeline.run.corpus"]  # from .build import ...
    assert "pipeline.run.engines" in edges["pipeline.run.corpus"]  # from . import engines
    assert "pipeline.run" in edges["pipeline.bench.speed"]  # from ..run import ..., inside a function
    assert "pipeline.stages.segment" in edges["pipeline.run.doc_records"]


def test_find_cycle():
    assert find_cycle({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": frozenset({"b"}), "b": frozenset(), "c": frozenset({"a"})}) is None


def test_no_import_cycles():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_dependencies_point_down_the_layers():
    upward = [
        f"{name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for name, targets in sorted(graph().items())
        for target in sorted(targets)
        if layer_of(target) > layer_of(name)
    ]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("low, high", [
    ("pipeline.stages", ("pipeline.run", "pipeline.runner", "pipeline.cli", "pipeline.review", "pipeline.report", "pipeline.export",
                         "pipeline.registry", "pipeline.bench")),
    ("pipeline.records", ("pipeline.run", "pipeline.runner", "pipeline.stages")),
    ("pipeline.contract", ("pipeline.",)),
    ("pipeline.run", ("pipeline.cli", "pipeline.review", "pipeline.report", "pipeline.export", "pipeline.bench")),
])
def test_named_boundaries(low, high):
    crossing = [
        (name, target) for name, targets in graph().items() if name == low or name.startswith(low + ".")
        for target in targets if target.startswith(high) and not target.startswith(low)
    ]
    assert not crossing, crossing


def test_modules_and_functions_stay_small():
    too_long = []
    for name, path in modules().items():
        n_lines = len(path.read_text(encoding="utf-8").splitlines())
        if n_lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(PIPELINE.parent)}: {n_lines} lines")
        for node in ast.walk(tree(name)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(PIPELINE.parent)}:{node.lineno} {node.name}(): {length} lines")
    assert not too_long, "\n".join(too_long)
