r"""LaTeX of one whole-network gradient entry: the entry, then the steps it rests on.

An entry of a deep network, written out in the parameters alone, runs to pages; in the
program's step symbols it is one line, ∂L/∂w_{ij}^{(l)} = Σ_s ∂L/∂z_{sj}^{(l)} a_{si}^{(l-1)},
followed by the definitions of the steps it uses (∂L/∂z = ∂L/∂a · g'(z), z = Σ a w + b,
...), nearest first. Past ``PRINT_STEPS_LIMIT`` steps or ``PRINT_CHARS_LIMIT``
characters the list is cut and ``truncated`` says so; the value is always exact.

>>> import sympy as sp
>>> from .symbols import symbol
>>> step_latex(symbol("z", 1, 0, 0), symbol("a", 0, 0, 0) * symbol("w", 1, 0, 0))
'z_{11}^{(1)} = a_{11}^{(0)} w_{11}^{(1)}'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from backprop.derivation import notation as nt
from backprop.symbolic.limits import PRINT_CHARS_LIMIT, PRINT_STEPS_LIMIT
from backprop.symbolic.notes_latex import latex
from backprop.symbolic.symbols import entry_latex

EXPANDED_OPS = 60  # an entry is also written out in the parameters when it is this short


@dataclass(frozen=True, eq=False)
class NetworkEntry:
    r"""SymPy's whole-network derivative ∂L/∂x of one entry, its value and its LaTeX."""

    variable: str  # "W", "b" or "A_prev" (A_prev of layer 1 is X)
    l: int
    index: tuple[int, ...]  # 0-based
    expr: sp.Expr  # in the program's step symbols (∂L/∂z, a, ...)
    value: float
    latex: str  # "∂L/∂x = ..." (notation.partial)
    steps_latex: tuple[str, ...]  # the steps expr rests on, nearest first
    steps_total: int  # how many steps there are (more than shown when truncated)
    truncated: bool
    expanded_latex: str | None  # the entry in inputs, targets and parameters alone, if short


def step_latex(sym: sp.Symbol, expr: sp.Expr) -> str:
    """One step 'symbol = definition' in LaTeX."""
    return f"{latex(sym)} = {latex(expr)}"


def variable_latex(variable: str, l: int, index: tuple[int, ...]) -> str:
    r"""LaTeX of the entry x itself: a_{ij}^{(l-1)}, w_{ij}^{(l)} or b_{j}^{(l)}."""
    kind = {"A_prev": "a", "W": "w", "b": "b"}[variable]
    return entry_latex(kind, l - 1 if kind == "a" else l, *index)


def entry_record(
    grads, variable: str, l: int, index: tuple[int, ...], expr: sp.Expr, value: float
) -> NetworkEntry:
    """The NetworkEntry of one gradient entry of ``grads`` (a NetworkGradients)."""
    lhs = nt.partial(variable_latex(variable, l, index))
    if expr in grads.steps:  # the entry is a step symbol itself (∂L/∂a): show its definition
        expr = grads.steps[expr]
    dependencies = list(reversed(grads.dependencies(expr)))
    shown: list[str] = []
    chars = 0
    for sym, definition in dependencies:
        text = step_latex(sym, definition)
        chars += len(text)
        if len(shown) >= PRINT_STEPS_LIMIT or chars > PRINT_CHARS_LIMIT:
            break
        shown.append(text)
    expanded = None
    if sum(sp.count_ops(d) for _, d in dependencies) <= EXPANDED_OPS:
        expanded = f"{lhs} = {latex(grads.expand(expr))}"
    return NetworkEntry(
        variable, l, index, expr, value, f"{lhs} = {latex(expr)}",
        tuple(shown), len(dependencies), len(shown) < len(dependencies), expanded,
    )  # fmt: skip
