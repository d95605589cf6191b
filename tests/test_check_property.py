r"""Each classic mistake against the gradient check, on 200 seeded random small networks.

Property: wherever a mistake moves some judged entry by more than four times what the check
allows that entry (its tolerance against the array's scale, or twice the estimate's error
bar), the check fails (or the shapes refuse); wherever it moves no entry at all, the check
passes. The correct backward pass passes on every network. A quarter of the networks get
their first biases shifted by 10..30, which saturates sigmoid and tanh and makes whole
arrays' gradients tiny (~1e-12): the case an absolute floor hid.
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop import ACTIVATIONS, NetworkSpec
from backprop.core.gradcheck import ARRAY_FLOOR, ERROR_MARGIN, TOLERANCE, check
from backprop.core.network import Params, init_params, make_data
from backprop.derivation.classic_mistakes import MISTAKES, backward_with, check_mistake

HIDDEN = [name for name, act in ACTIVATIONS.items() if act.elementwise]
OUTPUT_OF = {"bce": ["sigmoid"], "softmax_ce": ["softmax"], "mse": list(ACTIVATIONS)}
INITS = ["uniform", "xavier", "he", "integers"]
NETWORKS = 200


def random_network(rng: np.random.Generator):
    """(spec, params, X, Y): 1..3 layers 1..4 wide, batch 1..4, activations valid with the loss."""
    L = int(rng.integers(1, 4))
    sizes = tuple(int(n) for n in rng.integers(1, 5, size=L + 1))
    square = rng.random() < 0.5  # equal widths (and often m = n): W-shaped mistakes then run
    if square:
        sizes = (sizes[0],) * (L + 1)
    loss = str(rng.choice(list(OUTPUT_OF)))
    hidden = tuple(str(rng.choice(HIDDEN)) for _ in range(L - 1))
    output = str(rng.choice(OUTPUT_OF[loss]))
    spec = NetworkSpec(
        sizes,
        hidden + (output,),
        loss,
        str(rng.choice(["sum", "mean"])),
        batch=sizes[0] if square and rng.random() < 0.5 else int(rng.integers(1, 4)),
        seed=int(rng.integers(0, 2**32 - 1)),
        init=str(rng.choice(INITS)),
    )
    params = init_params(spec)
    if rng.random() < 0.25:  # saturate the first layer: tiny gradients below it
        b = [x.copy() for x in params.b]
        b[0] += rng.uniform(10, 30) * rng.choice([-1.0, 1.0])
        params = Params(params.W, tuple(b))
    X, Y = make_data(spec)
    return spec, params, X, Y


def _allowed(entry, g_true: float, g_wrong: float) -> float:
    """What the check lets an entry differ by: tol · max(|g|, |f|, 1e-3 s) or 2 err(f)."""
    f = entry.numeric
    scale = max(abs(g_true), abs(g_wrong), abs(f), ARRAY_FLOOR * f.scale)
    return max(TOLERANCE * scale, ERROR_MARGIN * f.error)


def test_every_classic_mistake_is_caught_wherever_it_changes_the_result():
    rng = np.random.default_rng(20261205)
    outcomes = {key: {"changed": 0, "unchanged": 0, "refused": 0, "small": 0} for key in MISTAKES}
    tiny_arrays_caught = 0
    for _ in range(NETWORKS):
        spec, params, X, Y = random_network(rng)
        reference = check(spec, params, X, Y)
        assert reference.passed, f"correct backprop fails: {spec!r}: {reference.summary()}"
        right = backward_with(spec, None, params, X, Y).gradients
        for key in MISTAKES:
            injected = backward_with(spec, key, params, X, Y)
            result = check_mistake(spec, key, params, X, Y, reference=reference)
            if injected.refusal is not None:
                assert result.caught
                outcomes[key]["refused"] += 1
                continue
            moves = []
            for e in reference.judged:
                g_true = float(right[(e.variable, e.l)][e.index])
                g_wrong = float(injected.gradients[(e.variable, e.l)][e.index])
                moves.append((abs(g_wrong - g_true), _allowed(e, g_true, g_wrong), e))
            where = f"{key} on {spec!r}: {result.report.summary()}"
            if any(delta > 4 * allowed for delta, allowed, _ in moves):
                assert not result.report.passed, f"missed: {where}"
                outcomes[key]["changed"] += 1
                scales = [e.numeric.scale for delta, allowed, e in moves if delta > 4 * allowed]
                tiny_arrays_caught += min(scales) < 1e-8
            elif all(delta == 0 for delta, _, _ in moves):
                assert result.report.passed, f"a mistake that changes nothing fails: {where}"
                outcomes[key]["unchanged"] += 1
            else:  # moved, but by less than four times the allowance: not asserted, counted
                outcomes[key]["small"] += 1
    for key, counts in outcomes.items():
        assert counts["changed"] + counts["refused"] >= 40, (key, counts)  # the property was exercised
        if key != "bias_not_summed":  # (m, n) never has the shape (n,) of b: always refused
            assert counts["changed"] >= 15, (key, counts)
        assert counts["small"] <= NETWORKS // 20, (key, counts)  # the grey zone stays rare
    assert sum(c["unchanged"] for c in outcomes.values()) >= 10, outcomes
    assert tiny_arrays_caught >= 5, "saturated networks must put mistakes in tiny arrays"


@pytest.mark.parametrize("shift", [28.0, -28.0])
def test_w_not_transposed_is_caught_when_the_first_layer_saturates(shift):
    # the case: sizes 3,3,3, sigmoid then identity, batch 2, seed 3, b^(1) + 28
    spec = NetworkSpec((3, 3, 3), ("sigmoid", "identity"), batch=2, seed=3)
    params = init_params(spec)
    params = Params(params.W, (params.b[0] + shift, params.b[1]))
    X, Y = make_data(spec)
    reference = check(spec, params, X, Y)
    assert reference.passed, reference.summary()
    assert max(abs(e.numeric) for e in reference.entries if e.l < 2) < 1e-10  # ∂L/∂X, ∂L/∂W^(1), ∂L/∂b^(1)
    result = check_mistake(spec, "w_not_transposed", params, X, Y, reference=reference)
    failing = result.report.failing()
    assert not result.report.passed
    assert {"∂L/∂X", "∂L/∂W^(1)", "∂L/∂b^(1)"} <= set(failing), result.report.summary()
    assert "∂L/∂W^(2)" not in failing and "∂L/∂b^(2)" not in failing
