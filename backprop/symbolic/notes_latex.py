r"""A LaTeX printer in the notes' notation for the generic (index and matrix) derivations.

Generic entries are SymPy ``Indexed`` objects a[i, k], w[k, j], b[j], G[s, t] and
generic matrices are ``MatrixSymbol``s A, W, b, G; this printer writes them as the notes
do: a_{ik}^{(l-1)}, w_{kj}^{(l)}, b_{j}^{(l)}, ∂L/∂z_{st}^{(l)}, A^{(l-1)T},
∂L/∂Z^{(l)}, 1_{m×1}. Concrete entries need no printer: their symbol names are LaTeX
(``symbols``).

>>> import sympy as sp
>>> a, i, k = sp.IndexedBase("a"), sp.Symbol("i"), sp.Symbol("k")
>>> notes_latex(a[i, k])
'a_{ik}^{(l-1)}'
>>> notes_latex(sp.MatrixSymbol("A", 2, 3).T)
'A^{(l-1)T}'
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

# base name -> (LaTeX of an entry with {idx} for its indices, LaTeX of the matrix, of its transpose)
NOTATION = {
    "a": ("a_{{{idx}}}^{{(l-1)}}", "A^{(l-1)}", "A^{(l-1)T}"),
    "A": ("a_{{{idx}}}^{{(l-1)}}", "A^{(l-1)}", "A^{(l-1)T}"),
    "w": ("w_{{{idx}}}^{{(l)}}", "W^{(l)}", "W^{(l)T}"),
    "W": ("w_{{{idx}}}^{{(l)}}", "W^{(l)}", "W^{(l)T}"),
    "b": ("b_{{{idx}}}^{{(l)}}", "b^{(l)}", "b^{(l)T}"),
    "z": ("z_{{{idx}}}^{{(l)}}", "Z^{(l)}", "Z^{(l)T}"),
    "G": (
        r"\frac{{\partial L}}{{\partial z_{{{idx}}}^{{(l)}}}}",
        r"\frac{\partial L}{\partial Z^{(l)}}",
        r"\left(\frac{\partial L}{\partial Z^{(l)}}\right)^{T}",
    ),
}


class NotesLatexPrinter(LatexPrinter):
    """LatexPrinter with the notes' names for generic entries and matrices."""

    def _print_Indexed(self, expr):
        name = str(expr.base.label)
        if name not in NOTATION:
            return super()._print_Indexed(expr)
        idx = "".join(self._print(i) for i in expr.indices)
        return NOTATION[name][0].format(idx=idx)

    def _print_MatrixSymbol(self, expr):
        return NOTATION[expr.name][1] if expr.name in NOTATION else super()._print_MatrixSymbol(expr)

    def _print_Transpose(self, expr):
        arg = expr.arg
        if isinstance(arg, sp.MatrixSymbol) and arg.name in NOTATION:
            return NOTATION[arg.name][2]
        if isinstance(arg, sp.OneMatrix):
            return rf"\mathbf{{1}}_{{{self._print(arg.rows)} \times {self._print(arg.cols)}}}^{{T}}"
        return super()._print_Transpose(expr)

    def _print_OneMatrix(self, expr):
        return rf"\mathbf{{1}}_{{{self._print(expr.rows)} \times {self._print(expr.cols)}}}"

    def _print_KroneckerDelta(self, expr, exp=None):
        i, j = (self._print(a) for a in expr.args)
        return rf"\delta_{{{i}{j}}}"

    def _print_Piecewise(self, expr):
        # cases with their conditions only: no "for" / "otherwise" words to translate
        rows, earlier = [], []
        for value, condition in expr.args:
            if condition == sp.true:
                condition = sp.And(*[sp.Not(c) for c in earlier]) if earlier else sp.true
            rows.append(rf"{self._print(value)} & {self._print(condition) if condition != sp.true else ''}")
            earlier.append(condition)
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _print_Heaviside(self, expr, exp=None):
        # Heaviside(x, 0), the kink convention: 1 for x > 0, else 0
        if len(expr.args) == 2 and expr.args[1] == 0:
            x = expr.args[0]
            return self._print_Piecewise(sp.Piecewise((1, x > 0), (0, True)))
        return super()._print_Heaviside(expr, exp)


def notes_latex(expr) -> str:
    r"""LaTeX of a generic expression in the notes' notation."""
    return NotesLatexPrinter().doprint(expr)


def latex(expr) -> str:
    r"""LaTeX of any expression of the engine: sp.latex, but Piecewise and the kink's
    Heaviside(x, 0) as plain cases (conditions only, no words to translate).

    >>> import sympy as sp
    >>> z = sp.Symbol("z", real=True)
    >>> latex(sp.Heaviside(z, 0))
    '\\begin{cases} 1 & z > 0 \\\\ 0 & z \\leq 0 \\end{cases}'
    """
    return NotesLatexPrinter().doprint(expr)
