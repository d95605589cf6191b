"""The backward pass one step at a time: in order, the steps reproduce the core's gradients exactly."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from katex.latex_check import other_transposes

from backprop import NetworkSpec, run
from backprop.derivation import notation as nt
from backprop.derivation.exact import exact_run
from backprop.derivation.steps import backward_steps, gradient_of_step, ledger, matrix_tex, number_tex

ELEMENTWISE = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")


@st.composite
def specs(draw):
    L = draw(st.integers(1, 3))
    sizes = tuple(draw(st.integers(1, 4)) for _ in range(L + 1))
    hidden = tuple(draw(st.sampled_from(ELEMENTWISE)) for _ in range(L - 1))
    loss = draw(st.sampled_from(("mse", "bce", "softmax_ce")))
    last = {
        "mse": draw(st.sampled_from(ELEMENTWISE + ("softmax",))),
        "bce": "sigmoid",
        "softmax_ce": "softmax",
    }[loss]
    return NetworkSpec(
        sizes,
        hidden + (last,),
        loss,
        draw(st.sampled_from(("sum", "mean"))),
        draw(st.integers(1, 4)),
        draw(st.integers(0, 2**32 - 1)),
        draw(st.sampled_from(("uniform", "xavier", "he", "integers"))),
    )


def expected_order(spec):
    shortcut = spec.loss != "mse"
    order = [] if shortcut else [("dA", spec.L)]
    for l in range(spec.L, 0, -1):
        order += [("dZ", l), ("dW", l), ("db", l), ("dA_prev", l)]
    return order


@given(specs())
def test_steps_in_order_reproduce_the_core_exactly(spec):
    trace = run(spec)
    steps = backward_steps(trace)
    assert [(s.name, s.l) for s in steps] == expected_order(spec)
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))
    for step in steps:
        core = gradient_of_step(trace, step)
        assert step.result.shape == core.shape, f"step {step.number} {step.name}^({step.l}) shape"
        assert np.array_equal(step.result, core), f"step {step.number} {step.name}^({step.l}) diverged"
    assert steps[0].shortcut == (spec.loss != "mse")


@given(specs())
def test_each_step_reads_what_the_one_before_produced(spec):
    steps = backward_steps(run(spec))
    produced = {}
    for step in steps:
        for use in step.uses:
            if use.source == "backward":
                assert np.array_equal(use.value, produced[(use.name, use.l)]), (
                    f"step {step.number} read {use.label}"
                )
        key = ("dA", step.l - 1) if step.name == "dA_prev" else (step.name, step.l)
        produced[key] = step.result


def test_ledger_names_the_stored_forward_values_each_step_uses():
    trace = run(NetworkSpec((3, 4, 2), ("sigmoid", "identity")))
    labels = {(s.name, s.l): [u.label for u in s.uses] for s in backward_steps(trace)}
    assert labels[("dA", 2)] == ["A⁽²⁾", "Y"]
    assert labels[("dZ", 2)] == ["∂L/∂A⁽²⁾"]  # identity: g' = 1 reads nothing stored
    assert labels[("dW", 2)] == ["A⁽¹⁾", "∂L/∂Z⁽²⁾"]
    assert labels[("db", 2)] == ["∂L/∂Z⁽²⁾"]
    assert labels[("dA_prev", 2)] == ["∂L/∂Z⁽²⁾", "W⁽²⁾"]
    assert labels[("dZ", 1)] == ["∂L/∂A⁽¹⁾", "A⁽¹⁾"]  # sigmoid' = A (1 - A) reuses the stored A
    assert labels[("dW", 1)] == ["X", "∂L/∂Z⁽¹⁾"]
    relu = backward_steps(run(NetworkSpec((2, 3, 1), ("relu", "identity"))))
    assert [u.label for u in relu[5].uses] == ["∂L/∂A⁽¹⁾", "Z⁽¹⁾"]  # ReLU' reads the stored Z
    stored = ledger(trace)
    assert [u.label for u in stored] == [
        "X",
        "Y",
        "W⁽¹⁾",
        "b⁽¹⁾",
        "Z⁽¹⁾",
        "A⁽¹⁾",
        "W⁽²⁾",
        "b⁽²⁾",
        "Z⁽²⁾",
        "A⁽²⁾",
    ]
    assert stored[4].value is trace.layers[0].Z  # the very array the forward pass stored


def test_exact_steps_match_the_exact_trace():
    spec = NetworkSpec((3, 4, 2), ("relu", "identity"), reduction="mean", batch=3, init="integers")
    trace = exact_run(spec)
    steps = backward_steps(trace)
    for step in steps:
        assert np.array_equal(step.result, gradient_of_step(trace, step))
    assert r"\frac{1}{3}" in steps[0].result_tex or r"\frac{2}{3}" in steps[0].result_tex


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec((3, 4, 2), ("sigmoid", "identity")),
        NetworkSpec((2, 3, 3), ("leaky_relu", "softmax"), "softmax_ce", "mean"),
        NetworkSpec((2, 2, 2), ("tanh", "softmax"), "mse"),
        NetworkSpec((12, 10, 9), ("softplus", "sigmoid"), "bce", batch=11),
    ],
)
def test_latex_is_well_formed(spec):
    for step in backward_steps(run(spec)):
        tex = step.equation()
        assert tex.count("{") == tex.count("}"), step.name
        assert tex.count(r"\left") == tex.count(r"\right"), step.name
        assert not re.search(r"\^\{[^{}]*\}\^", tex), f"double superscript in step {step.number}"
        assert "nan" not in tex and "inf" not in tex
        assert other_transposes(tex) == [], f"step {step.number} writes a transpose other than \\mathrm{{T}}"


def test_the_product_steps_print_the_notation_modules_formulas():
    spec = NetworkSpec((3, 4, 2), ("sigmoid", "identity"), batch=5)
    steps = {(s.name, s.l): s for s in backward_steps(run(spec))}
    for l in (1, 2):
        assert steps["dW", l].formula_line() == nt.dW_formula(l)
        assert steps["db", l].formula_line() == nt.db_formula(l, rows=5)
        assert steps["dA_prev", l].formula_line() == nt.dA_prev_formula(l)
    # the numbers put in carry the same sign: {[A^(1)]}^T, (1_{5×1}^T [∂L/∂Z]), [∂L/∂Z] {[W]}^T
    assert steps["dW", 2].substituted.startswith("{" + matrix_tex(steps["dW", 2].uses[0].value))
    assert steps["db", 2].substituted.startswith(r"\left(" + nt.transpose(nt.ones(5)))
    assert steps["dA_prev", 2].substituted.endswith("}" + "^{" + nt.TRANSPOSE + "}")


def test_numbers_and_big_matrices():
    assert number_tex(0.0) == "0" and number_tex(-0.0) == "0"
    assert number_tex(1234567.0) == r"1.235 \times 10^{6}"
    tex = matrix_tex(np.arange(100.0).reshape(10, 10))
    assert tex.count(r"\cdots") == 7 and r"\ddots" in tex and "99" in tex and "98" not in tex
    assert matrix_tex(np.zeros((2, 2)), blank=True).count(r"\boxed") == 4
