r"""One layer in SymPy symbols named as the notes name them, and SymPy's own chain rule.

The index patterns the notes derive (which ∂z_st/∂a_ij vanish, which survive) do not
depend on the sizes, so SymPy checks them on a window of the layer: at most WINDOW
samples, inputs and outputs (the whole layer when it is that small). The numbers are
then checked on the whole layer elsewhere.

``chain_rule`` lets SymPy differentiate an undefined loss L(z_11, ..., z_mn) composed
with Z = A W + 1 bᵀ, and names each ∂L/∂z_st it produces: the notes' double sum is
then compared with what SymPy's chain rule gives on its own.

>>> s = layer_symbols(2, 2, 2)
>>> is_zero(chain_rule(s, s.A[0, 1]) - (s.D * s.W.T)[0, 1])  # ∂L/∂a_12 = Σ_t ∂L/∂z_1t w_2t
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import sympy as sp

from backprop.core.spec import NetworkSpec
from backprop.symbolic import symbols

WINDOW = (2, 3, 3)  # at most m, n_in, n_out checked symbolically


class LayerSymbols(NamedTuple):
    """A^(l-1) (m, n_in), W (n_in, n_out), b (n_out, 1), Z = A W + 1 bᵀ, D = ∂L/∂Z as symbols."""

    A: sp.Matrix
    W: sp.Matrix
    b: sp.Matrix
    Z: sp.Matrix
    D: sp.Matrix


def window(spec: NetworkSpec, l: int) -> tuple[int, int, int]:
    """(m, n_in, n_out) of the part of layer l that SymPy checks."""
    return (
        min(spec.m, WINDOW[0]),
        min(spec.sizes[l - 1], WINDOW[1]),
        min(spec.sizes[l], WINDOW[2]),
    )


@lru_cache(maxsize=64)
def layer_symbols(m: int, n_in: int, n_out: int, l: int = 1) -> LayerSymbols:
    r"""Layer l's a_{sj}^{(l-1)}, w_{jt}^{(l)}, b_{t}^{(l)}, Z = A W + 1 bᵀ and ∂L/∂z_st^{(l)}.

    The symbols are the symbolic engine's (``backprop.symbolic.symbols``), printed as the
    notes write them, so this page's SymPy lines read like the rest of the app's.
    """
    A = symbols.symbol_matrix("a", l - 1, m, n_in)
    W = symbols.symbol_matrix("w", l, n_in, n_out)
    b = symbols.vector("b", l, n_out)
    Z = A * W + sp.ones(m, 1) * b.T  # (m, n_out)
    D = symbols.symbol_matrix("dz", l, m, n_out)
    return LayerSymbols(A, W, b, Z, D)


_LOSS = sp.Function("L")


def chain_rule(symbols: LayerSymbols, x: sp.Symbol) -> sp.Expr:
    r"""∂L/∂x by SymPy's chain rule for an undefined L(Z), each ∂L/∂z_st named as in D."""
    derivative = _LOSS(*symbols.Z).diff(x)
    names = list(symbols.D)  # row-major, the order of the arguments of L
    replace = {}
    for subs in derivative.atoms(sp.Subs):
        (xi,) = subs.variables
        replace[subs] = names[subs.expr.expr.args.index(xi)]
    return sp.expand(derivative.xreplace(replace))


def is_zero(expr) -> bool:
    """Whether a SymPy expression (or matrix) simplifies to zero."""
    if isinstance(expr, sp.MatrixBase):
        return all(is_zero(entry) for entry in expr)
    return sp.simplify(sp.expand(expr)) == 0


def values(symbols: LayerSymbols, A, W, b, D=None) -> dict:
    """{symbol: number} for the window's symbols from the layer's arrays (A is (m, n_in) or a row)."""
    out = {}
    for (s, j), sym in _cells(symbols.A):
        out[sym] = float(A[s, j])
    for (j, t), sym in _cells(symbols.W):
        out[sym] = float(W[j, t])
    for (t, _), sym in _cells(symbols.b):
        out[sym] = float(b[t])
    if D is not None:
        for (s, t), sym in _cells(symbols.D):
            out[sym] = float(D[s, t])
    return out


def _cells(M: sp.Matrix):
    return (((r, c), M[r, c]) for r in range(M.rows) for c in range(M.cols))
