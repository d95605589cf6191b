"""Element sums: every (s, t) term from sp.diff of the actual z_st, collapsing to the matrix identity.

The notes' claims (docs/notes.md, "What the notes derive"): ∂z_st/∂a_ij = w_jt if s = i else 0,
∂z_st/∂w_ij = a_si if t = j else 0, ∂z_st/∂b_i = 1 if t = i else 0, and the collapsed sums
are entries of ∂L/∂Z Wᵀ, Aᵀ ∂L/∂Z and 1ᵀ ∂L/∂Z.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

from backprop import NetworkSpec, run
from backprop.core.gradcheck import numeric_entry, rel_error
from backprop.core.network import Params
from backprop.symbolic import VARIABLES, element_sum
from backprop.symbolic.element_sum import DIRECT_TERMS
from backprop.symbolic.limits import ELEMENT_INPUTS_LIMIT, ELEMENT_TERMS_LIMIT, TooLarge
from backprop.symbolic.symbols import symbol, z_entry

# (hidden activation, output activation, loss): every activation and every loss
NETWORKS = [
    ("identity", "identity", "mse"),
    ("sigmoid", "sigmoid", "bce"),
    ("tanh", "softmax", "softmax_ce"),
    ("relu", "identity", "mse"),
    ("leaky_relu", "tanh", "mse"),
    ("softplus", "softmax", "softmax_ce"),
    ("custom:z*tanh(z)", "relu", "mse"),
    ("custom:z*sigmoid(z)", "sigmoid", "bce"),
]


def random_spec(case: int, hidden: str, output: str, loss: str) -> NetworkSpec:
    """A seeded small network: sizes 1-4, batch 1-4 (size-1 edges included), both reductions."""
    rng = np.random.default_rng(case)
    sizes = tuple(int(n) for n in rng.integers(1, 5, 3))
    if output == "softmax" and sizes[-1] == 1:
        sizes = sizes[:-1] + (3,)
    return NetworkSpec(
        sizes=sizes, activations=(hidden, output), loss=loss, reduction=("sum", "mean")[case % 2],
        batch=int(rng.integers(1, 5)), seed=case, init=("uniform", "integers")[case % 3 == 2],
    )  # fmt: skip


def core_entry(trace, variable: str, l: int, index) -> float:
    layer = trace.layers[l - 1]
    return float({"A_prev": layer.dA_prev, "W": layer.dW, "b": layer.db}[variable][index])


def finite_difference(trace, variable: str, l: int, index) -> tuple[float, bool]:
    """The five-point estimate of ∂L/∂x; A^(l-1) of a deeper layer through the network above it."""
    spec = trace.spec
    if variable != "A_prev":
        params = Params(tuple(ly.W for ly in trace.layers), tuple(ly.b for ly in trace.layers))
        return numeric_entry(spec, params, trace.X, trace.Y, variable, l, index)
    above = NetworkSpec(
        sizes=spec.sizes[l - 1 :], activations=spec.activations[l - 1 :], loss=spec.loss,
        reduction=spec.reduction, batch=spec.batch,
    )  # fmt: skip
    params = Params(tuple(ly.W for ly in trace.layers[l - 1 :]), tuple(ly.b for ly in trace.layers[l - 1 :]))
    return numeric_entry(above, params, trace.layers[l - 1].A_prev, trace.Y, "X", 0, index)


def entries(trace, l: int, variable: str, count: int, rng) -> list[tuple[int, ...]]:
    shape = {"A_prev": trace.layers[l - 1].A_prev.shape, "W": trace.layers[l - 1].W.shape}.get(
        variable, trace.layers[l - 1].b.shape
    )
    every = list(np.ndindex(*shape))
    picks = rng.choice(len(every), min(count, len(every)), replace=False)
    return [every[i] for i in picks]


@pytest.mark.parametrize("case, network", list(enumerate(NETWORKS)))
def test_value_equals_core_and_finite_differences(case, network):
    trace = run(random_spec(case, *network))
    rng = np.random.default_rng(case)
    for l in (1, 2):
        for variable in VARIABLES:
            for index in entries(trace, l, variable, 2, rng):
                es = element_sum(trace, l, variable, index, network=False)
                core = core_entry(trace, variable, l, index)
                name = f"{variable}^({l}){index} of {trace.spec}"
                assert rel_error(es.value, core, 1.0) <= 1e-12, f"element sum vs core diverged at {name}"
                assert es.identity_value == pytest.approx(core, rel=1e-12, abs=1e-14), name
                assert es.collapsed_value == pytest.approx(es.value, rel=1e-12, abs=1e-14), name
                numeric, at_kink = finite_difference(trace, variable, l, index)
                if not at_kink:
                    assert rel_error(es.value, numeric, trace.loss) <= 1e-6, (
                        f"vs finite differences at {name}"
                    )


@pytest.mark.parametrize("variable", VARIABLES)
def test_collapsed_minus_identity_simplifies_to_zero(variable):
    trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("tanh", "identity"), batch=3, seed=5))
    index = (1,) if variable == "b" else (1, 1)
    es = element_sum(trace, 2, variable, index, network=False)
    assert es.difference == 0
    assert sp.simplify(es.collapsed - es.identity) == 0
    assert es.collapsed != 0 and len(es.collapsed.args) == (3 if variable != "A_prev" else 2)


def test_local_derivatives_are_the_notes_cases():
    # docs/notes.md: ∂z_st/∂a_ij = w_jt if s = i; ∂z_st/∂w_ij = a_si if t = j; ∂z_st/∂b_i = 1 if t = i
    trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"), batch=3))
    i, j = 1, 2
    es_a = element_sum(trace, 2, "A_prev", (i, j), network=False)
    es_w = element_sum(trace, 2, "W", (j, 1), network=False)
    es_b = element_sum(trace, 2, "b", (1,), network=False)
    for s in range(3):
        for t in range(2):
            assert es_a.local[s, t] == (symbol("w", 2, j, t) if s == i else 0)
            assert es_w.local[s, t] == (symbol("a", 1, s, j) if t == 1 else 0)
            assert es_b.local[s, t] == (1 if t == 1 else 0)
            assert es_a.term(s, t).reason == (None if s == i else r"s \neq i")
            assert es_w.term(s, t).reason == (None if t == 1 else r"t \neq j")
            assert es_b.term(s, t).reason == (None if t == 1 else r"t \neq i")
    assert es_a.vanishes.sum() == 2 * 2 and es_w.vanishes.sum() == 3 and es_b.vanishes.sum() == 3


def test_pattern_derivation_equals_differentiating_every_term():
    # past DIRECT_TERMS terms one z_st per pattern is differentiated and renamed to the rest
    trace = run(NetworkSpec(sizes=(5, 6, 13), activations=("tanh", "identity"), batch=7, seed=2))
    assert 7 * 13 > DIRECT_TERMS
    for variable, index in (("A_prev", (4, 5)), ("W", (5, 12)), ("b", (0,))):
        es = element_sum(trace, 2, variable, index, network=False)
        assert es.method == "per pattern"
        for s in range(7):
            for t in range(13):
                assert es.local[s, t] == sp.diff(z_entry(2, s, t, 6), es.target), (variable, s, t)


def test_terms_are_the_arrays_as_records():
    trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")))
    es = element_sum(trace, 1, "W", (2, 3), network=False)
    assert len(es.terms) == 4 * 4
    for term in es.terms:
        assert term == es.term(term.s, term.t)
        assert term.value == pytest.approx(term.upstream_value * term.local_value)
    assert es.terms[5].upstream == r"\frac{\partial L}{\partial z_{22}^{(1)}}"


def test_size_one_layers():
    trace = run(NetworkSpec(sizes=(1, 1, 1), activations=("tanh", "identity"), batch=1))
    for variable, index in (("A_prev", (0, 0)), ("W", (0, 0)), ("b", (0,))):
        es = element_sum(trace, 2, variable, index)
        assert len(es.classes) == 1 and es.difference == 0
        assert es.value == pytest.approx(core_entry(trace, variable, 2, index), rel=1e-12)
        assert es.symbolic_entry.value == pytest.approx(es.value, rel=1e-12)


def test_sixty_four_wide_layer_stays_fast():
    trace = run(NetworkSpec(sizes=(64, 64), activations=("sigmoid",), batch=64))
    start = time.perf_counter()
    es = element_sum(trace, 1, "W", (3, 7))
    es.terms, es.expanded_latex()
    assert time.perf_counter() - start < 2.0  # ~0.1 s measured; generous for a loaded machine
    assert isinstance(es.symbolic_entry, TooLarge)
    assert es.value == pytest.approx(trace.layers[0].dW[3, 7], rel=1e-12)
    assert es.vanishes.sum() == 64 * 63


def test_past_the_limit_is_too_large_at_once():
    m = ELEMENT_TERMS_LIMIT // 128 + 1
    trace = run(NetworkSpec(sizes=(2, 128), activations=("identity",), batch=m))
    start = time.perf_counter()
    result = element_sum(trace, 1, "W", (0, 0))
    assert time.perf_counter() - start < 0.5
    assert isinstance(result, TooLarge) and result.size == m * 128 and result.limit == ELEMENT_TERMS_LIMIT
    assert "too large for this view" in result.message() and "Available" in result.message()


def test_too_many_inputs_is_too_large_at_once():
    trace = run(NetworkSpec(sizes=(ELEMENT_INPUTS_LIMIT + 1, 2), activations=("identity",), batch=2))
    start = time.perf_counter()
    result = element_sum(trace, 1, "A_prev", (0, 0))
    assert time.perf_counter() - start < 0.5
    assert isinstance(result, TooLarge) and result.size == ELEMENT_INPUTS_LIMIT + 1


@pytest.mark.parametrize(
    "variable, index, message",
    [("Z", (0, 0), "variable"), ("W", (3, 0), "index"), ("b", (0, 0), "index"), ("A_prev", (0, -1), "index")],
)
def test_bad_variable_or_index_is_named(variable, index, message):
    trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")))
    with pytest.raises(ValueError, match=message):
        element_sum(trace, 1, variable, index)
