r"""The check of every gradient entry against independent oracles.

Backprop (the core) against central finite differences in float64 (``gradcheck``);
the symbolic engine joins as the third leg.

>>> from backprop import NetworkSpec
>>> three_way(NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"))).passed
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .gradcheck import Report, check
from .network import Params
from .spec import NetworkSpec


@dataclass(frozen=True)
class ThreeWay:
    """The finite-difference report of every entry (the symbolic leg is still to come)."""

    report: Report

    @property
    def passed(self) -> bool:
        return self.report.passed

    def summary(self) -> str:
        judged = self.report.judged
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{verdict}: {len(judged)} entries checked, backprop vs finite differences, "
            f"worst relative error {self.report.worst:.2e} (tolerance {self.report.tolerance:.0e})"
        )


def three_way(spec: NetworkSpec, params: Params | None = None, X=None, Y=None) -> ThreeWay:
    """Check every entry of X, W^(l), b^(l) of the network."""
    return ThreeWay(check(spec, params, X, Y, max_entries=200))
