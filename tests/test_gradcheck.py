r"""Backprop against central finite differences in float64, over random networks.

Property (hypothesis): for random sizes (1..6 wide, 1..4 layers, m 1..5), every
activation, loss, reduction and initialisation, every gradient has its variable's shape
and every entry of ∂L/∂X, ∂L/∂W^(l), ∂L/∂b^(l) agrees with the five-point estimate; the
entries whose perturbation crosses a relu kink are reported, not judged. Then: the kink
detection on hand-made and integer-initialised networks, the metric, and that the check
does fail when a derivative is wrong.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import assert_close
from hypothesis import example, given
from hypothesis import strategies as st

from backprop import ACTIVATIONS, InvalidInput, NetworkSpec, Params, init_params, make_data, run
from backprop.core.gradcheck import (
    FLOOR,
    STEP,
    TOLERANCE,
    Estimate,
    Report,
    check,
    gradient_of,
    numeric_entry,
    numeric_gradient,
    rel_error,
    variables,
)
from backprop.derivation.three_way import three_way

HIDDEN = [name for name, act in ACTIVATIONS.items() if act.elementwise]
OUTPUT_OF = {"bce": ["sigmoid"], "softmax_ce": ["softmax"], "mse": list(ACTIVATIONS)}
INITS = ["uniform", "xavier", "he", "integers"]


def _describe(entry) -> str:
    where = "X" if entry.variable == "X" else f"{entry.variable}^({entry.l})"
    return (
        f"∂L/∂{where}{list(entry.index)}: backprop {entry.backprop!r}, finite differences "
        f"{entry.numeric!r}, relative error {entry.rel_error:.2e} > {TOLERANCE:.0e}"
    )


def assert_agrees(report: Report, context: str = "") -> None:
    """Every judged entry within tolerance; a failure names the first entry that diverged."""
    bad = [e for e in report.judged if not e.rel_error <= report.tolerance]
    assert not bad, f"{context}: first divergence {_describe(bad[0])} ({len(bad)} entries off)"


def assert_shapes(spec: NetworkSpec, trace) -> None:
    assert gradient_of(trace, "X", 0).shape == trace.X.shape == (spec.m, spec.sizes[0]), "∂L/∂X shape"
    for l in range(1, spec.L + 1):
        assert gradient_of(trace, "W", l).shape == spec.shape_of("W", l), f"∂L/∂W^({l}) shape"
        assert gradient_of(trace, "b", l).shape == spec.shape_of("b", l), f"∂L/∂b^({l}) shape"


@st.composite
def networks(draw):
    L = draw(st.integers(1, 4))
    sizes = tuple(draw(st.lists(st.integers(1, 6), min_size=L + 1, max_size=L + 1)))
    loss = draw(st.sampled_from(["mse", "bce", "softmax_ce"]))
    hidden = tuple(draw(st.lists(st.sampled_from(HIDDEN), min_size=L - 1, max_size=L - 1)))
    output = draw(st.sampled_from(OUTPUT_OF[loss]))
    return NetworkSpec(
        sizes,
        hidden + (output,),
        loss,
        draw(st.sampled_from(["sum", "mean"])),
        batch=draw(st.integers(1, 5)),
        seed=draw(st.integers(0, 2**32 - 1)),
        init=draw(st.sampled_from(INITS)),
    )


@given(networks())
@example(NetworkSpec((1, 1), ("identity",), "mse", "sum", batch=1))
@example(NetworkSpec((1, 1, 1, 1, 1), ("tanh", "relu", "softplus", "sigmoid"), "bce", "mean", batch=1))
@example(NetworkSpec((6, 1, 6), ("leaky_relu", "softmax"), "softmax_ce", "sum", batch=5))
@example(
    NetworkSpec((1, 6, 6, 6, 1), ("sigmoid", "tanh", "relu", "identity"), "mse", "mean", batch=1, init="he")
)
def test_every_gradient_has_its_shape_and_agrees_with_finite_differences(spec):
    trace = run(spec)
    assert_shapes(spec, trace)
    report = check(spec)
    expected = spec.m * spec.sizes[0] + sum(
        n * k + k for n, k in zip(spec.sizes, spec.sizes[1:], strict=False)
    )
    assert len(report.entries) == expected, "every entry of X, W, b is checked"
    assert_agrees(report, repr(spec))


def _combinations():
    for loss, outputs in OUTPUT_OF.items():
        for output in outputs:
            for hidden in HIDDEN:
                for reduction in ("sum", "mean"):
                    yield loss, hidden, output, reduction


@pytest.mark.parametrize("loss, hidden, output, reduction", list(_combinations()))
def test_every_activation_loss_and_reduction(loss, hidden, output, reduction):
    spec = NetworkSpec((3, 4, 3), (hidden, output), loss, reduction, batch=3, seed=21)
    report = check(spec)
    assert not any(e.at_kink for e in report.entries), "uniform init puts no z within 2h of a kink here"
    assert_agrees(report, f"{hidden} -> {output}, {loss}, {reduction}")


def test_every_accepted_softmax_ce_target_gives_correct_gradients():
    spec = NetworkSpec((2, 2), ("softmax",), "softmax_ce", batch=2, seed=0)
    Y = np.array([[0.500009, 0.5], [1.0, 0.0]])
    try:
        report = check(spec, Y=Y)
    except InvalidInput as error:  # refusing the targets is a right answer too
        assert error.field == "Y"
        return
    assert_agrees(report, "Y rows summing to 1.000009")


# kinks ---------------------------------------------------------------------------------


def test_kink_entries_are_exactly_those_that_move_a_zero_z():
    # z^(1) = x w1 + b1 = 1·1 - 1 = 0 sits on relu's kink; w2, b2 act after it and do not move it
    spec = NetworkSpec((1, 1, 1), ("relu", "identity"), "mse", batch=1)
    params = Params((np.array([[1.0]]), np.array([[2.0]])), (np.array([-1.0]), np.array([0.5])))
    X, Y = np.array([[1.0]]), np.array([[0.0]])
    report = check(spec, params, X, Y)
    flagged = {(e.variable, e.l) for e in report.entries if e.at_kink}
    assert flagged == {("X", 0), ("W", 1), ("b", 1)}
    # at the kink the central difference sees the average slope, backprop relu'(0) = 0
    for entry in report.entries:
        if entry.at_kink:
            assert entry.backprop == 0.0 and abs(entry.numeric) > 0.1 and entry.rel_error > TOLERANCE
    assert report.passed and len(report.judged) == 2


def test_leaky_relu_kink_is_reported_too():
    spec = NetworkSpec((1, 1, 1), ("leaky_relu", "identity"), "mse", batch=1)
    params = Params((np.array([[2.0]]), np.array([[1.0]])), (np.array([-2.0]), np.array([0.0])))
    value, at_kink = numeric_entry(spec, params, np.array([[1.0]]), np.array([[0.0]]), "b", 1, (0,))
    assert at_kink
    value, at_kink = numeric_entry(spec, params, np.array([[1.0]]), np.array([[0.0]]), "b", 2, (0,))
    assert not at_kink


def _integer_network_with_a_zero_z():
    """A relu network under the integers init (seeded) where some z is exactly 0."""
    for seed in range(100):
        spec = NetworkSpec(
            (3, 4, 3, 2), ("relu", "relu", "identity"), "mse", batch=3, seed=seed, init="integers"
        )
        if any((layer.Z == 0).any() for layer in run(spec).layers[:2]):
            return spec
    raise AssertionError("no seed below 100 gives z = 0 under the integers init")


def test_integers_init_hits_kinks_and_they_are_reported_not_judged():
    spec = _integer_network_with_a_zero_z()
    report = check(spec)
    at_kink = [e for e in report.entries if e.at_kink]
    assert at_kink, "z = 0 on a relu must flag the entries that move it"
    assert len(report.judged) > 0
    assert_agrees(report, repr(spec))
    # every flagged entry moves a zero z: ±2h on it changes some relu's active pattern
    params, (X, Y) = init_params(spec), make_data(spec)
    for entry in at_kink[:10]:
        below, above = (_relu_pattern(spec, *_perturbed(params, X, entry, step), Y) for step in (-2e-4, 2e-4))
        assert any(not np.array_equal(a, b) for a, b in zip(below, above, strict=True)), _describe(entry)


def _perturbed(params, X, entry, step):
    """(params, X) with the entry moved by step."""
    Ws, bs, X = [W.copy() for W in params.W], [b.copy() for b in params.b], X.copy()
    target = X if entry.variable == "X" else (Ws if entry.variable == "W" else bs)[entry.l - 1]
    target[entry.index] += step
    return Params(tuple(Ws), tuple(bs)), X


def _relu_pattern(spec, params, X, Y):
    return [
        layer.Z > 0 for layer in run(spec, params, X, Y).layers if spec.activations[layer.l - 1] == "relu"
    ]


def test_numeric_gradient_returns_the_kink_mask():
    spec = NetworkSpec((1, 2, 1), ("relu", "identity"), "mse", batch=1)
    params = Params(
        (np.array([[1.0, 1.0]]), np.array([[1.0], [1.0]])), (np.array([-1.0, 0.5]), np.array([0.0]))
    )
    estimate, kinks = numeric_gradient(spec, params, np.array([[1.0]]), np.array([[0.0]]), "b", 1)
    assert kinks.tolist() == [True, False]
    assert_close("∂L/∂b^(1)[1] by finite differences", estimate[1], 1.5 * 1.0, rtol=1e-9)


# the metric and the estimate ----------------------------------------------------------


def test_rel_error_is_relative_above_the_floor_and_absolute_below():
    assert rel_error(1.0, 1.0 + 1e-7) == pytest.approx(1e-7 / (1.0 + 1e-7))
    assert rel_error(-2.0, 2.0) == 2.0
    assert rel_error(0.0, 0.0) == 0.0
    # both tiny: judged against the floor 1e-3 · max(1, |L|)
    assert rel_error(1e-12, 3e-12) == pytest.approx(2e-12 / FLOOR)
    assert rel_error(1e-12, 3e-12, loss=100.0) == pytest.approx(2e-12 / (FLOOR * 100))
    assert np.asarray(rel_error([1.0, 2.0], [1.0, 2.0])).shape == (2,)


@pytest.mark.parametrize(
    "variable, l, index, expected",
    [("W", 1, (0, 0), 2.0 * 1.5), ("b", 1, (0,), 2.0), ("X", 0, (0, 0), 2.0 * 3.0)],
)
def test_five_point_estimate_is_exact_for_a_quadratic(variable, l, index, expected):
    # L = ½ (x w + b - y)², quadratic in each variable: z = 1.5·3 - 2.5 = 2, y = 0, ∂L/∂z = 2
    spec = NetworkSpec((1, 1), ("identity",), "mse", batch=1)
    params = Params((np.array([[3.0]]),), (np.array([-2.5]),))
    value, at_kink = numeric_entry(spec, params, np.array([[1.5]]), np.array([[0.0]]), variable, l, index)
    assert not at_kink
    assert_close(f"∂L/∂{variable}", value, expected, rtol=1e-10)


def test_check_fails_on_a_wrong_derivative(monkeypatch):
    # tanh' written as 1 - a instead of 1 - a²: the check must catch it and name the entry
    wrong = dataclasses.replace(ACTIVATIONS["tanh"], dg=lambda Z, A: 1.0 - A)
    monkeypatch.setitem(ACTIVATIONS, "tanh", wrong)  # the registry both passes read
    report = check(NetworkSpec((2, 3, 1), ("tanh", "identity"), batch=2, seed=4))
    assert not report.passed and report.worst > 1e-2
    wrong_vars = {(e.variable, e.l) for e in report.judged if e.rel_error > TOLERANCE}
    assert ("W", 2) not in wrong_vars and ("b", 2) not in wrong_vars  # above the broken tanh
    assert {("W", 1), ("b", 1), ("X", 0)} & wrong_vars


def test_gradient_of_and_variables_follow_the_trace():
    spec = NetworkSpec((2, 3, 1), ("tanh", "identity"), batch=2)
    trace = run(spec)
    assert variables(spec) == [("X", 0), ("W", 1), ("b", 1), ("W", 2), ("b", 2)]
    assert gradient_of(trace, "X", 0) is trace.layers[0].dA_prev
    assert gradient_of(trace, "W", 2) is trace.layers[1].dW
    assert gradient_of(trace, "b", 1) is trace.layers[0].db


def test_max_entries_samples_each_variable_reproducibly():
    spec = NetworkSpec((5, 6, 4), ("sigmoid", "identity"), batch=5, seed=3)
    first, second = check(spec, max_entries=4), check(spec, max_entries=4)
    counts = {}
    for e in first.entries:
        counts[(e.variable, e.l)] = counts.get((e.variable, e.l), 0) + 1
    assert counts == {("X", 0): 4, ("W", 1): 4, ("b", 1): 4, ("W", 2): 4, ("b", 2): 4}
    assert [(e.variable, e.l, e.index) for e in first.entries] == [
        (e.variable, e.l, e.index) for e in second.entries
    ]
    assert_agrees(first)


def test_three_way_summary():
    result = three_way(NetworkSpec((3, 4, 2), ("sigmoid", "identity"), batch=4))
    assert result.passed and result.summary().startswith("PASS: ")
    assert f"{len(result.report.judged)} entries" in result.summary()


# each array against its own scale ----------------------------------------------------


def test_estimates_carry_their_error_bar_and_array_scale():
    import pickle

    report = check(NetworkSpec((2, 3, 1), ("tanh", "identity"), batch=2, seed=1))
    for e in report.entries:
        f = e.numeric
        assert isinstance(f, Estimate) and 0 < f.error < 1e-8
        same_array = [abs(o.numeric) for o in report.entries if (o.variable, o.l) == (e.variable, e.l)]
        assert f.scale == max(same_array)
        assert pickle.loads(pickle.dumps(f)) == f and pickle.loads(pickle.dumps(f)).scale == f.scale


def test_rel_error_of_an_estimate_uses_the_array_scale_and_the_error_bar():
    f = Estimate(2e-12, error=1e-20, scale=4e-12)
    # judged relatively: 1e-12 off a value of 2e-12 is 33% wrong, whatever |L| is
    assert float(rel_error(3e-12, f, loss=1e6)) == pytest.approx(1e-12 / 3e-12)
    # below 1e-3 · s an entry is judged by its absolute error against 1e-3 · s
    zero = Estimate(0.0, error=1e-25, scale=4e-12)
    assert float(rel_error(1e-18, zero)) == pytest.approx(1e-18 / 4e-15)
    # never held to more than finite differences resolve: 2 err / tol
    coarse = Estimate(1.0, error=1e-5, scale=1.0)
    assert float(rel_error(1.0 + 2e-5, coarse)) == pytest.approx(2e-5 / (2 * 1e-5 / TOLERANCE))
    assert float(rel_error(1.0 + 2e-5, coarse)) <= TOLERANCE


def test_tiny_gradients_are_resolved_by_larger_steps():
    # b^(1) + 28 saturates the sigmoid: ∂L/∂W^(1) ~ 1e-12 under a loss ~ 9, below the
    # rounding of D(1e-4) (~5e-10); the larger steps resolve it to within 5e-13
    spec = NetworkSpec((3, 3, 3), ("sigmoid", "identity"), batch=2, seed=3)
    params = init_params(spec)
    params = Params(params.W, (params.b[0] + 28, params.b[1]))
    report = check(spec, params, *make_data(spec))
    for e in report.entries:
        if e.l == 1:
            assert e.numeric.step > STEP and e.numeric.error < 1e-12
            assert abs(e.numeric - e.backprop) < 1e-13  # backprop is exact here to ~1e-16 relative
    assert report.passed


def test_kink_entries_are_counted_per_array_in_the_summary():
    spec = NetworkSpec((1, 1, 1), ("relu", "identity"), "mse", batch=1)
    params = Params((np.array([[1.0]]), np.array([[2.0]])), (np.array([-1.0]), np.array([0.5])))
    report = check(spec, params, np.array([[1.0]]), np.array([[0.0]]))
    assert report.kinks() == {"∂L/∂X": 1, "∂L/∂W^(1)": 1, "∂L/∂b^(1)": 1}
    assert "not judged: kink: ∂L/∂X 1, ∂L/∂W^(1) 1, ∂L/∂b^(1) 1" in report.summary()
    three = three_way(spec, params, np.array([[1.0]]), np.array([[0.0]]))
    assert "not judged: kink: ∂L/∂X 1, ∂L/∂W^(1) 1, ∂L/∂b^(1) 1" in three.summary()
    assert "kink" not in check(NetworkSpec((2, 2, 1), ("tanh", "identity"))).summary()
