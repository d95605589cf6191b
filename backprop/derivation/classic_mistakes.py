r"""The classic mistakes of a hand-written backward pass, injected one at a time.

Each mistake is a plausible line a student writes instead of the right one:

    w_not_transposed   ∂L/∂A^(l-1) = ∂L/∂Z W        instead of  ∂L/∂Z Wᵀ
    forgot_g_prime     ∂L/∂Z = ∂L/∂A                instead of  ∂L/∂A ⊙ g'(Z)
    mean_not_sum       ∂L/∂W = (1/m) A_prevᵀ ∂L/∂Z,
                       ∂L/∂b = (1/m) Σ_s ∂L/∂z_s    instead of  the sums (L = Σ_i l_i)
    bias_not_summed    ∂L/∂b = ∂L/∂Z                instead of  (1ᵀ ∂L/∂Z)ᵀ
    dz_times_a_prev_t  ∂L/∂W = ∂L/∂Z A_prevᵀ        instead of  A_prevᵀ ∂L/∂Z

``backward_with`` runs the backward pass with one of them. Its outcome is data, never an
exception: either every gradient (``Injected.gradients``) or a ``Refusal`` saying which
product's shapes do not multiply, or which gradient lost its variable's shape
(denominator layout: ∂L/∂W has the shape of W). ``check_mistake`` then judges the
gradients entry by entry against central finite differences, as ``gradcheck.check``
judges the correct pass.

Some mistakes are invisible on some networks, and that is worth seeing: with m = 1 a
mean equals the sum; g'(z) = 1 for identity; a square, symmetric W equals its transpose.
``harmless_here`` names such a case.

>>> from backprop import NetworkSpec
>>> check_mistake(NetworkSpec(), "forgot_g_prime").report.passed
False
>>> str(check_mistake(NetworkSpec(), "w_not_transposed").refusal)
'∂L/∂A^(1) = ∂L/∂Z^(2) @ W^(2): shapes do not multiply: (4, 2) @ (4, 2)'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.activations import activation
from backprop.core.gradcheck import Entry, Report, check, rel_error
from backprop.core.losses import LOSSES
from backprop.core.network import Params, checked_inputs, forward
from backprop.core.spec import NetworkSpec

Array = np.ndarray

# Multiply-adds the finite differences of one check may spend (each entry costs four
# forward passes): ~1 s on one core. Small networks check every entry up to 200 per variable.
CHECK_BUDGET = 2e9
MAX_ENTRIES = 200


@dataclass(frozen=True)
class Mistake:
    r"""One classic mistake: its key and the wrong and right formulas as LaTeX."""

    key: str
    wrong: str
    right: str


MISTAKES: dict[str, Mistake] = {
    m.key: m
    for m in (
        Mistake(
            "w_not_transposed",
            r"\frac{\partial L}{\partial A^{(l-1)}} = \frac{\partial L}{\partial Z^{(l)}}\, W^{(l)}",
            r"\frac{\partial L}{\partial A^{(l-1)}} = \frac{\partial L}{\partial Z^{(l)}}\, W^{(l)\top}",
        ),
        Mistake(
            "forgot_g_prime",
            r"\frac{\partial L}{\partial Z^{(l)}} = \frac{\partial L}{\partial A^{(l)}}",
            r"\frac{\partial L}{\partial Z^{(l)}} = \frac{\partial L}{\partial A^{(l)}} \odot g'(Z^{(l)})",
        ),
        Mistake(
            "mean_not_sum",
            r"\frac{\partial L}{\partial W^{(l)}} = \frac{1}{m} A^{(l-1)\top}"
            r" \frac{\partial L}{\partial Z^{(l)}},"
            r"\quad \frac{\partial L}{\partial b^{(l)}} = \frac{1}{m} \left(1_{m\times 1}^\top"
            r" \frac{\partial L}{\partial Z^{(l)}}\right)^\top",
            r"\frac{\partial L}{\partial W^{(l)}} = A^{(l-1)\top} \frac{\partial L}{\partial Z^{(l)}},"
            r"\quad \frac{\partial L}{\partial b^{(l)}} = \left(1_{m\times 1}^\top"
            r" \frac{\partial L}{\partial Z^{(l)}}\right)^\top",
        ),
        Mistake(
            "bias_not_summed",
            r"\frac{\partial L}{\partial b^{(l)}} = \frac{\partial L}{\partial Z^{(l)}}",
            r"\frac{\partial L}{\partial b^{(l)}} = \left(1_{m\times 1}^\top"
            r" \frac{\partial L}{\partial Z^{(l)}}\right)^\top",
        ),
        Mistake(
            "dz_times_a_prev_t",
            r"\frac{\partial L}{\partial W^{(l)}} = \frac{\partial L}{\partial Z^{(l)}}\, A^{(l-1)\top}",
            r"\frac{\partial L}{\partial W^{(l)}} = A^{(l-1)\top}\, \frac{\partial L}{\partial Z^{(l)}}",
        ),
    )
}


@dataclass(frozen=True)
class Refusal:
    r"""Why a mistaken backward pass could not finish: a product whose shapes do not multiply
    (``kind="matmul"``), or a gradient whose shape is not its variable's (``kind="shape"``)."""

    kind: str  # "matmul" or "shape"
    what: str  # e.g. "∂L/∂A^(1) = ∂L/∂Z^(2) @ W^(2)"
    left: tuple[int, ...]  # matmul: left operand; shape: the gradient's shape
    right: tuple[int, ...]  # matmul: right operand; shape: the variable's shape

    def __str__(self) -> str:
        if self.kind == "matmul":
            return f"{self.what}: shapes do not multiply: {self.left} @ {self.right}"
        return f"{self.what} has shape {self.left}, but its variable has shape {self.right}"


