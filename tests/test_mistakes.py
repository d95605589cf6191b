"""Every classic mistake is caught (the check fails or the shapes refuse); the correct pass passes."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close
from katex.latex_check import katex_errors, other_transposes, require_node

from backprop import NetworkSpec, run
from backprop.core.gradcheck import check, gradient_of, variables
from backprop.derivation import notation as nt
from backprop.derivation.classic_mistakes import MISTAKES, backward_with, check_mistake, harmless_here

SPECS = [
    NetworkSpec(),
    NetworkSpec(sizes=(3, 3, 3), activations=("relu", "softmax"), loss="softmax_ce", batch=3, seed=2),
    NetworkSpec(sizes=(2, 2), activations=("tanh",), batch=1),
    NetworkSpec(sizes=(4, 4, 4, 4), activations=("tanh", "sigmoid", "identity"), reduction="mean", batch=4),
    NetworkSpec(sizes=(2, 3, 1), activations=("softplus", "sigmoid"), loss="bce", batch=5, seed=7),
    NetworkSpec(sizes=(3, 2, 2), activations=("leaky_relu", "identity"), batch=2, init="integers"),
]
IDS = ["-".join(map(str, s.sizes)) + f"-m{s.m}" for s in SPECS]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_without_a_mistake_the_gradients_are_the_cores(spec):
    injected = backward_with(spec, None)
    trace = run(spec)
    assert injected.refusal is None
    for variable, l in variables(spec):
        assert_close(
            f"∂L/∂{variable}^({l})", injected.gradients[(variable, l)], gradient_of(trace, variable, l)
        )


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_mistake_is_caught_unless_harmless_here(spec):
    reference = check(spec, max_entries=200)
    assert check_mistake(spec, None, reference=reference).caught is False
    for key in MISTAKES:
        outcome = check_mistake(spec, key, reference=reference)
        assert outcome.caught != harmless_here(spec, key), key
        if outcome.refusal is None:
            assert len(outcome.report.entries) == len(reference.entries)


def test_mean_not_sum_is_off_by_m():
    spec = NetworkSpec(batch=4)
    wrong, right = backward_with(spec, "mean_not_sum"), backward_with(spec, None)
    assert_close("∂L/∂W^(1)", wrong.gradients[("W", 1)] * 4, right.gradients[("W", 1)])
    assert_close("∂L/∂X", wrong.gradients[("X", 0)], right.gradients[("X", 0)])


def test_refusals_are_data_naming_the_shapes():
    spec = NetworkSpec()  # (3, 4, 2): W^(2) is 4×2, ∂L/∂Z^(2) is 4×2
    refusal = backward_with(spec, "w_not_transposed").refusal
    assert refusal.kind == "matmul" and refusal.left == (4, 2) and refusal.right == (4, 2)
    assert "shapes do not multiply: (4, 2) @ (4, 2)" in str(refusal)
    refusal = backward_with(spec, "bias_not_summed").refusal
    assert refusal.kind == "shape" and refusal.left == (4, 2) and refusal.right == (2,)
    assert "∂L/∂b^(2)" in str(refusal)


def test_a_square_network_lets_the_wrong_products_through_with_wrong_values():
    spec = NetworkSpec(sizes=(3, 3, 3), activations=("tanh", "identity"), batch=3)
    for key in ("w_not_transposed", "dz_times_a_prev_t"):
        outcome = check_mistake(spec, key)
        assert outcome.refusal is None and not outcome.report.passed, key


def test_wrong_key_is_refused():
    with pytest.raises(KeyError):
        backward_with(NetworkSpec(), "no_such_mistake")


def test_mistakes_carry_their_formulas():
    for mistake in MISTAKES.values():
        assert mistake.wrong != mistake.right and r"\partial L" in mistake.wrong
    assert np.isfinite(backward_with(NetworkSpec(), "forgot_g_prime").loss)


def test_the_right_formulas_are_the_notation_modules_and_katex_reads_both():
    right = {key: m.right for key, m in MISTAKES.items()}
    assert right["w_not_transposed"] == nt.dA_prev_formula()
    assert right["forgot_g_prime"] == nt.dZ_formula()
    assert right["bias_not_summed"] == nt.db_formula()
    assert right["dz_times_a_prev_t"] == nt.dW_formula()
    assert right["mean_not_sum"] == rf"{nt.dW_formula()},\quad {nt.db_formula()}"
    # the wrong line differs from the right one only where the mistake is
    assert MISTAKES["w_not_transposed"].wrong == right["w_not_transposed"].replace(
        nt.transpose(nt.sup("W", "l")), nt.sup("W", "l")
    )
    shown = [tex for m in MISTAKES.values() for tex in (m.wrong, m.right)]
    assert all(other_transposes(tex) == [] for tex in shown)
    require_node()
    version, errors = katex_errors([(tex, True) for tex in shown])
    assert not errors, (version, errors)
