r"""How much arithmetic a request may cost the server, counted in the network's multiply-adds.

Every page runs the session's forward and backward pass in the server's own process,
so the network a link, the sidebar or an upload asks for is capped by the cost of one
forward pass, m Σ_l n_{l-1} n_l (the products A^(l-1) W^(l)): ``NetworkSpec`` itself
refuses a network past ``backprop.core.spec.MAX_MULTIPLY_ADDS``, so every edge (URL,
sidebar, upload, command line) applies the same limit with the same message.

The finite-difference fallback of the check page runs in the server's process only
when its cost, counted the same way, is below IN_PROCESS_MULTIPLY_ADDS (about 10 ms);
otherwise in an isolated child with a time budget (backprop.ui.results).

>>> from backprop.core.spec import NetworkSpec
>>> multiply_adds(NetworkSpec(sizes=(3, 4, 2), batch=4))
80
"""

from __future__ import annotations

from backprop.core import spec as core_spec
from backprop.core.gradcheck import STEPS, variables
from backprop.core.spec import NetworkSpec

IN_PROCESS_MULTIPLY_ADDS = 10_000_000  # finite differences allowed in the server's process (~10 ms)
# one five-point estimate: 4 forward passes (each gives the loss and the kink pattern); an entry
# whose error bar is too wide is estimated again at each larger step of gradcheck.STEPS
FORWARDS_PER_ESTIMATE = 4
FORWARDS_PER_ENTRY = FORWARDS_PER_ESTIMATE * len(STEPS)


def multiply_adds(spec: NetworkSpec) -> int:
    r"""Multiply-adds of one forward pass of ``spec``: m Σ_l n_{l-1} n_l."""
    return core_spec.multiply_adds(spec.sizes, spec.m)


def finite_difference_cost(spec: NetworkSpec, max_entries: int | None) -> int:
    r"""A bound on the multiply-adds of ``gradcheck.check(spec, max_entries)``: FORWARDS_PER_ENTRY per entry.

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
