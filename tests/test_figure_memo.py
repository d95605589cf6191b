"""A figure's tables are built once per figure object and are the tables ``alternatives`` would build."""

from __future__ import annotations

import numpy as np

from backprop import NetworkSpec, run
from backprop.ui import alternatives, plots, show


def test_the_same_figure_gives_the_same_tables_and_a_new_figure_new_ones():
    trace = run(NetworkSpec())
    fig = plots.gradient_heatmaps(trace)
    kept = alternatives.kept_tables(fig)
    assert alternatives.kept_tables(fig) is kept  # a rerun reuses them
    again = plots.gradient_heatmaps(trace)
    assert alternatives.kept_tables(again) is not kept
    for (title, frame), (name, built) in zip(kept, alternatives.figure_tables(fig), strict=True):
        assert title == name and frame.equals(built)  # small tables exactly as alternatives builds them


def test_a_windowed_table_keeps_its_numbers_and_the_digits_of_its_labels():
    spec = NetworkSpec(sizes=(300, 30, 2), activations=("tanh", "identity"), batch=4)
    fig = plots.gradient_heatmaps(run(spec))
    pairs = list(zip(alternatives.kept_tables(fig), alternatives.figure_tables(fig), strict=True))
    big = [(kept, built) for (_, kept), (_, built) in pairs if show.too_big(built.shape)]
    assert big  # ∂L/∂W⁽¹⁾ (300 × 30) in blocks of 8 × 1: 38 × 30 cells
    for kept, built in big:
        np.testing.assert_array_equal(kept.to_numpy(), built.to_numpy())
        assert [str(r) for r in kept.index] == list(built.index)
        assert [str(c) for c in kept.columns] == list(built.columns)
    assert alternatives.summary(alternatives.kept_tables(fig)) == alternatives.summary(
        alternatives.figure_tables(fig)
    )


def test_a_curves_table_keeps_its_named_columns():
    fig = plots.training_curves(np.linspace(1, 0.1, 31), np.linspace(1, 0.5, 62).reshape(31, 2))
    (_, kept), (_, built) = alternatives.kept_tables(fig)[0], alternatives.figure_tables(fig)[0]
    assert list(kept.columns) == list(built.columns) == ["L", "‖∂L/∂W⁽¹⁾‖", "‖∂L/∂W⁽²⁾‖"]
    assert list(kept.index) == list(range(31)) and kept.index.name == built.index.name
    np.testing.assert_array_equal(kept.to_numpy(), built.to_numpy())
