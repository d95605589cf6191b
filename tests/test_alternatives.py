"""Text alternatives of charts and drawings: tables hold the numbers drawn, the sentence the extreme."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from backprop import NetworkSpec, run
from backprop.core.gradcheck import check
from backprop.locales import LANGUAGES, translate
from backprop.ui import alternatives, diagrams, plots

SMALL = NetworkSpec(sizes=(3, 4, 2), batch=3)
SOFTMAX = NetworkSpec(sizes=(2, 3, 3), activations=("tanh", "softmax"), loss="softmax_ce", batch=2)


def test_heatmap_tables_are_the_gradients_drawn():
    trace = run(SMALL)
    tables = alternatives.figure_tables(plots.gradient_heatmaps(trace))
    assert len(tables) == 4 * SMALL.L
    drawn = iter(tables)
    for layer in trace.layers:
        for M in (layer.dW, layer.db[None, :], layer.dZ, layer.dA_prev):
            _, frame = next(drawn)
            np.testing.assert_array_equal(frame.to_numpy(), M)
            assert list(frame.index) == [str(i) for i in range(1, M.shape[0] + 1)]  # 1-based, as the notes
            assert list(frame.columns) == [str(j) for j in range(1, M.shape[1] + 1)]


def test_error_tables_hold_the_relative_errors_not_their_logarithms():
    report = check(SMALL)
    grids = plots.error_grids(report.entries, SMALL)
    tables = dict(alternatives.figure_tables(plots.rel_error_heatmaps(grids, report.tolerance)))
    for (variable, l), E in grids.items():
        name = "∂L/∂X" if variable == "X" else plots.nt.grad_text(variable, l)
        np.testing.assert_array_equal(tables[name].to_numpy(), np.atleast_2d(E))


def test_bars_and_curves_become_one_table_each():
    trace = run(SMALL)
    ((_, norms),) = alternatives.figure_tables(plots.norm_bars(trace))
    assert list(norms.index) == ["l = 1", "l = 2"]
    np.testing.assert_allclose(norms.iloc[:, 0], [np.linalg.norm(x.dW) for x in trace.layers])
    np.testing.assert_allclose(norms.iloc[:, 1], [np.linalg.norm(x.db) for x in trace.layers])
    loss, grad_norms = np.array([3.0, 2.0, 1.5]), np.array([[1.0, 0.5], [0.8, 0.4], [0.7, 0.3]])
    ((_, curves),) = alternatives.figure_tables(plots.training_curves(loss, grad_norms))
    assert list(curves.index) == ["0", "1", "2"]
    np.testing.assert_array_equal(curves.to_numpy(), np.column_stack([loss, grad_norms]))


def test_the_sentence_names_the_range_and_the_largest_magnitude():
    trace = run(SMALL)
    tables = alternatives.figure_tables(plots.gradient_heatmaps(trace))
    name, where, value, low, high = alternatives.extreme(tables)
    every = np.concatenate([f.to_numpy().ravel() for _, f in tables])
    assert value == every[np.abs(every).argmax()]
    assert (low, high) == (every.min(), every.max())
    row, col = map(int, re.fullmatch(r"\((\d+), (\d+)\)", where).groups())
    assert dict(tables)[name].iloc[row - 1, col - 1] == value
    text = alternatives.summary(tables)
    assert alternatives.num(value) in text and alternatives.num(low) in text and name in text


def test_no_finite_value_is_said_so():
    tables = [("W", alternatives.matrix_frame(np.full((2, 2), np.nan)))]
    assert alternatives.extreme(tables) is None
    assert alternatives.summary(tables) == translate("en", "common.alt_no_values")


def _printed(dot: str) -> set[str]:
    """Every number written in a DOT label."""
    return set(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", dot))


@pytest.mark.parametrize("spec", [SMALL, SOFTMAX], ids=["sigmoid-mse", "softmax-ce"])
@pytest.mark.parametrize("kind", alternatives.DRAWINGS)
def test_drawing_tables_hold_every_number_the_drawing_prints(spec, kind):
    trace = run(spec)
    dot = {
        "fp-single-dense": lambda: diagrams.fp_single_dense(trace, 2, sample=1),
        "bp-single-dense": lambda: diagrams.bp_single_dense(trace, 2),
        "bp-full": lambda: diagrams.bp_full(trace),
        "neurons": lambda: diagrams.neurons(trace, sample=1),
    }[kind]()
    matrices = alternatives.drawing_matrices(kind, trace, l=2, sample=1)
    in_tables = {diagrams.num(x) for _, M in matrices for x in np.ravel(M)}
    # each matrix a drawing prints comes from the trace; every one of its numbers is tabled
    values = {diagrams.num(x) for M in _values_of(trace, kind) for x in np.ravel(M)}
    assert values <= in_tables
    assert values & _printed(dot)  # the drawing shows these very numbers
    assert all(np.all(np.isfinite(M)) for _, M in matrices)


def _values_of(trace, kind):
    """The arrays the drawing's nodes and edges print (diagrams.py reads exactly these)."""
    layer = trace.layers[1]
    if kind == "fp-single-dense":
        return [layer.A_prev[1], layer.W, layer.b, layer.Z[1], layer.A[1]]
    if kind == "bp-single-dense":
        return [layer.dA, layer.dZ, layer.A_prev, layer.W, layer.dW, layer.db, layer.dA_prev]
    if kind == "neurons":
        return [trace.X[1]] + [M for x in trace.layers for M in (x.W, x.b, x.dW, x.db, x.A[1])]
    arrays = [trace.X, trace.Y, trace.layers[0].dA_prev]
    return arrays + [
        getattr(x, f) for x in trace.layers for f in ("W", "b", "Z", "A", "dW", "db", "dZ", "dA")
    ]


