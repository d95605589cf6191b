"""Gradient descent: the loss falls, steps are the core's gradients, vanishing gradients show."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close

from backprop import InvalidInput, NetworkSpec, run
from backprop.core.network import Params, init_params, make_data
from backprop.teaching.train import (
    DEMOS,
    MAX_RECORDS,
    MAX_STEPS,
    advance,
    early_to_late,
    max_steps,
    start,
    step,
    surface,
    train,
)


def test_one_step_is_w_minus_rate_times_the_gradient():
    spec = NetworkSpec()
    before = run(spec)
    history = train(spec, rate=0.1, steps=1)
    for layer, W, b in zip(before.layers, history.params.W, history.params.b, strict=True):
        assert_close(f"W^({layer.l})", W, layer.W - 0.1 * layer.dW)
        assert_close(f"b^({layer.l})", b, layer.b - 0.1 * layer.db)
    assert_close("loss", history.loss[0], before.loss)
    assert_close("‖∂L/∂W‖", history.grad_norms[0], [np.linalg.norm(x.dW) for x in before.layers])
    assert_close("final", history.final.loss, run(spec, history.params).loss)


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec(),
        NetworkSpec(sizes=(3, 4, 3), activations=("relu", "softmax"), loss="softmax_ce", batch=1),
        NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "sigmoid"), loss="bce", reduction="mean"),
    ],
)
def test_small_rate_lowers_the_loss(spec):
    history = train(spec, rate=0.02, steps=50)
    assert history.steps_done == 50 and not history.diverged
    assert history.loss[-1] < history.loss[0]
    assert history.grad_norms.shape == (51, spec.L) and history.bias_norms.shape == (51, spec.L)


def test_seeded_and_pure():
    a, b = train(NetworkSpec(), 0.05, 10), train(NetworkSpec(), 0.05, 10)
    np.testing.assert_array_equal(a.loss, b.loss)


def test_given_start_is_used():
    spec = NetworkSpec(sizes=(2, 1), activations=("identity",), batch=2)
    params = Params((np.zeros((2, 1)),), (np.zeros(1),))
    X, Y = np.eye(2), np.ones((2, 1))
    history = train(spec, 0.5, 0, params, X, Y)
    assert history.loss[0] == pytest.approx(1.0)  # ½(0-1)² per sample, summed


def test_too_large_rate_stops_with_diverged():
    history = train(NetworkSpec(), rate=10.0, steps=200)
    assert history.diverged and history.steps_done < 200
    assert np.isfinite(history.loss).all()


def test_deep_sigmoid_loses_its_early_gradients_relu_does_not():
    sigmoid = train(DEMOS["deep_sigmoid"], 0.01, 5)
    relu = train(DEMOS["deep_relu"], 0.01, 5)
    assert early_to_late(sigmoid) < 1e-2  # ‖∂L/∂W^(1)‖ far below ‖∂L/∂W^(L)‖
    assert early_to_late(relu) > 1e-1
    # and each sigmoid layer's norm is below the next one's: the chain multiplies by g' ≤ ¼
    assert (np.diff(sigmoid.grad_norms[0]) > 0).all()


@pytest.mark.parametrize(
    "rate, steps, field",
    [
        (0, 5, "learning rate"),
        (-1.0, 5, "learning rate"),
        (11.0, 5, "learning rate"),
        (True, 5, "learning rate"),
        ("0.1", 5, "learning rate"),
        (float("nan"), 5, "learning rate"),
        (0.1, -1, "steps"),
        (0.1, MAX_STEPS + 1, "steps"),
        (0.1, 2.5, "steps"),
    ],
)
def test_bad_arguments_name_the_field(rate, steps, field):
    with pytest.raises(InvalidInput) as error:
        train(NetworkSpec(), rate, steps)
    assert error.value.field == field


def test_big_networks_get_fewer_steps():
    big = NetworkSpec(sizes=(784, 512, 256, 10), activations=("relu", "relu", "identity"), batch=256)
    assert max_steps(big) == 1 and max_steps(NetworkSpec()) == MAX_STEPS
    with pytest.raises(InvalidInput):
        train(big, 0.1, 2)


# --- step, start, advance: the live run ----------------------------------------------------

SMALL = [
    NetworkSpec(),
    NetworkSpec(sizes=(2, 5, 1), activations=("tanh", "sigmoid"), loss="bce", batch=8, seed=3),
    NetworkSpec(sizes=(3, 4, 3), activations=("relu", "softmax"), loss="softmax_ce", reduction="mean"),
    NetworkSpec(sizes=(1, 1), activations=("identity",), batch=1),
]


@pytest.mark.parametrize("spec", SMALL, ids=lambda s: "-".join(map(str, s.sizes)))
def test_one_step_is_w_minus_rate_times_the_traces_own_gradient(spec):
    rng = np.random.default_rng(7)
    params = Params(tuple(W + rng.normal(0, 0.1, W.shape) for W in init_params(spec).W), init_params(spec).b)
    X, Y = make_data(spec)
    trace = run(spec, params, X, Y)  # the gradients a step must use
    new, history = step(params, spec, X, Y, 0.3, 1)
    for layer, W, b in zip(trace.layers, new.W, new.b, strict=True):
        assert_close(f"W^({layer.l})", W, layer.W - 0.3 * layer.dW)
        assert_close(f"b^({layer.l})", b, layer.b - 0.3 * layer.db)
    assert_close("loss before", history.loss[0], trace.loss)
    assert_close("loss after", history.final.loss, run(spec, new, X, Y).loss)
    np.testing.assert_array_equal(X, history.final.X)  # the data is not touched


def test_k_steps_are_k_single_steps():
    spec = SMALL[1]
    X, Y = make_data(spec)
    params = init_params(spec)
    many, _ = step(params, spec, X, Y, 0.1, 4)
    for _ in range(4):
        params, _ = step(params, spec, X, Y, 0.1, 1)
    for l, (a, b) in enumerate(zip(many.W, params.W, strict=True), 1):
        np.testing.assert_array_equal(a, b, err_msg=f"W^({l})")


def test_step_refuses_what_train_refuses():
    spec = NetworkSpec()
    X, Y = make_data(spec)
    with pytest.raises(InvalidInput) as error:
        step(init_params(spec), spec, X, Y, 0.0, 1)
    assert error.value.field == "learning rate"
    with pytest.raises(InvalidInput) as error:
        step(init_params(spec), spec, X, Y, 0.1, MAX_STEPS + 1)
    assert error.value.field == "steps"


def test_advance_appends_the_records_of_one_long_run():
    spec = NetworkSpec()
    progress = start(spec)
    assert progress.steps == 0 and progress.at.tolist() == [0] and progress.loss[0] == run(spec).loss
    for k in (3, 1, 6):
        progress = advance(progress, 0.05, k)
    whole = train(spec, 0.05, 10)
    assert progress.steps == 10 and progress.at.tolist() == list(range(11))
    assert_close("loss", progress.loss, whole.loss)
    assert_close("‖∂L/∂W‖", progress.grad_norms, whole.grad_norms)
    for l, (a, b) in enumerate(zip(progress.params.W, whole.params.W, strict=True), 1):
        assert_close(f"W^({l})", a, b)
    assert_close("trace", progress.trace.loss, progress.loss[-1])


@pytest.mark.parametrize("spec", SMALL[:3], ids=lambda s: "-".join(map(str, s.sizes)))
def test_the_loss_decreases_on_a_small_network(spec):
    progress = start(spec)
    for _ in range(20):
        progress = advance(progress, 0.02, 5)
    assert not progress.diverged and progress.steps == 100
    assert progress.loss[-1] < 0.9 * progress.loss[0]


def test_a_diverged_run_stays_where_it_stopped():
    progress = advance(start(NetworkSpec()), 10.0, 200)
    assert progress.diverged and progress.steps < 200
    assert advance(progress, 0.01, 5) is progress
    assert np.isfinite(progress.loss).all()


def test_long_runs_keep_at_most_max_records_first_and_last_included():
    progress = start(NetworkSpec(sizes=(1, 1), activations=("identity",), batch=1))
    for _ in range(MAX_RECORDS // 1000 + 2):
        progress = advance(progress, 0.001, 1000)
    assert len(progress.at) <= MAX_RECORDS
    assert progress.at[0] == 0 and progress.at[-1] == progress.steps
    assert (np.diff(progress.at) > 0).all()
    assert len(progress.loss) == len(progress.at) == len(progress.grad_norms)


def test_vanishing_gradients_show_in_the_live_runs():
    sigmoid = advance(start(DEMOS["deep_sigmoid"]), 0.01, 50)
    relu = advance(start(DEMOS["deep_relu"]), 0.01, 50)
    assert early_to_late(sigmoid, 0) < 1e-2 and early_to_late(relu, 0) > 1e-1
    # the first steps: the sigmoid net's layer 1 gets under 1/100 of its last layer's gradient
    assert (sigmoid.grad_norms[:6, 0] / sigmoid.grad_norms[:6, -1] < 1e-2).all()
    # and over the whole run its layer-1 gradient stays an order below the ReLU net's
    assert sigmoid.grad_norms[:, 0].max() < 0.1 * relu.grad_norms[:, 0].min()


# --- surface: the forward pass over a grid ---------------------------------------------------


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_the_boundary_grid_is_the_networks_output_at_each_point():
    spec = SMALL[1]  # 2 inputs, tanh then sigmoid, bce
    params = init_params(spec)
    X, _ = make_data(spec)
    shape = surface(spec, params, X, n=7)
    assert shape.kind == "probability" and shape.values.shape == (7, 7)
    assert shape.xs[0] < X[:, 0].min() and shape.xs[-1] > X[:, 0].max()
    for i, j in [(0, 0), (3, 5), (6, 2)]:
        x = np.array([shape.xs[j], shape.ys[i]])  # values[i, j] is at (x1 = xs[j], x2 = ys[i])
        a = _sigmoid(np.tanh(x @ params.W[0] + params.b[0]) @ params.W[1] + params.b[1])[0]
        assert shape.values[i, j] == pytest.approx(a, rel=1e-12)


def test_softmax_grid_holds_the_predicted_class_and_a_1d_input_a_curve():
    spec = NetworkSpec(sizes=(2, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce")
    params = init_params(spec)
    shape = surface(spec, params, make_data(spec)[0], n=5)
    assert shape.kind == "class" and set(np.unique(shape.values)) <= {1.0, 2.0, 3.0}
    x = np.array([shape.xs[1], shape.ys[4]])
    Z = np.tanh(x @ params.W[0] + params.b[0]) @ params.W[1] + params.b[1]
    assert shape.values[4, 1] == Z.argmax() + 1
    line = NetworkSpec(sizes=(1, 3, 2), activations=("tanh", "identity"))
    params = init_params(line)
    shape = surface(line, params, make_data(line)[0], n=9)
    assert shape.kind == "curve" and shape.values.shape == (9, 2) and shape.ys is None
    expected = np.tanh(shape.xs[:, None] @ params.W[0] + params.b[0]) @ params.W[1] + params.b[1]
    assert_close("a(x)", shape.values, expected)
    assert surface(NetworkSpec(), init_params(NetworkSpec()), make_data(NetworkSpec())[0]) is None
