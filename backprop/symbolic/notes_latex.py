r"""A LaTeX printer in the notes' notation for the generic (index and matrix) derivations.

Generic entries are SymPy ``Indexed`` objects a[i, k], w[k, j], b[j], G[s, t] and
generic matrices are ``MatrixSymbol``s A, W, b, G; this printer writes them as the notes
do: a_{ik}^{(l-1)}, w_{kj}^{(l)}, b_{j}^{(l)}, ∂L/∂z_{st}^{(l)}, A^{(l-1)ᵀ},
∂L/∂Z^{(l)}, 1_{m×1}. Concrete entries need no printer: their symbol names are LaTeX
(``symbols``).

>>> import sympy as sp
>>> a, i, k = sp.IndexedBase("a"), sp.Symbol("i"), sp.Symbol("k")
>>> notes_latex(a[i, k])
'a_{ik}^{(l-1)}'
>>> notes_latex(sp.MatrixSymbol("A", 2, 3).T)
'{A^{(l-1)}}^{\\mathrm{T}}'
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

from backprop.derivation import notation as nt

_Z = nt.grad("Z", "l")
# base name -> (LaTeX of an entry with {idx} for its indices, LaTeX of the matrix, of its transpose)
NOTATION = {
    "a": (nt.indexed("a", "{idx}", "l-1"), nt.sup("A", "l-1"), nt.transpose(nt.sup("A", "l-1"))),
    "A": (nt.indexed("a", "{idx}", "l-1"), nt.sup("A", "l-1"), nt.transpose(nt.sup("A", "l-1"))),
    "w": (nt.indexed("w", "{idx}", "l"), nt.sup("W", "l"), nt.transpose(nt.sup("W", "l"))),
    "W": (nt.indexed("w", "{idx}", "l"), nt.sup("W", "l"), nt.transpose(nt.sup("W", "l"))),
    "b": (nt.indexed("b", "{idx}", "l"), nt.sup("b", "l"), nt.transpose(nt.sup("b", "l"))),
    "z": (nt.indexed("z", "{idx}", "l"), nt.sup("Z", "l"), nt.transpose(nt.sup("Z", "l"))),
    "G": (nt.partial(nt.indexed("z", "{idx}", "l")), _Z, nt.paren_transpose(_Z)),
}


class NotationLatexPrinter(LatexPrinter):
    r"""SymPy's LatexPrinter with the app's transpose sign \mathrm{T} and the column of ones 1_{m×1}."""

    def _print_Transpose(self, expr):
        # SymPy writes X^{T}; the notes (and every page) write the upright \mathrm{T}
        inner = self._print(expr.arg)
        if isinstance(expr.arg, sp.MatrixSymbol | sp.OneMatrix) and "^" not in inner:
            return nt.transpose(inner)
        return nt.paren_transpose(inner)

    def _print_OneMatrix(self, expr):
        return nt.ones(self._print(expr.rows), self._print(expr.cols))


def sympy_latex(expr) -> str:
    r"""sp.latex with the app's notation (transpose \mathrm{T}); for any SymPy expression on screen.

    >>> sympy_latex(sp.MatrixSymbol("X", 2, 3).T)
    'X^{\\mathrm{T}}'
    """
    return NotationLatexPrinter().doprint(expr)


class NotesLatexPrinter(NotationLatexPrinter):
    """The notation printer with the notes' names for generic entries and matrices."""

    def _print_Indexed(self, expr):
        name = str(expr.base.label)
        if name not in NOTATION:
            return super()._print_Indexed(expr)
        idx = "".join(self._print(i) for i in expr.indices)
        return NOTATION[name][0].replace("{idx}", idx)

    def _print_MatrixSymbol(self, expr):
        return NOTATION[expr.name][1] if expr.name in NOTATION else super()._print_MatrixSymbol(expr)

    def _print_Transpose(self, expr):
        arg = expr.arg
        if isinstance(arg, sp.MatrixSymbol) and arg.name in NOTATION:
            return NOTATION[arg.name][2]
        return super()._print_Transpose(expr)

    def _print_KroneckerDelta(self, expr, exp=None):
        i, j = (self._print(a) for a in expr.args)
        return rf"\delta_{{{i}{j}}}"

    def _print_Piecewise(self, expr):
        # cases with their conditions only: no "for" / "otherwise" words to translate
        rows: list[str] = []
        earlier: list[sp.Basic] = []
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