def test_an_unknown_drawing_is_refused_by_name():
    with pytest.raises(ValueError, match=r"'bp-half' is not one of fp-single-dense, bp-single-dense"):
        alternatives.drawing_matrices("bp-half", run(SMALL))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", alternatives.DRAWINGS)
def test_every_drawing_is_described_in_both_languages(kind, lang):
    key = f"common.alt_{kind.replace('-', '_')}"
    text = translate(lang, key, l=2, p=1, s=1)
    assert text != key and "{" not in text


def test_a_large_matrix_stays_an_array_and_its_extreme_is_found_as_in_a_frame():
    rng = np.random.default_rng(4)
    big, small = rng.normal(size=(300, 200)), rng.normal(size=(3, 4))
    big[123, 45] = -9.5  # the largest magnitude
    tables = alternatives.named_tables([("W", big), ("b", small)])
    assert isinstance(tables[0][1], np.ndarray) and isinstance(tables[1][1], pd.DataFrame)
    assert alternatives.extreme(tables) == ("W", "(124, 46)", -9.5, -9.5, max(big.max(), small.max()))
    framed = [("W", alternatives.matrix_frame(big)), ("b", alternatives.matrix_frame(small))]
    assert alternatives.extreme(framed) == alternatives.extreme(tables)


def test_non_finite_entries_are_skipped_and_series_are_named_by_column():
    frame = pd.DataFrame({"loss": [3.0, np.inf, -4.0], "norm": [np.nan, 1.0, 2.0]}, index=["0", "1", "2"])
    assert alternatives.extreme([("", frame)]) == ("loss", "2", -4.0, -4.0, 3.0)


@pytest.mark.parametrize(
    "M, expected",
    [
        ([[1.0, -3.0], [3.0, 0.0]], ("(1, 2)", -3.0, -3.0, 3.0)),  # a tie: the first in reading order
        ([[1.0, 3.0], [-3.0, 0.0]], ("(1, 2)", 3.0, -3.0, 3.0)),
        ([[0.5, -0.25], [0.0, 0.75]], ("(2, 2)", 0.75, -0.25, 0.75)),
        ([[np.nan, 2.0], [-5.0, np.inf]], ("(2, 1)", -5.0, -5.0, 2.0)),  # only finite entries count
        ([[-np.inf, 1.0]], ("(1, 2)", 1.0, 1.0, 1.0)),
    ],
)
def test_the_extreme_is_the_first_finite_entry_of_largest_magnitude(M, expected):
    name, where, value, low, high = alternatives.extreme([("W", np.array(M))])
    assert (name, where, value, low, high) == ("W", *expected)


def test_the_extreme_of_random_matrices_is_numpys_masked_argmax():
    rng = np.random.default_rng(5)
    for _ in range(20):
        M = rng.integers(-4, 5, size=(7, 6)).astype(float)  # small integers: many ties
        if rng.random() < 0.3:
            M[rng.integers(7), rng.integers(6)] = rng.choice([np.nan, np.inf, -np.inf])
        finite = np.isfinite(M)
        r, c = np.unravel_index(int(np.argmax(np.where(finite, np.abs(M), -1.0))), M.shape)
        found = alternatives.extreme([("W", M)])
        assert found == ("W", f"({r + 1}, {c + 1})", M[r, c], M[finite].min(), M[finite].max())


def test_a_figures_summary_is_made_once_per_language_and_kept_on_it(monkeypatch):
    from backprop.ui import i18n

    fig = plots.norm_bars(run(SMALL))
    made = []
    monkeypatch.setattr(alternatives, "summary", lambda tables: made.append(tables) or f"text {len(made)}")
    tables = alternatives.kept_tables(fig)
    assert alternatives.kept_summary(fig, tables) == alternatives.kept_summary(fig, tables) == "text 1"
    monkeypatch.setattr(alternatives, "current_language", lambda: "zh")
    monkeypatch.setattr(i18n, "current_language", lambda: "zh")
    assert alternatives.kept_summary(fig, tables) == "text 2"  # Chinese: its own sentence
    assert len(made) == 2 and alternatives.kept_summary(plots.norm_bars(run(SMALL)), tables) == "text 3"