class _Refused(Exception):
    """Internal: carries a Refusal out of the backward loop."""

    def __init__(self, refusal: Refusal):
        self.refusal = refusal


@dataclass(frozen=True)
class Injected:
    r"""A backward pass with one mistake: gradients {("X", 0), ("W", l), ("b", l): array}, or a refusal."""

    mistake: str | None
    gradients: dict | None
    refusal: Refusal | None
    loss: float


@dataclass(frozen=True)
class MistakeCheck:
    r"""The mistake's gradients judged against finite differences (``report`` is None when refused)."""

    mistake: str | None
    refusal: Refusal | None
    report: Report | None

    @property
    def caught(self) -> bool:
        """The check fails or the shapes refuse."""
        return self.refusal is not None or not self.report.passed


def _matmul(what: str, left: Array, right: Array) -> Array:
    """left @ right, or a Refusal naming the product and both shapes."""
    if left.shape[1] != right.shape[0]:
        raise _Refused(Refusal("matmul", what, left.shape, right.shape))
    return left @ right


def _same_shape(what: str, gradient: Array, variable: Array) -> Array:
    """Denominator layout: the gradient must have its variable's shape."""
    if gradient.shape != variable.shape:
        raise _Refused(Refusal("shape", what, gradient.shape, variable.shape))
    return gradient


def backward_with(
    spec: NetworkSpec, mistake: str | None, params: Params | None = None, X=None, Y=None
) -> Injected:
    r"""The backward pass of ``network.backward`` with ``mistake`` (a key of MISTAKES, or None).

    With None it computes the correct gradients, the same as ``network.run``. Shapes as there:
    ∂L/∂W^(l) (n_{l-1}, n_l), ∂L/∂b^(l) (n_l,), ∂L/∂X (m, n_0).
    """
    if mistake is not None and mistake not in MISTAKES:
        raise KeyError(mistake)
    params, X, Y = checked_inputs(spec, params, X, Y)
    fwd = forward(spec, params, X)
    loss = LOSSES[spec.loss]
    mean = spec.reduction == "mean"
    m = spec.m
    Z, A = fwd[-1]
    total = float(loss.per_sample(Z, A, Y).sum()) / (m if mean else 1)
    gradients = {}
    try:
        dA = loss.dA(A, Y) / (m if mean else 1)  # where the chain starts (m, n_L)
        for l in range(spec.L, 0, -1):
            Z, A = fwd[l - 1]
            A_prev = fwd[l - 2][1] if l > 1 else X  # (m, n_in)
            W = params.W[l - 1]  # (n_in, n_out)
            dZ = _dZ(spec, l, Z, A, Y, dA, mistake, mean)  # (m, n_out)
            if mistake == "dz_times_a_prev_t":
                dW = _matmul(f"∂L/∂W^({l}) = ∂L/∂Z^({l}) @ A^({l - 1})ᵀ", dZ, A_prev.T)
            else:
                dW = A_prev.T @ dZ  # (n_in, n_out)
            db = dZ if mistake == "bias_not_summed" else dZ.sum(axis=0)  # (n_out,)
            if mistake == "mean_not_sum":
                dW, db = dW / m, db / m
            if mistake == "w_not_transposed":
                dA_prev = _matmul(f"∂L/∂A^({l - 1}) = ∂L/∂Z^({l}) @ W^({l})", dZ, W)
            else:
                dA_prev = dZ @ W.T  # (m, n_in)
            gradients[("W", l)] = _same_shape(f"∂L/∂W^({l})", dW, W)
            gradients[("b", l)] = _same_shape(f"∂L/∂b^({l})", db, params.b[l - 1])
            dA = _same_shape(f"∂L/∂A^({l - 1})", dA_prev, A_prev)
        gradients[("X", 0)] = dA
    except _Refused as refused:
        return Injected(mistake, None, refused.refusal, total)
    return Injected(mistake, gradients, None, total)


