r"""Activation functions: one object per name holds g, g' and g's SymPy twin.

Numeric, symbolic, plotting code and tests all read the same registry, so the formula
on screen and the numbers behind it cannot drift apart.

>>> import numpy as np
>>> ACTIVATIONS["sigmoid"].g(np.array([0.0]))
array([0.5])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

Array = np.ndarray

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    r"""One activation: its numeric form, its derivative and its SymPy twin.

    For an elementwise g, ``dg(Z)`` is g'(Z) entry by entry and ``backward`` is
    ∂L/∂Z = ∂L/∂A ⊙ g'(Z). Softmax acts on each row (sample) as a whole, so it has no
    elementwise derivative (``dg`` is None); its ``backward`` applies each sample's
    Jacobian ∂a_j/∂z_k = a_j (δ_jk - a_k).

    ``sym(z)`` is g as a SymPy expression of the symbol z (elementwise); for softmax,
    ``sym`` maps a list of a row's symbols to the list of its outputs.
    ``kinks`` are the points where g' jumps (finite differences across them disagree
    with the one-sided derivative).
    """

    name: str
    g: Callable[[Array], Array]
    dg: Callable[[Array, Array], Array] | None  # (Z, A) -> g'(Z), reusing A = g(Z)
    sym: Callable
    elementwise: bool = True
    kinks: tuple[float, ...] = ()
    last_layer_only: bool = False

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        r"""∂L/∂Z from ∂L/∂A: ∂L/∂A ⊙ g'(Z), or each row's softmax Jacobian. Shapes (m, n)."""
        if self.dg is _one:
            return dA  # g'(z) = 1
        if self.dg is not None:
            with np.errstate(under="ignore"):  # a tiny ∂L/∂a times a tiny g': flushed to 0 instead
                return flush_subnormal(dA * self.dg(Z, A))  # chain rule through g, entry by entry
        # softmax: (∂L/∂z)_k = Σ_j (∂L/∂a_j) a_j (δ_jk - a_k) = a_k (∂L/∂a_k - Σ_j ∂L/∂a_j a_j)
        with np.errstate(under="ignore"):  # a product below the normal range is flushed to 0 instead
            return flush_subnormal(A * (dA - flush_subnormal(dA * A).sum(axis=1, keepdims=True)))

    def jacobian(self, a_row: Array) -> Array:
        r"""Softmax's Jacobian for one sample: J_jk = a_j (δ_jk - a_k), shape (n, n)."""
        with np.errstate(under="ignore"):  # a_j a_k below the normal range is flushed to 0 instead
            return np.diag(a_row) - flush_subnormal(np.outer(a_row, a_row))


# e^708 is the largest power of e below float64's overflow and e^-708 the smallest
# above its underflow to subnormals. Exponents are clipped to ±708, and a result whose
# true value lies below e^-708 (≈3e-308) is flushed to exactly 0, as float64 would round
# it, but without raising an underflow: every result is exact to rounding or exactly 0.
EXP_LIMIT = 708.0
# Softmax divides by a row sum of up to 4096 terms: it flushes below e^-700 so that the
# quotient stays a normal float.
SOFTMAX_FLUSH = 700.0


def flush_subnormal(X: Array) -> Array:
    r"""X with every subnormal entry (0 < |x| < the smallest normal float) set to exactly 0, in place.

    Products of two tiny factors (a softmax output of e^-300 times another) fall below
    float64's normal range; computed under ``np.errstate(under="ignore")`` and flushed
    here, they follow the rule above: exact to rounding or exactly 0, never a warning.
    """
    np.copyto(X, 0.0, where=np.abs(X) < np.finfo(X.dtype).tiny)
    return X


def _tanh_prime(Z: Array, A: Array) -> Array:
    # 1 - a²: a² below the normal range leaves 1 - a² = 1 exactly, so its underflow is harmless
    with np.errstate(under="ignore"):
        return 1.0 - A * A


