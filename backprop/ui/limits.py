r"""How much arithmetic a request may cost the server: the network's multiply-adds, checked at the edge.

Every page runs the session's forward and backward pass in the server's own process,
so the network a link, the sidebar or an upload asks for is capped by the cost of one
forward pass,

    multiply-adds = m Σ_l n_{l-1} n_l

(the products A^(l-1) W^(l)), before any array is made. 30 million of them take about
0.1 s on one core of a busy machine, and a rerun costs about three such passes (forward
and backward). A 784-512-256-10 network takes batches up to m = 56; a 1024-wide
network of 8 layers with m = 1024 (8.6 billion) is refused.

The finite-difference fallback of the check page runs in the server's process only
when its cost, counted the same way, is below IN_PROCESS_MULTIPLY_ADDS (about 10 ms);
otherwise in an isolated child with a time budget (backprop.ui.results).

>>> from backprop.core.spec import NetworkSpec
>>> multiply_adds(NetworkSpec(sizes=(3, 4, 2), batch=4))
80
>>> big = NetworkSpec(sizes=(1024,) * 9, activations=("relu",) * 7 + ("identity",), batch=1024)
>>> f"{multiply_adds(big):,}"
'8,589,934,592'
>>> check_work(big)
Traceback (most recent call last):
...
backprop.core.errors.InvalidInput: network = '8,589,934,592 multiply-adds' is not allowed: ...
"""

from __future__ import annotations

from backprop.core.errors import InvalidInput
from backprop.core.gradcheck import variables
from backprop.core.spec import NetworkSpec

MAX_MULTIPLY_ADDS = 30_000_000  # per forward pass: about 0.1 s on one busy core
IN_PROCESS_MULTIPLY_ADDS = 10_000_000  # finite differences allowed in the server's process (~10 ms)
FORWARDS_PER_ENTRY = 8  # a five-point estimate: 4 losses, and 4 kink patterns (gradcheck.numeric_entry)


def multiply_adds(spec: NetworkSpec) -> int:
    r"""Multiply-adds of one forward pass: m Σ_l n_{l-1} n_l."""
    return spec.m * sum(a * b for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True))


def check_work(spec: NetworkSpec) -> None:
    r"""Raise InvalidInput naming the network when one forward pass exceeds MAX_MULTIPLY_ADDS."""
    work = multiply_adds(spec)
    if work > MAX_MULTIPLY_ADDS:
        raise InvalidInput(
            "network",
            f"{work:,} multiply-adds",
            f"at most {MAX_MULTIPLY_ADDS:,} per forward pass (m × Σ n_(l-1) n_l): "
            "fewer or narrower layers, or a smaller batch m",
        )


def finite_difference_cost(spec: NetworkSpec, max_entries: int | None) -> int:
    r"""Multiply-adds of ``gradcheck.check(spec, max_entries=...)``: FORWARDS_PER_ENTRY passes per entry.

    Entries checked: min(size, max_entries) for each of X (m × n_0), W^(l) and b^(l).
    """
    total = 0
    for variable, l in variables(spec):
        if variable == "X":
            size = spec.m * spec.sizes[0]
        else:
            size = spec.sizes[l] * (spec.sizes[l - 1] if variable == "W" else 1)
        total += size if max_entries is None else min(size, max_entries)
    return total * FORWARDS_PER_ENTRY * multiply_adds(spec)
