r"""Central finite differences in float64: the numeric oracle for every gradient.

For a variable entry x the estimate is the five-point central difference

    (-L(x+2h) + 8 L(x+h) - 8 L(x-h) + L(x-2h)) / 12h

whose error is O(h⁴) from the Taylor series plus O(ε|L|/h) from rounding; h = 1e-4
keeps both near 1e-12 (the plain two-point form reaches only ~1e-9 at its best h).
Agreement is judged per entry by the relative error

    rel(g, f) = |g - f| / max(|g|, |f|, floor),   floor = 1e-3 · max(1, |L|)

and passes at 1e-6. The floor makes entries whose gradient is (near) zero be judged
by their absolute error, |g - f| ≤ 1e-9 · max(1, |L|), which is still some 500 times
the rounding noise of the estimate (ε|L|/h ≈ 2e-12 |L|) and far below any real mistake.
An entry whose ±2h perturbation moves some z across a kink of relu or leaky_relu is
reported as ``at_kink``: there the one-sided derivative that backprop uses and the
central difference legitimately differ, and the entry is not judged.

>>> from backprop import NetworkSpec
>>> report = check(NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "identity")))
>>> report.passed
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.activations import activation
from backprop.core.network import Params, Trace, checked_inputs, forward, loss_value, run
from backprop.core.spec import NetworkSpec

STEP = 1e-4
FLOOR = 1e-3  # relative to max(1, |L|)
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Entry:
    """One checked gradient entry: which variable, its index, both values, their error."""

    variable: str  # "W", "b" or "X"
    l: int  # layer (0 for X)
    index: tuple[int, ...]
    backprop: float
    numeric: float
    rel_error: float
    at_kink: bool


@dataclass(frozen=True)
class Report:
    """All checked entries with the tolerance used; ``passed`` if every judged entry is within it."""

    entries: tuple[Entry, ...]
    tolerance: float = TOLERANCE

    @property
    def judged(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if not e.at_kink)

    @property
    def worst(self) -> float:
        return max((e.rel_error for e in self.judged), default=0.0)

    @property
    def passed(self) -> bool:
        return self.worst <= self.tolerance


def rel_error(g, f, loss: float = 1.0):
    r"""|g - f| / max(|g|, |f|, 1e-3 · max(1, |L|)), elementwise."""
    g, f = np.asarray(g, dtype=np.float64), np.asarray(f, dtype=np.float64)
    floor = FLOOR * max(1.0, abs(loss))
    return np.abs(g - f) / np.maximum(np.maximum(np.abs(g), np.abs(f)), floor)


def variables(spec: NetworkSpec) -> list[tuple[str, int]]:
    """Every differentiable variable: ("X", 0), then ("W", l), ("b", l) for l = 1..L."""
    return [("X", 0)] + [(name, l) for l in range(1, spec.L + 1) for name in ("W", "b")]


def gradient_of(trace: Trace, variable: str, l: int) -> np.ndarray:
    """The backprop gradient ∂L/∂X, ∂L/∂W^(l) or ∂L/∂b^(l) from a trace."""
    if variable == "X":
        return trace.layers[0].dA_prev
    return getattr(trace.layers[l - 1], "d" + variable)


def numeric_entry(spec, params: Params, X, Y, variable: str, l: int, index, h: float = STEP):
    r"""The five-point estimate of ∂L/∂x for one entry, and whether a step crosses a kink."""
    values = {"X": [X.copy()], "W": [W.copy() for W in params.W], "b": [b.copy() for b in params.b]}
    target = values[variable][0 if variable == "X" else l - 1]
    original = target[index]
    results, patterns = [], []
    for x in (original + 2 * h, original + h, original - h, original - 2 * h):
        target[index] = x
        p = Params(tuple(values["W"]), tuple(values["b"]))
        X_ = values["X"][0]
        results.append(loss_value(spec, p, X_, Y))
        patterns.append(_kink_pattern(spec, p, X_))
    target[index] = original
    at_kink = any(
        not np.array_equal(a, b) for later in patterns[1:] for a, b in zip(patterns[0], later)
    )
    plus2, plus1, minus1, minus2 = results
    return (-plus2 + 8 * plus1 - 8 * minus1 + minus2) / (12 * h), at_kink


def _kink_pattern(spec, params: Params, X) -> list[np.ndarray]:
    """Which side of each kink every z of a kinked activation lies on."""
    out = []
    for (Z, _), name in zip(forward(spec, params, X), spec.activations):
        out.extend(Z > k for k in activation(name).kinks)
    return out


def numeric_gradient(spec, params: Params, X, Y, variable: str, l: int):
    """Finite-difference estimate of a whole gradient, and the mask of entries at a kink."""
    shape = X.shape if variable == "X" else getattr(params, variable)[l - 1].shape
    estimate, kinks = np.empty(shape), np.zeros(shape, dtype=bool)
    for index in np.ndindex(*shape):
        estimate[index], kinks[index] = numeric_entry(spec, params, X, Y, variable, l, index)
    return estimate, kinks


def check(
    spec: NetworkSpec, params: Params | None = None, X=None, Y=None, max_entries: int | None = None
) -> Report:
    r"""Backprop against finite differences for every entry of X and every W^(l), b^(l).

    With ``max_entries`` set, each variable is checked on that many entries drawn from
    ``default_rng(spec.seed)`` (large networks); otherwise on all of them.
    """
    params, X, Y = checked_inputs(spec, params, X, Y)
    trace = run(spec, params, X, Y)
    rng = np.random.default_rng(spec.seed)
    entries = []
    for variable, l in variables(spec):
        grad = gradient_of(trace, variable, l)
        indices = list(np.ndindex(*grad.shape))
        if max_entries is not None and len(indices) > max_entries:
            picks = rng.choice(len(indices), max_entries, replace=False)
            indices = [indices[i] for i in sorted(picks)]
        for index in indices:
            numeric, at_kink = numeric_entry(spec, params, X, Y, variable, l, index)
            g = float(grad[index])
            error = float(rel_error(g, numeric, trace.loss))
            entries.append(Entry(variable, l, index, g, numeric, error, at_kink))
    return Report(tuple(entries))
