r"""Plain gradient descent, to watch the loss and each layer's gradient change over steps.

One step: run the forward and backward pass, then

    W^(l) ← W^(l) − η ∂L/∂W^(l),    b^(l) ← b^(l) − η ∂L/∂b^(l)     for every l.

``train`` records the loss and the Frobenius norm ‖∂L/∂W^(l)‖ of every layer before each
step and once after the last. A deep sigmoid network shows vanishing gradients: g'(z) ≤ ¼,
so every layer down the chain multiplies ∂L/∂Z by at most ¼ ‖W‖ and the early layers'
norms are orders of magnitude below the last one's; the same network with ReLU
(g' = 1 where active) and He initialisation keeps them within one order.
``DEMOS`` holds such a pair.

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
from backprop.core.network import Params, Trace, checked_inputs, run
from backprop.core.spec import MAX_MAGNITUDE, NetworkSpec

MAX_STEPS = 1000
MAX_RATE = 10.0
# steps × (multiply-adds of one forward and backward pass) allowed in one call: keeps a
# request under about a second on one core whatever the network's size
MAX_WORK = 3e8
DIVERGED = 1e100  # a loss above this (or not finite) stops training


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
        raise InvalidInput("learning rate", rate, f"a number above 0 and at most {MAX_RATE:g}")
    if not isinstance(rate, float):
        rate = float(rate)
    limit = max_steps(spec)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= limit:
        raise InvalidInput("steps", steps, f"a whole number from 0 to {limit} for this network")
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
