r"""Hand-calculation mode: every value of the forward and backward pass, exactly.

With the ``integers`` initialisation (w ∈ {-2..2}, b ∈ {-1..1}, x ∈ {-3..3}), identity or
ReLU layers and the squared error, every value is an integer, or a fraction with
denominator m under the mean reduction, so a student can check each one on paper.
The arrays here are NumPy object arrays of SymPy Integers and Rationals. The backward
pass is the engine's (``backprop.core.backward_engine``), step for step the one ``run``
takes, over ``EXACT``: the same operations in SymPy's exact arithmetic.

>>> from backprop import NetworkSpec
>>> spec = NetworkSpec(sizes=(2, 2, 1), activations=("relu", "identity"), init="integers", batch=2)
>>> trace = exact_run(spec)
>>> trace.layers[1].dW.shape, type(trace.loss).__name__ in ("Integer", "Rational", "Half", "Zero")
((2, 1), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from backprop.core.backward_engine import backward_pass
from backprop.core.backward_records import LayerTrace
from backprop.core.errors import InvalidInput
from backprop.core.network import Params, checked_inputs
from backprop.core.spec import NetworkSpec
from backprop.derivation.notation import activation_shown, sup

EXACT_ACTIVATIONS = ("identity", "relu")
# SymPy arithmetic is some 10⁴ times slower than BLAS: past this many multiplications
# (Σ_l m n_{l-1} n_l, for each of the three products per layer) a page would stall.
MAX_PRODUCTS = 20_000


@dataclass(frozen=True, eq=False)
class ExactTrace:
    r"""A whole pass in exact arithmetic; the same fields as ``Trace``, object arrays of Rationals.

    ``layers[l-1]`` is a ``LayerTrace`` whose arrays hold SymPy Integers and Rationals
    with the float shapes: W (n_{l-1}, n_l), b (n_l,), Z and A (m, n_l), and so on.
    """

    spec: NetworkSpec
    X: np.ndarray  # (m, n_0), object
    Y: np.ndarray  # (m, n_L), object
    layers: tuple[LayerTrace, ...]
    loss: sp.Rational
    losses: np.ndarray  # l_i (m,), object

    exact = True


def not_whole(array: str) -> InvalidInput:
    """The refusal of an array (named in LaTeX) that holds a number that is not whole."""
    return InvalidInput(
        array,
        "an entry that is not a whole number",
        "whole numbers in hand-calculation mode",
        code="not_whole",
        array=array,
    )


def exact_problem(spec: NetworkSpec) -> InvalidInput | None:
    """Why this network cannot be computed exactly (an InvalidInput naming the field), or None."""
    if spec.init != "integers":
        return InvalidInput(
            "init", spec.init, "integers in hand-calculation mode", code="exact_init", init=spec.init
        )
    for l, name in enumerate(spec.activations, start=1):
        if name not in EXACT_ACTIVATIONS:
            return InvalidInput(
                f"activation of layer {l}",
                name,
                "identity or relu in hand-calculation mode",
                code="exact_activation",
                layer=l,
                name=activation_shown(name),
            )
    if spec.loss != "mse":
        return InvalidInput(
            "loss", spec.loss, "mse in hand-calculation mode", code="exact_loss", loss=spec.loss
        )
    products = sum(spec.m * n_in * n_out for n_in, n_out in zip(spec.sizes[:-1], spec.sizes[1:], strict=True))
    if products > MAX_PRODUCTS:
        return InvalidInput(
            "network size",
            f"{products} products per matrix step",
            f"at most {MAX_PRODUCTS} (a smaller batch or narrower layers) in hand-calculation mode",
            code="exact_size",
            products=products,
            limit=MAX_PRODUCTS,
        )
    return None


def supports_exact(spec: NetworkSpec) -> bool:
    """True if hand-calculation mode can show this network's values exactly."""
    return exact_problem(spec) is None


def exact_run(spec: NetworkSpec, params: Params | None = None, X=None, Y=None) -> ExactTrace:
    r"""Forward then backward in exact arithmetic; InvalidInput if the network does not allow it.

    Z = A_prev W + 1 bT, A = g(Z) with g = identity or max(z, 0);
    backward: the engine's steps over EXACT (∂L/∂A^(L) = A - Y, divided by m under the mean;
    ∂L/∂Z = ∂L/∂A ⊙ [Z > 0] for ReLU; then ∂L/∂W, ∂L/∂b, ∂L/∂A_prev as in ``run``).
    Given arrays must hold whole numbers.
    """
    problem = exact_problem(spec)
    if problem is not None:
        raise problem
    params, X, Y = checked_inputs(spec, params, X, Y)
    Ws = [to_exact(sup("W", l), W) for l, W in enumerate(params.W, start=1)]
    bs = [to_exact(sup("b", l), b) for l, b in enumerate(params.b, start=1)]
    X, Y = to_exact("X", X), to_exact("Y", Y)
    fwd = []
    A = X
    for W, b, name in zip(Ws, bs, spec.activations, strict=True):
        Z = A @ W + b  # (m, n_out)
        A = exact_g(name, Z)  # (m, n_out)
        fwd.append((Z, A))
    mean = spec.reduction == "mean"
    D = fwd[-1][1] - Y  # A^(L) - Y (m, n_L)
    half = sp.Rational(1, 2)
    losses = np.array([half * sum(row * row, sp.Integer(0)) for row in D], dtype=object)  # l_i (m,)
    total = sum(losses, sp.Integer(0))
    layers = backward_pass(spec, Ws, bs, X, Y, fwd, EXACT).layers
    return ExactTrace(spec, X, Y, layers, total / sp.Integer(spec.m) if mean else total, losses)


