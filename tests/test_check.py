"""The three-way check: symbolic, backprop and finite differences per entry, and the CLI's exit code."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from backprop import NetworkSpec
from backprop.core.gradcheck import TOLERANCE
from backprop.core.network import Params, init_params
from backprop.derivation.three_way import SYMBOLIC_TOLERANCE, three_way
from backprop.io.cli import main

FIELDS = {
    "variable", "layer", "index", "symbolic", "backprop", "numeric", "symbolic_minus_backprop",
    "backprop_minus_numeric", "symbolic_minus_numeric", "rel_symbolic_backprop", "rel_backprop_numeric",
    "rel_symbolic_numeric", "at_kink", "kink_conventions_agree", "passed",
}  # fmt: skip


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")),
        NetworkSpec(sizes=(2, 3, 3), activations=("tanh", "softmax"), loss="softmax_ce", reduction="mean"),
        NetworkSpec(sizes=(2, 3, 2, 1), activations=("relu", "leaky_relu", "sigmoid"), loss="bce",
                    batch=3, init="integers"),
        NetworkSpec(sizes=(1, 1), activations=("custom:z*tanh(z)",), batch=1),
    ],
)  # fmt: skip
def test_every_entry_agrees_three_ways(spec):
    result = three_way(spec)
    assert result.passed and result.symbolic_skipped is None
    count = spec.m * spec.sizes[0] + sum(a * b + b for a, b in zip(spec.sizes[:-1], spec.sizes[1:]))
    assert len(result.entries) == count
    for e in result.entries:
        assert e.rel_symbolic_backprop <= SYMBOLIC_TOLERANCE, e
        assert e.symbolic_minus_backprop == pytest.approx(e.symbolic - e.backprop)
        if not e.at_kink:
            assert e.rel_symbolic_numeric <= TOLERANCE and e.rel_backprop_numeric <= TOLERANCE, e
    assert set(result.records()[0]) == FIELDS
    assert result.summary().startswith("PASS: ") and "symbolic vs backprop" in result.summary()


def test_a_wrong_parameter_gradient_fails(monkeypatch):
    # backprop made wrong (dW doubled in layer 1): all three legs must notice
    import backprop.core.gradcheck as gradcheck

    real = gradcheck.gradient_of

    def wrong(trace, variable, l):
        grad = real(trace, variable, l)
        return 2 * grad if (variable, l) == ("W", 1) else grad

    monkeypatch.setattr(gradcheck, "gradient_of", wrong)
    assert main(["check", "--sizes", "2,2,1", "--activations", "tanh,identity"]) == 1
    result = three_way(NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity")))
    assert not result.passed and result.summary().startswith("FAIL: ")
    failed = {(e.variable, e.layer) for e in result.entries if not e.passed}
    assert failed == {("W", 1)}
    assert all(e.rel_symbolic_numeric <= TOLERANCE for e in result.entries)


def test_past_the_symbolic_limit_the_symbolic_leg_is_skipped():
    spec = NetworkSpec(sizes=(30, 40, 5), activations=("sigmoid", "identity"), batch=8)
    result = three_way(spec, max_entries=3)
    assert result.passed and "too large for this view" in result.symbolic_skipped
    assert all(e.symbolic is None and e.rel_symbolic_backprop is None for e in result.entries)
    assert len(result.entries) == 5 * 3
    assert "symbolic skipped" in result.summary()


def test_given_arrays_are_checked_and_used():
    spec = NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=2)
    params = init_params(spec)
    params = Params((params.W[0] * 3,) + params.W[1:], params.b)
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    Y = np.array([[1.0], [-1.0]])
    result = three_way(spec, params, X, Y)
    assert result.passed
    x_entry = next(e for e in result.entries if e.variable == "X" and e.index == (1, 0))
    assert x_entry.symbolic == pytest.approx(x_entry.backprop, rel=1e-12)
    with pytest.raises(ValueError, match="X"):
        three_way(spec, params, X[:1], Y)


def test_entries_are_frozen():
    entry = three_way(NetworkSpec(sizes=(1, 1), activations=("identity",), batch=1)).entries[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.symbolic = 0.0


def test_command_line_exit_codes(capsys):
    assert main(["check", "--sizes", "2,3,1", "--activations", "tanh,identity", "--batch", "2"]) == 0
    assert capsys.readouterr().out.startswith("PASS: ")
    assert main(["check", "--sizes", "2,3,1", "--loss", "nope"]) == 2


def test_relu_kinks_are_judged_symbolic_against_backprop():
    # integers init puts z exactly at relu's kink; both legs take relu'(0) = 0
    result = three_way(
        NetworkSpec(sizes=(3, 4, 2), activations=("relu", "identity"), init="integers", seed=5)
    )
    at_kink = [e for e in result.entries if e.at_kink]
    assert at_kink and all(e.judged("symbolic_backprop") and e.rel_symbolic_backprop == 0 for e in at_kink)
    assert result.passed and result.kink_note is None


def test_a_custom_kink_with_another_convention_is_reported_not_judged():
    # custom:abs(z): backprop's g'(0) = 0 (formula.py), SymPy's Piecewise derivative gives 1
    result = three_way(
        NetworkSpec(sizes=(3, 4, 2), activations=("custom:abs(z)", "identity"), init="integers", seed=5)
    )
    assert "custom:abs(z): g'(0) is 0 in backprop, 1 in SymPy" in result.kink_note
    at_kink = [e for e in result.entries if e.at_kink]
    assert at_kink and not any(e.judged("symbolic_backprop") for e in at_kink)
    assert all(e.judged("symbolic_backprop") for e in result.entries if not e.at_kink)
    assert result.passed and result.kink_note in result.summary()


def test_a_wrong_gradient_in_a_tiny_array_fails_all_three_legs(monkeypatch):
    # b^(1) + 28 saturates the sigmoid: ∂L/∂W^(1) ~ 1e-12, loss ~ 9; dW^(1) made twice too big
    import backprop.core.gradcheck as gradcheck

    spec = NetworkSpec((3, 3, 3), ("sigmoid", "identity"), batch=2, seed=3)
    params = init_params(spec)
    params = Params(params.W, (params.b[0] + 28, params.b[1]))
    assert three_way(spec, params).passed
    real = gradcheck.gradient_of
    monkeypatch.setattr(
        gradcheck,
        "gradient_of",
        lambda trace, v, l: 2 * real(trace, v, l) if (v, l) == ("W", 1) else real(trace, v, l),
    )
    result = three_way(spec, params)
    assert not result.passed and "failing: ∂L/∂W^(1) " in result.report.summary()
    assert {(e.variable, e.layer) for e in result.entries if not e.passed} == {("W", 1)}
    # every entry off by more than twice the estimate's error bar (4e-13 here) fails both legs
    wrong = [e for e in result.entries if (e.variable, e.layer) == ("W", 1) and abs(e.numeric) > 1e-12]
    assert len(wrong) >= 5
    assert all(not e.passed and e.rel_backprop_numeric > TOLERANCE for e in wrong)
    assert all(e.rel_symbolic_backprop > SYMBOLIC_TOLERANCE for e in wrong)
    assert all(e.rel_symbolic_numeric <= TOLERANCE for e in result.entries)
