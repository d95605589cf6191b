"""Gradient descent: the loss falls, steps are the core's gradients, vanishing gradients show."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close

from backprop import InvalidInput, NetworkSpec, run
from backprop.core.network import Params
from backprop.teaching.train import DEMOS, MAX_STEPS, early_to_late, max_steps, train


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
