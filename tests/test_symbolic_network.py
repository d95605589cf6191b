"""Whole-network symbolic gradients (symbolic reverse mode) against the core, and their limits."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

from backprop import NetworkSpec, run
from backprop.core.gradcheck import rel_error
from backprop.symbolic import clear_caches, naive_gradients, network_entry, network_gradients
from backprop.symbolic.limits import NETWORK_EDGES_LIMIT, TooLarge
from backprop.symbolic.symbols import symbol

ACTIVATION_SETS = [
    (("sigmoid", "identity"), "mse"),
    (("tanh", "relu", "sigmoid"), "bce"),
    (("leaky_relu", "softplus", "softmax"), "softmax_ce"),
    (("relu", "leaky_relu", "identity"), "mse"),
    (("custom:z*tanh(z)", "tanh"), "mse"),
    (("identity", "softmax"), "softmax_ce"),
]


def spec_for(case: int, activations, loss) -> NetworkSpec:
    rng = np.random.default_rng(100 + case)
    sizes = tuple(int(n) for n in rng.integers(1, 5, len(activations) + 1))
    if activations[-1] == "softmax":
        sizes = sizes[:-1] + (max(2, sizes[-1]),)
    return NetworkSpec(
        sizes=sizes, activations=activations, loss=loss, reduction=("sum", "mean")[case % 2],
        batch=int(rng.integers(1, 4)), seed=case, init=("uniform", "integers")[case % 2],
    )  # fmt: skip


@pytest.mark.parametrize("case, config", list(enumerate(ACTIVATION_SETS)))
def test_every_gradient_equals_the_core(case, config):
    spec = spec_for(case, *config)
    trace = run(spec)
    values = network_gradients(spec).evaluate(trace)
    assert rel_error(values["loss"], trace.loss) <= 1e-12
    for layer in trace.layers:
        for name, core in (("W", layer.dW), ("b", layer.db), ("A_prev", layer.dA_prev)):
            got = values[name, layer.l]
            assert got.shape == core.shape
            worst = rel_error(got, core, trace.loss).max()
            assert worst <= 1e-10, f"∂L/∂{name}^({layer.l}) diverged (worst {worst:.1e}) for {spec}"


def test_loss_is_one_expression_in_inputs_and_parameters():
    spec = NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=2)
    trace = run(spec)
    grads = network_gradients(spec)
    loss = grads.loss
    assert loss.free_symbols == set(grads.inputs)
    numbers = dict(zip(grads.inputs, np.concatenate(
        [trace.X.ravel(), trace.Y.ravel()] + [a.ravel() for ly in trace.layers for a in (ly.W, ly.b)]
    )))  # fmt: skip
    assert float(loss.xreplace(numbers)) == pytest.approx(trace.loss, rel=1e-12)


def test_reverse_mode_equals_one_diff_per_parameter():
    spec = NetworkSpec(sizes=(2, 2, 1), activations=("sigmoid", "identity"), batch=2)
    trace = run(spec)
    grads = network_gradients(spec)
    values = grads.evaluate(trace)
    numbers = dict(zip(grads.inputs, np.concatenate(
        [trace.X.ravel(), trace.Y.ravel()] + [a.ravel() for ly in trace.layers for a in (ly.W, ly.b)]
    )))  # fmt: skip
    naive = naive_gradients(spec)
    assert len(naive) == 2 * 2 + 2 + 2 * 1 + 1
    for l in (1, 2):
        W = grads.gradients["W", l]
        for (i, j), value in np.ndenumerate(values["W", l]):
            assert float(naive[symbol("w", l, i, j)].xreplace(numbers)) == pytest.approx(value, rel=1e-12)
            assert float(grads.expand(W[i, j]).xreplace(numbers)) == pytest.approx(value, rel=1e-12)


def test_local_derivatives_come_from_sp_diff():
    # the steps hold g' as SymPy derives it, not as a rule: σ' is e^{-z}/(1 + e^{-z})²
    spec = NetworkSpec(sizes=(1, 1, 1), activations=("sigmoid", "identity"), batch=1)
    grads = network_gradients(spec)
    dz1 = next(e for s, e in grads.steps.items() if str(s) == r"\frac{\partial L}{\partial z_{11}^{(1)}}")
    z, da = (
        sp.Symbol("z_{11}^{(1)}", real=True),
        sp.Symbol(r"\frac{\partial L}{\partial a_{11}^{(1)}}", real=True),
    )
    assert sp.simplify(dz1 - da * sp.exp(-z) / (1 + sp.exp(-z)) ** 2) == 0


def test_cached_on_what_the_expressions_depend_on():
    a = NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "identity"), batch=2, seed=1)
    b = NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "identity"), batch=2, seed=7, init="integers")
    first = network_gradients(a)
    assert network_gradients(b) is first
    clear_caches()
    assert network_gradients(b) is not first  # rebuilt after the caches are cleared
    assert network_gradients(NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "identity"), batch=3)) is not (
        network_gradients(a)
    )


def test_kink_values_follow_backprop():
    # integers init puts z exactly at 0: relu'(0) = 0 and leaky_relu'(0) = 0.01 on both sides
    for seed in range(40):
        spec = NetworkSpec(sizes=(3, 4, 3, 2), activations=("relu", "leaky_relu", "identity"),
                           batch=3, seed=seed, init="integers")  # fmt: skip
        trace = run(spec)
        if not any((ly.Z == 0).any() for ly in trace.layers[:2]):
            continue
        values = network_gradients(spec).evaluate(trace)
        for layer in trace.layers:
            np.testing.assert_allclose(values["W", layer.l], layer.dW, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(values["A_prev", layer.l], layer.dA_prev, rtol=1e-12, atol=1e-12)
        return
    pytest.fail("no seed put a z exactly at the kink")


def test_past_the_limit_is_too_large_at_once():
    spec = NetworkSpec(sizes=(100, 100, 10), activations=("sigmoid", "identity"), batch=64)
    start = time.perf_counter()
    result = network_gradients(spec)
    assert time.perf_counter() - start < 0.5
    assert isinstance(result, TooLarge) and result.limit == NETWORK_EDGES_LIMIT
    assert result.size == 64 * (100 * 100 + 100 * 10)
    assert isinstance(network_entry(run(spec), "W", 1, (0, 0)), TooLarge)


def test_the_issue_size_is_within_the_limit():
    spec = NetworkSpec(sizes=(4, 8, 8, 3), activations=("sigmoid", "tanh", "identity"), batch=4)
    grads = network_gradients(spec)
    assert not isinstance(grads, TooLarge)


def test_network_entry():
    spec = NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=1)
    trace = run(spec)
    entry = network_entry(trace, "W", 2, (1, 0))
    assert entry.value == pytest.approx(trace.layers[1].dW[1, 0], rel=1e-12)
    assert entry.latex == (
        r"\frac{\partial L}{\partial w_{21}^{(2)}} = \frac{\partial L}{\partial z_{11}^{(2)}} a_{12}^{(1)}"
    )
    assert entry.steps_latex[0].startswith(r"\frac{\partial L}{\partial z_{11}^{(2)}} = ")
    assert entry.steps_total >= len(entry.steps_latex) and entry.expanded_latex
    x_entry = network_entry(trace, "X", 0, (0, 1))
    assert x_entry.value == pytest.approx(trace.layers[0].dA_prev[0, 1], rel=1e-12)


def test_an_a_entry_is_shown_by_its_definition_not_as_itself():
    # ∂L/∂a is a step of the program: printing the step symbol would read "x = x"
    from backprop import NetworkSpec, run
    from backprop.symbolic import network_entry

    trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")))
    entry = network_entry(trace, "A_prev", 2, (1, 2))
    lhs, rhs = entry.latex.split(" = ", 1)
    assert lhs not in rhs and r"\partial z_{21}^{(2)}" in rhs and "w_{31}^{(2)}" in rhs
    assert entry.value == trace.layers[1].dA_prev[1, 2]
