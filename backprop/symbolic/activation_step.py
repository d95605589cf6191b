r"""The activation step the notes leave out: ∂L/∂z = ∂L/∂a · g'(z), with g' derived by SymPy.

For an elementwise g, g' = sp.diff(g(z), z) (kink convention in ``calculus``). Softmax
is not elementwise: SymPy differentiates p_i = e^{z_i} / Σ_k e^{z_k} by every z_j and
finds the Jacobian p_i(δ_ij - p_j); with cross-entropy l = -Σ_j y_j log p_j the chain
∂l/∂z_k = Σ_j ∂l/∂p_j ∂p_j/∂z_k gives p_k Σ_j y_j - y_k, which is p_k - y_k (A - Y)
when the targets of a sample sum to 1.

>>> softmax_jacobian(2).agrees, softmax_ce_shortcut(3).agrees
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from backprop.core.activations import activation
from backprop.derivation import notation as nt
from backprop.symbolic._cache import cached
from backprop.symbolic.calculus import Z, derivative, loss_per_sample
from backprop.symbolic.limits import SOFTMAX_UNITS_LIMIT, TooLarge, check_size
from backprop.symbolic.notes_latex import latex
from backprop.symbolic.symbols import index_text


@dataclass(frozen=True, eq=False)
class ActivationDerivation:
    r"""g(z), g'(z) = sp.diff(g(z), z) and their LaTeX."""

    name: str
    g: sp.Expr
    g_prime: sp.Expr
    latex: tuple[str, ...]  # "g(z) = ...", "g'(z) = ..."


@dataclass(frozen=True, eq=False)
class Derivation:
    r"""A derived result, the form it was expected to take, whether they agree, and the LaTeX steps."""

    result: object  # a SymPy matrix or list of expressions
    form: object
    agrees: bool
    latex: tuple[str, ...]


@dataclass(frozen=True)
class ActivationStep:
    r"""One entry's activation step with numbers: ∂L/∂z_st from ∂L/∂a_s· and g' (or the Jacobian row)."""

    l: int
    index: tuple[int, int]  # (s, t), 0-based
    z: float
    dA: float  # ∂L/∂a_st
    g_prime: float | None  # g'(z_st) from SymPy's g' (None for softmax)
    jacobian_column: tuple[float, ...] | None  # softmax: ∂a_sj/∂z_st for every j
    value: float  # ∂L/∂z_st by this step
    backprop: float  # the trace's ∂L/∂z_st
    shortcut: bool  # backprop took the loss's shortcut (A - Y) at this layer
    latex: str


@cached
@lru_cache(maxsize=64)
def activation_derivation(name: str) -> ActivationDerivation:
    r"""g and g' of an elementwise activation (built-in or "custom:<formula>")."""
    g, g_prime = activation(name).sym(Z), derivative(name)
    return ActivationDerivation(name, g, g_prime, (f"g(z) = {latex(g)}", f"g'(z) = {latex(g_prime)}"))


@cached
@lru_cache(maxsize=64)
def _g_prime_numeric(name: str):
    return sp.lambdify(Z, derivative(name), modules="numpy")


def _row(name: str, n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"{name}_{{{j + 1}}}", real=True) for j in range(n)]


def softmax_jacobian(n: int) -> Derivation | TooLarge:
    r"""∂p_i/∂z_j by sp.diff of p = softmax(z) for one sample of n units, and its form p_i(δ_ij - p_j)."""
    return _too_many_units(n) or _softmax_jacobian(n)


def softmax_ce_shortcut(n: int) -> Derivation | TooLarge:
    r"""∂l/∂z_k for l = -Σ_j y_j log p_j, p = softmax(z): p_k Σ_j y_j - y_k, so p_k - y_k when Σ_j y_j = 1."""
    return _too_many_units(n) or _softmax_ce_shortcut(n)


def _too_many_units(n: int) -> TooLarge | None:
    return check_size(
        "softmax derivation", "units n", n, SOFTMAX_UNITS_LIMIT,
        f"the same derivation for {SOFTMAX_UNITS_LIMIT} units (it does not depend on n)",
    )  # fmt: skip


@cached
@lru_cache(maxsize=16)
def _softmax_jacobian(n: int) -> Derivation:
    z, p = _row("z", n), _row("p", n)
    softmax = activation("softmax").sym(z)
    J = sp.Matrix(n, n, lambda i, j: sp.diff(softmax[i], z[j]))
    form = sp.Matrix(n, n, lambda i, j: p[i] * (sp.KroneckerDelta(i, j) - p[j]))
    as_z = form.xreplace(dict(zip(p, softmax)))
    agrees = all(sp.cancel(d) == 0 for d in J - as_z)  # a rational identity in the e^{z_k}
    steps = (
        r"p_{i} = \frac{e^{z_{i}}}{\sum_{k} e^{z_{k}}}",
        rf"\frac{{\partial p_{{1}}}}{{\partial z_{{1}}}} = {latex(J[0, 0])}"
        + (rf",\quad \frac{{\partial p_{{1}}}}{{\partial z_{{2}}}} = {latex(J[0, 1])}" if n > 1 else ""),
        r"\frac{\partial p_{i}}{\partial z_{j}} = p_{i}\left(\delta_{ij} - p_{j}\right)",
        rf"J = {latex(form)}",
    )
    return Derivation(J, form, agrees, steps)


