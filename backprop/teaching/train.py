r"""Plain gradient descent, to watch the loss and each layer's gradient change over steps.

One step: run the forward and backward pass, then

    W^(l) ← W^(l) − η ∂L/∂W^(l),    b^(l) ← b^(l) − η ∂L/∂b^(l)     for every l.

``train`` records the loss and the Frobenius norm ‖∂L/∂W^(l)‖ of every layer before each
step and once after the last. A deep sigmoid network shows vanishing gradients: g'(z) ≤ ¼,
so every layer down the chain multiplies ∂L/∂Z by at most ¼ ‖W‖ and the early layers'
norms are orders of magnitude below the last one's; the same network with ReLU
(g' = 1 where active) and He initialisation keeps them within one order.
``DEMOS`` holds such a pair.

For watching training live, ``step`` takes k steps from given parameters, ``start`` and
``advance`` keep a whole run's records (``Progress``, thinned past MAX_RECORDS), and
``surface`` evaluates the network's forward pass over a grid of inputs (the decision
boundary of a 2-D input, the fitted curve of a 1-D one).

>>> history = train(NetworkSpec(), rate=0.05, steps=20)
>>> history.loss.shape, history.grad_norms.shape
((21,), (21, 2))
>>> bool(history.loss[-1] < history.loss[0])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.network import Params, Trace, checked_inputs, forward, run
from backprop.core.spec import MAX_MAGNITUDE, NetworkSpec

MAX_STEPS = 1000
MAX_RATE = 10.0
# steps × (multiply-adds of one forward and backward pass) allowed in one call: keeps a
# request under about a second on one core whatever the network's size
MAX_WORK = 3e8
DIVERGED = 1e100  # a loss above this (or not finite) stops training
# records a live run keeps: past this every other one is dropped (the first and last stay),
# so a run left playing for an hour holds kilobytes, not megabytes
MAX_RECORDS = 4000
GRID = 40  # points per side of the grid ``surface`` evaluates


def _deep(g: str, init: str) -> NetworkSpec:
    """Six hidden layers of 8 with activation g: the two demos differ only in g and the initialisation."""
    return NetworkSpec(
        sizes=(4, 8, 8, 8, 8, 8, 8, 2), activations=(g,) * 6 + ("identity",), batch=16, seed=1, init=init
    )


DEMOS = {"deep_sigmoid": _deep("sigmoid", "xavier"), "deep_relu": _deep("relu", "he")}


@dataclass(frozen=True)
class History:
    r"""What gradient descent did: record k is taken before step k+1 (k = 0..steps_done).

    loss (k,), grad_norms (k, L) = ‖∂L/∂W^(l)‖_F, bias_norms (k, L) = ‖∂L/∂b^(l)‖,
    the final parameters and the trace at them; ``diverged`` if the loss blew up or a
    parameter passed MAX_MAGNITUDE (the records stop at the last step before).
    """

    rate: float
    loss: np.ndarray  # (k,)
    grad_norms: np.ndarray  # (k, L)
    bias_norms: np.ndarray  # (k, L)
    params: Params
    final: Trace
    diverged: bool

    @property
    def steps_done(self) -> int:
        return len(self.loss) - 1


def work(spec: NetworkSpec) -> int:
    """Multiply-adds of one forward and backward pass: 3 m Σ n_{l-1} n_l."""
    return 3 * spec.m * sum(a * b for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True))


def max_steps(spec: NetworkSpec) -> int:
    """The most steps one call may take on this network (MAX_STEPS, fewer for big ones)."""
    return max(1, min(MAX_STEPS, int(MAX_WORK // work(spec))))


def train(
    spec: NetworkSpec, rate: float, steps: int, params: Params | None = None, X=None, Y=None
) -> History:
    r"""``steps`` steps of gradient descent with learning rate η = ``rate`` from the given (or seeded) start.

    Raises InvalidInput for a rate outside (0, MAX_RATE] or steps outside 0..max_steps(spec).
    """
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= MAX_RATE:
        raise InvalidInput(
            "learning rate",
            rate,
            f"a number above 0 and at most {MAX_RATE:g}",
            code="train_rate",
            limit=f"{MAX_RATE:g}",
        )
    if not isinstance(rate, float):
        rate = float(rate)
    limit = max_steps(spec)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= limit:
        raise InvalidInput(
            "steps",
            steps,
            f"a whole number from 0 to {limit} for this network",
            code="train_steps",
            limit=limit,
        )
    params, X, Y = checked_inputs(spec, params, X, Y)
    losses, norms, bias_norms = [], [], []
    trace, diverged = run(spec, params, X, Y), False
    with np.errstate(all="ignore"):  # a too-large rate overflows; that is reported, not warned
        for step in range(steps + 1):
            losses.append(trace.loss)
            norms.append([np.linalg.norm(layer.dW) for layer in trace.layers])
            bias_norms.append([np.linalg.norm(layer.db) for layer in trace.layers])
            if step == steps:
                break
            new = Params(
                tuple(layer.W - rate * layer.dW for layer in trace.layers),
                tuple(layer.b - rate * layer.db for layer in trace.layers),
            )
            if not all(np.isfinite(P).all() and np.abs(P).max() <= MAX_MAGNITUDE for P in new.W + new.b):
                diverged = True  # a parameter left what the core accepts (|x| ≤ MAX_MAGNITUDE)
                break
            candidate = run(spec, new, X, Y)
            if not math.isfinite(candidate.loss) or candidate.loss > DIVERGED:
                diverged = True
                break
            params, trace = new, candidate
    return History(rate, np.array(losses), np.array(norms), np.array(bias_norms), params, trace, diverged)


def early_to_late(history: History, step: int = 0) -> float:
    r"""‖∂L/∂W^(1)‖ / ‖∂L/∂W^(L)‖ at record ``step``: far below 1 when gradients vanish."""
    first, last = history.grad_norms[step, 0], history.grad_norms[step, -1]
    return float(first / last) if last > 0 else math.inf


def step(
    params: Params, spec: NetworkSpec, X: np.ndarray, Y: np.ndarray, rate: float, k: int
) -> tuple[Params, History]:
    r"""k steps of gradient descent from the given W, b: the new parameters and the steps' records.

        W^(l) ← W^(l) − η ∂L/∂W^(l),   b^(l) ← b^(l) − η ∂L/∂b^(l)     (k times, every l)

    The gradients are the core's ``run``; record 0 of the History is at ``params``, the
    last at the returned parameters (``history.final`` is their trace). X (m, n_0), Y (m, n_L).
    Raises InvalidInput as ``train`` does (rate, k above ``max_steps(spec)``, arrays).
    """
    history = train(spec, rate, k, params, X, Y)
    return history.params, history


@dataclass(frozen=True)
class Progress:
    r"""A run of gradient descent so far: W, b now, their trace, and the records since step 0.

    at (k,) the step of each record, loss (k,), grad_norms (k, L) = ‖∂L/∂W^(l)‖_F at that
    step; the last record is at ``steps``. ``diverged``: the last advance stopped early.
    """

    spec: NetworkSpec
    X: np.ndarray  # (m, n_0)
    Y: np.ndarray  # (m, n_L)
    params: Params
    trace: Trace  # at params
    steps: int
    at: np.ndarray  # (k,)
    loss: np.ndarray  # (k,)
    grad_norms: np.ndarray  # (k, L)
    diverged: bool = False


def start(spec: NetworkSpec, params: Params | None = None, X=None, Y=None) -> Progress:
    """Step 0 of a run from the given (or seeded) W, b, X, Y: one record, at the start."""
    params, X, Y = checked_inputs(spec, params, X, Y)
    trace = run(spec, params, X, Y)
    norms = np.array([[np.linalg.norm(layer.dW) for layer in trace.layers]])
    return Progress(spec, X, Y, params, trace, 0, np.array([0]), np.array([trace.loss]), norms)


def advance(progress: Progress, rate: float, k: int) -> Progress:
    r"""The run after k more steps (``step``), records appended; a diverged run stays where it stopped."""
    if progress.diverged or k == 0:
        return progress
    params, history = step(progress.params, progress.spec, progress.X, progress.Y, rate, k)
    done = history.steps_done
    at = np.concatenate([progress.at, progress.steps + np.arange(1, done + 1)])
    loss = np.concatenate([progress.loss, history.loss[1:]])
    norms = np.concatenate([progress.grad_norms, history.grad_norms[1:]])
    while len(at) > MAX_RECORDS:
        keep = np.r_[0 : len(at) - 1 : 2, len(at) - 1]  # every other record, and the last
        at, loss, norms = at[keep], loss[keep], norms[keep]
    return Progress(
        progress.spec, progress.X, progress.Y, params, history.final,
        progress.steps + done, at, loss, norms, history.diverged,
    )  # fmt: skip


@dataclass(frozen=True)
class Surface:
    r"""The network's output over a grid of inputs spanning the data.

    kind "probability" (bce: a_1, n × n), "class" (softmax_ce: the argmax class 1..n_L,
    n × n), "output" (mse, 2-D input: a_1, n × n) or "curve" (1-D input: xs (n,), A (n, n_L)).
    For a grid, ``values[i, j]`` is at (x₁ = xs[j], x₂ = ys[i]).
    """

    kind: str
    xs: np.ndarray  # (n,)
    ys: np.ndarray | None  # (n,) for a grid
    values: np.ndarray  # (n, n) or (n, n_L)


def _span(column: np.ndarray, n: int) -> np.ndarray:
    """n points over the column's range, widened by a tenth on each side (±1 if it is one value)."""
    low, high = float(column.min()), float(column.max())
    pad = 0.1 * (high - low) or 1.0
    return np.linspace(low - pad, high + pad, n)


def surface(spec: NetworkSpec, params: Params, X: np.ndarray, n: int = GRID) -> Surface | None:
    r"""The forward pass A^(L) = f(x) over a grid around X (m, n_0); None unless n_0 is 1 or 2."""
    if spec.sizes[0] == 1:
        xs = _span(X[:, 0], n)
        return Surface("curve", xs, None, forward(spec, params, xs[:, None])[-1][1])  # (n, n_L)
    if spec.sizes[0] != 2:
        return None
    xs, ys = _span(X[:, 0], n), _span(X[:, 1], n)
    x1, x2 = np.meshgrid(xs, ys)  # (n, n): row i is x₂ = ys[i]
    with np.errstate(all="ignore"):  # far from the data an output may saturate; that is drawn
        A = forward(spec, params, np.column_stack([x1.ravel(), x2.ravel()]))[-1][1]  # (n², n_L)
    if spec.loss == "softmax_ce":
        return Surface("class", xs, ys, (A.argmax(axis=1) + 1).reshape(n, n).astype(float))
    return Surface("probability" if spec.loss == "bce" else "output", xs, ys, A[:, 0].reshape(n, n))
