r"""Activation functions: one object per name holds g, g' and g's SymPy twin.

Numeric, symbolic, plotting code and tests all read the same registry, so the formula
on screen and the numbers behind it cannot drift apart.

>>> import numpy as np
>>> ACTIVATIONS["sigmoid"].g(np.array([0.0]))
array([0.5])
"""

from __future__ import annotations

import numpy as np

from backprop.core.activation_type import (
    CUSTOM_PREFIX,
    ONE,
    Activation,
    Array,
    float_type,
    one,
    sigmoid,
    sigmoid_prime,
    softplus,
)
from backprop.core.deferred import sympy as sp

LEAKY_SLOPE = 0.01


def _tanh_prime(Z: Array, A: Array) -> Array:
    # 1 - a² = (1 - a)(1 + a): no a² to underflow (no guard needed); near a = ±1, 1 ∓ a is
    # exact where 1 - a² would cancel
    one = ONE.get(A.dtype, 1.0)
    return (one - A) * (one + A)


# Softmax divides by a row sum of up to 4096 terms: it flushes below e^-700 so that the
# quotient stays a normal float.
SOFTMAX_FLUSH = 700.0


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


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", lambda Z: Z, one, lambda z: z),
        Activation("sigmoid", sigmoid, sigmoid_prime, lambda z: 1 / (1 + sp.exp(-z))),
        Activation("tanh", np.tanh, _tanh_prime, lambda z: sp.tanh(z)),
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
            lambda Z, A: np.where(Z > 0, 1.0, LEAKY_SLOPE).astype(float_type(Z)),
            lambda z: sp.Piecewise((z, z > 0), (sp.Rational(1, 100) * z, True)),
            kinks=(0.0,),
        ),
        Activation(
            "softplus",
            softplus,
            lambda Z, A: sigmoid(Z),
            lambda z: sp.log(1 + sp.exp(z)),
        ),
        Activation("softmax", _softmax, None, _sym_softmax, elementwise=False, last_layer_only=True),
    )
}

NAMES: tuple[str, ...] = tuple(ACTIVATIONS)


def activation(name: str) -> Activation:
    r"""The Activation for a built-in name, or for "custom:<formula>" (KeyError if unknown).

    >>> activation("tanh").name
    'tanh'
    """
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    if isinstance(name, str) and name.startswith(CUSTOM_PREFIX):
        from backprop.core.formula import activation_from_formula  # noqa: PLC0415 (SymPy, for a student's g only)

        return activation_from_formula(name[len(CUSTOM_PREFIX) :])
    raise KeyError(name)


def display_name(name: str) -> str:
    """The name a page shows: a built-in's name, or a custom activation's formula (no "custom:").

    >>> display_name("custom:z*sigmoid(z)"), display_name("tanh")
    ('z*sigmoid(z)', 'tanh')
    """
    return name[len(CUSTOM_PREFIX) :] if name.startswith(CUSTOM_PREFIX) else name