def to_exact(field: str, values) -> np.ndarray:
    """A float array of whole numbers as an object array of SymPy Integers (InvalidInput otherwise).

    ``field`` names the array in LaTeX (``W^{(1)}``, ``X``).
    """
    values = np.asarray(values, dtype=np.float64)
    if not np.all(values == np.round(values)):
        raise not_whole(field)
    out = np.empty(values.shape, dtype=object)
    for index, v in np.ndenumerate(values):
        out[index] = sp.Integer(int(v))
    return out


def exact_g(name: str, Z: np.ndarray) -> np.ndarray:
    """g(Z) for identity or ReLU, entry by entry, exactly."""
    if name == "identity":
        return Z
    return _map(lambda z: z if z > 0 else sp.Integer(0), Z)


def exact_dg(name: str, Z: np.ndarray) -> np.ndarray:
    """g'(Z) as exact 0s and 1s; ReLU's derivative at 0 is 0, as in the float core."""
    if name == "identity":
        return _map(lambda z: sp.Integer(1), Z)
    return _map(lambda z: sp.Integer(1) if z > 0 else sp.Integer(0), Z)


def column_sums(M: np.ndarray) -> np.ndarray:
    """Σ_s M_st for each column t, as exact numbers (a plain sum starts from SymPy's 0)."""
    out = np.empty(M.shape[1], dtype=object)
    for t in range(M.shape[1]):
        out[t] = sum(M[:, t], sp.Integer(0))
    return out


class ExactArithmetic:
    r"""The engine's operations on object arrays of SymPy numbers (``backprop.core.arithmetic``).

    Products, transposes and ⊙ are NumPy's own on object arrays (each entry a SymPy sum of
    products); sums start from SymPy's 0; only identity and ReLU have an exact g' here,
    and only the squared error an exact ∂L/∂A^(L) (``exact_problem`` refuses the rest).
    """

    name = "exact"

    @staticmethod
    def column_sum(P: np.ndarray) -> np.ndarray:
        return column_sums(P)

    @staticmethod
    def scale(P: np.ndarray, m: int) -> np.ndarray:
        return P / sp.Integer(m)

    @staticmethod
    def g_prime(act, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return exact_dg(act.name, Z)

    @staticmethod
    def activation_backward(act, Z: np.ndarray, A: np.ndarray, dA: np.ndarray) -> np.ndarray:
        r"""∂L/∂Z = ∂L/∂A ⊙ g'(Z) (identity: ∂L/∂A itself)."""
        return dA if act.name == "identity" else dA * exact_dg(act.name, Z)

    @staticmethod
    def loss_dA(loss: str, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
        r"""∂(Σ l_i)/∂A^(L) of the squared error: A - Y."""
        if loss != "mse":
            raise InvalidInput("loss", loss, "mse in hand-calculation mode")
        return A - Y

    @staticmethod
    def loss_dZ(loss: str, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
        raise InvalidInput("loss", loss, "mse in hand-calculation mode")


EXACT = ExactArithmetic()


def to_float(values) -> np.ndarray:
    """An exact object array (or a float one) as float64."""
    return np.asarray(values, dtype=np.float64)


def is_exact(values) -> bool:
    """True for an object array of SymPy numbers (or a single SymPy number)."""
    if isinstance(values, np.ndarray):
        return values.dtype == object
    return isinstance(values, sp.Basic)


def _map(f, M: np.ndarray) -> np.ndarray:
    out = np.empty(M.shape, dtype=object)
    for index, v in np.ndenumerate(M):
        out[index] = f(v)
    return out


def with_values(trace, exact: bool):
    """The trace itself, or (``exact``) its exact twin from the same W, b, X, Y (InvalidInput if refused)."""
    if not exact or is_exact(trace.X):
        return trace
    params = Params(tuple(layer.W for layer in trace.layers), tuple(layer.b for layer in trace.layers))
    return exact_run(trace.spec, params, trace.X, trace.Y)
