r"""Forward and backward through a dense network, in the notes' orientation.

Rows are samples. For each layer l = 1..L, with A^(0) = X:

    Z^(l) = A^(l-1) W^(l) + 1_{m×1} b^(l)T        (m, n_l)
    A^(l) = g^(l)(Z^(l))                           (m, n_l)

and backward, from ∂L/∂A^(L) given by the loss, the steps of ``backprop.core.backward_engine``:

    ∂L/∂Z^(l)     = ∂L/∂A^(l) ⊙ g'(Z^(l))         (m, n_l)   (softmax: each row's Jacobian)
    ∂L/∂W^(l)     = A^(l-1)T ∂L/∂Z^(l)             (n_{l-1}, n_l)
    ∂L/∂b^(l)     = (1_{m×1}T ∂L/∂Z^(l))T          (n_l,)     column sums
    ∂L/∂A^(l-1)   = ∂L/∂Z^(l) W^(l)T               (m, n_{l-1})

>>> spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"))
>>> trace = run(spec)
>>> trace.layers[0].dW.shape
(3, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.activation_type import ignoring_underflow
from backprop.core.backward_engine import backward_pass
from backprop.core.backward_records import LayerTrace
from backprop.core.errors import InvalidInput
from backprop.core.flat_pass import backward_function, forward_function
from backprop.core.losses import LOSSES
from backprop.core.spec import NetworkSpec, check_array, check_targets

Array = np.ndarray


@dataclass(frozen=True)
class Params:
    r"""The parameters: W[l-1] is W^(l) (n_{l-1}, n_l), b[l-1] is b^(l) (n_l,)."""

    W: tuple[Array, ...]
    b: tuple[Array, ...]


@dataclass(frozen=True)
class Trace:
    r"""A whole forward and backward pass: the inputs, every layer, the loss L and each l_i."""

    spec: NetworkSpec
    X: Array  # (m, n_0)
    Y: Array  # (m, n_L)
    layers: tuple[LayerTrace, ...]
    loss: float
    losses: Array  # per-sample l_i (m,)


def init_params(spec: NetworkSpec, dtype=np.float64) -> Params:
    r"""Initial W^(l), b^(l) drawn from ``default_rng(spec.seed)``.

    uniform: w, b ~ U(-1, 1); xavier: w ~ U(±√(6/(n_in+n_out))), b = 0;
    he: w ~ N(0, 2/n_in), b = 0; integers: w ∈ {-2..2}, b ∈ {-1..1} (hand-checkable).
    """
    rng = np.random.default_rng(spec.seed)
    Ws, bs = [], []
    for n_in, n_out in zip(spec.sizes[:-1], spec.sizes[1:]):
        if spec.init == "uniform":
            W = rng.uniform(-1.0, 1.0, (n_in, n_out))
            b = rng.uniform(-1.0, 1.0, n_out)
        elif spec.init == "xavier":
            limit = np.sqrt(6.0 / (n_in + n_out))
            W, b = rng.uniform(-limit, limit, (n_in, n_out)), np.zeros(n_out)
        elif spec.init == "he":
            W, b = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)), np.zeros(n_out)
        else:  # integers
            W = rng.integers(-2, 3, (n_in, n_out)).astype(np.float64)
            b = rng.integers(-1, 2, n_out).astype(np.float64)
        Ws.append(W.astype(dtype))
        bs.append(b.astype(dtype))
    return Params(tuple(Ws), tuple(bs))


def make_data(spec: NetworkSpec, dtype=np.float64) -> tuple[Array, Array]:
    r"""Inputs X (m, n_0) and targets Y (m, n_L) that fit the loss, from the seed.

    mse: Y real (integers for the integers init); bce: Y ∈ {0, 1}; softmax_ce: one-hot rows.
    """
    rng = np.random.default_rng([spec.seed, 1])  # a stream apart from the weights'
    m, n_0, n_L = spec.m, spec.sizes[0], spec.sizes[-1]
    if spec.init == "integers":
        X = rng.integers(-3, 4, (m, n_0)).astype(np.float64)
    else:
        X = rng.standard_normal((m, n_0))
    if spec.loss == "bce":
        Y = rng.integers(0, 2, (m, n_L)).astype(np.float64)
    elif spec.loss == "softmax_ce":
        Y = np.eye(n_L)[rng.integers(0, n_L, m)]
    elif spec.init == "integers":
        Y = rng.integers(-2, 3, (m, n_L)).astype(np.float64)
    else:
        Y = rng.standard_normal((m, n_L))
    return X.astype(dtype), Y.astype(dtype)


def checked_inputs(
    spec: NetworkSpec, params: Params | None = None, X=None, Y=None
) -> tuple[Params, Array, Array]:
    """The caller's W, b, X, Y checked against the spec (shapes, finite, targets), defaults filled in."""
    if params is None:
        params = init_params(spec)
    else:
        for name, symbol, arrays in (("weight matrices", "W", params.W), ("bias vectors", "b", params.b)):
            if len(arrays) != spec.L:
                raise InvalidInput(
                    f"number of {name}",
                    len(arrays),
                    f"{spec.L}, one per layer",
                    code="params_count",
                    symbol=symbol,
                    layers=spec.L,
                )
        params = Params(
            tuple(check_array(f"W^({l})", W, spec.shape_of("W", l)) for l, W in enumerate(params.W, 1)),
            tuple(check_array(f"b^({l})", b, spec.shape_of("b", l)) for l, b in enumerate(params.b, 1)),
        )
    X0, Y0 = make_data(spec) if X is None or Y is None else (None, None)
    X = X0 if X is None else check_array("X", X, (spec.m, spec.sizes[0]))
    Y = Y0 if Y is None else check_array("Y", Y, (spec.m, spec.sizes[-1]))
    check_targets(spec, Y)
    return params, X, Y


