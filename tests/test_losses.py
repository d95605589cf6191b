r"""Losses: values against a 400-digit mpmath reference, ∂L/∂A against SymPy, the
sigmoid+bce and softmax+CE shortcuts against the general Jacobian path, both reductions,
and the saturation rows of the stability table (logits ±1e4 under np.errstate(all="raise")).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from helpers import assert_close
from hypothesis import given
from hypothesis import strategies as st

from backprop import ACTIVATIONS, LOSSES, NetworkSpec, Params, run
from backprop.core.losses import REDUCTIONS

DIGITS = 400
OUTPUT = {"mse": "identity", "bce": "sigmoid", "softmax_ce": "softmax"}


def _reference_losses(name, Z, Y):
    """l_i from the formulas of backprop/README.md, in mpmath at 400 digits, from the logits Z."""
    out = []
    with mpmath.workdps(DIGITS):
        for z_row, y_row in zip(Z, Y, strict=True):
            z = [mpmath.mpf(float(v)) for v in z_row]
            y = [mpmath.mpf(float(v)) for v in y_row]
            if name == "bce":  # -Σ_j [y log a + (1-y) log(1-a)], a = σ(z)
                # log a = -log(1 + e^-z), log(1 - a) = -z - log(1 + e^-z): exact at any z
                log_a = [-mpmath.log1p(mpmath.exp(-v)) for v in z]
                log_1_a = [-v + la for v, la in zip(z, log_a, strict=True)]
                l = -sum(yj * la + (1 - yj) * lb for yj, la, lb in zip(y, log_a, log_1_a, strict=True))
            elif name == "softmax_ce":  # -Σ_j y log a, a = softmax(z)
                total = sum(mpmath.exp(v) for v in z)
                l = -sum(yj * mpmath.log(mpmath.exp(v) / total) for yj, v in zip(y, z, strict=True))
            else:  # ½ Σ_j (a - y)², a = z
                l = sum((zj - yj) ** 2 for zj, yj in zip(z, y, strict=True)) / 2
            out.append(float(l))
    return np.array(out)


def _targets(name, rng, m, n):
    if name == "bce":
        return rng.integers(0, 2, (m, n)).astype(float)
    if name == "softmax_ce":
        return np.eye(n)[rng.integers(0, n, m)]
    return rng.normal(size=(m, n))


def test_registry_names_and_required_outputs():
    assert set(LOSSES) == {"mse", "bce", "softmax_ce"}
    assert REDUCTIONS == ("sum", "mean")
    assert {name: loss.output for name, loss in LOSSES.items()} == {
        "mse": None, "bce": "sigmoid", "softmax_ce": "softmax"
    }  # fmt: skip


@pytest.mark.parametrize("name", ["mse", "bce", "softmax_ce"])
@pytest.mark.parametrize("seed", range(4))
def test_per_sample_loss_matches_the_400_digit_formula(name, seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    Z, Y = rng.normal(scale=6.0, size=(m, n)), _targets(name, rng, m, n)
    A = ACTIVATIONS[OUTPUT[name]].g(Z)
    assert_close(f"{name} l_i", LOSSES[name].per_sample(Z, A, Y), _reference_losses(name, Z, Y), rtol=1e-12)


def test_bce_accepts_soft_targets_with_the_same_formula():
    Z, Y = np.array([[0.7, -2.0, 5.0]]), np.array([[0.3, 0.5, 1.0]])
    A = ACTIVATIONS["sigmoid"].g(Z)
    assert_close("bce l_i, soft targets", LOSSES["bce"].per_sample(Z, A, Y), _reference_losses("bce", Z, Y))


@pytest.mark.parametrize("name", ["mse", "bce", "softmax_ce"])
def test_dA_is_sympys_derivative_of_the_loss_in_a(name):
    # l as a function of the outputs a (not of z), differentiated by SymPy
    a, y = sp.symbols("a1:4", positive=True), [0.0, 1.0, 0.0]
    if name == "mse":
        l = sum((aj - yj) ** 2 for aj, yj in zip(a, y, strict=True)) / 2
    elif name == "bce":
        l = -sum(yj * sp.log(aj) + (1 - yj) * sp.log(1 - aj) for aj, yj in zip(a, y, strict=True))
    else:
        l = -sum(yj * sp.log(aj) for aj, yj in zip(a, y, strict=True))
    values = (0.2, 0.7, 0.1)
    expected = [float(sp.diff(l, aj).subs(dict(zip(a, values, strict=True)))) for aj in a]
    got = LOSSES[name].dA(np.array([values]), np.array([y]))
    assert_close(f"{name} ∂L/∂A", got, [expected], rtol=1e-13)


@given(
    st.sampled_from(["bce", "softmax_ce"]),
    st.integers(1, 5),
    st.integers(1, 6),
    st.integers(0, 2**32 - 1),
)
def test_shortcut_equals_the_general_jacobian_path(name, m, n, seed):
    rng = np.random.default_rng(seed)
    act, loss = ACTIVATIONS[OUTPUT[name]], LOSSES[name]
    Z = rng.uniform(-15, 15, (m, n))
    Y = _targets(name, rng, m, n) if rng.random() < 0.5 else _soft_targets(name, rng, m, n)
    A = act.g(Z)
    general = act.backward(Z, A, loss.dA(A, Y))  # ∂L/∂A ⊙ g'(Z), or each row's Jacobian
    assert_close(f"{name} shortcut dZ = A - Y", loss.dZ_shortcut(A, Y), general, rtol=1e-7, atol=1e-12)


def _soft_targets(name, rng, m, n):
    if name == "bce":
        return rng.uniform(0, 1, (m, n))
    Y = rng.uniform(0, 1, (m, n))
    return Y / Y.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_ce_trace_dZ_equals_explicit_jacobian_product_of_its_dA(reduction):
    spec = NetworkSpec((3, 4), ("softmax",), "softmax_ce", reduction, batch=5, seed=2)
    last = run(spec).layers[-1]
    explicit = np.stack([last.dA[i] @ ACTIVATIONS["softmax"].jacobian(last.A[i]) for i in range(5)])
    assert_close("softmax+CE dZ vs Jacobian path", last.dZ, explicit, rtol=1e-9)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_bce_trace_dZ_equals_dA_times_sigma_prime(reduction):
    spec = NetworkSpec((3, 4), ("sigmoid",), "bce", reduction, batch=5, seed=2)
    last = run(spec).layers[-1]
    assert_close("sigmoid+bce dZ vs general path", last.dZ, last.dA * last.A * (1 - last.A), rtol=1e-9)


def test_mse_on_softmax_takes_the_general_jacobian_path():
    spec = NetworkSpec((2, 3), ("softmax",), "mse", batch=4, seed=5)
    last = run(spec).layers[-1]
    assert_close("mse dA = A - Y", last.dA, last.A - run(spec).Y)
    explicit = np.stack([last.dA[i] @ ACTIVATIONS["softmax"].jacobian(last.A[i]) for i in range(4)])
    assert_close("mse+softmax dZ", last.dZ, explicit, rtol=1e-12)
    assert not np.allclose(last.dZ, last.A - run(spec).Y), "mse must not take the CE shortcut"


@pytest.mark.parametrize("name", ["mse", "bce", "softmax_ce"])
def test_mean_is_sum_divided_by_m_for_the_loss_and_every_gradient(name):
    sizes, acts = (3, 2, 3), ("tanh", OUTPUT[name])
    total = run(NetworkSpec(sizes, acts, name, "sum", batch=4, seed=8))
    mean = run(NetworkSpec(sizes, acts, name, "mean", batch=4, seed=8))
    assert_close("per-sample l_i", mean.losses, total.losses)
    assert_close("L = Σ l_i", total.loss, total.losses.sum())
    assert_close("L mean", mean.loss, total.loss / 4)
    for t, u in zip(total.layers, mean.layers, strict=True):
        for field in ("dA", "dZ", "dW", "db", "dA_prev"):
            assert_close(f"{field}^({t.l}) mean", getattr(u, field), getattr(t, field) / 4)


# the stability table: saturated predictions ----------------------------------------

SATURATED = {
    # logits Z (one row per sample) and targets: right and wrong saturated predictions
    "bce": (np.array([[1e4, -1e4], [-1e4, 1e4]]), np.array([[1.0, 0.0], [1.0, 0.0]])),
    "softmax_ce": (np.array([[1e4, -1e4], [-1e4, 1e4]]), np.array([[1.0, 0.0], [1.0, 0.0]])),
}


def _saturated_trace(name, reduction):
    Z, Y = SATURATED[name]
    spec = NetworkSpec((2, 2), (OUTPUT[name],), name, reduction, batch=2)
    X = np.eye(2)  # Z = X W + b = W
    return run(spec, Params((Z.copy(),), (np.zeros(2),)), X, Y)


@pytest.mark.parametrize("name", ["bce", "softmax_ce"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_saturated_predictions_keep_loss_and_gradients_finite(name, reduction):
    with np.errstate(all="raise"):
        trace = _saturated_trace(name, reduction)
    assert np.isfinite(trace.loss), f"{name} loss = {trace.loss}"
    for field in ("A", "dZ", "dW", "db", "dA_prev"):
        value = getattr(trace.layers[0], field)
        assert np.isfinite(value).all(), f"{field} not finite at saturation: {value}"
    m = 2 if reduction == "mean" else 1
    Z, Y = SATURATED[name]
    assert_close(f"{name} dZ at saturation", trace.layers[0].dZ, (np.array([[1, 0], [0, 1.0]]) - Y) / m)


@pytest.mark.parametrize("name", ["bce", "softmax_ce"])
def test_saturated_loss_value_is_right(name):
    # a wrong prediction at logit distance 2e4 costs 2e4 (bce: softplus(1e4) = 1e4, twice)
    Z, Y = SATURATED[name]
    trace = _saturated_trace(name, "sum")
    assert_close(f"{name} L at saturation", trace.loss, _reference_losses(name, Z, Y).sum(), rtol=1e-12)


def test_softmax_ce_is_exact_past_the_exp_limit():
    Z, Y = np.array([[0.0, -800.0]]), np.array([[0.0, 1.0]])
    got = LOSSES["softmax_ce"].per_sample(Z, ACTIVATIONS["softmax"].g(Z), Y)
    assert_close("softmax_ce l_i", got, [800.0], rtol=1e-12)


def test_bce_is_exact_past_the_exp_limit():
    Z, Y = np.array([[-800.0, 800.0]]), np.array([[1.0, 0.0]])
    got = LOSSES["bce"].per_sample(Z, ACTIVATIONS["sigmoid"].g(Z), Y)
    assert_close("bce l_i", got, [1600.0], rtol=1e-12)
