"""One entry of a backward step as the animation shows it: its terms add up to the step's result."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

from backprop import NetworkSpec, run
from backprop.core.gradcheck import numeric_gradient
from backprop.core.network import Params
from backprop.derivation.exact import exact_run
from backprop.derivation.steps import backward_steps
from backprop.ui.step_entry import FILL_FRAMES, entry_of, lit_blocks, lit_matrix

NETWORKS = [
    NetworkSpec(),
    NetworkSpec((3, 4, 2), ("relu", "softmax"), loss="softmax_ce"),
    NetworkSpec((2, 3, 1), ("tanh", "sigmoid"), loss="bce", reduction="mean"),
    NetworkSpec((2, 3, 3), ("leaky_relu", "sigmoid"), loss="mse", batch=5),
]


def entries(step):
    return itertools.product(*map(range, step.result.shape))


@pytest.mark.parametrize("spec", NETWORKS, ids=lambda s: f"{s.sizes}-{s.loss}")
def test_the_terms_of_every_entry_add_up_to_the_step_and_to_numpy(spec):
    trace = run(spec)
    for step in backward_steps(trace):
        layer = trace.layers[step.l - 1]
        A_prev = trace.X if step.l == 1 else trace.layers[step.l - 2].A
        oracle = {  # the products written out with NumPy, apart from the engine
            "dW": A_prev.T @ layer.dZ,
            "db": layer.dZ.sum(axis=0),
            "dA_prev": layer.dZ @ layer.W.T,
        }.get(step.name)
        for index in entries(step):
            entry = entry_of(trace, step, index)
            total = sum(entry.values)
            np.testing.assert_allclose(total, step.result[index], rtol=1e-12, atol=1e-15, err_msg=str(index))
            assert entry.total == step.result[index]
            if oracle is not None:
                np.testing.assert_allclose(total, oracle[index], rtol=1e-12, atol=1e-15)


def test_the_entries_of_dW_match_finite_differences():
    spec = NetworkSpec((2, 3, 1), ("tanh", "identity"), batch=3)
    trace = run(spec)
    params = Params([layer.W for layer in trace.layers], [layer.b for layer in trace.layers])
    numeric, _ = numeric_gradient(spec, params, trace.X, trace.Y, "W", 1)
    step = next(s for s in backward_steps(trace) if s.name == "dW" and s.l == 1)
    for index in entries(step):
        assert sum(entry_of(trace, step, index).values) == pytest.approx(numeric[index], rel=1e-6, abs=1e-9)


def test_exact_terms_are_exact_and_add_up_exactly():
    spec = NetworkSpec((2, 3, 1), ("relu", "identity"), reduction="mean", batch=3, init="integers")
    trace = exact_run(spec)
    for step in backward_steps(trace):
        for index in entries(step):
            entry = entry_of(trace, step, index)
            assert sum(entry.values[1:], entry.values[0]) == step.result[index]
            assert all(isinstance(v, (sp.Basic, int)) for v in entry.values)


def test_frames_fill_the_sum_then_collapse():
    trace = run(NetworkSpec(batch=20))
    step = next(s for s in backward_steps(trace) if s.name == "dW")
    entry = entry_of(trace, step, (0, 1))
    assert len(entry.terms) == 20 and entry.frames == FILL_FRAMES + 1
    shown = [entry.shown_terms(k) for k in range(1, entry.frames + 1)]
    assert shown == sorted(shown) and shown[0] >= 1 and shown[-2] == shown[-1] == 20
    assert r"\mathord{?}" in entry.filling(1) and "?" not in entry.filling(entry.frames - 1)
    assert r"\cdots" in entry.filling(entry.frames)
    assert entry.collapsed().endswith(
        entry.filling(entry.frames).split("&= ")[-1].removesuffix(r"\end{aligned}")
    )


def test_a_big_factor_shows_only_its_lit_row():
    trace = run(NetworkSpec((20, 12, 2), ("relu", "identity"), batch=16))
    step = next(s for s in backward_steps(trace) if s.name == "dW" and s.l == 1)
    left = entry_of(trace, step, (3, 5)).factors[0]  # Xᵀ: 20 × 16, row 4 lit
    tex = lit_matrix(left)
    assert tex.startswith(r"\big(") and "_{4,:}" in tex and tex.count("&") == 15 and r"\\" not in tex


def test_blocks_of_four_columns_hold_the_whole_lit_matrix_in_order():
    trace = run(NetworkSpec((5, 8, 8, 3), ("sigmoid", "sigmoid", "identity")))
    step = next(s for s in backward_steps(trace) if s.name == "dW" and s.l == 2)
    left, right = entry_of(
        trace, step, (2, 6)
    ).factors  # A^(1)ᵀ (8 × 4), row 3 lit; ∂L/∂Z^(2) (4 × 8), column 7
    assert lit_blocks(left) == (4, [lit_blocks(left)[1][0]])  # 4 columns: one block, named
    width, blocks = lit_blocks(right)
    assert width == 4 and len(blocks) == 2
    assert blocks[0].startswith(right.tex + " = ") and not blocks[1].startswith(right.tex)
    assert r"4 \times 8:\ j = 1 \ldots 4" in blocks[0] and r"4 \times 8:\ j = 5 \ldots 8" in blocks[1]
    # the blocks' rows, put side by side, are the one-piece matrix's rows
    rows = lambda tex: tex.split(r"\begin{bmatrix} ")[1].split(r" \end{bmatrix}")[0].split(r" \\ ")  # noqa: E731
    joined = [" & ".join(pair) for pair in zip(rows(blocks[0]), rows(blocks[1]), strict=True)]
    assert joined == rows(lit_matrix(right))
    assert sum("b35806" in row for row in joined) == 4  # column 7 lit (orange) in every row, in block 2
    assert all("b35806" not in row for row in rows(blocks[0]))