@cached
@lru_cache(maxsize=16)
def _softmax_ce_shortcut(n: int) -> Derivation:
    z, p, y = _row("z", n), _row("p", n), _row("y", n)
    loss = -sp.Add(*[yj * sp.log(pj) for yj, pj in zip(y, p)])
    J = _softmax_jacobian(n).form
    chain = [sp.expand(sp.Add(*[sp.diff(loss, p[j]) * J[j, k] for j in range(n)])) for k in range(n)]
    total = sp.Add(*y)
    result = [sp.collect(c, p[k]).xreplace({total: 1}) for k, c in enumerate(chain)]  # Σ_j y_j = 1
    form = [pk - yk for pk, yk in zip(p, y)]
    # the same in z directly: sp.diff of the loss written in z, with y_n = 1 - Σ_{j<n} y_j
    softmax = activation("softmax").sym(z)
    in_z = sp.expand_log(loss.xreplace(dict(zip(p, softmax))), force=True)  # log p_j = z_j - log Σ_k e^{z_k}
    one_hot = {y[-1]: 1 - sp.Add(*y[:-1])}
    direct_ok = all(
        sp.cancel(sp.expand((sp.diff(in_z, z[k]) - (softmax[k] - y[k])).xreplace(one_hot))) == 0
        for k in range(n)
    )
    agrees = direct_ok and all(sp.expand((r - f).xreplace(one_hot)) == 0 for r, f in zip(result, form))
    steps = (
        r"l = -\sum_{j} y_{j} \log p_{j}",
        r"\frac{\partial l}{\partial z_{k}} = \sum_{j} \frac{\partial l}{\partial p_{j}}"
        r" \frac{\partial p_{j}}{\partial z_{k}}"
        r" = \sum_{j} \left(-\frac{y_{j}}{p_{j}}\right) p_{j}\left(\delta_{jk} - p_{k}\right)",
        rf"\frac{{\partial l}}{{\partial z_{{1}}}} = {latex(chain[0])}",
        r"\sum_{j} y_{j} = 1 \;\Rightarrow\; \frac{\partial l}{\partial z_{k}} = p_{k} - y_{k},"
        rf"\quad {nt.grad('Z', 'L')} = {nt.sup('A', 'L')} - Y",
    )
    return Derivation(result, form, agrees, steps)


@cached
@lru_cache(maxsize=64)
def loss_derivation(loss: str, reduction: str, n: int, m: int = 1) -> Derivation:
    r"""∂L/∂a_{1t} at the output by sp.diff of L = Σ_i l_i (or its mean) for one sample's row of n units."""
    a, y = _row("a", n), _row("y", n)
    per_sample = loss_per_sample(loss, a, y)
    scale = sp.Rational(1, m) if reduction == "mean" else 1
    result = [sp.simplify(scale * sp.diff(per_sample, aj)) for aj in a]
    steps = (f"l = {latex(per_sample)}",) + tuple(
        f"{nt.partial(nt.entry('a', None, j))} = {latex(r)}" for j, r in enumerate(result)
    )
    return Derivation(result, None, True, steps)


def activation_step(trace, l: int, index) -> ActivationStep:
    r"""∂L/∂z_st^(l) = ∂L/∂a_st g'(z_st) (or Σ_j ∂L/∂a_sj ∂a_sj/∂z_st for softmax) at the trace's numbers."""
    s, t = (int(i) for i in index)
    layer, name = trace.layers[l - 1], trace.spec.activations[l - 1]
    idx = index_text((s, t))
    shortcut = l == trace.spec.L and trace.spec.loss in ("bce", "softmax_ce")
    if activation(name).elementwise:
        g_prime = float(_g_prime_numeric(name)(layer.Z[s, t]))
        value = float(layer.dA[s, t]) * g_prime
        dz, da = nt.partial(nt.indexed("z", idx, l)), nt.partial(nt.indexed("a", idx, l))
        latex = rf"{dz} = {da} \, g'\left({nt.indexed('z', idx, l)}\right)"
        column = None
    else:
        a_row = layer.A[s]
        column = tuple(float(c) for c in activation(name).jacobian(a_row)[:, t])
        value = float(np.dot(layer.dA[s], column))
        g_prime = None
        a_sj, z_st = nt.indexed("a", f"{s + 1}j", l), nt.indexed("z", idx, l)
        dz = nt.partial(z_st)
        latex = rf"{dz} = \sum_{{j}} {nt.partial(a_sj)} {nt.partial(z_st, of=a_sj)}"
    return ActivationStep(
        l, (s, t), float(layer.Z[s, t]), float(layer.dA[s, t]), g_prime, column, value,
        float(layer.dZ[s, t]), shortcut, latex,
    )  # fmt: skip
