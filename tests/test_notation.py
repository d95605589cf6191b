r"""The notation module (backprop/derivation/notation.py): one form for every symbol, one transpose sign.

Also: the symbolic engine's printer uses the same sign, the numeric pages and the symbolic
engine name entries alike, no module outside notation.py types ∂L/∂x by hand, and KaTeX
accepts everything the module prints.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import sympy as sp
from katex.latex_check import katex_errors, math_in_markdown, other_transposes, require_node

from backprop.derivation import entry_latex
from backprop.derivation import latex as numeric_latex
from backprop.derivation import notation as nt
from backprop.symbolic import symbols
from backprop.symbolic.notes_latex import notes_latex, sympy_latex

ROOT = Path(__file__).resolve().parents[1]
T = r"^{\mathrm{T}}"


def test_layer_quantities_and_gradients():
    assert nt.sup("W", 2) == "W^{(2)}"
    assert nt.sup("A", "l-1", True) == r"\mathbf{A}^{(l-1)}"
    assert nt.sup("b", "l", True) == r"\boldsymbol{b}^{(l)}"
    assert nt.grad("W", 2) == r"\frac{\partial L}{\partial W^{(2)}}"
    assert nt.grad("Z", bold_symbol=True) == r"\frac{\partial L}{\partial \mathbf{Z}}"
    assert nt.partial("a", of="l") == r"\frac{\partial l}{\partial a}"


def test_transpose_is_the_notes_upright_T_and_braces_a_superscript():
    assert nt.TRANSPOSE == r"\mathrm{T}"
    assert nt.transpose("A") == "A" + T
    assert nt.transpose(r"\mathbf{W}") == r"\mathbf{W}" + T
    assert nt.transpose("W^{(2)}") == "{W^{(2)}}" + T  # W^{(2)}^T would be a double superscript
    assert nt.transpose(nt.ones()) == r"{\mathbf{1}_{m \times 1}}" + T
    assert nt.paren_transpose("x") == r"\left(x\right)" + T
    assert nt.paren_transpose("x", "") == "(x)" + T


@pytest.mark.parametrize(
    ("indices", "shown"), [((0,), "1"), ((0, 1), "12"), ((8, 8), "99"), ((9, 0), "10,1"), ((2, 11), "3,12")]
)
def test_indices_are_one_based_on_screen(indices, shown):
    assert nt.idx(*indices) == shown
    assert symbols.index_text(indices) == shown  # the symbolic engine shows the same subscript


def test_entries_write_subscript_then_layer():
    assert nt.entry("w", 1, 0, 1) == "w_{12}^{(1)}"
    assert nt.indexed("w", "ij", "l") == "w_{ij}^{(l)}"
    assert nt.indexed("y", "st") == "y_{st}"


@pytest.mark.parametrize(("var", "kind", "layer"), [("W", "w", 2), ("b", "b", 2), ("A_prev", "a", 1)])
def test_numeric_pages_and_symbolic_engine_name_an_entry_alike(var, kind, layer):
    index = (1,) if var == "b" else (2, 1)
    assert entry_latex.element(var, 2, index) == symbols.entry_latex(kind, layer, *index)
    assert entry_latex.entry_partial(var, 2, index) == nt.partial(symbols.entry_latex(kind, layer, *index))


def test_ones_hadamard_and_activation():
    assert nt.ones() == r"\mathbf{1}_{m \times 1}"
    assert nt.ones(4) == r"\mathbf{1}_{4 \times 1}"
    assert nt.hadamard("X", "Y") == r"X \odot Y"
    assert nt.g(2, "Z^{(2)}") == r"g^{(2)}\big(Z^{(2)}\big)"
    assert nt.g_prime("l") == r"g^{(l)\prime}"


def test_the_backward_formulas_read_as_the_notes_write_them():
    dZ = nt.grad("Z", "l")
    assert nt.dW_formula() == rf"\frac{{\partial L}}{{\partial W^{{(l)}}}} = {{A^{{(l-1)}}}}{T}\, {dZ}"
    assert (
        nt.dA_prev_formula(2)
        == rf"\frac{{\partial L}}{{\partial A^{{(1)}}}} = {nt.grad('Z', 2)}\, {{W^{{(2)}}}}{T}"
    )
    assert nt.db_formula() == (
        rf"\frac{{\partial L}}{{\partial b^{{(l)}}}} = \Big({{\mathbf{{1}}_{{m \times 1}}}}{T}\, {dZ}\Big){T}"
    )
    assert (
        nt.forward_formula()
        == rf"Z^{{(l)}} = A^{{(l-1)}} W^{{(l)}} + \mathbf{{1}}_{{m \times 1}}\, {{b^{{(l)}}}}{T}"
    )


def test_unicode_forms_for_diagram_and_chart_labels():
    assert nt.grad_text("W", 1) == "∂L/∂W⁽¹⁾"
    assert nt.grad_text("A", "l-1") == "∂L/∂A⁽ˡ⁻¹⁾"
    assert nt.grad_text("X") == "∂L/∂X"
    assert nt.sub_text(2, 1) == "₂₁" and nt.sub_text(12, 3) == "₁₂,₃"
    assert nt.transpose_text("A⁽¹⁾") == "A⁽¹⁾ᵀ"


def test_sympys_printer_writes_the_same_transpose():
    X, Y = sp.MatrixSymbol("X", 2, 3), sp.MatrixSymbol("Y", 3, 2)
    assert "^{T}" in sp.latex(X.T)  # SymPy's own sign, which the app's printer replaces
    assert sympy_latex(X.T) == "X" + T
    assert sympy_latex(sp.Transpose(X * Y)) == r"\left(X Y\right)" + T
    assert notes_latex(sp.MatrixSymbol("A", 2, 3).T) == "{A^{(l-1)}}" + T
    assert notes_latex(sp.MatrixSymbol("G", 2, 3).T) == nt.paren_transpose(nt.grad("Z", "l"))
    assert notes_latex(sp.Transpose(sp.OneMatrix(sp.Symbol("m"), 1))) == "{" + nt.ones() + "}" + T


# every string the module's formula functions print, for the sign and KaTeX checks below
SAMPLES = [
    nt.dW_formula(),
    nt.dW_formula(3, bold_symbol=True),
    nt.db_formula(2, rows=4),
    nt.dA_prev_formula("L", bold_symbol=True),
    nt.dZ_formula(1),
    nt.forward_formula("l", bold_symbol=True),
    nt.paren_transpose(nt.transpose(nt.ones()) + " " + nt.grad("Z", 1)),
    *numeric_latex.NOTATION,
    *(
        numeric_latex.backward_formula(q, 2, 2, "sigmoid", "bce", True, False)
        for q in ("dA", "dZ", "dW", "db")
    ),
    numeric_latex.backward_formula("dZ", 2, 2, "softmax", "mse", False, False),
    numeric_latex.forward_formula(2, 4, 3, 2),
    sympy_latex(sp.Transpose(sp.MatrixSymbol("X", 2, 3) * sp.MatrixSymbol("Y", 3, 2))),
]


@pytest.mark.parametrize("tex", SAMPLES)
def test_the_module_writes_one_transpose_sign(tex):
    assert other_transposes(tex) == []


@pytest.mark.parametrize(
    "tex",
    [r"A^\top", r"A^{\top}", "A^T", "A^{T}", r"W^{(l)T}", r"A^{\mathsf T}", r"A^{\mathsf{T}}", r"b^{(l)\top}"]
    + [r"x^\intercal", r"A^{\mathrm T}", r"A^{\text{T}}"],
)
def test_the_detector_finds_every_other_transpose_sign(tex):
    assert other_transposes(tex)


@pytest.mark.parametrize(
    "tex", ["A" + T, r"A^\mathrm{T}", r"e^{T_0}", r"\mathrm{Tr}(X)", "T_{ij}", r"\text{Total}"]
)
def test_the_detector_leaves_the_notes_sign_and_other_Ts_alone(tex):
    assert other_transposes(tex) == []


def test_math_is_found_in_markdown_but_not_an_escaped_dollar():
    text = r"costs \$5: $a^{\mathrm{T}}$ and $$\frac{1}{2}$$"
    assert math_in_markdown(text) == [(r"\frac{1}{2}", True), (r"a^{\mathrm{T}}", False)]


def test_katex_accepts_what_the_module_prints_and_rejects_a_broken_formula():
    require_node()
    version, errors = katex_errors([(tex, True) for tex in SAMPLES] + [(r"\frac{a", True)])
    assert [e["index"] for e in errors] == [len(SAMPLES)], (version, errors)


# --- no ∂L/∂x typed by hand outside the notation module --------------------------------------

HAND_TYPED = re.compile(r"\\c?frac\{+\\partial L")
# the notes' own statements, quoted as the notes write them (typos included)
QUOTES = {"backprop/teaching/notes_walk/statements.py"}


def _strings_outside_docstrings(path: Path) -> list[str]:
    """Every string literal in the code of a module, docstrings (and their doctests) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _modules_whose_strings(match) -> set[str]:
    """The modules of backprop/ and pages/ (notation.py aside) with a code string that ``match`` accepts."""
    found = set()
    for path in sorted([*(ROOT / "backprop").rglob("*.py"), *(ROOT / "pages").glob("*.py")]):
        name = path.relative_to(ROOT).as_posix()
        if name != "backprop/derivation/notation.py" and any(map(match, _strings_outside_docstrings(path))):
            found.add(name)
    return found


def test_no_hand_typed_gradient_fraction_outside_the_notation_module():
    assert _modules_whose_strings(HAND_TYPED.search) - QUOTES == set()


def test_no_other_transpose_sign_in_the_code():
    assert _modules_whose_strings(other_transposes) == set()


def test_the_catalogues_write_the_same_transpose_in_text():
    # plain text writes the notation's Unicode sign ᵀ; no LaTeX or ASCII transpose, no ⊤
    for path in sorted((ROOT / "backprop" / "locales").rglob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            assert other_transposes(text) == [] and "⊤" not in text, (path.name, key)
            assert not HAND_TYPED.search(text), (path.name, key)
