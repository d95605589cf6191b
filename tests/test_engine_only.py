r"""The backward products are multiplied in one place: backprop/core/backward_engine.py.

Every module of backprop/ is parsed with ``ast`` and each matrix product (``P @ Q``,
``np.matmul(P, Q)``, ``np.dot(P, Q)``) is classified by how its operands are named. A
product that reads like a step of the backward pass, or its transpose,

    dZ @ W.T        ∂L/∂A^(l-1)         W @ dZ.T        its transpose (numerator layout)
    A_prev.T @ dZ   ∂L/∂W^(l)           dZ.T @ A_prev   its transpose
    ones @ dZ       ∂L/∂b^(l)           dZ.T @ ones     its transpose

fails the test outside the engine and the benchmark (whose baseline is the hand-written
pass the engine is timed against), naming the file and the line. Everything else reads
the engine's results (a trace's ``layer.dW``, ``layer.db``, ``layer.dA_prev``) or calls
its formulas. Forward products (A @ W), Jacobian products and SymPy's ``*`` are not
backward products of arrays and are left alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backprop.core.backward_engine import FORMULAS

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"backprop/core/backward_engine.py", "backprop/core/bench.py"}

# how an operand may be named: the upstream gradient, the weights, the layer's input, ones
DZ_NAMES = {"dZ", "dz", "D", "G", "delta_Z"}
W_NAMES = {"W", "W_", "w", "Ws"}
A_NAMES = {"A_prev", "a_prev", "A", "A_in", "X"}

# (left role, right role) of a backward product or of its transpose
BACKWARD = {
    ("dZ", "W.T"): "∂L/∂A^(l-1) = ∂L/∂Z Wᵀ",
    ("W", "dZ.T"): "(∂L/∂A^(l-1))ᵀ = W ∂L/∂Zᵀ",
    ("A.T", "dZ"): "∂L/∂W = Aᵀ ∂L/∂Z",
    ("dZ.T", "A"): "(∂L/∂W)ᵀ = ∂L/∂Zᵀ A",
    ("ones", "dZ"): "∂L/∂b = 1ᵀ ∂L/∂Z",
    ("dZ.T", "ones"): "(∂L/∂b)ᵀ = ∂L/∂Zᵀ 1",
}


def _name(node: ast.expr) -> str | None:
    """The identifier an operand is read from: dZ, layer.dZ, Ws[l] and self.W all give their last name."""
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_ones(node: ast.expr) -> bool:
    """np.ones(...), ones_like(...), or a name holding ones (ones, ones_m, ONES)."""
    if isinstance(node, ast.Call):
        return (_name(node.func) or "") in {"ones", "ones_like"}
    name = _name(node) or ""
    return name.lower() == "ones" or name.lower().startswith("ones_")


def role(node: ast.expr) -> str | None:
    """ "dZ", "dZ.T", "W", "W.T", "A", "A.T" or "ones" as the operand is named; None for anything else."""
    if _is_ones(node):
        return "ones"
    transposed = isinstance(node, ast.Attribute) and node.attr == "T"
    if transposed:
        node = node.value
    name = _name(node)
    for kind, names in (("dZ", DZ_NAMES), ("W", W_NAMES), ("A", A_NAMES)):
        if name in names:
            return kind + (".T" if transposed else "")
    return None


def products(tree: ast.AST):
    """Every matrix product in a module: (line, left operand, right operand)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            yield node.lineno, node.left, node.right
        elif (
            isinstance(node, ast.Call)
            and (_name(node.func) or "") in {"matmul", "dot"}
            and len(node.args) == 2
        ):
            yield node.lineno, node.args[0], node.args[1]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "dot"
            and len(node.args) == 1
        ):  # P.dot(Q)
            yield node.lineno, node.func.value, node.args[0]


def backward_products(source: str, filename: str = "<source>") -> list[str]:
    """'file:line: code (what it computes)' for each backward product in the source."""
    found = []
    for line, left, right in products(ast.parse(source, filename)):
        what = BACKWARD.get((role(left), role(right)))
        if what is not None:
            found.append(f"{filename}:{line}: {ast.unparse(left)} @ {ast.unparse(right)}  ({what})")
    return found


def test_only_the_engine_multiplies_the_backward_products():
    found = []
    for path in sorted((ROOT / "backprop").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name not in ALLOWED:
            found += backward_products(path.read_text(encoding="utf-8"), name)
    assert not found, "backward products outside backward_engine.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "code",
    [
        "dA = dZ @ W.T",
        "dA = layer.dZ @ layer.W.T",
        "dA = np.matmul(dZ, Ws[l].T)",
        "dA = np.dot(D, W.T)",
        "dW = A_prev.T @ dZ",
        "dW = layer.A_prev.T @ layer.dZ",
        "dW = X.T.dot(dZ)",
        "db = np.ones((1, m)) @ dZ",
        "db = ones_m @ D",
        "num = D.T @ A",
        "num = W @ D.T",
    ],
)
def test_the_scan_finds_a_backward_product(code):
    found = backward_products(code, "x.py")
    assert len(found) == 1 and found[0].startswith("x.py:1: "), found


@pytest.mark.parametrize(
    "code",
    [
        "Z = A_prev @ W + b",  # the forward pass
        "z = W.T @ a",  # a forward product, column form
        "wrong = dZ @ A_prev.T",  # a classic mistake, not the engine's product
        "jvp = J @ v",
        "s = sp_D * sp_W.T",  # SymPy's product of symbols
        "num = layer.dW.T",  # the engine's result, transposed
    ],
)
def test_the_scan_leaves_other_products_alone(code):
    assert backward_products(code, "x.py") == []


def test_the_engines_formula_lines_are_found_by_the_scan():
    # the engine's products are the lines of its formula table (compiled there, and written
    # into the flat pass by backprop.core.flat_pass): they are what the scan looks for
    lines = "\n".join(f"{f.name} = {f.line}" for f in FORMULAS.values() if f.line)
    found = backward_products(lines, "engine")
    assert [entry.split("  ")[-1] for entry in found] == ["(∂L/∂W = Aᵀ ∂L/∂Z)", "(∂L/∂A^(l-1) = ∂L/∂Z Wᵀ)"]
