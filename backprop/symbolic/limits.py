r"""Size limits of the symbolic views, set from their measured cost, and the "too large" result.

Past a limit a view returns ``TooLarge`` at once (never a long wait): it names the view,
what was counted, the size, the limit and the smaller view that is available.

>>> check_size("element sum", "terms m·n_l", 5000, 4096, "a smaller batch").message()
'element sum: too large for this view (terms m·n_l = 5000, limit 4096). Available: a smaller batch.'
"""

from __future__ import annotations

from dataclasses import dataclass

# Element sums: the (s, t) table has m·n_l terms. Cold (SymPy's cache cleared), sum +
# LaTeX + every term as a record takes ~30 ms CPU at 64 x 64 with m = 64 (4,096 terms) and
# ~0.1 s at 128 x 128 with m = 128 (16,384 terms). Past that a table is unreadable anyway.
ELEMENT_TERMS_LIMIT = 16_384
# Each pattern's z_st is written out with its n_{l-1} products: ~0.25 ms each cold, so a
# 4096-input layer costs ~1 s before any term; 1,024 inputs keep it near 0.25 s.
ELEMENT_INPUTS_LIMIT = 1_024

# Whole-network symbolic gradients: the cost is linear in the edges of the computation,
# m·Σ_l n_{l-1} n_l (+ m·n_L² for softmax), ~0.4 ms CPU per edge cold (build + lambdify +
# one evaluation) whatever the depth: 4-8-8-3 with m = 4 (480 edges) ~0.2-0.5 s, 8-16-16-4
# with m = 4 (1,792 edges) ~0.7 s, 4,608 edges ~2 s. 2,000 edges keeps a cold view under ~1 s.
NETWORK_EDGES_LIMIT = 2_000

# The softmax Jacobian and softmax + cross-entropy derivations, written for n units:
# ~0.1 s at n = 3, ~0.8 s at n = 10, ~2.6 s at n = 20 (the identities do not depend on n).
SOFTMAX_UNITS_LIMIT = 10

# Printing one whole-network gradient entry: the steps it rests on, nearest first.
PRINT_STEPS_LIMIT = 40
PRINT_CHARS_LIMIT = 6_000


@dataclass(frozen=True)
class TooLarge:
    r"""A view refused because its size passes the limit set from its measured cost."""

    view: str  # e.g. "element sum", "whole-network symbolic gradients"
    measure: str  # what was counted, e.g. "terms m·n_l"
    size: int
    limit: int
    smaller: str  # the smaller view that is available

    def message(self) -> str:
        """One sentence: the view, its size against the limit, what is available instead."""
        return (
            f"{self.view}: too large for this view ({self.measure} = {self.size}, "
            f"limit {self.limit}). Available: {self.smaller}."
        )


def check_size(view: str, measure: str, size: int, limit: int, smaller: str) -> TooLarge | None:
    """TooLarge when size > limit, else None."""
    return TooLarge(view, measure, size, limit, smaller) if size > limit else None


def network_edges(sizes: tuple[int, ...], m: int, softmax_out: bool = False) -> int:
    r"""Edges of the network's computation: m·Σ_l n_{l-1} n_l, plus m·n_L² for a softmax output."""
    edges = m * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return edges + (m * sizes[-1] ** 2 if softmax_out else 0)
