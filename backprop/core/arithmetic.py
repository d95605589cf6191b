r"""The arithmetic a backward pass runs on: the few operations its steps are written in.

The backward engine (``backprop.core.backward_engine``) writes every step with these
operations only, so the same steps run on float64 or float32 NumPy arrays (``FLOAT``,
BLAS products, the dtype follows the arrays) or on exact numbers
(``backprop.derivation.exact.EXACT``, object arrays of SymPy Rationals):

    matmul(P, Q)                        P Q                     (a, b) @ (b, c) -> (a, c)
    transpose(P)                        Pᵀ                      (a, b) -> (b, a)
    column_sum(P)                       (1_{m×1}ᵀ P)ᵀ          (m, n) -> (n,)
    hadamard(P, Q)                      P ⊙ Q                   same shapes
    scale(P, m)                         P / m                   (the mean reduction)
    g_prime(act, Z, A)                  g'(Z), or None for softmax (no elementwise g')
    activation_backward(act, Z, A, dA)  ∂L/∂A ⊙ g'(Z), or each row's softmax Jacobian

``act`` is the layer's ``Activation`` (``backprop.core.activations``).
    loss_dA(loss, A, Y)                 ∂(Σ_i l_i)/∂A^(L)
    loss_dZ(loss, A, Y)                 ∂(Σ_i l_i)/∂Z^(L) = A - Y (softmax+CE, sigmoid+BCE)

>>> import numpy as np
>>> FLOAT.column_sum(np.array([[1.0, 2.0], [3.0, 4.0]]))
array([4., 6.])
"""

from __future__ import annotations

import operator
from functools import partial
from typing import Protocol

import numpy as np

from backprop.core.activations import Activation
from backprop.core.losses import LOSSES

Array = np.ndarray


class Arithmetic(Protocol):
    """The operations a backward step may use (see the module docstring for each formula)."""

    name: str

    def matmul(self, P, Q): ...
    def transpose(self, P): ...
    def column_sum(self, P): ...
    def hadamard(self, P, Q): ...
    def scale(self, P, m: int): ...
    def g_prime(self, act: Activation, Z, A): ...
    def activation_backward(self, act: Activation, Z, A, dA): ...
    def loss_dA(self, loss: str, A, Y): ...
    def loss_dZ(self, loss: str, A, Y): ...


def _g_prime(act: Activation, Z: Array, A: Array) -> Array | None:
    return None if act.dg is None else act.dg(Z, A)


def _loss_dA(loss: str, A: Array, Y: Array) -> Array:
    return LOSSES[loss].dA(A, Y)


def _loss_dZ(loss: str, A: Array, Y: Array) -> Array:
    return LOSSES[loss].dZ_shortcut(A, Y)


class FloatArithmetic:
    r"""NumPy floating point: BLAS products; float64 or float32 as the arrays are.

    The operations are the C-level callables themselves (``operator.matmul``,
    ``np.add.reduce``), held in slots: a backward step of the tiny networks takes
    microseconds, and a Python frame or a descriptor lookup per operation would show.
    """

    __slots__ = ("name", "matmul", "transpose", "column_sum", "hadamard", "scale", "g_prime",
                 "activation_backward", "loss_dA", "loss_dZ")  # fmt: skip

    def __init__(self):
        self.name = "float"
        self.matmul = operator.matmul
        self.transpose = operator.attrgetter("T")
        self.column_sum = partial(np.add.reduce, axis=0)  # what P.sum(axis=0) calls
        self.hadamard = operator.mul
        self.scale = operator.truediv  # P / m
        self.g_prime = _g_prime
        self.activation_backward = Activation.backward  # act.backward(Z, A, dA)
        self.loss_dA = _loss_dA
        self.loss_dZ = _loss_dZ


FLOAT = FloatArithmetic()


class ShapeMismatch(Exception):
    """A product whose inner dimensions differ: its left and right shapes."""

    def __init__(self, left: tuple[int, ...], right: tuple[int, ...]):
        super().__init__(f"shapes do not multiply: {left} @ {right}")
        self.left, self.right = left, right


class Checked:
    r"""Another arithmetic whose ``matmul`` raises ShapeMismatch (P's columns ≠ Q's rows).

    A mistaken formula (``dZ W`` for ``dZ Wᵀ``) may multiply shapes that do not fit;
    the engine turns the mismatch into a Refusal naming the product.
    """

    def __init__(self, inner: Arithmetic):
        self.inner = inner
        self.name = inner.name

    def matmul(self, P, Q):
        if P.shape[-1] != Q.shape[0]:
            raise ShapeMismatch(P.shape, Q.shape)
        return self.inner.matmul(P, Q)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)
