r"""The generic-size derivation: SymPy's IndexedBase / Sum give the Kronecker-delta forms.

With z_ij = Σ_{k=1}^{n_{l-1}} a_ik w_kj + b_j for symbolic sizes, ``sp.diff`` gives

    ∂z_ij/∂a_pq = δ_ip w_qj,    ∂z_ij/∂w_pq = δ_jq a_ip,    ∂z_ij/∂b_q = δ_jq,

and summing ∂L/∂z_st times them over every (s, t) collapses, by the delta, to the notes'

    ∂L/∂a_ij = Σ_t ∂L/∂z_it w_jt,   ∂L/∂w_ij = Σ_s ∂L/∂z_sj a_si,   ∂L/∂b_i = Σ_s ∂L/∂z_si.

SymPy guards each result with "if the index is in range" (a Piecewise); every index here
is in range by construction, so ``drop_range_guards`` removes the guards for display.

>>> d = generic_derivation()
>>> d.local["W"]
KroneckerDelta(j, q)*a[i, p]
>>> d.gradient["A_prev"]
Sum(G[i, t]*w[j, t], (t, 1, n_l))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from backprop.derivation import notation as nt
from backprop.symbolic._cache import cached
from backprop.symbolic.notes_latex import notes_latex

i, j, k, p, q, s, t = sp.symbols("i j k p q s t", integer=True)
m, n_in, n_out = sp.symbols("m n_{l-1} n_l", integer=True, positive=True)
a, w, b, G = (sp.IndexedBase(name) for name in ("a", "w", "b", "G"))  # G_st = ∂L/∂z_st

# variable -> (its entry for the local derivative ∂z_ij/∂x_pq, its entry in the notes' letters)
ENTRIES = {"A_prev": (a[p, q], a[i, j]), "W": (w[p, q], w[i, j]), "b": (b[q], b[i])}
_DZ = nt.grad("Z", "l")
DOUBLE_SUM = r"\sum_{s=1}^{m} \sum_{t=1}^{n_{l}} " + nt.partial(nt.indexed("z", "st", "l"))
IDENTITY = {
    "A_prev": rf"\left({_DZ} {nt.transpose(nt.sup('W', 'l'))}\right)_{{ij}}",
    "W": rf"\left({nt.transpose(nt.sup('A', 'l-1'))} {_DZ}\right)_{{ij}}",
    "b": rf"\left({nt.transpose(nt.ones())} {_DZ}\right)_{{i}}",
}


@dataclass(frozen=True, eq=False)
class GenericDerivation:
    r"""Per variable: SymPy's local derivative ∂z_ij/∂x_pq, the collapsed gradient, and the LaTeX steps."""

    z: sp.Expr  # z_ij = Σ_k a_ik w_kj + b_j
    local: dict[str, sp.Expr]  # "A_prev": δ_ip w_qj, ...
    gradient: dict[str, sp.Expr]  # "A_prev": Σ_t G_it w_jt, ...
    steps: dict[str, tuple[str, ...]]  # LaTeX, one line per step


def z_generic(row, col) -> sp.Expr:
    r"""z_{row col} = Σ_{k=1}^{n_{l-1}} a_{row k} w_{k col} + b_{col}."""
    return sp.Sum(a[row, k] * w[k, col], (k, 1, n_in)) + b[col]


def drop_range_guards(expr: sp.Expr) -> sp.Expr:
    """expr with every Piecewise((e, index in range), (0, True)) replaced by e."""
    return expr.replace(
        lambda e: isinstance(e, sp.Piecewise) and len(e.args) == 2 and e.args[1].expr == 0,
        lambda e: e.args[0].expr,
    )


def collapse(summand: sp.Expr) -> sp.Expr:
    r"""Σ_{s=1}^{m} Σ_{t=1}^{n_l} summand, summing first over the index a Kronecker delta fixes."""
    bounds = {s: (s, 1, m), t: (t, 1, n_out)}
    deltas = summand.atoms(sp.KroneckerDelta)
    first = next((x for x in (t, s) if any(x in d.free_symbols for d in deltas)), None)
    if first is None:
        return sp.Sum(summand, bounds[s], bounds[t])
    other = s if first == t else t
    inner = drop_range_guards(sp.Sum(summand, bounds[first]).doit())  # the delta picks one term
    return sp.Sum(inner, bounds[other])


@cached
@lru_cache(maxsize=1)
def generic_derivation() -> GenericDerivation:
    r"""The derivation for symbolic sizes m, n_{l-1}, n_l (cached; it takes ~0.1 s)."""
    local, gradient, steps = {}, {}, {}
    for variable, (x_pq, x_ij) in ENTRIES.items():
        raw = sp.diff(z_generic(i, j), x_pq)
        local[variable] = drop_range_guards(raw.doit())
        local_st = drop_range_guards(sp.diff(z_generic(s, t), x_ij).doit())
        gradient[variable] = collapse(G[s, t] * local_st)
        steps[variable] = _steps(x_pq, x_ij, raw, local[variable], local_st, gradient[variable], variable)
    return GenericDerivation(z_generic(i, j), local, gradient, steps)


def _steps(x_pq, x_ij, raw, local, local_st, gradient, variable) -> tuple[str, ...]:
    r"""The LaTeX lines: z, SymPy's raw derivative, without guards, the double sum, the collapse."""
    z_ij = notes_latex(z_generic(i, j))
    x_pq_tex, x_ij_tex = notes_latex(x_pq), notes_latex(x_ij)

    def dz(sub: str, x: str) -> str:
        return nt.partial(x, of=nt.indexed("z", sub, "l"))

    lhs = nt.partial(x_ij_tex)
    return (
        rf"{nt.indexed('z', 'ij', 'l')} = {z_ij}",
        " = ".join(dict.fromkeys([dz("ij", x_pq_tex), notes_latex(raw), notes_latex(local)])),
        rf"{dz('st', x_ij_tex)} = {notes_latex(local_st)}",
        rf"{lhs} = {DOUBLE_SUM} {dz('st', x_ij_tex)} = {DOUBLE_SUM} {_factor(local_st)}",
        rf"{lhs} = {notes_latex(gradient)} = {IDENTITY[variable]}",
    )


def _factor(expr: sp.Expr) -> str:
    return notes_latex(expr) if not isinstance(expr, sp.Add) else rf"\left({notes_latex(expr)}\right)"
