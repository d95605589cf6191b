"""Independent recomputation for the notes-walk and layout tests (no code of backprop.teaching.notes_walk).

The loss is rerun from any layer with the activations' g and the losses' per-sample
values, and differentiated by plain central differences; W and b also go through
``backprop.core.gradcheck.numeric_entry``, which perturbs the whole network from X.
"""

from __future__ import annotations

import numpy as np

from backprop import NetworkSpec, run
from backprop.core.activations import activation
from backprop.core.gradcheck import numeric_entry, rel_error
from backprop.core.losses import LOSSES
from backprop.core.network import Params

H = 1e-5

NETWORKS = {
    "default": NetworkSpec(),
    "m1-square": NetworkSpec(sizes=(3, 3, 3), activations=("tanh", "identity"), batch=1, seed=4),
    "square-m3": NetworkSpec(sizes=(3, 3, 3), activations=("sigmoid", "identity"), batch=3, seed=2),
    "tiny": NetworkSpec(sizes=(1, 1, 1), activations=("tanh", "sigmoid"), loss="bce", batch=1, seed=5),
    "softmax-mean": NetworkSpec(
        sizes=(2, 4, 3), activations=("relu", "softmax"), loss="softmax_ce", reduction="mean", batch=5, seed=6
    ),
    "integers-relu": NetworkSpec(
        sizes=(4, 4, 4), activations=("relu", "identity"), batch=4, seed=1, init="integers"
    ),
    "one-layer": NetworkSpec(sizes=(2, 2), activations=("identity",), batch=2, seed=8),
    "custom": NetworkSpec(sizes=(2, 3, 2), activations=("custom:z*tanh(z)", "identity"), batch=2, seed=3),
    "three-layers": NetworkSpec(
        sizes=(2, 5, 3, 1), activations=("leaky_relu", "softplus", "sigmoid"), loss="bce", batch=3, seed=9
    ),
}


def trace_of(name: str):
    return run(NETWORKS[name])


def params_of(trace) -> Params:
    return Params(tuple(x.W for x in trace.layers), tuple(x.b for x in trace.layers))


def loss_from(trace, l: int, A_prev, W=None, b=None, rows=slice(None)) -> float:
    """Σ_{i in rows} l_i (÷ m under the mean) with A^(l-1) = A_prev, layer l's W, b optionally replaced."""
    spec = trace.spec
    A = A_prev
    for k in range(l, spec.L + 1):
        layer = trace.layers[k - 1]
        Wk = W if (k == l and W is not None) else layer.W
        bk = b if (k == l and b is not None) else layer.b
        Z = A @ Wk + bk
        A = activation(spec.activations[k - 1]).g(Z)
    total = LOSSES[spec.loss].per_sample(Z, A, trace.Y[rows]).sum()
    return float(total / (spec.m if spec.reduction == "mean" else 1))


def central(f, x0: np.ndarray, index) -> float:
    """(f(x + h e) - f(x - h e)) / 2h for the entry ``index`` of x0."""
    up, down = x0.copy(), x0.copy()
    up[index] += H
    down[index] -= H
    return (f(up) - f(down)) / (2 * H)


def dL_dA_prev(trace, l: int, index) -> float:
    """∂L/∂a_ij of A^(l-1), by differences of the loss rerun from layer l."""
    i = index[0]
    rows = slice(i, i + 1)
    row = trace.layers[l - 1].A_prev[rows]
    return central(lambda x: loss_from(trace, l, x, rows=rows), row, (0,) + tuple(index[1:]))


def dL_dparam(trace, name: str, l: int, index) -> float:
    """∂L/∂w or ∂L/∂b of layer l by gradcheck's five-point rule over the whole network."""
    value, _ = numeric_entry(trace.spec, params_of(trace), trace.X, trace.Y, name, l, tuple(index))
    return float(value)


def dl_sample(trace, name: str, l: int, sample: int, index) -> float:
    """∂l_s/∂x for one sample's own loss l_s (not divided by m): x in row s of A^(l-1), or W, b of layer l."""
    spec, layer = trace.spec, trace.layers[l - 1]
    rows = slice(sample, sample + 1)
    scale = spec.m if spec.reduction == "mean" else 1
    if name == "A_prev":
        row = layer.A_prev[rows]
        return scale * central(lambda x: loss_from(trace, l, x, rows=rows), row, (0, index[0]))
    base = layer.W if name == "W" else layer.b
    return scale * central(
        lambda x: loss_from(trace, l, layer.A_prev[rows], rows=rows, **{name: x}), base, index
    )


def differ(claimed: float, actual: float, loss: float) -> bool:
    """A real difference, far beyond the finite differences' error."""
    return float(rel_error(claimed, actual, loss)) > 1e-5


def close(claimed: float, actual: float, loss: float) -> bool:
    return float(rel_error(claimed, actual, loss)) < 1e-6
