r"""Central finite differences in float64: the numeric oracle for every gradient.

For a variable entry x the estimate is the five-point central difference

    D(h) = (-L(x+2h) + 8 L(x+h) - 8 L(x-h) + L(x-2h)) / 12h

with h = 1e-4 first. Its error is bounded by an estimate made with it,

    err(h) = 24 ε max_k |L_k| / h  +  (truncation)

the first term the rounding of the four losses (18/12 times 16 ulps of the largest), the
second |D(h) - D(10h)| / (10⁴ - 1) (Richardson: D(h) - ∂L/∂x ≈ c h⁴) once a larger step
has been tried; at h = 1e-4 alone it is c · 1e-16, taken as negligible against rounding.
When err(h) is more than the tolerance allows for the entry (below), the step grows tenfold
up to 0.1 while the estimate improves and no step crosses a kink: a gradient of 1e-12 under
a loss of 10 (a saturated sigmoid) is then resolved to ~5e-13 instead of drowning in rounding.

Agreement is judged per entry against its own ARRAY (∂L/∂X, ∂L/∂W^(l), ∂L/∂b^(l)):

    rel(g, f) = |g - f| / max(|g|, |f|, 1e-3 · s, 2 err(f) / tol),   s = max |f| over the array

and passes at tol = 1e-6. Why: an absolute floor tied to the loss (the earlier
1e-9 · max(1, |L|)) is larger than every entry of an array whose gradients are all tiny, so
a wrong ∂L/∂W^(1) of size ~1e-12 passed at 100% error. With s each array is its own unit:
entries within a thousandth of its largest are judged relatively, smaller ones by their
absolute error against 1e-9 · s, and no entry is held to more than finite differences can
resolve (2 err(f)). So a wrong gradient fails whenever it is off by more than the
tolerance of its array's scale and by more than twice the estimate's error bar.

The estimates carry err(f) and s with them (``Estimate``, a float), so ``rel_error(g, f)``
of any gradient against a checked estimate (e.g. a classic mistake's) uses the same rule.
An entry whose ±2h perturbation moves some z across a kink of relu or leaky_relu is
``at_kink``: there the one-sided derivative backprop uses and the central difference
legitimately differ; the entry is reported ("not judged: kink", counted per array in
``Report.summary``), never judged.

>>> from backprop import NetworkSpec
>>> report = check(NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "identity")))
>>> report.passed
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.activations import activation
from backprop.core.losses import LOSSES
from backprop.core.network import Params, Trace, checked_inputs, forward, run
from backprop.core.spec import NetworkSpec

STEP = 1e-4
STEPS = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)  # the last only estimates the truncation of 0.1
ROUNDING = 24 * np.finfo(np.float64).eps  # err of D(h) from rounding: ROUNDING · max size(L_k) / h
FLOOR = 1e-3  # rel_error of plain floats: relative to max(1, |L|)
ARRAY_FLOOR = 1e-3  # an entry is judged relatively down to this fraction of its array's scale
ERROR_MARGIN = 2.0  # an entry may differ by this many times its estimate's error bar
TOLERANCE = 1e-6


class Estimate(float):
    r"""A finite-difference estimate (a float) with its error bar and its array's scale.

    ``error``: the bound err(f) on |f - ∂L/∂x|; ``scale``: max |f| over the checked entries
    of the same array; ``step``: the h used.
    """

    __slots__ = ("error", "scale", "step")
    error: float
    scale: float
    step: float

    def __new__(cls, value: float, error: float, scale: float = 0.0, step: float = STEP):
        self = super().__new__(cls, value)
        self.error, self.scale, self.step = float(error), float(scale), float(step)
        return self

    def __reduce__(self):
        return (Estimate, (float(self), self.error, self.scale, self.step))

    def floor(self, tolerance: float = TOLERANCE) -> float:
        r"""max(1e-3 · s, 2 err / tol): below it an entry is judged by its absolute error."""
        return max(ARRAY_FLOOR * self.scale, ERROR_MARGIN * self.error / tolerance, np.finfo(float).tiny)


@dataclass(frozen=True)
class Entry:
    """One checked gradient entry: which variable, its index, both values, their error."""

    variable: str  # "W", "b" or "X"
    l: int  # layer (0 for X)
    index: tuple[int, ...]
    backprop: float
    numeric: float  # an Estimate when made by ``check``
    rel_error: float
    at_kink: bool


def array_name(variable: str, l: int) -> str:
    """∂L/∂X, ∂L/∂W^(l) or ∂L/∂b^(l)."""
    return "∂L/∂X" if variable == "X" else f"∂L/∂{variable}^({l})"


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

    def kinks(self) -> dict[str, int]:
        """Entries not judged because a step crosses a kink, counted per array ({"∂L/∂W^(1)": 3})."""
        counts: dict[str, int] = {}
        for e in self.entries:
            if e.at_kink:
                counts[array_name(e.variable, e.l)] = counts.get(array_name(e.variable, e.l), 0) + 1
        return counts

    def kink_text(self) -> str:
        """'not judged: kink: ∂L/∂X 2, ∂L/∂W^(1) 3', or '' when no entry is at a kink."""
        kinks = self.kinks()
        return ("not judged: kink: " + ", ".join(f"{k} {n}" for k, n in kinks.items())) if kinks else ""

    def failing(self) -> dict[str, int]:
        """Judged entries beyond the tolerance, counted per array."""
        counts: dict[str, int] = {}
        for e in self.judged:
            if not e.rel_error <= self.tolerance:
                counts[array_name(e.variable, e.l)] = counts.get(array_name(e.variable, e.l), 0) + 1
        return counts

    def summary(self) -> str:
        """PASS/FAIL, entries judged, the worst relative error, the failing and the kink counts per array."""
        verdict = "PASS" if self.passed else "FAIL"
        text = (
            f"{verdict}: {len(self.judged)} entries judged, worst relative error {self.worst:.2e} "
            f"(tolerance {self.tolerance:.0e}, each array against its own scale)"
        )
        failing = self.failing()
        if failing:
            text += "; failing: " + ", ".join(f"{k} {n}" for k, n in failing.items())
        return text + (f"; {self.kink_text()}" if self.kinks() else "")


def rel_error(g, f, loss: float = 1.0):
    r"""|g - f| / max(|g|, |f|, floor), elementwise.

    f an ``Estimate``: floor = max(1e-3 · s, 2 err(f) / tol) (its array's scale and its error
    bar, see the module). A plain float f: floor = 1e-3 · max(1, |L|) (values outside a check).
    """
    floor = f.floor() if isinstance(f, Estimate) else FLOOR * max(1.0, abs(loss))
    g, f = np.asarray(g, dtype=np.float64), np.asarray(f, dtype=np.float64)
    return np.abs(g - f) / np.maximum(np.maximum(np.abs(g), np.abs(f)), floor)


def variables(spec: NetworkSpec) -> list[tuple[str, int]]:
    """Every differentiable variable: ("X", 0), then ("W", l), ("b", l) for l = 1..L."""
    return [("X", 0)] + [(name, l) for l in range(1, spec.L + 1) for name in ("W", "b")]


def gradient_of(trace: Trace, variable: str, l: int) -> np.ndarray:
    """The backprop gradient ∂L/∂X, ∂L/∂W^(l) or ∂L/∂b^(l) from a trace."""
    if variable == "X":
        return trace.layers[0].dA_prev
    return getattr(trace.layers[l - 1], "d" + variable)


def _five_point(spec, params: Params, X, Y, variable: str, l: int, index, h: float):
    r"""(D(h), its rounding error bound, D(h) - the two-point estimate, whether a step crosses a kink)."""
    values = {"X": [X.copy()], "W": [W.copy() for W in params.W], "b": [b.copy() for b in params.b]}
    target = values[variable][0 if variable == "X" else l - 1]
    original = target[index]
    results, patterns = [], []
    with np.errstate(all="ignore"):  # a large trial step may overflow: its estimate is then not used
        sizes = []
        for x in (original + 2 * h, original + h, original - h, original - 2 * h):
            target[index] = x
            loss, size, pattern = _evaluate(
                spec, Params(tuple(values["W"]), tuple(values["b"])), values["X"][0], Y
            )
            results.append(loss)
            sizes.append(size)
            patterns.append(pattern)
        target[index] = original
        plus2, plus1, minus1, minus2 = results
        value = (-plus2 + 8 * plus1 - 8 * minus1 + minus2) / (12 * h)
        two_point = (plus1 - minus1) / (2 * h)
        rounding = ROUNDING * max(sizes) / h
    at_kink = any(not np.array_equal(a, b) for later in patterns[1:] for a, b in zip(patterns[0], later))
    return value, rounding, value - two_point, at_kink


def numeric_entry(spec, params: Params, X, Y, variable: str, l: int, index, h: float = STEP):
    r"""The five-point estimate D(h) of ∂L/∂x for one entry, and whether a step crosses a kink."""
    value, _, _, at_kink = _five_point(spec, params, X, Y, variable, l, index, h)
    return value, at_kink


def _first_estimate(spec, params, X, Y, variable, l, index):
    """(D(1e-4), err, at_kink): err is the rounding bound (the truncation c · 1e-16 is negligible)."""
    value, rounding, _, at_kink = _five_point(spec, params, X, Y, variable, l, index, STEP)
    return value, rounding, at_kink


def _refined(spec, params, X, Y, variable, l, index, value, error, wanted):
    r"""A better estimate by larger steps: (D, err, h) with the smallest err, stopping at ``wanted``.

    err(h_k) = rounding(h_k) + |D(h_{k+1}) - D(h_k)| / (10⁴ - 1): the next step estimates the
    truncation of this one. Steps that cross a kink or overflow end the ladder.
    """
    best = (value, error, STEPS[0])
    ladder = [_five_point(spec, params, X, Y, variable, l, index, STEPS[0])]
    for k in range(1, len(STEPS)):
        nxt = _five_point(spec, params, X, Y, variable, l, index, STEPS[k])
        if nxt[3] or not np.isfinite(nxt[0]):
            break
        previous = ladder[-1]
        err = previous[1] + abs(nxt[0] - previous[0]) / (10**4 - 1)
        if err < best[1]:
            best = (previous[0], err, STEPS[k - 1])
        elif k > 1:  # truncation now grows faster than rounding falls
            break
        if best[1] <= wanted:
            break
        ladder.append(nxt)
    return best


def numeric_gradient(spec, params: Params, X, Y, variable: str, l: int):
    """Finite-difference estimate of a whole gradient, and the mask of entries at a kink."""
    shape = X.shape if variable == "X" else getattr(params, variable)[l - 1].shape
    estimate, kinks = np.empty(shape), np.zeros(shape, dtype=bool)
    for index in np.ndindex(*shape):
        estimate[index], kinks[index] = numeric_entry(spec, params, X, Y, variable, l, index)
    return estimate, kinks


def estimate_array(spec, params: Params, X, Y, variable: str, l: int, indices, tolerance: float = TOLERANCE):
    r"""{index: (Estimate, at_kink)} for the given entries of one array.

    First D(1e-4) everywhere; s = max |D| over the entries not at a kink; then each entry whose
    error bar exceeds what the tolerance allows it, tol · max(|D|, 1e-3 s), is refined by
    larger steps; finally every estimate carries the array's scale s.
    """
    first = {i: _first_estimate(spec, params, X, Y, variable, l, i) for i in indices}
    scale = max((abs(v) for v, _, kink in first.values() if not kink), default=0.0)
    out = {}
    for i, (value, error, kink) in first.items():
        step, wanted = STEP, tolerance * max(abs(value), ARRAY_FLOOR * scale)
        if not kink and error > wanted:
            value, error, step = _refined(spec, params, X, Y, variable, l, i, value, error, wanted)
        out[i] = (value, error, step, kink)
    scale = max((abs(v) for v, _, _, kink in out.values() if not kink), default=0.0)
    return {i: (Estimate(v, e, scale, h), kink) for i, (v, e, h, kink) in out.items()}


def _evaluate(spec, params: Params, X, Y) -> tuple[float, float, list[np.ndarray]]:
    r"""One forward pass: (L, the size of the terms L is computed from, the kink pattern).

    bce and softmax_ce are computed from the logits, l_i = logsumexp(z_i) - z_iy (or
    softplus(z) - y z): a difference of terms of size max_j |z_ij|, so their rounding is
    ε Σ_i max_j |z_ij|, however small L itself is. Squared error sums squares: ε |L|.
    """
    layers = forward(spec, params, X)
    Z, A = layers[-1]
    scale = 1 / spec.m if spec.reduction == "mean" else 1.0
    loss = float(LOSSES[spec.loss].per_sample(Z, A, Y).sum() * scale)
    size = abs(loss) if spec.loss == "mse" else max(abs(loss), float(np.abs(Z).max(axis=1).sum() * scale))
    return loss, size, _pattern_of(spec, layers)


def _pattern_of(spec, layers) -> list[np.ndarray]:
    """Which side of each kink every z of a kinked activation lies on, from a forward pass's layers."""
    return [Z > k for (Z, _), name in zip(layers, spec.activations) for k in activation(name).kinks]


def check(
    spec: NetworkSpec, params: Params | None = None, X=None, Y=None, max_entries: int | None = None
) -> Report:
    r"""Backprop against finite differences for every entry of X and every W^(l), b^(l).

    With ``max_entries`` set, each variable is checked on that many entries drawn from
    ``default_rng(spec.seed)`` (large networks); otherwise on all of them. Each array's
    scale s is the largest estimate among its checked entries.
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
        estimates = estimate_array(spec, params, X, Y, variable, l, indices)
        for index in indices:
            numeric, at_kink = estimates[index]
            g = float(grad[index])
            error = float(rel_error(g, numeric))
            entries.append(Entry(variable, l, index, g, numeric, error, at_kink))
    return Report(tuple(entries))
