r"""The symbolic engine's benchmark cases for ``python -m backprop bench`` (timed cold).

Each callable does the whole uncached work of one view: an element sum with its LaTeX,
or a network's symbolic gradients built, lambdified and evaluated once. The benchmark
calls ``clear_caches()`` before every call. ``naive_network_gradients`` is the slow way
the reverse mode replaces (one ``sp.diff`` of the expanded loss per parameter).

>>> sorted(CASES)[:2]
['symbolic-element-16', 'symbolic-element-64']
"""

from __future__ import annotations

from collections.abc import Callable

from backprop.core.network import run
from backprop.core.spec import NetworkSpec
from backprop.symbolic._cache import clear_caches
from backprop.symbolic.element_sum import element_sum
from backprop.symbolic.limits import TooLarge
from backprop.symbolic.network import naive_gradients, network_gradients

__all__ = ["CASES", "clear_caches", "naive_network_gradients", "element_case", "network_case"]


def element_case(n: int, variable: str = "W") -> Callable[[], object]:
    r"""An n x n layer with m = n: the element sum of entry (1, 2) (m·n terms) and all its LaTeX."""
    trace = run(NetworkSpec(sizes=(n, n), activations=("sigmoid",), batch=n, seed=0))
    index = (1,) if variable == "b" else (0, 1)

    def case():
        es = element_sum(trace, 1, variable, index)
        if isinstance(es, TooLarge):
            raise ValueError(f"n = {n} is not allowed for this case: {es.message()}")
        return es.latex, es.expanded_latex(), es.terms

    return case


def network_case(sizes: tuple[int, ...], m: int) -> Callable[[], object]:
    r"""A network's symbolic gradients: build, lambdify and one evaluation."""
    activations = ("sigmoid",) * (len(sizes) - 2) + ("identity",)
    spec = NetworkSpec(sizes=sizes, activations=activations, batch=m, seed=0)
    trace = run(spec)

    def case():
        grads = network_gradients(spec)
        if isinstance(grads, TooLarge):
            raise ValueError(f"sizes = {sizes}, m = {m} is not allowed for this case: {grads.message()}")
        return grads.evaluate(trace)

    return case


def naive_network_gradients(spec: NetworkSpec) -> dict:
    r"""One sp.diff of the expanded loss per parameter (the cost the reverse mode avoids)."""
    return naive_gradients(spec)


CASES: dict[str, Callable[[], object]] = {
    "symbolic-element-16": element_case(16),
    "symbolic-element-64": element_case(64),
    "symbolic-network-3-4-2-m2": network_case((3, 4, 2), 2),
    "symbolic-network-4-8-8-3-m4": network_case((4, 8, 8, 3), 4),
}
