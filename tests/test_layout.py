"""Layouts and transposes: each candidate product's verdict recomputed, both layouts and conventions equal.

On square layers (and m = n) wrong products multiply and have the variable's shape;
then the refutation must come from the numbers, and the test checks it does.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from notes_oracle import NETWORKS, close, differ, dL_dA_prev, dL_dparam, trace_of

from backprop.teaching import layout

# each candidate written again here: (factors, what it claims to be)
FACTORS = {
    "AT_dZ": lambda la: (la.A_prev.T, la.dZ),
    "dZ_AT": lambda la: (la.dZ, la.A_prev.T),
    "dZT_A": lambda la: (la.dZ.T, la.A_prev),
    "A_dZ": lambda la: (la.A_prev, la.dZ),
    "dZ_WT": lambda la: (la.dZ, la.W.T),
    "dZ_W": lambda la: (la.dZ, la.W),
    "WT_dZ": lambda la: (la.W.T, la.dZ),
    "W_dZT": lambda la: (la.W, la.dZ.T),
    "1T_dZ": lambda la: (np.ones((1, la.dZ.shape[0])), la.dZ),
    "dZ_1": lambda la: (la.dZ, np.ones((la.dZ.shape[1], 1))),
}
CORRECT = {"AT_dZ", "dZ_WT", "1T_dZ"}


@cache
def judged(name: str):
    trace = trace_of(name)
    return trace, [(l, layout.candidates(trace, l)) for l in range(1, trace.spec.L + 1)]


def true_gradient(trace, target: str, l: int, index) -> float:
    if target == "A_prev":
        return dL_dA_prev(trace, l, index)
    return dL_dparam(trace, target, l, index)


@pytest.mark.parametrize("name", NETWORKS)
def test_only_the_notes_products_are_verified_and_each_refutation_recomputes(name):
    trace, layers = judged(name)
    for l, candidates in layers:
        layer = trace.layers[l - 1]
        want = {"W": layer.W.shape, "A_prev": layer.A_prev.shape, "b": layer.b.shape}
        assert {c.key for c in candidates} == set(FACTORS)
        for c in candidates:
            left, right = FACTORS[c.key](layer)
            assert c.correct == (c.key in CORRECT)
            if c.correct:
                assert c.check.holds is True, (name, l, c.key)
                continue
            keys = [e.key for e in c.check.evidence]
            if left.shape[1] != right.shape[0]:
                assert keys == ["no_product"] and c.check.holds is False
                continue
            value = left @ right
            value = value.reshape(-1) if c.target == "b" and 1 in value.shape else value
            if value.shape != want[c.target]:
                assert keys == ["shape_mismatch"] and c.check.holds is False
                continue
            # it multiplies and has the right shape: only numbers can judge it
            if c.check.holds is False:
                assert keys == ["counterexample"], (c.key, keys)
                data = c.check.evidence[0].data
                actual = true_gradient(trace, c.target, l, data["index"])
                assert np.isclose(value[data["index"]], data["claimed"])
                assert differ(data["claimed"], actual, trace.loss) and close(data["fd"], actual, trace.loss)
            else:  # honestly coincides here: then it really equals the gradient everywhere
                assert keys[0] == "coincides"
                for index in np.ndindex(*value.shape):
                    assert close(value[index], true_gradient(trace, c.target, l, index), trace.loss)


def test_on_square_layers_wrong_transposes_multiply_and_are_refuted_by_numbers():
    trace, layers = judged("square-m3")  # 3 -> 3 -> 3 with m = 3: every product multiplies
    for _, candidates in layers:
        by_numbers = {
            c.key for c in candidates if c.check.method == "finite_differences" and c.check.holds is False
        }
        assert {"dZ_AT", "dZT_A", "A_dZ", "dZ_W", "WT_dZ", "W_dZT", "dZ_1"} <= by_numbers


def test_on_a_one_by_one_network_the_tempting_products_coincide_and_say_so():
    trace, layers = judged("tiny")
    for _, candidates in layers:
        assert all(c.check.holds for c in candidates)
        assert all(c.check.evidence[0].key == "coincides" for c in candidates if not c.correct)


@pytest.mark.parametrize("name", ["default", "square-m3", "softmax-mean", "one-layer"])
def test_both_layouts_hold_the_same_numbers_transposed(name):
    trace = trace_of(name)
    spec = trace.spec
    for l in range(1, spec.L + 1):
        layer = trace.layers[l - 1]
        pairs = {p.key: p for p in layout.layouts(trace, l, sample=0)}
        assert all(p.check.holds for p in pairs.values())
        assert (
            np.allclose(pairs["dW"].right, pairs["dW"].left.T) and pairs["dW"].right.shape == layer.W.T.shape
        )
        assert np.allclose(pairs["dz_da"].right, layer.W.T)  # the Jacobian ∂z_t/∂a_j, measured: Wᵀ
        scale = spec.m if spec.reduction == "mean" else 1
        assert np.allclose(pairs["chain"].left[:, 0], layer.dA_prev[0] * scale)  # W ∂l/∂z is row 0 of ∂L/∂A


@pytest.mark.parametrize("name", ["default", "m1-square", "three-layers"])
def test_the_column_convention_is_the_row_convention_transposed(name):
    trace = trace_of(name)
    for l in range(1, trace.spec.L + 1):
        layer = trace.layers[l - 1]
        pairs = {p.key: p for p in layout.conventions(trace, l)}
        assert all(p.check.holds for p in pairs.values())
        W_c, X = layer.W.T, layer.A_prev.T  # the textbook's storage
        assert np.allclose(W_c @ X + layer.b[:, None], layer.Z.T)
        assert np.allclose(layer.dZ.T @ X.T, layer.dW.T)  # ∂L/∂W_c = ∂L/∂Z_c Xᵀ
        assert np.allclose(W_c.T @ layer.dZ.T, layer.dA_prev.T)
        assert np.allclose(pairs["db"].right[:, 0], layer.db)


def test_numerator_layout_refutes_the_unqualified_formula_on_a_non_square_layer():
    trace = trace_of("default")
    check = layout.numerator_refutes(trace, 1)  # W^(1) is 3 × 4
    assert check.holds is False and [e.key for e in check.evidence] == ["layout_general", "layout_shapes"]
    assert layout.shapes_match_variables(trace).holds


def _with_wrong_gradients(trace, l: int):
    """The trace with layer l's stored ∂L/∂W, ∂L/∂b, ∂L/∂A^(l-1) doubled (a broken engine's)."""
    layer = trace.layers[l - 1]
    wrong = layer._replace(dW=2 * layer.dW, db=2 * layer.db, dA_prev=2 * layer.dA_prev)
    layers = trace.layers[: l - 1] + (wrong,) + trace.layers[l:]
    return dataclasses.replace(trace, layers=layers)


@pytest.mark.parametrize("name", ["default", "square-m3"])
def test_the_numerator_layout_is_judged_by_finite_differences_not_by_its_own_transpose(name):
    trace = trace_of(name)
    for l in range(1, trace.spec.L + 1):
        pairs = {p.key: p for p in layout.layouts(trace, l)}
        for key in ("dW", "db", "dA"):
            assert pairs[key].check.method == "finite_differences" and pairs[key].check.holds, (l, key)
            assert np.array_equal(pairs[key].right.reshape(-1), pairs[key].left.T.reshape(-1))
        # a wrong stored gradient is caught: the layouts read the engine's results, the oracle is independent
        broken = {p.key: p for p in layout.layouts(_with_wrong_gradients(trace, l), l)}
        assert all(broken[key].check.holds is False for key in ("dW", "db", "dA")), l


def test_the_notes_products_are_the_engines_results_and_a_wrong_one_is_refuted():
    trace = trace_of("default")
    for l in range(1, trace.spec.L + 1):
        layer = trace.layers[l - 1]
        right = {c.key: c for c in layout.candidates(trace, l) if c.correct}
        assert np.array_equal(right["AT_dZ"].value, layer.dW) and np.array_equal(
            right["dZ_WT"].value, layer.dA_prev
        )
        assert np.array_equal(right["1T_dZ"].value, layer.db)
        broken = [c for c in layout.candidates(_with_wrong_gradients(trace, l), l) if c.correct]
        assert all(c.check.holds is False for c in broken), l
        assert layout.numerator_refutes(trace, l).evidence[0].key == "layout_general"