def forward(spec: NetworkSpec, params: Params, X: Array) -> list[tuple[Array, Array]]:
    r"""[(Z^(l), A^(l)) for l = 1..L]: Z = A_prev W + 1 bT, A = g(Z). Shapes (m, n_l).

    The layers' lines written out once per list of activations (``flat_pass.source``).
    """
    return forward_function(spec.activations)(params.W, params.b, X)


def loss_value(spec: NetworkSpec, params: Params, X: Array, Y: Array) -> float:
    r"""L = Σ_i l_i (or its mean): the forward pass alone, for finite differences."""
    Z, A = forward(spec, params, X)[-1]
    losses = LOSSES[spec.loss].per_sample(Z, A, Y)
    return float(losses.sum() / (spec.m if spec.reduction == "mean" else 1))


def run(spec: NetworkSpec, params: Params | None = None, X=None, Y=None) -> Trace:
    r"""Forward then backward; returns the Trace of every layer.

    Arguments left out are made from the seed (``init_params``, ``make_data``); given
    ones are checked first (InvalidInput naming the array on a bad shape, NaN or target).
    """
    params, X, Y = checked_inputs(spec, params, X, Y)
    return backward(spec, params, X, Y, forward(spec, params, X))


def backward(spec: NetworkSpec, params: Params, X: Array, Y: Array, fwd: list[tuple[Array, Array]]) -> Trace:
    r"""The backward pass over a forward pass ``fwd``, from the loss down to ∂L/∂X.

    The steps are ``backprop.core.backward_engine``'s, in NumPy floating point (the dtype
    of the arrays); here they are not recorded, only their results kept in each LayerTrace.
    They run as the flat pass of this shape (``flat_pass``): the engine's lines written out
    in its order once, without a call per step, equal to the engine's loop bit for bit.
    """
    if len(fwd) == spec.L:
        flat = backward_function(spec.activations, spec.loss, spec.reduction)
        losses, layers = flat(params.W, params.b, X, Y, fwd, spec.batch)
    else:  # a forward pass of another network: the engine follows fwd's layers
        losses, layers = _losses_and_layers(spec, params, X, Y, fwd)
    return trace_of(spec, X, Y, losses, layers)


def trace_of(spec: NetworkSpec, X: Array, Y: Array, losses: Array, layers) -> Trace:
    r"""The Trace of a pass: its layers, l_i (m,) and L = Σ l_i (÷ m under the mean)."""
    total = float(np.add.reduce(losses)) / (spec.m if spec.reduction == "mean" else 1)  # losses.sum()
    return _new_trace(spec, X, Y, layers, total, losses)


@ignoring_underflow  # one guard for the loss and every step, not one each
def _losses_and_layers(spec, params, X, Y, fwd):
    """l_i (m,) and the engine's layers, under one np.errstate(under="ignore")."""
    Z, A = fwd[-1]
    losses = LOSSES[spec.loss].per_sample_in_guard(Z, A, Y)  # l_i (m,)
    return losses, backward_pass(spec, params.W, params.b, X, Y, fwd, guarded=False).layers


def _new_trace(spec, X, Y, layers, loss, losses) -> Trace:
    """``Trace(...)`` built without the frozen dataclass's six ``object.__setattr__`` calls.

    Same fields, same frozen instance: its ``__init__`` alone cost ~2 µs of a ~15 µs tiny pass.
    """
    trace = object.__new__(Trace)
    trace.__dict__.update(spec=spec, X=X, Y=Y, layers=layers, loss=loss, losses=losses)
    return trace
