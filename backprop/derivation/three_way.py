r"""The three-way check of every gradient entry: SymPy, backprop and finite differences.

For each entry of X and of every W^(l), b^(l) (a seeded sample of ``max_entries`` per
variable on large networks, as in ``gradcheck.check``) three values are compared:

- symbolic: SymPy's whole-network gradient (``backprop.symbolic.network_gradients``),
- backprop: the core's backward pass,
- numeric: the five-point central difference (``gradcheck``).

Pairs are judged by ``gradcheck.rel_error``, each array (∂L/∂X, ∂L/∂W^(l), ∂L/∂b^(l))
against its own scale s (the largest finite-difference estimate among its checked entries):
against finite differences with the floor max(1e-3 · s, 2 err(f) / tol) (the estimate's
error bar, see ``gradcheck``); symbolic vs backprop with the floor
max(1e-3 · s, 2 err(f) / 1e-9): both are exact up to rounding, but backprop's rounding is
amplified where g' is ill-conditioned (a(1 - a) of a saturated sigmoid loses ~1e-4 of its
digits), so the two need agree no closer than finite differences can arbitrate. So a wrong
gradient is caught however small its array's gradients are. Symbolic vs backprop within
``SYMBOLIC_TOLERANCE`` on every entry (both take g'(kink) from the left, so they agree at
kinks too; where an activation's backprop g' takes another value at its kink, as a custom
formula may, those entries are reported, not judged, and ``kink_note`` says why), and each
of them vs finite differences within ``gradcheck.TOLERANCE`` except at a kink
(``at_kink``), where the central difference legitimately differs. Past the symbolic
engine's limit the symbolic leg is skipped with its reason and backprop vs finite
differences still runs.

>>> from backprop import NetworkSpec
>>> result = three_way(NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity")))
>>> result.passed, result.symbolic_skipped
(True, None)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.gradcheck import ARRAY_FLOOR, ERROR_MARGIN, TOLERANCE, Estimate, Report, check, rel_error
from backprop.core.network import Params, checked_inputs
from backprop.core.spec import NetworkSpec

SYMBOLIC_TOLERANCE = 1e-9  # the same float64 function evaluated in two orders: ~1e-15 apart
PAIRS = {
    "symbolic_backprop": SYMBOLIC_TOLERANCE,
    "backprop_numeric": TOLERANCE,
    "symbolic_numeric": TOLERANCE,
}


@dataclass(frozen=True)
class CheckEntry:
    r"""One entry's three values, their differences and relative errors (None: symbolic skipped)."""

    variable: str  # "X", "W" or "b"
    layer: int  # 0 for X
    index: tuple[int, ...]  # 0-based
    symbolic: float | None
    backprop: float
    numeric: float
    symbolic_minus_backprop: float | None
    backprop_minus_numeric: float
    symbolic_minus_numeric: float | None
    rel_symbolic_backprop: float | None
    rel_backprop_numeric: float
    rel_symbolic_numeric: float | None
    at_kink: bool
    kink_conventions_agree: bool = True  # SymPy's g'(kink) equals backprop's for every activation

    def judged(self, pair: str) -> bool:
        """Whether a pair ("symbolic_backprop", "backprop_numeric", "symbolic_numeric") is judged here."""
        if pair != "backprop_numeric" and self.symbolic is None:
            return False
        if pair == "symbolic_backprop":
            return not self.at_kink or self.kink_conventions_agree
        return not self.at_kink

    @property
    def passed(self) -> bool:
        """Every judged pair of this entry is within its tolerance."""
        return all(
            getattr(self, f"rel_{pair}") <= tolerance
            for pair, tolerance in PAIRS.items()
            if self.judged(pair)
        )

    def record(self) -> dict:
        """The entry as a plain dict (a row of the check page's table)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {"passed": self.passed}


@dataclass(frozen=True)
class ThreeWay:
    r"""Every checked entry; ``report`` is the backprop-vs-finite-differences Report behind it."""

    report: Report
    entries: tuple[CheckEntry, ...]
    symbolic_skipped: str | None  # why the symbolic leg did not run (too large), else None
    kink_note: str | None = None  # activations whose g'(kink) differs between SymPy and backprop

    @property
    def passed(self) -> bool:
        return all(e.passed for e in self.entries)

    def worst(self, pair: str) -> float:
        r"""The largest judged relative error of a pair (symbolic_backprop, backprop_numeric, ...)."""
        return max((getattr(e, f"rel_{pair}") for e in self.entries if e.judged(pair)), default=0.0)

    def records(self) -> list[dict]:
        """One dict per entry: variable, layer, index, values, differences, errors, at_kink, passed."""
        return [e.record() for e in self.entries]

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        judged = len(self.report.judged)
        text = (
            f"{verdict}: {judged} entries checked, backprop vs finite differences, worst relative error "
            f"{self.worst('backprop_numeric'):.2e} (tolerance {TOLERANCE:.0e})"
        )
        if self.symbolic_skipped:
            return f"{text}; symbolic skipped: {self.symbolic_skipped}"
        kinks = self.report.kink_text()
        return (
            f"{text}; symbolic vs backprop on {sum(e.judged('symbolic_backprop') for e in self.entries)} "
            f"entries, worst "
            f"{self.worst('symbolic_backprop'):.2e} (tolerance {SYMBOLIC_TOLERANCE:.0e}); symbolic vs finite "
            f"differences worst {self.worst('symbolic_numeric'):.2e}"
            + (f"; {kinks} (against finite differences)" if kinks else "")
            + (f"; {self.kink_note}" if self.kink_note else "")
        )


def three_way(
    spec: NetworkSpec, params: Params | None = None, X=None, Y=None, max_entries: int | None = 200
) -> ThreeWay:
    r"""Symbolic, backprop and finite differences for every entry of X, W^(l), b^(l).

    Past ``max_entries`` entries per variable a seeded sample is checked (as ``gradcheck.check``).
    """
    from backprop.symbolic import TooLarge, kink_disagreements, network_gradients  # noqa: PLC0415 (SymPy only here)

    params, X, Y = checked_inputs(spec, params, X, Y)
    report = check(spec, params, X, Y, max_entries=max_entries)
    grads = network_gradients(spec)
    if isinstance(grads, TooLarge):
        skipped, values = grads.message(), None
    else:
        skipped, values = None, grads.evaluate(params=params, X=X, Y=Y)
    disagreements = kink_disagreements(spec.activations)
    note = None
    if disagreements:  # e.g. a custom formula whose backprop takes H(0) = 1/2
        note = "symbolic vs backprop not judged at kinks: " + "; ".join(disagreements)
    symbolic = {}
    for e in report.entries:
        key = ("A_prev", 1) if e.variable == "X" else (e.variable, e.l)
        symbolic[e] = None if values is None else float(values[key][e.index])
    scales: dict[tuple[str, int], float] = {}  # per array: the largest |value| of any leg
    for e in report.entries:
        legs = [abs(e.backprop), _scale_of(e.numeric), abs(symbolic[e] or 0.0)]
        scales[(e.variable, e.l)] = max([scales.get((e.variable, e.l), 0.0), *legs])
    entries = []
    for e in report.entries:
        sym = symbolic[e]
        entries.append(
            CheckEntry(
                e.variable,
                e.l,
                e.index,
                sym,
                e.backprop,
                e.numeric,
                _difference(sym, e.backprop),
                e.backprop - e.numeric,
                _difference(sym, e.numeric),
                _relative(sym, e.backprop, scales[(e.variable, e.l)], e.numeric),
                e.rel_error,
                None if sym is None else float(rel_error(sym, e.numeric)),
                e.at_kink,
                not disagreements,
            )  # fmt: skip
        )
    return ThreeWay(report, tuple(entries), skipped, note)


def _difference(a: float | None, b: float) -> float | None:
    return None if a is None else a - b


def _scale_of(numeric: float) -> float:
    """The array's scale s carried by a checked estimate."""
    return numeric.scale if isinstance(numeric, Estimate) else 0.0


def _relative(a: float | None, b: float, scale: float, numeric: float) -> float | None:
    r"""|a - b| / max(|a|, |b|, 1e-3 · s, 2 err(f) / 1e-9): symbolic vs backprop, on the array's scale s."""
    if a is None:
        return None
    error = numeric.error if isinstance(numeric, Estimate) else 0.0
    floor = max(ARRAY_FLOOR * scale, ERROR_MARGIN * error / SYMBOLIC_TOLERANCE, np.finfo(float).tiny)
    return abs(a - b) / max(abs(a), abs(b), floor)