def _float_type(Z: Array):
    """Z's dtype if it is a float, else float64 (integer arrays from a plot's grid)."""
    return np.result_type(Z.dtype, np.float32)


def _one(Z: Array, A: Array) -> Array:
    return np.ones_like(Z)


def _sigmoid(Z: Array) -> Array:
    # 1 / (1 + e^-z), computed in place in one buffer (this runs on every forward pass)
    T = np.negative(Z, dtype=_float_type(Z))
    np.maximum(T, -EXP_LIMIT, out=T)
    np.minimum(T, EXP_LIMIT, out=T)
    np.exp(T, out=T)
    T += 1.0
    np.reciprocal(T, out=T)
    np.copyto(T, 0.0, where=Z < -EXP_LIMIT)  # flush what would be subnormal
    return T


def softplus(Z: Array) -> Array:
    r"""log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): no overflow for large z. Any shape.

    >>> softplus(np.array([0.0, -1e4, 1e4]))
    array([6.93147181e-01, 0.00000000e+00, 1.00000000e+04])
    """
    tail = np.exp(-np.minimum(np.abs(Z), EXP_LIMIT))
    np.copyto(tail, 0.0, where=np.abs(Z) > EXP_LIMIT)  # flush what would be subnormal
    return np.maximum(Z, 0.0) + np.log1p(tail)


def _softmax(Z: Array) -> Array:
    # shift by the row max (no overflow); flush far-negative exponents (no underflow)
    shifted = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(np.maximum(shifted, -SOFTMAX_FLUSH))
    np.copyto(E, 0.0, where=shifted < -SOFTMAX_FLUSH)
    return E / E.sum(axis=1, keepdims=True)


def _sym_softmax(row: list) -> list:
    exps = [sp.exp(z) for z in row]
    total = sp.Add(*exps)
    return [e / total for e in exps]


_SYM_SIGMOID = sp.Lambda(sp.Symbol("z"), 1 / (1 + sp.exp(-sp.Symbol("z"))))

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", lambda Z: Z, _one, lambda z: z),
        Activation(
            "sigmoid", _sigmoid, lambda Z, A: A * (1.0 - A), lambda z: 1 / (1 + sp.exp(-z))
        ),
        Activation("tanh", np.tanh, _tanh_prime, sp.tanh),
        Activation(
            "relu",
            lambda Z: np.maximum(Z, 0.0),
            lambda Z, A: (Z > 0).astype(Z.dtype),
            lambda z: sp.Max(z, 0),
            kinks=(0.0,),
        ),
        Activation(
            "leaky_relu",
            lambda Z: np.where(Z > 0, Z, LEAKY_SLOPE * Z),
            lambda Z, A: np.where(Z > 0, 1.0, LEAKY_SLOPE).astype(_float_type(Z)),
            lambda z: sp.Piecewise((z, z > 0), (sp.Rational(1, 100) * z, True)),
            kinks=(0.0,),
        ),
        Activation(
            "softplus",
            softplus,
            lambda Z, A: _sigmoid(Z),
            lambda z: sp.log(1 + sp.exp(z)),
        ),
        Activation(
            "softmax", _softmax, None, _sym_softmax, elementwise=False, last_layer_only=True
        ),
    )
}

NAMES: tuple[str, ...] = tuple(ACTIVATIONS)

# A name "custom:<formula>" is a student's own g(z), parsed by backprop.core.formula.
CUSTOM_PREFIX = "custom:"


def activation(name: str) -> Activation:
    r"""The Activation for a built-in name, or for "custom:<formula>" (KeyError if unknown).

    >>> activation("tanh").name
    'tanh'
    """
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    if isinstance(name, str) and name.startswith(CUSTOM_PREFIX):
        from backprop.core.formula import activation_from_formula  # noqa: PLC0415 (only when asked for)

        return activation_from_formula(name[len(CUSTOM_PREFIX) :])
    raise KeyError(name)
