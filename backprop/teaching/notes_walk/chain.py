r"""The notes' three backward results by the index-level chain rule, each step checked.

For x an entry of A^(l-1), W^(l) or b^(l) the notes go in four steps:

1. ``sum``: ∂L/∂x = Σ_{s,t} ∂L/∂z_st · ∂z_st/∂x (every (s, t) of Z^(l));
2. ``local``: ∂z_st/∂x is one number or 0 (e.g. w_jt if s = i, else 0);
3. ``collapse``: most terms vanish, leaving one sum (e.g. Σ_t ∂L/∂z_it w_jt);
4. ``matrix``: that sum is one entry of a product (e.g. ∂L/∂A = ∂L/∂Z Wᵀ).

SymPy checks each on a window of the layer (its own chain rule for an undefined L(Z),
its own derivatives of z_st); numbers check the whole layer; finite differences of L
(``probe``) check the results. The matrix form's numbers are the backward engine's
(the trace's ∂L/∂W, ∂L/∂b, ∂L/∂A^(l-1)), judged against the index-level sums and the
finite differences, both computed here independently of it.

>>> from backprop import NetworkSpec, run
>>> from backprop.teaching.notes_walk.checks import focus
>>> trace = run(NetworkSpec())
>>> [step.verdict for step in steps(trace, focus(trace), "W")]
['verified', 'verified', 'verified', 'verified']
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from backprop.core.network import LayerTrace, Trace
from backprop.derivation import notation as nt
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk import symbolic
from backprop.teaching.notes_walk.checks import Focus, finite_differences, numbers, same
from backprop.teaching.notes_walk.model import Check, Evidence, Step, fmt_index
from backprop.teaching.notes_walk.statements import NOTES_CHAIN


class Variable(NamedTuple):
    """How the four steps read for one variable x of the layer."""

    key: str  # "a", "W" or "b"
    probe: str  # the name probe.estimate perturbs
    statements: tuple[str, str, str, str]  # sum, local, collapse, matrix: the notes' LaTeX
    typos: tuple[tuple[int, ...], ...]  # docs/notes.md mistakes carried by each statement
    entry: Callable[[Focus], tuple]  # the student's chosen entry
    local: Callable[[LayerTrace, tuple], np.ndarray]  # the notes' ∂z_st/∂x as an (m, n_out) matrix
    collapsed: Callable[[LayerTrace, tuple], float]  # the surviving single sum, term by term
    product: Callable[[LayerTrace], np.ndarray]  # the matrix form: the backward engine's result
    index_form: Callable[[LayerTrace], np.ndarray]  # the single sums for every entry (einsum)
    symbols: Callable[[symbolic.LayerSymbols], sp.Matrix]  # x's symbols
    sym_local: Callable[[symbolic.LayerSymbols, tuple, int, int], sp.Expr]
    sym_product: Callable[[symbolic.LayerSymbols], sp.Matrix]


def _local_a(layer: LayerTrace, index) -> np.ndarray:
    i, j = index
    M = np.zeros_like(layer.Z)
    M[i, :] = layer.W[j, :]  # ∂z_it/∂a_ij = w_jt; other rows 0
    return M


def _local_w(layer: LayerTrace, index) -> np.ndarray:
    i, j = index
    M = np.zeros_like(layer.Z)
    M[:, j] = layer.A_prev[:, i]  # ∂z_sj/∂w_ij = a_si; other columns 0
    return M


def _local_b(layer: LayerTrace, index) -> np.ndarray:
    (i,) = index
    M = np.zeros_like(layer.Z)
    M[:, i] = 1.0  # ∂z_si/∂b_i = 1
    return M


A_VAR = Variable(
    "a",
    "A_prev",
    NOTES_CHAIN["a"],
    ((6,), (), (11,), ()),
    lambda f: f.a_entry,
    _local_a,
    lambda layer, index: sum(layer.dZ[index[0], t] * layer.W[index[1], t] for t in range(layer.W.shape[1])),
    lambda layer: layer.dA_prev,  # ∂L/∂Z Wᵀ, the backward engine's (m, n_in)
    lambda layer: np.einsum("it,jt->ij", layer.dZ, layer.W),
    lambda s: s.A,
    lambda s, index, r, t: s.W[index[1], t] if r == index[0] else sp.S.Zero,
    lambda s: s.D * s.W.T,
)

W_VAR = Variable(
    "W",
    "W",
    NOTES_CHAIN["W"],
    ((), (), (2,), ()),
    lambda f: f.w_entry,
    _local_w,
    lambda layer, index: sum(
        layer.dZ[s, index[1]] * layer.A_prev[s, index[0]] for s in range(layer.Z.shape[0])
    ),
    lambda layer: layer.dW,  # A_prevᵀ ∂L/∂Z, the backward engine's (n_in, n_out)
    lambda layer: np.einsum("sj,si->ij", layer.dZ, layer.A_prev),
    lambda s: s.W,
    lambda s, index, r, t: s.A[r, index[0]] if t == index[1] else sp.S.Zero,
    lambda s: s.A.T * s.D,
)

B_VAR = Variable(
    "b",
    "b",
    NOTES_CHAIN["b"],
    ((), (), (), ()),
    lambda f: (f.b_entry,),
    _local_b,
    lambda layer, index: sum(layer.dZ[s, index[0]] for s in range(layer.Z.shape[0])),
    lambda layer: layer.db,  # (1ᵀ ∂L/∂Z)ᵀ, the backward engine's (n_out,)
    lambda layer: np.einsum("si->i", layer.dZ),
    lambda s: s.b,
    lambda s, index, r, t: sp.S.One if t == index[0] else sp.S.Zero,
    lambda s: (sp.ones(1, s.D.rows) * s.D).T,
)

VARIABLES = {v.key: v for v in (A_VAR, W_VAR, B_VAR)}

# what each variable's matrix form and its pieces look like on screen
PRODUCT_LATEX = {
    "a": (
        f"{nt.grad('Z', 'l', True)}{nt.transpose(nt.sup('W', 'l', True))}",
        nt.grad("A", "l-1", True),
    ),
    "W": (
        f"{nt.transpose(nt.sup('A', 'l-1', True))}{nt.grad('Z', 'l', True)}",
        nt.grad("W", "l", True),
    ),
    "b": (
        nt.paren_transpose(f"{nt.transpose(nt.ONE)}{nt.grad('Z', 'l', True)}", ""),
        nt.grad("b", "l", True),
    ),
}
X_LATEX = {
    "a": lambda i, j: nt.indexed("a", f"{i}{j}", "l-1"),
    "W": lambda i, j: nt.indexed("w", f"{i}{j}", "l"),
    "b": lambda i, j: nt.indexed("b", f"{i}", "l"),
}
CASES_LATEX = {
    "a": lambda i, j: rf"\delta_{{s{i}}}\, w_{{{j}t}}",
    "W": lambda i, j: rf"\delta_{{t{j}}}\, a_{{s{i}}}",
    "b": lambda i, j: rf"\delta_{{t{i}}}",
}
SURVIVORS_LATEX = {
    "a": lambda i, j: rf"\sum_{{t}} {nt.partial(nt.indexed('z', f'{i}t'))} w_{{{j}t}}",
    "W": lambda i, j: rf"\sum_{{s}} {nt.partial(nt.indexed('z', f's{j}'))} a_{{s{i}}}",
    "b": lambda i, j: rf"\sum_{{s}} {nt.partial(nt.indexed('z', f's{i}'))}",
}
DOUBLE_LATEX = r"\sum_{s,t} " + nt.partial("z_{st}") + r" \frac{\Delta z_{st}}{\Delta x}"


def steps(trace: Trace, f: Focus, key: str) -> list[Step]:
    r"""The four steps for x in A^(l-1) (key "a"), W^(l) ("W") or b^(l) ("b"), checked."""
    var = VARIABLES[key]
    layer = trace.layers[f.l - 1]
    index = var.entry(f)
    sym = _sympy_checks(symbolic.window(trace.spec, f.l), key, f.l)
    dZ_local = _local_by_differences(layer, key, index)  # ∂Z/∂x, measured
    double_sum = float((layer.dZ * dZ_local).sum())  # Σ_{s,t} ∂L/∂z_st ∂z_st/∂x over every term

    def double_sum_at(entry) -> float:
        return float((layer.dZ * _local_by_differences(layer, key, entry)).sum())

    collapsed = float(var.collapsed(layer, index))
    product, index_form = var.product(layer), var.index_form(layer)
    prod_latex = PRODUCT_LATEX[key][0]
    at = tuple(str(k + 1) for k in index) + ("",)  # the chosen i, j, 1-based
    m, n_out = layer.Z.shape
    vanish = m * n_out - (n_out if key == "a" else m)  # terms the pattern (s ≠ i, or t ≠ j) zeroes
    terms = Evidence(
        "terms",
        {"total": str(m * n_out), "vanish": str(vanish), "left": str(m * n_out - vanish)},
        data={"total": m * n_out, "vanish": vanish},
    )
    ok_collapse, ev_collapse = same(DOUBLE_LATEX, SURVIVORS_LATEX[key](*at[:2]), double_sum, collapsed)
    s = var.statements
    return [
        Step(
            f"chain.{key}.sum",
            s[0],
            (
                sym["sum"],
                finite_differences(trace, var.probe, f.l, double_sum_at, DOUBLE_LATEX, first=index, count=1),
            ),
            typos=var.typos[0],
        ),
        Step(
            f"chain.{key}.local",
            s[1],
            (
                sym["local"],
                numbers(
                    [
                        (
                            rf"\frac{{\Delta z_{{st}}}}{{\Delta {X_LATEX[key](*at[:2])}}}",
                            CASES_LATEX[key](*at[:2]),
                            dZ_local,
                            var.local(layer, index),
                        )
                    ]
                ),
            ),
            typos=var.typos[1],
        ),
        Step(
            f"chain.{key}.collapse",
            s[2],
            (
                sym["collapse"],
                Check("numbers", ok_collapse, (terms, ev_collapse)),
                finite_differences(
                    trace,
                    var.probe,
                    f.l,
                    lambda entry: float(var.collapsed(layer, entry)),
                    SURVIVORS_LATEX[key](*at[:2]),
                    first=index,
                    count=1,
                ),
            ),
            typos=var.typos[2],
        ),
        Step(
            f"chain.{key}.matrix",
            s[3],
            (
                sym["matrix"],
                numbers(
                    [
                        (
                            rf"\left({prod_latex}\right)_{{{fmt_index(index)}}}",
                            SURVIVORS_LATEX[key](*at[:2]),
                            product[index],
                            collapsed,
                        ),
                        (prod_latex, rf"\left[{SURVIVORS_LATEX[key]('i', 'j')}\right]", product, index_form),
                    ]
                ),
                _shape_check(product, layer, key, prod_latex),
                finite_differences(trace, var.probe, f.l, product, prod_latex, first=index),
            ),
            typos=var.typos[3],
        ),
    ]


def _local_by_differences(layer: LayerTrace, key: str, index) -> np.ndarray:
    r"""∂Z/∂x for one entry x, by a difference of Z = A W + 1 bᵀ (exact up to rounding: Z is affine in x)."""
    h = 1e-3
    moved = {"a": layer.A_prev, "W": layer.W, "b": layer.b}
    moved[key] = moved[key].copy()
    moved[key][index] += h
    return (moved["a"] @ moved["W"] + moved["b"] - layer.Z) / h  # (m, n_out)


def _shape_check(product, layer: LayerTrace, key: str, latex: str) -> Check:
    """The product has the shape of its variable (denominator layout)."""
    want = {"a": layer.A_prev.shape, "W": layer.W.shape, "b": layer.b.shape}[key]
    ok = product.shape == want
    fmt = {"lhs": f"${latex}$", "got": "×".join(map(str, product.shape)), "want": "×".join(map(str, want))}
    return Check(
        "shapes",
        ok,
        (
            Evidence(
                "shape_of_variable" if ok else "shape_mismatch",
                fmt,
                data={"got": product.shape, "want": want},
            ),
        ),
    )


@lru_cache(maxsize=64)
def _sympy_checks(window: tuple[int, int, int], key: str, l: int) -> dict[str, Check]:
    r"""The four steps' SymPy checks on a window of the layer (they depend on its sizes only)."""
    var = VARIABLES[key]
    s = symbolic.layer_symbols(*window, l)
    X = var.symbols(s)
    m, _, n_out = window
    entries = [(r, c) if key != "b" else (r,) for r in range(X.rows) for c in range(X.cols)]
    ok = {"sum": True, "local": True, "collapse": True, "matrix": True}
    product = var.sym_product(s)
    for index in entries:
        x = X[index] if key != "b" else X[index[0], 0]
        local = {(r, t): sp.diff(s.Z[r, t], x) for r in range(m) for t in range(n_out)}
        double = sum(s.D[r, t] * local[r, t] for r in range(m) for t in range(n_out))
        by_sympy = symbolic.chain_rule(s, x)
        ok["sum"] &= symbolic.is_zero(by_sympy - double)
        ok["local"] &= all(symbolic.is_zero(local[r, t] - var.sym_local(s, index, r, t)) for r, t in local)
        survivors = sum(s.D[r, t] * var.sym_local(s, index, r, t) for r in range(m) for t in range(n_out))
        ok["collapse"] &= symbolic.is_zero(double - survivors)
        ok["matrix"] &= symbolic.is_zero(by_sympy - (product[index] if key != "b" else product[index[0], 0]))
    first = X[0, 0]
    x, dx = sympy_latex(first), sympy_latex(symbolic.chain_rule(s, first))
    by_chain_rule = f"{nt.partial(x)} = {dx}"
    fmt = {"m": str(m), "n_in": str(window[1]), "n_out": str(n_out), "count": str(len(entries))}
    latex = {
        "sum": by_chain_rule,
        "local": f"{nt.partial(x, of=nt.bold('Z'))} = "
        + sympy_latex(s.Z.applyfunc(lambda z: sp.diff(z, first))),
        "collapse": by_chain_rule,
        "matrix": sympy_latex(product),
    }
    return {
        name: Check("sympy", holds, (Evidence(f"sympy_{name}", fmt, latex=latex[name]),))
        for name, holds in ok.items()
    }