def _dZ(spec, l, Z, A, Y, dA, mistake, mean) -> Array:
    """∂L/∂Z^(l): the loss's shortcut on the last layer, else through g (or not, if forgotten)."""
    loss = LOSSES[spec.loss]
    if mistake == "forgot_g_prime":
        return dA  # the chain rule through g left out
    if l == spec.L and loss.dZ_shortcut is not None:
        return loss.dZ_shortcut(A, Y) / (spec.m if mean else 1)
    return activation(spec.activations[l - 1]).backward(Z, A, dA)


def judge(injected: Injected, reference: Report) -> Report | None:
    r"""The injected gradients against the finite differences of ``reference`` (gradcheck.check's report)."""
    if injected.gradients is None:
        return None
    entries = []
    for e in reference.entries:
        g = float(injected.gradients[(e.variable, e.l)][e.index])
        error = float(rel_error(g, e.numeric, injected.loss))
        entries.append(Entry(e.variable, e.l, e.index, g, e.numeric, error, e.at_kink))
    return Report(tuple(entries), reference.tolerance)


def check_mistake(
    spec: NetworkSpec,
    mistake: str | None,
    params: Params | None = None,
    X=None,
    Y=None,
    reference: Report | None = None,
    max_entries: int | None = MAX_ENTRIES,
) -> MistakeCheck:
    r"""Inject ``mistake`` and check every (or up to ``max_entries`` per variable) gradient entry.

    ``reference`` is ``gradcheck.check`` of the same network, passed in when already
    computed (it is the expensive part and does not depend on the mistake).
    """
    if reference is None:
        reference = check(spec, params, X, Y, max_entries=max_entries)
    injected = backward_with(spec, mistake, params, X, Y)
    return MistakeCheck(mistake, injected.refusal, judge(injected, reference))


def sample_size(spec: NetworkSpec) -> int:
    r"""Entries per variable to check so the finite differences stay within CHECK_BUDGET.

    One forward pass costs m Σ n_{l-1} n_l multiply-adds; each entry needs four, and there
    are 2L + 1 variables (X, W^(l), b^(l)).

    >>> big = NetworkSpec(sizes=(784, 512, 256, 10), activations=("relu", "relu", "identity"), batch=256)
    >>> sample_size(NetworkSpec()), sample_size(big)
    (200, 1)
    """
    forward = spec.m * sum(a * b for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True))
    per_entry = 4 * forward * (2 * spec.L + 1)
    return max(1, min(MAX_ENTRIES, int(CHECK_BUDGET // per_entry)))


def checks_every_entry(spec: NetworkSpec) -> bool:
    """Whether ``sample_size`` covers every entry of every variable (X, W^(l), b^(l))."""
    largest = max(
        [spec.m * spec.sizes[0]] + [a * b for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True)]
    )
    return sample_size(spec) >= largest


def harmless_here(spec: NetworkSpec, mistake: str) -> bool:
    r"""Whether ``mistake`` changes nothing on this network's configuration.

    mean_not_sum with m = 1 (a mean of one sample is the sum); forgot_g_prime when every
    g is the identity (g' = 1). (A symmetric square W is data, not configuration: not here.)

    >>> harmless_here(NetworkSpec(batch=1), "mean_not_sum")
    True
    """
    if mistake == "mean_not_sum":
        return spec.m == 1
    if mistake == "forgot_g_prime":
        return all(name == "identity" for name in spec.activations)
    return False
