"""LaTeX from numbers (derivation/latex.py, entry_latex.py): the numbers shown are the core's numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import ends_with_number

from backprop import NetworkSpec, run
from backprop.derivation import entry_latex, latex


def balanced(tex: str) -> bool:
    """Braces balance (KaTeX refuses the string otherwise)."""
    depth = 0
    for ch in tex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def no_double_superscript(tex: str) -> bool:
    r"""No 'x^{..}^{..}' (KaTeX: "Double superscript"); '{x^{..}}^{..}' is fine."""
    return not re.search(r"\^\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}\^", tex)


@pytest.mark.parametrize(
    "x, text",
    [(0.5, "0.5"), (-0.0, "0"), (1234567.0, r"1.235 \times 10^{6}"), (1e-5, r"1 \times 10^{-5}"), (2.0, "2")],
)
def test_numbers(x, text):
    assert latex.num(x) == text


def test_matrix_highlights_row_column_and_cell():
    tex = latex.highlighted_matrix(np.arange(6.0).reshape(2, 3), rows=[1], cols=[2])
    assert tex.count(latex.ROW) == 2 and tex.count(latex.COLUMN) == 1 and tex.count(latex.CELL) == 1
    assert tex.count(r"\\") == 1 and tex.count("&") == 4  # 2 rows, 3 columns


def test_vector_is_a_column_and_its_entry_is_highlighted():
    tex = latex.highlighted_matrix(np.array([1.0, 2.0, 3.0]), cols=[1])
    assert tex.count(r"\\") == 2 and tex.count(latex.CELL) == 1 and "&" not in tex


def test_labelled_matrix_names_its_shape():
    assert r"\underset{4 \times 3}" in latex.labelled("A", np.zeros((4, 3)))
    assert r"\underset{5}" in latex.labelled("b", np.zeros(5))


@pytest.mark.parametrize("seed", range(4))
def test_entry_sum_ends_with_the_cores_z(seed):
    rng = np.random.default_rng(seed)
    sizes = tuple(int(n) for n in rng.integers(1, 5, 3))
    trace = run(
        NetworkSpec(sizes=sizes, activations=("tanh", "identity"), batch=int(rng.integers(1, 4)), seed=seed)
    )
    layer = trace.layers[0]
    i, j = int(rng.integers(layer.Z.shape[0])), int(rng.integers(layer.Z.shape[1]))
    tex = latex.entry_sum(layer.A_prev, layer.W, layer.b, i, j)
    assert ends_with_number(tex, layer.Z[i, j])
    assert tex.startswith(f"z_{{{i + 1}{j + 1}}}") and balanced(tex)


def test_single_sample_is_row_s_of_Z():
    trace = run(NetworkSpec(sizes=(3, 2, 1), activations=("sigmoid", "identity")))
    layer = trace.layers[0]
    tex = latex.single_sample(layer.W, layer.A_prev[1], layer.b, 1)
    assert tex.endswith(latex.highlighted_matrix(layer.Z[1])) and balanced(tex) and no_double_superscript(tex)


CASES = [
    NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")),
    NetworkSpec(sizes=(1, 1), activations=("relu",), batch=1),
    NetworkSpec(
        sizes=(2, 3, 3), activations=("tanh", "softmax"), loss="softmax_ce", reduction="mean", batch=3
    ),
    NetworkSpec(sizes=(2, 5, 1), activations=("leaky_relu", "sigmoid"), loss="bce", batch=5, seed=3),
]


@pytest.mark.parametrize("spec", CASES, ids=lambda s: "-".join(map(str, s.sizes)) + "-" + s.loss)
def test_three_derivations_agree_with_backprop_for_every_entry(spec):
    trace = run(spec)
    for layer in trace.layers:
        for var in entry_latex.VARIABLES:
            gradient = getattr(layer, "d" + var)  # ∂L/∂A_prev, ∂L/∂W, ∂L/∂b
            for index in np.ndindex(*gradient.shape):
                T, keep = entry_latex.terms(layer.A_prev, layer.W, layer.dZ, var, index)
                value = entry_latex.product(layer.A_prev, layer.W, layer.dZ, var, layer.l, index).value
                assert T[~keep].tolist() == [0.0] * int((~keep).sum()), f"{var}{index}: a vanishing term"
                np.testing.assert_allclose(
                    T.sum(), gradient[index], rtol=1e-12, atol=1e-14, err_msg=f"{var}{index} sum"
                )
                np.testing.assert_allclose(
                    value, gradient[index], rtol=1e-12, atol=1e-14, err_msg=f"{var}{index} product"
                )


def test_survivors_are_the_notes_single_sum():
    """∂L/∂w_ij keeps t = j (m terms); ∂L/∂a_ij keeps s = i (n_out terms); ∂L/∂b_j keeps t = j."""
    layer = run(CASES[0]).layers[1]  # m = 4, n_out = 2
    assert entry_latex.terms(layer.A_prev, layer.W, layer.dZ, "W", (1, 0))[1][:, 0].all()
    assert entry_latex.terms(layer.A_prev, layer.W, layer.dZ, "W", (1, 0))[1].sum() == 4
    assert entry_latex.terms(layer.A_prev, layer.W, layer.dZ, "A_prev", (2, 3))[1].sum() == 2
    assert entry_latex.terms(layer.A_prev, layer.W, layer.dZ, "b", (1,))[1].sum() == 4


@pytest.mark.parametrize("var, index", [("W", (1, 0)), ("b", (1,)), ("A_prev", (3, 2))])
def test_entry_latex_prints_the_value_and_is_wellformed(var, index):
    layer = run(CASES[0]).layers[1]
    value = getattr(layer, "d" + var)[index]
    T, keep = entry_latex.terms(layer.A_prev, layer.W, layer.dZ, var, index)
    strings = [
        entry_latex.double_sum(var, 2, index, *layer.dZ.shape),
        entry_latex.term_grid(T, keep, var, 2, index),
        entry_latex.collapsed(layer.A_prev, layer.W, layer.dZ, var, 2, index),
        entry_latex.matrix_entry(layer.A_prev, layer.W, layer.dZ, var, 2, index),
    ]
    assert strings[2].endswith(f"= {latex.num(value)}\\end{{aligned}}")
    assert strings[3].endswith(f"= {latex.num(value)}")
    assert strings[1].count(latex.GREY) == int((~keep).sum())
    for tex in strings:
        assert balanced(tex) and no_double_superscript(tex), tex


@pytest.mark.parametrize("spec", CASES, ids=lambda s: s.loss)
def test_backward_formulas_are_wellformed(spec):
    for l in range(1, spec.L + 1):
        for quantity in ("dA", "gprime", "dZ", "dW", "db", "dA_prev"):
            tex = latex.backward_formula(
                quantity, l, spec.L, spec.activations[l - 1], spec.loss, True, l == spec.L
            )
            assert balanced(tex) and no_double_superscript(tex), tex
    for line in latex.NOTATION + (latex.forward_formula(1, 4, 3, 2),):
        assert balanced(line) and no_double_superscript(line), line


def test_mean_reduction_shows_the_factor():
    assert r"\frac{1}{m}" in latex.backward_formula("dA", 2, 2, "identity", "mse", True, False)
    assert r"\frac{1}{m}" not in latex.backward_formula("dA", 2, 2, "identity", "mse", False, False)
