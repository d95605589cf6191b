r"""Activations: g against an mpmath / SymPy reference, g' against SymPy's derivative,
softmax's Jacobian, and the stability table (|z| up to 1e4 under np.errstate(all="raise")).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from helpers import assert_close
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop.core.activations import ACTIVATIONS, LEAKY_SLOPE, activation

ELEMENTWISE = [name for name, act in ACTIVATIONS.items() if act.elementwise]
z = sp.Symbol("z", real=True)

# g written out independently of the core, evaluated in mpmath at 400 digits (enough
# for 1 + e^-700 to keep its tail): the reference values
DIGITS = 400
# exponents are clipped (EXP_LIMIT) so that nothing overflows or turns subnormal: a value
# whose true size is below ~1e-300 may come back flushed to 0 (or clipped), an absolute
# error under 1e-299 that no display or gradient check can see
TINY = 1e-299
REFERENCE = {
    "identity": lambda x: x,
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "tanh": mpmath.tanh,
    "relu": lambda x: max(x, 0),
    "leaky_relu": lambda x: x if x > 0 else x / 100,
    "softplus": lambda x: mpmath.log1p(mpmath.exp(x)),
}

# points away from relu's kink, from the saturated tails to the origin
POINTS = np.array([-700.0, -300.0, -40.0, -5.0, -1.0, -0.3, -1e-8, 1e-8, 0.2, 1.0, 3.0, 35.0, 300.0, 700.0])

# the stability table: |z| up to 1e4, across the exp-overflow thresholds (709.78, 745.13)
TABLE = np.array(
    [-1e4, -1e3, -745.2, -745.0, -710.0, -709.8, -708.0, -100.0, -1.0, 0.0,
     1.0, 100.0, 708.0, 709.8, 710.0, 745.2, 1e3, 1e4]
)  # fmt: skip


def test_registry_holds_the_seven_names_of_the_contract():
    assert set(ACTIVATIONS) == {
        "identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "softmax"
    }  # fmt: skip
    for name, act in ACTIVATIONS.items():
        assert act.name == name
        assert activation(name) is act
    assert [n for n, a in ACTIVATIONS.items() if a.last_layer_only] == ["softmax"]
    assert [n for n, a in ACTIVATIONS.items() if not a.elementwise] == ["softmax"]
    assert {n for n, a in ACTIVATIONS.items() if a.kinks} == {"relu", "leaky_relu"}
    assert ACTIVATIONS["relu"].kinks == ACTIVATIONS["leaky_relu"].kinks == (0.0,)


def test_unknown_name_is_a_key_error():
    with pytest.raises(KeyError):
        activation("swish")


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_g_matches_the_50_digit_reference(name):
    got = ACTIVATIONS[name].g(POINTS.reshape(2, -1)).ravel()
    with mpmath.workdps(DIGITS):
        expected = np.array([float(REFERENCE[name](mpmath.mpf(float(x)))) for x in POINTS])
    assert_close(f"{name}(z)", got, expected, rtol=1e-14, atol=TINY)


def test_leaky_relu_slope_is_one_hundredth():
    assert LEAKY_SLOPE == 0.01
    assert_close("leaky_relu(-2)", ACTIVATIONS["leaky_relu"].g(np.array([[-2.0]])), [[-0.02]])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_dg_matches_sympy_derivative_of_the_twin(name):
    act = ACTIVATIONS[name]
    derivative = sp.lambdify(z, sp.diff(act.sym(z), z), "mpmath")
    Z = POINTS.reshape(2, -1)
    got = act.dg(Z, act.g(Z)).ravel()
    with mpmath.workdps(DIGITS):  # exp(-700) ~ 1e-304 must survive 1 + exp(-700)
        expected = np.array([float(derivative(mpmath.mpf(float(x)))) for x in POINTS])
    # g' from A (sigmoid: a(1-a), tanh: 1-a²) loses relative accuracy where a → ±1: absolute 2e-16
    assert_close(f"{name}'(z)", got, expected, rtol=1e-13, atol=2e-16)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_sympy_twin_is_the_same_function_as_g(name):
    act = ACTIVATIONS[name]
    twin = sp.lambdify(z, act.sym(z), "mpmath")
    with mpmath.workdps(DIGITS):
        expected = np.array([float(twin(mpmath.mpf(float(x)))) for x in POINTS])
    assert_close(f"sym {name}(z)", act.g(POINTS.reshape(1, -1)).ravel(), expected, rtol=1e-14, atol=TINY)


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_derivative_at_the_kink_is_one_of_the_one_sided_derivatives(name):
    act = ACTIVATIONS[name]
    Z = np.zeros((1, 1))
    left, right = (0.0 if name == "relu" else LEAKY_SLOPE), 1.0
    assert float(act.dg(Z, act.g(Z))[0, 0]) in (left, right)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_backward_is_dA_times_g_prime(name):
    rng = np.random.default_rng(3)
    act = ACTIVATIONS[name]
    Z, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    A = act.g(Z)
    assert_close(f"dZ for {name}", act.backward(Z, A, dA), dA * act.dg(Z, A))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_integer_z_gives_the_same_as_float_z(name):
    # a page plotting g on np.arange(-5, 6), or a student's integer Z, must just work
    act = ACTIVATIONS[name]
    Z = np.array([[-2, 0, 3], [1, -1, 4]])
    A, A_float = act.g(Z), act.g(Z.astype(np.float64))
    assert_close(f"{name}(integer Z)", A, A_float, rtol=0, atol=0)
    dA = np.ones((2, 3))
    assert_close(
        f"{name} backward(integer Z)",
        act.backward(Z, A, dA),
        act.backward(Z.astype(float), A_float, dA),
        rtol=0,
        atol=0,
    )


# softmax ------------------------------------------------------------------------------

SOFTMAX = ACTIVATIONS["softmax"]


def _softmax_reference(row):
    with mpmath.workdps(DIGITS):
        exps = [mpmath.exp(mpmath.mpf(float(v))) for v in row]
        return [float(e / sum(exps)) for e in exps]


@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-30, 30)))
def test_softmax_rows_match_reference_and_sum_to_one(Z):
    A = SOFTMAX.g(Z)
    expected = np.array([_softmax_reference(row) for row in Z])
    assert_close("softmax(Z)", A, expected, rtol=1e-13, atol=TINY)
    assert_close("row sums of softmax(Z)", A.sum(axis=1), np.ones(len(Z)), rtol=1e-14)


def test_softmax_twin_and_its_jacobian_match_sympy():
    row = sp.symbols("z1:4", real=True)
    values = {s: v for s, v in zip(row, (0.3, -1.2, 2.0), strict=True)}
    a = SOFTMAX.g(np.array([[0.3, -1.2, 2.0]]))[0]
    twin = SOFTMAX.sym(list(row))
    assert_close("sym softmax", [float(e.subs(values)) for e in twin], a, rtol=1e-14)
    # J_jk = ∂a_j/∂z_k, by SymPy from an independent formula
    exps = [sp.exp(s) for s in row]
    outputs = sp.Matrix([e / sum(exps) for e in exps])
    J = np.array(outputs.jacobian(sp.Matrix(row)).subs(values).evalf(30), dtype=np.float64)
    assert_close("softmax Jacobian", SOFTMAX.jacobian(a), J, rtol=1e-13, atol=1e-16)


@given(
    st.integers(1, 5).flatmap(
        lambda m: st.integers(1, 6).flatmap(
            lambda n: st.tuples(
                arrays(np.float64, (m, n), elements=st.floats(-20, 20)),
                arrays(np.float64, (m, n), elements=st.floats(-5, 5)),
            )
        )
    )
)
def test_softmax_backward_is_each_samples_jacobian_product(Z_dA):
    Z, dA = Z_dA
    A = SOFTMAX.g(Z)
    # ∂L/∂z_k = Σ_j ∂L/∂a_j ∂a_j/∂z_k: row i of dZ is dA_i J(a_i) (J is symmetric)
    explicit = np.stack([dA[i] @ SOFTMAX.jacobian(A[i]) for i in range(len(Z))])
    assert_close("softmax dZ", SOFTMAX.backward(Z, A, dA), explicit, rtol=1e-9, atol=1e-14)


def test_softmax_is_shift_invariant_per_row():
    Z = np.array([[1.0, 2.0, 3.0], [-4.0, 0.0, 4.0]])
    assert_close("softmax(Z + c)", SOFTMAX.g(Z + np.array([[100.0], [-50.0]])), SOFTMAX.g(Z), rtol=1e-13)


# the stability table ------------------------------------------------------------------


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_table_g_and_g_prime_finite_without_any_floating_point_warning(name):
    act = ACTIVATIONS[name]
    Z = TABLE.reshape(2, -1)
    with np.errstate(all="raise"):
        A = act.g(Z)
        dg = act.dg(Z, A)
    assert np.isfinite(A).all(), f"{name}(z) not finite at {Z[~np.isfinite(A)]}"
    assert np.isfinite(dg).all(), f"{name}'(z) not finite at {Z[~np.isfinite(dg)]}"
    # and right in the tails: g(±1e4) is the limit to double precision
    limits = {
        "identity": (-1e4, 1e4), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0),
        "relu": (0.0, 1e4), "leaky_relu": (-100.0, 1e4), "softplus": (0.0, 1e4),
    }  # fmt: skip
    assert_close(f"{name}(-1e4), {name}(1e4)", A.ravel()[[0, -1]], limits[name], rtol=1e-15, atol=TINY)


SOFTMAX_ROWS = [
    [1e4, -1e4],
    [-1e4, 1e4],
    [1e4, 1e4],
    [0.0, 1e4],
    [-1e4, -1e4, -1e4],
    [745.2, -745.2, 0.0],
    [1e4, 1e4, -1e4],  # e^-690 / 2 must stay a normal float
    [0.0, 0.0, -800.0],
]  # fmt: skip


@pytest.mark.parametrize("row", SOFTMAX_ROWS)
def test_table_softmax_forward_finite_without_any_floating_point_warning(row):
    Z = np.array([row])
    with np.errstate(all="raise"):
        A = SOFTMAX.g(Z)
    assert np.isfinite(A).all() and (A >= 0).all(), f"softmax({row}) = {A}"
    assert_close(f"softmax({row})", A, [_softmax_reference(row)], rtol=1e-15, atol=TINY)


@pytest.mark.parametrize("row", SOFTMAX_ROWS)
def test_table_softmax_backward_finite_without_overflow_or_nan(row):
    # underflow to a subnormal in dA ⊙ (tiny a) is harmless and not asked for here
    Z = np.array([row])
    A = SOFTMAX.g(Z)
    dA = np.linspace(-1.0, 1.0, len(row)).reshape(1, -1)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        dZ = SOFTMAX.backward(Z, A, dA)
    assert np.isfinite(dZ).all(), f"softmax backward at {row}: {dZ}"
    assert abs(dZ.sum()) < 1e-12, "softmax dZ rows must sum to 0 (softmax is shift invariant)"


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_table_backward_finite_without_overflow_or_nan(name):
    act = ACTIVATIONS[name]
    Z = TABLE.reshape(2, -1)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        dZ = act.backward(Z, act.g(Z), np.full_like(Z, 0.5))
    assert np.isfinite(dZ).all(), f"{name} backward not finite at {Z[~np.isfinite(dZ)]}"
