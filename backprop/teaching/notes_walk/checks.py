r"""The checks every step shares: two computations agree, finite differences confirm, a counterexample.

Each returns a ``Check`` (or ``Evidence``) whose ``data`` holds the raw numbers, so the
tests can recompute the verdict on their own.

>>> import numpy as np
>>> numbers([("x", "y", np.ones(2), np.ones(2))]).holds
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.gradcheck import TOLERANCE, rel_error
from backprop.core.network import Trace
from backprop.teaching.notes_walk import probe
from backprop.teaching.notes_walk.model import Check, Evidence, fmt_index, fmt_number, fmt_shape

FD_ENTRIES = 4  # entries judged by finite differences per check (the chosen one first)
FD_BUDGET = 50_000_000  # multiply-adds one check may spend: big layers get fewer entries (at least one)
EXACT = 1e-9  # two computations of the same number agree within EXACT · max(1, |values|)


class Focus(NamedTuple):
    r"""What the student looks at: layer l, sample s, and one entry of A^(l-1), W^(l), b^(l) (0-based)."""

    l: int
    sample: int
    a_entry: tuple[int, int]
    w_entry: tuple[int, int]
    b_entry: int


def focus(trace: Trace, l=None, sample=0, a_entry=(0, 0), w_entry=(0, 0), b_entry=0) -> Focus:
    r"""A checked Focus (InvalidInput naming the field); layer l defaults to the last one."""
    spec = trace.spec
    l = spec.L if l is None else l
    _within("layer", l, 1, spec.L)
    m, n_in, n_out = spec.m, spec.sizes[l - 1], spec.sizes[l]
    _within("sample", sample, 0, m - 1)
    _within("entry of A", a_entry, (0, 0), (m - 1, n_in - 1))
    _within("entry of W", w_entry, (0, 0), (n_in - 1, n_out - 1))
    _within("entry of b", b_entry, 0, n_out - 1)
    a_pair = (int(a_entry[0]), int(a_entry[1]))  # _within checked both are pairs
    w_pair = (int(w_entry[0]), int(w_entry[1]))
    return Focus(int(l), int(sample), a_pair, w_pair, int(b_entry))


def _within(field: str, value, low, high) -> None:
    """InvalidInput unless low <= value <= high, entry by entry (whole numbers only)."""
    if isinstance(low, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(low):
            raise InvalidInput(field, value, f"a pair from {low} to {high}")
        pairs = list(zip(value, low, high, strict=True))
    else:
        pairs = [(value, low, high)]
    ok = all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and lo <= v <= hi for v, lo, hi in pairs
    )
    if not ok:
        raise InvalidInput(field, value, f"from {low} to {high}")


def agree(lhs, rhs) -> tuple[bool, float, tuple[int, ...]]:
    """(same within EXACT, largest |difference|, where) for two arrays of one shape."""
    lhs, rhs = np.asarray(lhs, dtype=np.float64), np.asarray(rhs, dtype=np.float64)
    if lhs.shape != rhs.shape:
        return False, np.inf, ()
    finite = np.isfinite(lhs) & np.isfinite(rhs)
    if not np.array_equal(np.isfinite(lhs), np.isfinite(rhs)) or not np.array_equal(
        lhs[~finite], rhs[~finite]
    ):
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        return False, np.inf, where  # an overflow on one side only
    lhs, rhs = np.where(finite, lhs, 0.0), np.where(finite, rhs, 0.0)  # equal infinities compare as equal
    diff = np.abs(lhs - rhs)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape)) if diff.size else ()
    worst = float(diff[where]) if diff.size else 0.0
    scale = max(1.0, float(np.abs(lhs).max(initial=0)), float(np.abs(rhs).max(initial=0)))
    return worst <= EXACT * scale, worst, where


def same(lhs: str, rhs: str, X, Y, mask=None) -> tuple[bool, Evidence]:
    r"""Evidence that the arrays X (shown as LaTeX ``lhs``) and Y (``rhs``) are equal entry by entry.

    With a boolean ``mask``, only the entries it marks are compared (the others are
    saturated outputs where float64 cannot hold the formula's value).
    """
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    if mask is not None and X.shape == Y.shape:
        X, Y = np.where(mask, X, 0.0), np.where(mask, Y, 0.0)
    ok, worst, where = agree(X, Y)
    if X.shape != Y.shape:
        fmt = {"lhs": f"${lhs}$", "rhs": f"${rhs}$", "left": fmt_shape(X.shape), "right": fmt_shape(Y.shape)}
        return False, Evidence("shapes_differ", fmt, data={"left": X.shape, "right": Y.shape})
    fmt = {"lhs": f"${lhs}$", "rhs": f"${rhs}$", "count": str(X.size), "diff": fmt_number(worst, 2)}
    data = {"lhs": X, "rhs": Y, "worst": worst, "where": where}
    if X.size == 1:  # one number each: no entries to count or name
        return ok, Evidence("agree_one" if ok else "disagree_one", fmt, data=data)
    if ok:
        return True, Evidence("agree", fmt, data=data)
    fmt["entry"] = fmt_index(where)
    return False, Evidence("disagree", fmt, data=data)


def numbers(pairs) -> Check:
    r"""A "numbers" check: each (lhs, rhs, X, Y[, mask]) in ``pairs`` must agree (on the mask's entries)."""
    results = [same(*pair) for pair in pairs]
    evidence = tuple(e for _, e in results)
    skipped = sum(
        int((~np.asarray(pair[4])).sum()) for pair in pairs if len(pair) > 4 and pair[4] is not None
    )
    if skipped:
        evidence += (Evidence("saturated", {"count": str(skipped)}),)
    return Check("numbers", all(ok for ok, _ in results), evidence)


class Oracle(NamedTuple):
    """Finite differences of L (or of one sample's loss l_s) with respect to one variable of layer l."""

    shape: tuple[int, ...]
    estimate: Callable[[tuple[int, ...]], probe.Estimate]


def oracle(trace: Trace, variable: str, l: int, sample: int | None = None) -> Oracle:
    r"""∂L/∂x over the variable's shape; with ``sample`` s, ∂l_s/∂x over s's row (A_prev, Z, A) or W, b.

    l_s is one sample's own loss (not divided by m), the notes' l(θ) for one sample.
    """
    shape = getattr(trace.layers[l - 1], variable).shape
    if sample is None:
        return Oracle(shape, lambda index: probe.estimate(trace, variable, l, index))
    scale = trace.spec.m if trace.spec.reduction == "mean" else 1

    def scaled(estimate: probe.Estimate) -> probe.Estimate:
        return probe.Estimate(estimate.value * scale, estimate.at_kink)

    if variable in ("W", "b"):
        return Oracle(shape, lambda index: scaled(probe.estimate(trace, variable, l, index, sample=sample)))
    return Oracle(
        shape[1:], lambda index: scaled(probe.estimate(trace, variable, l, (sample,) + tuple(index)))
    )


def finite_differences(
    trace: Trace,
    variable: str,
    l: int,
    predicted,
    lhs: str,
    first=None,
    count: int = FD_ENTRIES,
    sample: int | None = None,
) -> Check:
    r"""Finite differences of L (or of l_s, see ``oracle``) in ``variable`` against ``predicted``.

    ``predicted`` is an array of the variable's shape, or a function of an index (for a
    value costly to compute everywhere). Judged on ``count`` entries (``first`` among
    them) with gradcheck's relative error and tolerance; entries whose steps cross a
    kink are set aside and named; if every entry tried is at a kink, nothing is judged.
    """
    fd = oracle(trace, variable, l, sample)
    at = predicted if callable(predicted) else np.asarray(predicted, dtype=np.float64).__getitem__
    count = max(1, min(count, FD_BUDGET // probe.cost(trace, variable, l, sample)))
    judged, kinks, overflow = [], [], 0
    for index in probe.pick_entries(fd.shape, count + 4, trace.spec.seed, first):
        if not np.isfinite(at(index)):
            overflow += 1  # e.g. -y/a at a softmax output that underflowed to 0: nothing to compare
            continue
        estimate = fd.estimate(index)
        if estimate.at_kink:
            kinks.append(index)
            continue
        judged.append((index, float(at(index)), estimate.value))
        if len(judged) == count:
            break
    errors = [float(rel_error(p, f, trace.loss)) for _, p, f in judged]
    data = {
        "variable": variable,
        "l": l,
        "sample": sample,
        "entries": judged,
        "errors": errors,
        "kinks": kinks,
    }
    evidence = []
    worst = int(np.argmax(errors)) if errors else None
    holds = (max(errors) <= TOLERANCE) if errors else None
    if worst is not None:
        index, p, f = judged[worst]
        key = (
            ("fd_agree" if holds else "fd_disagree")
            if sample is None
            else ("fd_sample_agree" if holds else "fd_sample_disagree")
        )
        fmt = {
            "lhs": f"${lhs}$",
            "count": str(len(judged)),
            "entry": fmt_index(index),
            "claimed": fmt_number(p, 10),
            "actual": fmt_number(f, 10),
            "err": fmt_number(errors[worst], 2),
            "tol": fmt_number(TOLERANCE),
        }
        if sample is not None:
            fmt["sample"] = str(sample + 1)
        evidence.append(Evidence(key, fmt, data=data))
    if kinks:
        evidence.append(Evidence("fd_kinks", {"count": str(len(kinks))}, data={"kinks": kinks}))
    if overflow:
        evidence.append(Evidence("fd_not_finite", {"count": str(overflow)}))
    if not judged:
        evidence.append(Evidence("fd_none", {}, data=data))
    return Check("finite_differences", holds, tuple(evidence))


def counterexample(
    trace: Trace, variable: str, l: int, claimed, actual, lhs: str, sample: int | None = None
) -> Evidence | None:
    r"""An entry where ``claimed`` is wrong, certified by finite differences; None if it holds everywhere.

    ``actual`` (the backprop value, same shape) only orders the search, largest
    difference first; the verdict at the entry is finite differences' own.
    """
    fd = oracle(trace, variable, l, sample)
    claimed, actual = np.asarray(claimed, dtype=np.float64), np.asarray(actual, dtype=np.float64)
    gap = np.abs(claimed - actual)
    tries = max(2, min(8, FD_BUDGET // probe.cost(trace, variable, l, sample)))
    flat_gap = gap.ravel()
    top = np.argpartition(-flat_gap, tries - 1)[:tries] if flat_gap.size > tries else np.arange(flat_gap.size)
    for flat in top[np.argsort(-flat_gap[top], kind="stable")]:  # largest gaps first
        index = tuple(int(i) for i in np.unravel_index(int(flat), gap.shape))
        if rel_error(claimed[index], actual[index], trace.loss) <= TOLERANCE:
            return None  # the largest remaining gaps are rounding: no counterexample here
        estimate = fd.estimate(index)
        if estimate.at_kink:
            continue
        err = float(rel_error(claimed[index], estimate.value, trace.loss))
        if err > TOLERANCE:
            shown = index if sample is None or variable in ("W", "b") else (sample,) + index
            fmt = {
                "lhs": f"${lhs}$",
                "entry": fmt_index(shown),
                "claimed": fmt_number(claimed[index], 10),
                "actual": fmt_number(estimate.value, 10),
                "err": fmt_number(err, 2),
            }
            data = {
                "variable": variable,
                "l": l,
                "sample": sample,
                "index": index,
                "claimed": float(claimed[index]),
                "fd": estimate.value,
            }
            return Evidence("counterexample", fmt, data=data)
    return None
