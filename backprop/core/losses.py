r"""Losses at the output: per-sample values l_i, and ∂L/∂A^(L) where the chain starts.

The notes sum over samples, L = Σ_{i=1}^m l_i (reduction "sum"); reduction "mean" divides
by m. Every loss here is written so that it stays finite when a prediction saturates:
bce and softmax_ce are computed from the logits Z^(L), not from log A.

>>> import numpy as np
>>> A = np.array([[1.0, 2.0]]); Y = np.array([[0.0, 2.0]])
>>> LOSSES["mse"].per_sample(A, A, Y)
array([0.5])
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from backprop.core.activation_type import EXP_LIMIT, flush_subnormal, per_dtype, softplus, vecdot
from backprop.core.deferred import sympy as sp

if TYPE_CHECKING:  # for annotations only: SymPy itself is imported on first use
    import sympy

Array = np.ndarray

# ∂L/∂A of bce and softmax_ce divides by A; clipping A here keeps it finite when a
# prediction saturates. The backward pass never uses it there: it takes the shortcut.
# float32 cannot hold 1e-300 nor 1 - 1e-16 (they round to 0 and 1): its own bounds, its
# smallest normal number and the float32 just below 1.
_CLIP = 1e-300
_BOUNDS = {
    np.dtype(np.float64): (_CLIP, 1.0 - 1e-16),
    np.dtype(np.float32): (float(np.finfo(np.float32).tiny), 1.0 - 2.0**-24),
}

REDUCTIONS = ("sum", "mean")

HALF = per_dtype(0.5)  # ½ as a 0-d array per dtype


@dataclass(frozen=True)
class Loss:
    r"""One loss: l_i per sample, ∂(Σ_i l_i)/∂A, and the shortcut for ∂/∂Z if it has one.

    ``per_sample(Z, A, Y)`` gives l (m,); ``dA(A, Y)`` gives ∂(Σ l_i)/∂A (m, n_L);
    ``sym(a, y)`` is l of one sample as a SymPy expression of its outputs and targets
    (lists of expressions): the symbolic engine and the numbers read the same registry;
    ``dZ_shortcut(A, Y)``, where not None, gives ∂(Σ l_i)/∂Z (m, n_L) directly for the
    output activation ``output`` (the general path multiplies dA by g'(Z) or the
    softmax Jacobian, and the tests check both paths agree).
    """

    name: str
    per_sample: Callable[[Array, Array, Array], Array]
    dA: Callable[[Array, Array], Array]
    sym: Callable[[list, list], sympy.Expr]
    output: str | None = None  # the output activation this loss requires, if any
    dZ_shortcut: Callable[[Array, Array], Array] | None = None
    targets: str = "any real number"
    # per_sample without its own np.errstate(under="ignore"), for a caller that holds one
    # (``network.backward``, around the loss and the backward pass); None: per_sample needs none
    per_sample_step: Callable[[Array, Array, Array], Array] | None = None

    # per_sample for a caller that holds np.errstate(under="ignore") already: per_sample_step if
    # any (made once: the tiny pass calls it on every run, where a property costs a call)
    per_sample_in_guard: Callable[[Array, Array, Array], Array] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_sample_in_guard", self.per_sample_step or self.per_sample)


def _mse(Z: Array, A: Array, Y: Array) -> Array:
    with np.errstate(under="ignore"):
        return _mse_step(Z, A, Y)


def _mse_step(Z: Array, A: Array, Y: Array) -> Array:
    # l_i = ½ Σ_j (a_ij - y_ij)²: the squares are summed as they come (a subnormal one adds
    # what it is worth) and an l_i below the normal range is flushed to 0 (the caller holds
    # np.errstate(under="ignore"))
    D = A - Y
    losses = vecdot(D, D)  # Σ_j (a_ij - y_ij)², in one call
    half = HALF.get(losses.dtype)
    losses = losses * 0.5 if half is None else np.multiply(losses, half, out=losses)  # ½ Σ_j
    return flush_subnormal(losses, nonnegative=True)


def _bce(Z: Array, A: Array, Y: Array) -> Array:
    # -[y log σ(z) + (1-y) log(1-σ(z))] = softplus(z) - y z, finite for any z
    return (softplus(Z) - Y * Z).sum(axis=1)


def _softmax_ce(Z: Array, A: Array, Y: Array) -> Array:
    # -Σ_j y_j log a_j with log a_j = z_j - logsumexp(z), exact however far z_j lies
    # below the max: only the exponentials inside the sum are clipped (terms < 1e-299)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_A = shifted - np.log(np.exp(np.maximum(shifted, -EXP_LIMIT)).sum(axis=1, keepdims=True))
    return -(Y * log_A).sum(axis=1)


def _mse_sym(a: list, y: list) -> sympy.Expr:
    return sp.Rational(1, 2) * sp.Add(*[(aj - yj) ** 2 for aj, yj in zip(a, y)])


def _bce_sym(a: list, y: list) -> sympy.Expr:
    return -sp.Add(*[yj * sp.log(aj) + (1 - yj) * sp.log(1 - aj) for aj, yj in zip(a, y)])


def _softmax_ce_sym(a: list, y: list) -> sympy.Expr:
    return -sp.Add(*[yj * sp.log(aj) for aj, yj in zip(a, y)])


def _bce_dA(A: Array, Y: Array) -> Array:
    low, high = _BOUNDS.get(A.dtype, _BOUNDS[np.dtype(np.float64)])
    A = np.clip(A, low, high)
    return (A - Y) / (A * (1.0 - A))


def _softmax_ce_dA(A: Array, Y: Array) -> Array:
    return -Y / np.maximum(A, _BOUNDS.get(A.dtype, _BOUNDS[np.dtype(np.float64)])[0])


_minus = operator.sub  # (A, Y) -> A - Y, NumPy's subtraction called without a Python frame around it

LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", _mse, _minus, _mse_sym, per_sample_step=_mse_step),
        Loss(
            "bce",
            _bce,
            _bce_dA,
            _bce_sym,
            output="sigmoid",
            dZ_shortcut=_minus,
            targets="values from 0 to 1",
        ),
        Loss(
            "softmax_ce",
            _softmax_ce,
            _softmax_ce_dA,
            _softmax_ce_sym,
            output="softmax",
            # Σ_j y_j = 1 per row, so ∂l/∂z_k = a_k Σ_j y_j - y_k = a_k - y_k
            dZ_shortcut=_minus,
            targets="values from 0 to 1 with each row summing to 1 (one-hot rows)",
        ),
    )
}

NAMES: tuple[str, ...] = tuple(LOSSES)
