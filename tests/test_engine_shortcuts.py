r"""What the tiny pass skips or resolves once, checked against the plain formulas.

σ skips its exponent clip when no |z| is past the limit; the backward pass holds one
np.errstate for all its steps (``backward_step``, ``per_sample_step``, ``ignoring_underflow``);
the products, counts and column sums call NumPy's and BLAS's C functions directly.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from helpers import run_interleaved

from backprop import NetworkSpec, Params, run
from backprop.core.activation_type import (
    _row_dots,
    count_nonzero,
    dot,
    ignoring_underflow,
    sigmoid,
    sigmoid_prime,
    vecdot,
)
from backprop.core.activations import ACTIVATIONS
from backprop.core.arithmetic import FLOAT
from backprop.core.backward_engine import backward_pass
from backprop.core.losses import LOSSES
from backprop.core.network import forward, init_params, make_data


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_within_the_limit_is_the_plain_formula_bit_for_bit(dtype):
    z = np.linspace(-80.0, 80.0, 321).astype(dtype)  # within float32's limit (87) too
    with np.errstate(all="raise"):
        fast = sigmoid(z)
    plain = 1.0 / (1.0 + np.exp(-z))
    assert fast.dtype == dtype
    np.testing.assert_array_equal(fast, plain)


@pytest.mark.parametrize(
    "dtype, far",
    [(np.float64, [-1e4, -709.0, 709.0, 1e4]), (np.float32, [-1e4, -100.0, -88.0, 88.0, 100.0, 1e4])],
)
def test_sigmoid_clips_only_when_some_z_is_past_the_limit_and_then_changes_no_other_entry(dtype, far):
    near = np.array([-3.0, 0.0, 2.5], dtype)
    z = np.concatenate([np.array(far, dtype), near])
    with np.errstate(all="raise"):  # no overflow of e^{-z}, no subnormal σ
        mixed = sigmoid(z)
    np.testing.assert_array_equal(mixed[len(far) :], sigmoid(near))
    assert mixed[: len(far)].tolist() == [0.0 if v < 0 else 1.0 for v in far]


def _underflowing_pass():
    """Softmax at logits 300, 0, -300 under the squared error: a product below the normal range."""
    spec = NetworkSpec((3, 3), ("softmax",), "mse", batch=2)
    params = Params((np.zeros((3, 3)),), (np.array([300.0, 0.0, -300.0]),))
    X, Y = np.ones((2, 3)), np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    return spec, params, X, Y


def test_the_engine_called_alone_holds_its_own_underflow_guard():
    spec, params, X, Y = _underflowing_pass()
    with np.errstate(all="raise"):
        alone = backward_pass(spec, params.W, params.b, X, Y, forward(spec, params, X), record=True)
        whole = run(spec, params, X, Y)
    assert alone.layers[0].dZ[0][2] == 0.0  # flushed, not raised
    for name in ("dZ", "dW", "db", "dA_prev"):
        np.testing.assert_array_equal(getattr(alone.layers[0], name), getattr(whole.layers[0], name))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_backward_is_backward_step_under_the_guard(name):
    act = ACTIVATIONS[name]
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((4, 3)) * 5
    A, dA = act.g(Z), rng.standard_normal((4, 3)) * 1e-306  # tiny: products below the normal range
    with np.errstate(all="raise"):
        guarded = act.backward(Z, A, dA)
    with np.errstate(under="ignore"):
        step = act.backward_step(Z, A, dA)
        plain = dA * act.dg(Z, A) if act.dg is not None else None
    np.testing.assert_array_equal(guarded, step)
    if name in ("sigmoid", "tanh", "leaky_relu", "softplus"):  # g' < 1 somewhere: something was flushed
        assert count_nonzero((plain != 0) & (step == 0)) > 0


def test_the_squared_errors_step_is_its_per_sample_loss():
    loss = LOSSES["mse"]
    A = np.array([[1e-160, 2.0], [1e-200, 0.0], [0.5, -1.5]])
    Y = np.zeros_like(A)
    with np.errstate(all="raise"):
        guarded = loss.per_sample(A, A, Y)
    with np.errstate(under="ignore"):
        step = loss.per_sample_step(A, A, Y)
    np.testing.assert_array_equal(guarded, step)
    assert step[1] == 0.0  # ½ (1e-200)² is below the normal range: flushed


def test_tanh_prime_needs_no_guard_for_tiny_outputs():
    A = np.array([1e-300, -1e-300, 0.0, 0.5, 1.0 - 2.0**-53])
    with np.errstate(all="raise"):
        g = ACTIVATIONS["tanh"].dg(None, A)
    assert g[:4].tolist() == [1.0, 1.0, 1.0, 0.75]
    assert g[4] == pytest.approx(2.0**-52, rel=1e-15)  # 1 - a² with a² rounded would lose this


def _gradients(spec):
    params = init_params(spec)
    X, Y = make_data(spec)
    return run(spec, params, X, Y)


def test_each_pass_follows_its_reduction_and_loss():
    total = _gradients(NetworkSpec((3, 4, 2), ("sigmoid", "sigmoid"), "mse", "sum", 4, seed=5))
    mean = _gradients(NetworkSpec((3, 4, 2), ("sigmoid", "sigmoid"), "mse", "mean", 4, seed=5))
    bce = _gradients(NetworkSpec((3, 4, 2), ("sigmoid", "sigmoid"), "bce", "sum", 4, seed=5))
    for l in (0, 1):
        np.testing.assert_allclose(mean.layers[l].dW, total.layers[l].dW / 4, rtol=1e-13)
    top = bce.layers[1]
    np.testing.assert_array_equal(top.dZ, top.A - bce.Y)  # the shortcut, not ∂L/∂A ⊙ σ'
    assert not np.array_equal(total.layers[1].dZ, total.layers[1].A - total.Y)  # mse goes through σ'


def test_a_custom_activation_is_differentiated_by_its_own_formula():
    spec = NetworkSpec((2, 3, 1), ("custom:z**3/3 + z", "identity"), "mse", "sum", 2, seed=7)
    trace = _gradients(spec)
    layer = trace.layers[0]
    np.testing.assert_allclose(layer.dZ, layer.dA * (layer.Z**2 + 1), rtol=1e-14)


def test_dot_count_nonzero_and_vecdot_are_numpys_own():
    rng = np.random.default_rng(0)
    P, Q = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    np.testing.assert_array_equal(dot(P, Q), np.dot(P, Q))
    exact = np.array([[sp.Rational(1, 2), sp.Integer(3)]], dtype=object)
    assert dot(exact, exact.T)[0, 0] == sp.Rational(37, 4)
    mask = rng.standard_normal((5, 5)) > 0
    assert count_nonzero(mask) == np.count_nonzero(mask)
    D = rng.standard_normal((6, 3))
    np.testing.assert_allclose(vecdot(D, D), (D * D).sum(axis=1), rtol=1e-15)  # NumPy 2's or the fallback
    np.testing.assert_array_equal(_row_dots(D, D), (D * D).sum(axis=1))  # the NumPy 1.x fallback


@pytest.mark.parametrize("shape", [(1, 1), (2, 4), (3, 1), (256, 10), (64, 300)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_column_sums_are_the_sums_of_each_column(shape, dtype):
    P = np.random.default_rng(shape[0]).standard_normal(shape).astype(dtype)
    sums = FLOAT.column_sum(P)
    assert sums.shape == (shape[1],) and sums.dtype == dtype
    reference = P.astype(np.float64).sum(axis=0)
    tolerance = shape[0] * np.finfo(dtype).eps * np.abs(P).sum(axis=0).max()
    assert np.abs(sums - reference).max() <= tolerance
    empty = FLOAT.column_sum(P[:0, :1])  # no rows: one zero per column
    assert empty.shape == (1,) and not empty.any()


def test_ignoring_underflow_guards_each_call_and_restores_each_threads_own_state():
    import threading  # noqa: PLC0415

    seen, errors = [], []
    start = threading.Barrier(3)
    inner = ignoring_underflow(lambda: seen.append(np.geterr()["under"]) or np.array([1e-300]) * 1e-300)

    def worker(state):
        try:
            start.wait()  # the three threads run at once, switching every microsecond
            with np.errstate(under=state):
                for _ in range(200):
                    assert inner()[0] == 0.0  # underflowed, not raised nor warned
                    assert np.geterr()["under"] == state
        except Exception as error:  # pragma: no cover (reported below)
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(state,)) for state in ("raise", "warn", "ignore")]
    run_interleaved(threads)
    assert not errors and set(seen) == {"ignore"} and len(seen) == 600


@pytest.mark.parametrize("dtype, limit", [(np.float64, 708.0), (np.float32, 87.0)])
def test_sigma_prime_needs_no_guard_at_the_exponent_limits(dtype, limit):
    r"""σ'(z) = a(1 - a) for z at and just inside ±limit: no underflow raised, no subnormal."""
    Z = np.array([[-limit, -(limit - 0.1), -40.0, 0.0, 40.0, limit - 0.1, limit]], dtype)
    with np.errstate(all="raise"):
        A = sigmoid(Z)
        dg = sigmoid_prime(Z, A)
    tiny = np.finfo(dtype).tiny
    assert dg.dtype == dtype and not ((dg != 0) & (np.abs(dg) < tiny)).any()
    assert (dg[0, 1:4] > 0).all()  # z ≤ 0 inside the limit: a(1 - a) > 0 (for z ≥ 40, 1 - a rounds to 0)


def test_the_squared_error_keeps_integer_arrays_working():
    A, Y = np.array([[1, 2], [3, 5]]), np.array([[0, 0], [3, 1]])
    assert LOSSES["mse"].per_sample(None, A, Y).tolist() == [2.5, 8.0]
