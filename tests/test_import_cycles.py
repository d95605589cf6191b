r"""backprop's modules import one another one way only: the graph of every import (at the top
of a module and inside functions) has no cycle, and an import inside a function is one of
a short documented list (kept lazy because it is heavy or optional, never to hide a cycle).

Read from the source with ``ast``: nothing is imported or run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "backprop"

# (importer, imported): why the import waits until the function runs
LAZY = {
    ("backprop.core.activations", "backprop.core.formula"): "a student's g only: SymPy",
    ("backprop.io.cli", "backprop.derivation.three_way"): "check only: pulls in SymPy's engine",
    ("backprop.io.cli", "backprop.core.bench"): "bench only",
    ("backprop.io.cli", "backprop.symbolic.bench_cases"): "bench only: SymPy's engine",
    ("backprop.core.bench", "backprop.symbolic.bench_cases"): "the symbolic cases only: SymPy's engine",
    ("backprop.derivation.three_way", "backprop.symbolic"): "SymPy's engine, only for the symbolic third",
    ("backprop.symbolic.network", "backprop.symbolic.printing"): "the printer, only for an entry's record",
    ("backprop.ui.diagrams", "backprop.core.losses"): "the loss table, only for the loss node",
    ("backprop.derivation.notation", "backprop.core.activations"): "a custom g's formula",
    ("backprop.ui.explorer", "backprop.symbolic"): "SymPy's engine, only when an entry is derived",
    ("backprop.ui.isolated", "backprop.core.isolate"): "the child process runner, only for a heavy result",
    ("backprop.ui.results", "backprop.symbolic"): "SymPy's engine, only when a derivation is shown",
    ("backprop.ui.results", "backprop.symbolic.element_sum"): "SymPy's engine, only when asked",
    ("backprop.ui.results", "backprop.symbolic.network"): "SymPy's engine, only when asked",
    ("backprop.ui.results", "backprop.symbolic.limits"): "SymPy's engine (its package), only when asked",
    # inside a package whose __init__ imports both modules: the order of its initialisation
    ("backprop.symbolic.element_sum", "backprop.symbolic.network"): "backprop.symbolic's import order",
    ("backprop.teaching.notes_walk.errata.figure", "backprop.teaching.layout"): "notes_walk's import order",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolved(importer: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The backprop modules an import statement loads (a from-import of a submodule counts it)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "backprop"]
    base = node.module or ""
    if node.level:
        package = importer if MODULES[importer].name == "__init__.py" else importer.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            package = package.rsplit(".", 1)[0]
        base = f"{package}.{base}" if base else package
    if base.split(".")[0] != "backprop":
        return []
    names = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    return names if len(names) == len(node.names) else [base, *names]


def imports(name: str) -> list[tuple[str, bool]]:
    """(imported module, inside a function?) for every backprop import of one module."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.extend((target, in_function) for target in _resolved(name, child))
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            visit(child, inner)

    visit(tree, False)
    return [(target, lazy) for target, lazy in found if target in MODULES and target != name]


GRAPH = {name: imports(name) for name in MODULES}


def _cycle() -> list[str] | None:
    """One cycle of the import graph, as a list of modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target, _ in GRAPH[name]:
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[name] = 2
        path.pop()
        return None

    for name in GRAPH:
        if name not in state and (found := visit(name)):
            return found
    return None


def test_the_graph_sees_the_package():
    assert len(MODULES) > 40
    assert ("backprop.io.options", False) in GRAPH["backprop.io.cli"]
    assert ("backprop.core.formula", True) in GRAPH["backprop.core.activations"]


def test_no_import_cycle_among_backprop_modules():
    cycle = _cycle()
    assert cycle is None, " -> ".join(cycle)


def test_imports_inside_functions_are_the_documented_lazy_ones():
    lazy = {(name, target) for name, targets in GRAPH.items() for target, inside in targets if inside}
    assert lazy <= set(LAZY), f"undocumented imports inside functions: {sorted(lazy - set(LAZY))}"


def test_the_two_cycles_once_hidden_in_functions_are_gone():
    for a, b in [
        ("backprop.io.cli", "backprop.io.export.cli"),
        ("backprop.core.activations", "backprop.core.formula"),
    ]:
        assert (a, b) in {(n, t) for n, ts in GRAPH.items() for t, _ in ts}
        assert b not in {t for t, _ in GRAPH[b]} and a not in {t for t, _ in GRAPH[b]}, f"{b} imports {a}"
