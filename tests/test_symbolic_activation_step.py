"""The activation step: g' by sp.diff for every activation, softmax's Jacobian and the CE shortcut."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop import NetworkSpec, run
from backprop.core.activations import activation
from backprop.symbolic import (
    activation_derivation,
    activation_step,
    loss_derivation,
    softmax_ce_shortcut,
    softmax_jacobian,
)
from backprop.symbolic.calculus import Z
from backprop.symbolic.limits import SOFTMAX_UNITS_LIMIT, TooLarge

ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "custom:z*sigmoid(z)"]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_g_prime_matches_the_core_everywhere_including_the_kink(name):
    g_prime = sp.lambdify(Z, activation_derivation(name).g_prime, "numpy")
    zs = np.array([-3.0, -0.5, 0.0, 1e-9, 0.7, 2.5])
    act = activation(name)
    expected = act.dg(zs, act.g(zs))
    got = np.array([float(g_prime(z)) for z in zs])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15, err_msg=f"g' of {name} diverged")


def test_kink_convention():
    assert activation_derivation("relu").g_prime == sp.Heaviside(Z, 0)
    assert activation_derivation("relu").g_prime.subs(Z, 0) == 0
    assert activation_derivation("leaky_relu").g_prime.subs(Z, 0) == sp.Rational(1, 100)
    assert r"\begin{cases} 1 & z > 0 \\ 0 & z \leq 0 \end{cases}" in activation_derivation("relu").latex[1]


@pytest.mark.parametrize("n", [1, 2, 4])
def test_softmax_jacobian_is_p_i_delta_minus_p_j(n):
    derivation = softmax_jacobian(n)
    assert derivation.agrees
    p = [sp.Symbol(f"p_{{{k + 1}}}", real=True) for k in range(n)]
    assert derivation.form[0, 0] == p[0] * (1 - p[0])
    if n > 1:
        assert derivation.form[0, 1] == -p[0] * p[1]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_softmax_cross_entropy_shortcut_is_derived(n):
    derivation = softmax_ce_shortcut(n)
    p = [sp.Symbol(f"p_{{{k + 1}}}", real=True) for k in range(n)]
    y = [sp.Symbol(f"y_{{{k + 1}}}", real=True) for k in range(n)]
    assert derivation.agrees
    assert derivation.result[: n - 1] == [pk - yk for pk, yk in zip(p, y)][: n - 1]


def test_softmax_derivations_have_a_limit():
    result = softmax_jacobian(SOFTMAX_UNITS_LIMIT + 1)
    assert isinstance(result, TooLarge) and "units n" in result.message()


@pytest.mark.parametrize(
    "loss, expected", [("mse", "a - y"), ("bce", "(a - y)/(a*(1 - a))"), ("softmax_ce", "-y/a")]
)
def test_loss_derivative_at_the_output(loss, expected):
    a, y = sp.Symbol("a_{1}", real=True), sp.Symbol("y_{1}", real=True)
    for reduction, m in (("sum", 1), ("mean", 4)):
        result = loss_derivation(loss, reduction, 1, m).result[0]
        want = sp.sympify(expected, locals={"a": a, "y": y}) / m
        assert sp.simplify(result - want) == 0, (loss, reduction)


@pytest.mark.parametrize(
    "activations, loss",
    [(("tanh", "identity"), "mse"), (("relu", "sigmoid"), "bce"), (("softplus", "softmax"), "softmax_ce")],
)
def test_activation_step_numbers_equal_backprop(activations, loss):
    trace = run(NetworkSpec(sizes=(3, 4, 3), activations=activations, loss=loss, batch=3))
    for l in (1, 2):
        for s, t in ((0, 0), (2, 1)):
            step = activation_step(trace, l, (s, t))
            assert step.value == pytest.approx(step.backprop, rel=1e-9, abs=1e-12), (activations, l, s, t)
            assert step.shortcut == (l == 2 and loss != "mse")
            assert (step.g_prime is None) == (activations[l - 1] == "softmax")
