r"""The matrix-calculus derivation: SymPy differentiates tr(Gᵀ(A W + 1 bᵀ)) by whole matrices.

Holding G = ∂L/∂Z^(l) fixed, the first-order change of L through layer l is
dL = tr(Gᵀ dZ) with Z = A W + 1 bᵀ, so the gradients are the derivatives of
Φ = tr(Gᵀ(A W + 1 bᵀ)). SymPy's MatrixSymbol calculus gives

    ∂Φ/∂A = G Wᵀ,    ∂Φ/∂W = Aᵀ G,    ∂Φ/∂b = Gᵀ 1,

the notes' ∂L/∂A^(l-1) = ∂L/∂Z Wᵀ, ∂L/∂W = Aᵀ ∂L/∂Z and ∂L/∂b = (1ᵀ ∂L/∂Z)ᵀ.

>>> d = matrix_derivation()
>>> d.derivatives["W"]
A.T*G
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from backprop.derivation import notation as nt
from backprop.symbolic._cache import cached
from backprop.symbolic.notes_latex import notes_latex

m, n_in, n_out = sp.symbols("m n_{l-1} n_l", integer=True, positive=True)
A = sp.MatrixSymbol("A", m, n_in)  # A^(l-1)
W = sp.MatrixSymbol("W", n_in, n_out)
b = sp.MatrixSymbol("b", n_out, 1)
G = sp.MatrixSymbol("G", m, n_out)  # ∂L/∂Z^(l), held fixed
ONES = sp.OneMatrix(m, 1)
VARIABLES = {"A_prev": A, "W": W, "b": b}
PHI = r"\Phi"
LHS = {"A_prev": nt.grad("A", "l-1"), "W": nt.grad("W", "l"), "b": nt.grad("b", "l")}


@dataclass(frozen=True, eq=False)
class MatrixDerivation:
    r"""Φ = tr(Gᵀ Z), SymPy's derivative of Φ by each whole matrix, and the LaTeX steps."""

    phi: sp.Expr
    derivatives: dict[str, sp.Expr]  # "A_prev": G*W.T, "W": A.T*G, "b": G.T*1
    steps: tuple[str, ...]  # Z, dL = tr(Gᵀ dZ), Φ (G held fixed), then one line per variable


@cached
@lru_cache(maxsize=1)
def matrix_derivation() -> MatrixDerivation:
    r"""The derivation for symbolic sizes (cached)."""
    Z = A * W + ONES * b.T  # (m, n_l)
    phi = sp.Trace(G.T * Z)
    derivatives = {name: phi.diff(X) for name, X in VARIABLES.items()}
    steps = (
        rf"{nt.sup('Z', 'l')} = {notes_latex(Z)}",
        rf"dL = \operatorname{{tr}}\left({notes_latex(G.T)}\, d{nt.sup('Z', 'l')}\right)",
        rf"\Phi = {notes_latex(phi)}",
    ) + tuple(
        rf"{LHS[name]} = {nt.partial(notes_latex(VARIABLES[name]), of=PHI)} = {notes_latex(d)}"
        for name, d in derivatives.items()
    )
    return MatrixDerivation(phi, derivatives, steps)
