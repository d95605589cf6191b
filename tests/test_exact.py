"""Hand-calculation mode: exact values equal the float core's, and other networks are refused."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from backprop import InvalidInput, NetworkSpec, Params, run
from backprop.derivation.exact import MAX_PRODUCTS, exact_problem, exact_run, supports_exact, to_float


def assert_close(name: str, actual, expected, **tol) -> None:
    """assert_allclose naming the quantity (here, as the name conftest is ambiguous with tests/browser)."""
    np.testing.assert_allclose(actual, expected, **tol, err_msg=f"{name} diverged")


FIELDS = ("A_prev", "W", "b", "Z", "A", "dA", "dZ", "dW", "db", "dA_prev")


@st.composite
def exact_specs(draw):
    L = draw(st.integers(1, 3))
    sizes = tuple(draw(st.integers(1, 4)) for _ in range(L + 1))
    acts = tuple(draw(st.sampled_from(("identity", "relu"))) for _ in range(L))
    return NetworkSpec(
        sizes,
        acts,
        "mse",
        draw(st.sampled_from(("sum", "mean"))),
        draw(st.integers(1, 4)),
        draw(st.integers(0, 2**32 - 1)),
        "integers",
    )


@given(exact_specs())
def test_exact_values_equal_the_float_ones(spec):
    exact, floats = exact_run(spec), run(spec)
    # every entry is an exact SymPy number
    assert all(isinstance(v, sp.Rational) for v in exact.layers[0].dW.flat)
    tol = dict(rtol=1e-12, atol=1e-12) if spec.reduction == "mean" else dict(rtol=0, atol=0)  # sum: integers
    for le, lf in zip(exact.layers, floats.layers, strict=True):
        for name in FIELDS:
            assert_close(f"{name}^({le.l})", to_float(getattr(le, name)), getattr(lf, name), **tol)
    assert_close("L", float(exact.loss), floats.loss, **tol)
    assert_close("l_i", to_float(exact.losses), floats.losses, **tol)


def test_sum_gives_integers_and_mean_gives_fractions_over_m():
    spec = NetworkSpec((3, 4, 2), ("relu", "identity"), batch=3, seed=5, init="integers")
    assert all(isinstance(v, sp.Integer) for v in exact_run(spec).layers[0].dW.flat)
    mean = exact_run(
        NetworkSpec((3, 4, 2), ("relu", "identity"), reduction="mean", batch=3, seed=5, init="integers")
    )
    assert any(isinstance(v, sp.Rational) and v.q == 3 for v in mean.layers[1].dZ.flat)
    assert all(3 % v.q == 0 for v in mean.layers[0].dW.flat)


def test_hand_numbers():
    # z = 1·2 + 2·(-1) + 1 = 1, ReLU keeps it; mean over m = 2 of ½(a - y)²
    spec = NetworkSpec((2, 1), ("relu",), reduction="mean", batch=2, init="integers")
    params = Params((np.array([[2.0], [-1.0]]),), (np.array([1.0]),))
    trace = exact_run(spec, params, [[1.0, 2.0], [0.0, 3.0]], [[0.0], [1.0]])
    layer = trace.layers[0]
    assert layer.Z.tolist() == [[1], [-2]]
    assert layer.A.tolist() == [[1], [0]]
    assert trace.loss == sp.Rational(1, 2)  # (½·1 + ½·1) / 2
    assert layer.dZ.tolist() == [[sp.Rational(1, 2)], [0]]  # ReLU' = 0 where z = -2
    assert layer.dW.tolist() == [[sp.Rational(1, 2)], [1]]


@pytest.mark.parametrize(
    "spec, field",
    [
        (NetworkSpec((2, 1), ("relu",), init="uniform"), "init"),
        (NetworkSpec((2, 2, 1), ("sigmoid", "identity"), init="integers"), "activation of layer 1"),
        (NetworkSpec((2, 2), ("sigmoid",), loss="bce", init="integers"), "activation of layer 1"),
        (NetworkSpec((2, 2), ("softmax",), loss="mse", init="integers"), "activation of layer 1"),
        (NetworkSpec((64, 64, 64), ("relu", "identity"), batch=64, init="integers"), "network size"),
    ],
)
def test_other_networks_are_refused_with_the_field_named(spec, field):
    assert not supports_exact(spec)
    with pytest.raises(InvalidInput) as error:
        exact_run(spec)
    assert error.value.field == field
    assert "hand-calculation mode" in str(error.value)
    assert exact_problem(spec).field == field


def test_size_limit_is_what_it_says():
    # 1 x 100 x 100 x 2 products: 20 000 exactly is allowed, one more sample is not
    ok = NetworkSpec((100, 100), ("identity",), batch=2, init="integers")
    assert 2 * 100 * 100 == MAX_PRODUCTS and supports_exact(ok)
    assert not supports_exact(NetworkSpec((100, 100), ("identity",), batch=3, init="integers"))


def test_given_arrays_must_be_whole_numbers():
    spec = NetworkSpec((2, 1), ("identity",), batch=1, init="integers")
    with pytest.raises(InvalidInput, match="whole number"):
        exact_run(spec, Params((np.array([[0.5], [1.0]]),), (np.array([0.0]),)), [[1.0, 1.0]], [[0.0]])
