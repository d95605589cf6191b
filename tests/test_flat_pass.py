r"""The flat pass (``backprop.core.flat_pass``) against the engine's loop, bit for bit.

``network.run`` and ``network.backward`` take the generated straight-line pass; the
engine's loop (``backward_pass``, record=False) runs the same formula lines one call each.
Every activation, loss, reduction and dtype the sidebar offers gives the same arrays, the
same dtypes and the same per-sample losses on both. The finite-difference and SymPy
oracles of tests/test_engine.py and tests/test_network.py check ``run`` itself.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from helpers import run_interleaved

from backprop import NetworkSpec, Params
from backprop.core.activation_type import _QUIET, _error_state
from backprop.core.backward_engine import FORMULAS, backward_pass
from backprop.core.flat_pass import _renamed, backward_function, forward_function, source
from backprop.core.losses import LOSSES
from backprop.core.network import backward, forward, init_params, make_data, run

HIDDEN = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "custom:z*sigmoid(z)")
OUTPUTS = {"mse": HIDDEN + ("softmax",), "bce": ("sigmoid",), "softmax_ce": ("softmax",)}


def _shapes():
    """(activations, loss): every output a loss allows, each hidden activation at least once."""
    out = []
    for loss, outputs in OUTPUTS.items():
        for i, hidden in enumerate(HIDDEN):
            out.append(((hidden, outputs[i % len(outputs)]), loss))
        if loss == "mse":
            out.append((("softmax",), loss))  # a single layer
            out.append((("relu", "tanh", "custom:z*sigmoid(z)"), loss))  # three layers
    out.append((("tanh", "leaky_relu", "sigmoid"), "bce"))
    out.append((HIDDEN + ("softmax",), "softmax_ce"))  # eight layers, the most the spec allows
    return out


CASES = [
    (acts, loss, reduction, dtype)
    for acts, loss in _shapes()
    for reduction in ("sum", "mean")
    for dtype in (np.float64, np.float32)
]


def _inputs(acts, loss, reduction, dtype, scale=1.0, batch=3):
    sizes = (3,) + (4,) * (len(acts) - 1) + (3,)
    spec = NetworkSpec(sizes, acts, loss, reduction, batch, seed=len(acts) + batch)
    params = init_params(spec, dtype)
    params = Params(tuple(W * dtype(scale) for W in params.W), params.b)
    X, Y = make_data(spec, dtype)
    return spec, params, X, Y


def _engine(spec, params, X, Y, fwd):
    """The engine's loop (one call per step) and the loss's l_i, under the same guard as the flat pass."""
    with np.errstate(under="ignore"):
        losses = LOSSES[spec.loss].per_sample_in_guard(*fwd[-1], Y)
    return losses, backward_pass(spec, params.W, params.b, X, Y, fwd).layers


def _assert_same(flat_layers, engine_layers):
    assert len(flat_layers) == len(engine_layers)
    for mine, theirs in zip(flat_layers, engine_layers):
        assert mine.l == theirs.l
        for name in mine._fields[1:]:
            a, b = getattr(mine, name), getattr(theirs, name)
            assert a.dtype == b.dtype and a.shape == b.shape, (mine.l, name)
            np.testing.assert_array_equal(a, b, err_msg=f"{name} of layer {mine.l}", strict=True)
            assert np.array_equal(np.signbit(a), np.signbit(b)), (mine.l, name)  # -0.0 as the engine's


@pytest.mark.parametrize("scale", [1.0, 60.0])  # 60: saturated σ, tanh, softmax: the flushing branches
@pytest.mark.parametrize(
    "acts, loss, reduction, dtype",
    CASES,
    ids=[f"{'-'.join(a.split(':')[0] for a in c[0])}-{c[1]}-{c[2]}-{c[3].__name__}" for c in CASES],
)
def test_the_flat_pass_is_the_engine_bit_for_bit(acts, loss, reduction, dtype, scale):
    spec, params, X, Y = _inputs(acts, loss, reduction, dtype, scale)
    fwd = forward(spec, params, X)
    trace = backward(spec, params, X, Y, fwd)
    losses, layers = _engine(spec, params, X, Y, fwd)
    _assert_same(trace.layers, layers)
    np.testing.assert_array_equal(trace.losses, losses, strict=True)
    assert trace.loss == float(np.add.reduce(losses)) / (spec.batch if reduction == "mean" else 1)


def test_the_generated_forward_is_the_layer_formulas_in_order():
    spec, params, X, _ = _inputs(("tanh", "relu", "softmax"), "mse", "sum", np.float64)
    A, expected = X, []
    for W, b, g in zip(params.W, params.b, (np.tanh, lambda Z: np.maximum(Z, 0.0), None)):
        Z = A @ W + b
        A = (
            g(Z)
            if g
            else np.exp(Z - Z.max(1, keepdims=True)) / np.exp(Z - Z.max(1, keepdims=True)).sum(1)[:, None]
        )
        expected.append((Z, A))
    for (Z, A), (Z_, A_) in zip(forward(spec, params, X), expected):
        np.testing.assert_array_equal(Z, Z_)
        np.testing.assert_allclose(A, A_, rtol=1e-15)


def test_a_forward_pass_of_another_length_goes_to_the_engine():
    spec, params, X, Y = _inputs(("sigmoid", "identity"), "mse", "sum", np.float64)
    short = NetworkSpec((3, 4), ("sigmoid",), "mse", "sum", 3)
    fwd = forward(short, Params(params.W[:1], params.b[:1]), X)  # one layer, for a two-layer spec
    trace = backward(spec, params, X, np.zeros((3, 4)), fwd)
    assert [layer.l for layer in trace.layers] == [1]


def test_each_shape_is_compiled_once_and_its_source_is_one_formula_a_line():
    spec = NetworkSpec((3, 4, 4, 2), ("relu", "tanh", "softmax"), "softmax_ce", "mean", 5)
    same = NetworkSpec((2, 6, 6, 3), ("relu", "tanh", "softmax"), "softmax_ce", "mean", 7, seed=3)
    shape = (spec.activations, spec.loss, spec.reduction)
    assert backward_function(*shape) is backward_function(same.activations, same.loss, same.reduction)
    assert forward_function(spec.activations) is forward_function(same.activations)
    text = source(spec)
    assert text == forward_function(spec.activations).source + "\n" + backward_function(*shape).source
    body = [line for line in text.splitlines() if line.startswith("    ") and " = " in line]
    steps = [line for line in body if line.lstrip().startswith(("Z", "A", "d", "losses"))]
    assert steps and all("  # " in line for line in steps)  # each formula with its comment
    for l in (1, 2, 3):  # every layer's products, as the engine's lines name them
        p = "X" if l == 1 else f"A{l - 1}"
        assert f"    dW{l} = dot({p}.T, dZ{l})  # ∂L/∂W^({l}) = A^({l - 1})ᵀ @ ∂L/∂Z^({l})" in text
        assert f"    dA{l - 1} = dot(dZ{l}, W{l}.T)  # ∂L/∂A^({l - 1}) = ∂L/∂Z^({l}) @ W^({l})ᵀ" in text
    assert "    dZ3 = ar.loss_dZ('softmax_ce', A3, Y)  # ∂L/∂Z^(3) = A^(3) - Y" in text  # the shortcut
    assert text.count("ar.scale(") == 2  # ÷ m under the mean: ∂L/∂A^(3) and the shortcut


def test_the_lines_are_the_engines_formulas_renamed():
    names = {"A_prev": "A1", "W": "W2", "Z": "Z2", "A": "A2", "dA": "dA2", "dZ": "dZ2"}
    assert _renamed(FORMULAS["dW"].line, names, {}) == "dot(A1.T, dZ2)"
    with pytest.raises(ValueError, match="'np'"):
        _renamed("np.dot(dZ, W.T)", names, {})  # a name the generated namespace lacks
    with pytest.raises(ValueError, match="c.batch"):
        _renamed("ar.scale(dZ, c.batch)", names, {})


def test_underflow_is_flushed_whatever_the_callers_error_state():
    """Softmax at logits ±300 under the squared error: products below the normal range."""
    spec = NetworkSpec((3, 3), ("softmax",), "mse", batch=2)
    params = Params((np.zeros((3, 3)),), (np.array([300.0, 0.0, -300.0]),))
    X, Y = np.ones((2, 3)), np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    assert _error_state() is _QUIET  # NumPy's default state: the guard is skipped, underflow ignored
    quiet = run(spec, params, X, Y)
    with np.errstate(all="raise"):  # another state: the pass enters its guard
        strict = run(spec, params, X, Y)
    assert quiet.layers[0].dZ[0][2] == 0.0
    _assert_same(strict.layers, quiet.layers)


def test_threads_running_different_shapes_get_their_own_results():
    cases = [CASES[i] for i in (0, 9, 30, 47, 60)]
    inputs = [_inputs(*case, batch=2 + i) for i, case in enumerate(cases)]
    expected = [_engine(spec, p, X, Y, forward(spec, p, X))[1] for spec, p, X, Y in inputs]
    backward_function.cache_clear()  # the threads compile the shapes while they run
    forward_function.cache_clear()
    start, errors = threading.Barrier(len(cases)), []

    def worker(spec, params, X, Y, layers, state):
        try:
            start.wait()
            with np.errstate(under=state) if state else _nothing():
                for _ in range(100):
                    _assert_same(backward(spec, params, X, Y, forward(spec, params, X)).layers, layers)
        except Exception as error:  # pragma: no cover (reported below)
            errors.append(error)

    states = ("raise", None, "warn", None, "ignore")  # None: NumPy's default, the unguarded call
    threads = [
        threading.Thread(target=worker, args=(*args, layers, state))
        for args, layers, state in zip(inputs, expected, states)
    ]
    run_interleaved(threads)
    assert not errors, errors


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_run_takes_the_flat_pass(monkeypatch):
    spec, params, X, Y = _inputs(("tanh", "sigmoid"), "bce", "mean", np.float64)
    calls = []
    flat = backward_function(spec.activations, spec.loss, spec.reduction)

    def counted(activations, loss, reduction):
        calls.append((activations, loss, reduction))
        return flat

    monkeypatch.setattr("backprop.core.network.backward_function", counted)
    run(spec, params, X, Y)
    assert calls == [(spec.activations, "bce", "mean")]


def test_a_line_break_in_a_comment_stays_inside_the_comment():
    from backprop.core.flat_pass import _comment

    assert _comment("A^(1) = z\nimport os(Z^(1))") == "A^(1) = z import os(Z^(1))"
    assert "\n" not in _comment("a\r\nb\rc")
