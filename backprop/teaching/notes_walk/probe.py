r"""Finite differences of L with respect to any matrix of one layer, not only W, b and X.

The notes differentiate L with respect to A^(l-1) and Z^(l), which ``backprop.core.gradcheck``
does not perturb (it perturbs the network's inputs and parameters). Here L is rerun
from layer l upward with one entry moved, using gradcheck's five-point rule and step:

    ∂L/∂x ≈ (-L(x+2h) + 8 L(x+h) - 8 L(x-h) + L(x-2h)) / 12h

Samples do not mix, so moving an entry of row i of A^(l-1), Z^(l) or A^(l) changes
only l_i: only that row is rerun. An estimate whose steps move some z across a kink
of relu or leaky_relu is flagged ``at_kink`` and is not used to judge anything.

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "identity")))
>>> fd = estimate(trace, "A_prev", 2, (0, 1))
>>> bool(abs(fd.value - trace.layers[1].dA_prev[0, 1]) < 1e-9)
True
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from backprop.core.activations import activation
from backprop.core.gradcheck import STEP
from backprop.core.losses import LOSSES
from backprop.core.network import Trace

VARIABLES = ("A_prev", "Z", "A", "W", "b")

_CLIP = 1e-300


class Estimate(NamedTuple):
    """A five-point estimate of one ∂L/∂x and whether its steps crossed a kink."""

    value: float
    at_kink: bool


def loss_of_A(name: str, A: np.ndarray, Y: np.ndarray) -> float:
    r"""Σ_i l_i written as a function of the output A^(L) (the losses module computes bce and CE from Z).

    mse: ½ Σ (a - y)²; bce: -Σ [y log a + (1-y) log(1-a)]; softmax_ce: -Σ y log a.
    """
    if name == "mse":
        return float(0.5 * ((A - Y) ** 2).sum())
    if name == "bce":
        return float(-(Y * np.log(np.maximum(A, _CLIP)) + (1 - Y) * np.log(np.maximum(1 - A, _CLIP))).sum())
    return float(-(Y * np.log(np.maximum(A, _CLIP))).sum())


def _run_up(trace: Trace, l: int, A_prev: np.ndarray, rows, W=None, b=None):
    """(Σ_{i in rows} l_i, kink pattern) from A^(l-1) through layers l..L (W^(l), b^(l) may be replaced)."""
    spec, A = trace.spec, A_prev
    pattern: list[np.ndarray] = []
    for k in range(l, spec.L + 1):
        layer = trace.layers[k - 1]
        W_k = W if (k == l and W is not None) else layer.W
        b_k = b if (k == l and b is not None) else layer.b
        Z = A @ W_k + b_k  # (rows, n_k)
        act = activation(spec.activations[k - 1])
        pattern.extend(Z > kink for kink in act.kinks)
        A = act.g(Z)
    return _tail_loss(trace, Z, A, rows), pattern


def _tail_loss(trace: Trace, Z, A, rows) -> float:
    """Σ_{i in rows} l_i, divided by m under the mean reduction."""
    spec = trace.spec
    total = LOSSES[spec.loss].per_sample(Z, A, trace.Y[rows]).sum()
    return float(total / (spec.m if spec.reduction == "mean" else 1))


def _evaluator(trace: Trace, variable: str, l: int, index: tuple[int, ...], sample: int | None):
    """(the array to perturb, a function of that array giving (loss, kink pattern))."""
    spec, layer = trace.spec, trace.layers[l - 1]
    if variable in ("W", "b"):
        target = (layer.W if variable == "W" else layer.b).copy()
        rows = slice(None) if sample is None else slice(sample, sample + 1)
        return target, lambda x: _run_up(trace, l, layer.A_prev[rows], rows, **{variable: x})
    rows = slice(index[0], index[0] + 1)
    if variable == "A_prev":
        return layer.A_prev[rows].copy(), lambda x: _run_up(trace, l, x, rows)
    if variable == "Z":
        act = activation(spec.activations[l - 1])

        def through_g(Z):
            head = [Z > kink for kink in act.kinks]
            A = act.g(Z)
            if l == spec.L:
                return _tail_loss(trace, Z, A, rows), head
            loss, rest = _run_up(trace, l + 1, A, rows)
            return loss, head + rest

        return layer.Z[rows].copy(), through_g
    # variable == "A": A^(l) feeds layer l+1, or the loss itself when l = L
    if l == spec.L:
        scale = spec.m if spec.reduction == "mean" else 1
        return layer.A[rows].copy(), lambda A: (loss_of_A(spec.loss, A, trace.Y[rows]) / scale, [])
    return layer.A[rows].copy(), lambda A: _run_up(trace, l + 1, A, rows)


def estimate(
    trace: Trace, variable: str, l: int, index: tuple[int, ...], h: float = STEP, sample: int | None = None
) -> Estimate:
    r"""Five-point estimate of ∂L/∂x, x = entry ``index`` (0-based) of A^(l-1), Z^(l), A^(l), W^(l) or b^(l).

    With ``sample`` s (W and b only), the estimate of ∂l_s/∂x instead: one sample's loss
    (divided by m under the mean reduction, as L is).
    """
    if variable not in VARIABLES:
        raise KeyError(variable)
    target, evaluate = _evaluator(trace, variable, l, index, sample)
    local = index if variable in ("W", "b") else (0,) + tuple(index[1:])
    original = target[local]
    values, patterns = [], []
    for x in (original + 2 * h, original + h, original - h, original - 2 * h):
        target[local] = x
        value, pattern = evaluate(target)
        values.append(value)
        patterns.append(pattern)
    first = patterns[0]
    at_kink = any(
        not np.array_equal(a, b) for later in patterns[1:] for a, b in zip(first, later, strict=True)
    )
    plus2, plus1, minus1, minus2 = values
    return Estimate((-plus2 + 8 * plus1 - 8 * minus1 + minus2) / (12 * h), at_kink)


def pick_entries(shape: tuple[int, ...], count: int, seed: int, first=None) -> list[tuple[int, ...]]:
    r"""Up to ``count`` distinct indices of an array of ``shape``: ``first``, then some drawn from the seed.

    >>> pick_entries((2, 2), 10, 0)
    [(0, 0), (0, 1), (1, 0), (1, 1)]
    """
    size = int(np.prod(shape))
    if size <= count:
        flat = list(range(size))
    else:  # draw without listing every index: a layer may hold millions
        rng = np.random.default_rng([seed, 7])
        flat = sorted(set(int(k) for k in rng.integers(0, size, 4 * count)))[:count]
    picked = [tuple(int(i) for i in np.unravel_index(k, shape)) for k in flat]
    if first is not None:
        first = tuple(first)
        picked = [first] + [index for index in picked if index != first][: count - 1]
    return picked


def cost(trace: Trace, variable: str, l: int, sample: int | None = None) -> int:
    """Multiply-adds of one estimate: four reruns from layer l (one row, or the whole batch for W and b)."""
    sizes = trace.spec.sizes
    start = l + 1 if variable in ("Z", "A") else l
    rows = trace.spec.m if variable in ("W", "b") and sample is None else 1
    return (
        4 * rows * sum(sizes[k - 1] * sizes[k] for k in range(start, trace.spec.L + 1)) + 4 * rows * sizes[-1]
    )
