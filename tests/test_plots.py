"""Plotly figure builders: the data is the core's, the scale is centred, hover names the entry."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import NetworkSpec, run
from backprop.core.gradcheck import Entry, check
from backprop.ui import plots
from backprop.ui.blocks import CELL_PX, side_for
from backprop.ui.heatmap_figures import LABEL_COLS, LABEL_ROWS, PANEL_SIDE, PANEL_WIDTH
from backprop.ui.ticks import log_axis

SPECS = [
    NetworkSpec(),
    NetworkSpec(sizes=(3, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce", batch=1),
    NetworkSpec(sizes=(12, 10, 1), activations=("relu", "identity"), batch=9),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.sizes)))
@pytest.mark.parametrize("shared", [True, False])
def test_gradient_heatmaps_hold_the_cores_arrays(spec, shared):
    trace = run(spec)
    fig = plots.gradient_heatmaps(trace, shared=shared)
    assert len(heatmaps(fig)) == 4 * spec.L
    panels = iter(heatmaps(fig))
    peak = max(np.abs(getattr(x, f)).max() for x in trace.layers for f in ("dW", "db", "dZ", "dA_prev"))
    for layer in trace.layers:
        for field, M in (
            ("dW", layer.dW),
            ("db", layer.db[None, :]),
            ("dZ", layer.dZ),
            ("dA_prev", layer.dA_prev),
        ):
            panel = next(panels)
            np.testing.assert_array_equal(panel.z, M, err_msg=f"{field} of layer {layer.l}")
            assert list(panel.x) == list(range(1, M.shape[1] + 1)) and list(panel.y) == list(
                range(1, M.shape[0] + 1)
            )
            assert panel.name in panel.hovertemplate and "%{z" in panel.hovertemplate
            rows, cols = np.atleast_2d(M).shape
            assert (panel.texttemplate is not None) == (rows <= LABEL_ROWS and cols <= LABEL_COLS)
            if shared:
                assert panel.coloraxis == "coloraxis"
            else:
                assert panel.zmin == -panel.zmax == -np.abs(M).max() and panel.zmid == 0
    if shared:
        axis = fig.layout.coloraxis
        assert axis.cmin == -axis.cmax == -peak and axis.cmid == 0 and axis.colorscale
    assert all(axis.autorange == "reversed" for axis in fig.select_yaxes())


def heatmaps(fig) -> list:
    """The figure's heatmap panels, without the points laid over them to be clicked."""
    return [trace for trace in fig.data if trace.type == "heatmap"]


def test_every_cell_of_w_b_and_a_has_a_point_naming_its_entry():
    trace = run(NetworkSpec())
    fig = plots.gradient_heatmaps(trace)
    points = {(p.customdata[0][0], p.customdata[0][1]): p for p in fig.data if p.meta == "pick"}
    assert set(points) == {(var, l) for l in (1, 2) for var in ("W", "b", "A_prev")}  # no ∂L/∂Z: not derived
    for (var, l), p in points.items():
        layer = trace.layers[l - 1]
        M = {"W": layer.dW, "b": layer.db[None, :], "A_prev": layer.dA_prev}[var]
        assert len(p.customdata) == M.size
        for (name, at, i, j), x, y, shown in zip(p.customdata, p.x, p.y, p.hovertext, strict=True):
            assert (name, at, j, x) == (var, l, x, j) and (i == 0 if var == "b" else i == y)
            assert float(shown) == pytest.approx(M[y - 1, x - 1], rel=1e-5)  # the hover's value, 1-based
        assert "%{hovertext}" in p.hovertemplate and "<sub>%{y},%{x}</sub>" in p.hovertemplate or var == "b"


def test_log_ticks_are_readable_values_inside_the_range():
    for low, high in ((0.36, 2.8), (1e-2, 3.0), (1.2, 1.9), (5.0, 5.0), (1.5, 3.0)):
        axis = log_axis(np.array([low, high]))
        values, texts = axis["tickvals"], axis["ticktext"]
        assert all(low <= v <= high for v in values) and len(values) >= 1
        assert texts == [f"{v:.3g}" for v in values]
    assert log_axis(np.array([0.36, 2.8]))["ticktext"] == ["0.5", "1", "2"]  # the norms


def test_norms_of_one_size_are_bars_from_zero_and_of_many_sizes_points_on_a_log_axis():
    trace = run(NetworkSpec())  # norms 0.36 .. 2.8: bars from 0, each with its value
    bars = plots.norm_bars(trace)
    assert plots.norm_scale(trace) == "linear" and {d.type for d in bars.data} == {"bar"}
    assert plots.drawn_scale(bars) == "linear"
    assert bars.layout.yaxis.type != "log" and bars.layout.yaxis.range[0] == 0
    assert bars.data[0].text[0] == f"{np.linalg.norm(trace.layers[0].dW):.3g}"
    deep = run(NetworkSpec(sizes=(4, 8, 8, 8, 8, 8, 8, 2), activations=("sigmoid",) * 6 + ("identity",)))
    points = plots.norm_bars(deep)
    assert plots.norm_scale(deep) == "log" and {d.type for d in points.data} == {"scatter"}
    assert plots.drawn_scale(points) == "log"
    assert points.layout.yaxis.type == "log" and "log" in points.layout.yaxis.title.text
    assert len(points.layout.yaxis.tickvals or ()) >= 2 or points.layout.yaxis.dtick == 1  # wide: 10^k each


def test_heatmap_titles_name_the_quantity_and_shape():
    fig = plots.gradient_heatmaps(run(NetworkSpec()))
    titles = [a.text for a in fig.layout.annotations]
    assert titles[:4] == ["∂L/∂W⁽¹⁾  (3×4)", "∂L/∂b⁽¹⁾  (4)", "∂L/∂Z⁽¹⁾  (4×4)", "∂L/∂A⁽⁰⁾  (4×3)"]


def test_all_zero_gradients_still_draw():
    spec = NetworkSpec(sizes=(2, 2), activations=("relu",), batch=1, init="integers", seed=3)
    trace = run(spec, X=np.array([[-5.0, -5.0]]) * 0, Y=np.zeros((1, 2)))
    fig = plots.gradient_heatmaps(trace, shared=False)
    assert all(np.isfinite([p.zmin, p.zmax]).all() for p in heatmaps(fig))


def test_error_grids_place_each_entry_and_blank_the_rest():
    spec = NetworkSpec()
    entries = [
        Entry("W", 2, (3, 1), 1.0, 1.0, 1e-9, False),
        Entry("b", 1, (2,), 1.0, 1.0, 0.5, True),  # at a kink: blank
        Entry("X", 0, (0, 2), 1.0, 1.0, 0.0, False),
    ]
    grids = plots.error_grids(entries, spec)
    assert grids[("W", 2)][3, 1] == 1e-9 and np.isnan(grids[("W", 2)][0, 0])
    assert np.isnan(grids[("b", 1)]).all() and grids[("X", 0)][0, 2] == 0.0
    assert {k: g.shape for k, g in grids.items()} == {
        ("X", 0): (4, 3),
        ("W", 1): (3, 4),
        ("b", 1): (4,),
        ("W", 2): (4, 2),
        ("b", 2): (2,),
    }


def test_rel_error_heatmaps_are_log10_of_the_report():
    spec = NetworkSpec()
    report = check(spec)
    grids = plots.error_grids(report.entries, spec)
    fig = plots.rel_error_heatmaps(grids, report.tolerance)
    assert len(fig.data) == 2 * spec.L + 1
    for panel in fig.data:
        E = np.asarray(panel.customdata, dtype=float)
        np.testing.assert_allclose(panel.z, np.log10(np.maximum(E, plots.FLOOR)))
    by_name = {p.name: p for p in fig.data}
    np.testing.assert_array_equal(by_name["∂L/∂W⁽²⁾"].customdata, grids[("W", 2)])
    assert fig.layout.coloraxis.cmin == -16 and fig.layout.coloraxis.cmax == 0
    assert np.log10(report.tolerance) in fig.layout.coloraxis.colorbar.tickvals


def test_norm_bars_and_training_curves():
    trace = run(NetworkSpec())
    bars = plots.norm_bars(trace)
    np.testing.assert_allclose(bars.data[0].y, [np.linalg.norm(x.dW) for x in trace.layers])
    np.testing.assert_allclose(bars.data[1].y, [np.linalg.norm(x.db) for x in trace.layers])
    loss, norms = np.array([3.0, 2.0, 1.5]), np.array([[1.0, 2.0], [0.5, 1.0], [0.2, 0.9]])
    curves = plots.training_curves(loss, norms)
    np.testing.assert_array_equal(curves.data[0].y, loss)
    np.testing.assert_array_equal(curves.data[2].y, norms[:, 1])
    assert list(curves.data[0].x) == [0, 1, 2]
    assert curves.layout.yaxis.type == curves.layout.yaxis2.type == "log"
    assert "log" in curves.layout.yaxis.title.text and curves.layout.yaxis.ticktext == (
        "1.5",
        "2",
        "2.5",
        "3",
    )


def test_big_panels_are_drawn_in_blocks_keeping_each_blocks_extreme():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((200, 97))
    Z, rows, cols, block = plots.blocks(M, max_side=50)
    assert block == (4, 2) and Z.shape == (50, 49)
    assert list(rows[:2]) == [1, 5] and list(cols[:2]) == [1, 3]
    top_left = M[:4, :2]
    assert Z[0, 0] == top_left.ravel()[np.abs(top_left).argmax()]
    assert np.abs(Z).max() == np.abs(M).max()  # the largest gradient is never averaged away
    E = np.full((200, 97), np.nan)
    E[7, 3] = 1e-3
    worst, *_ = plots.blocks(E, reduce="max", max_side=50)
    assert worst[1, 1] == 1e-3 and np.isnan(worst[0, 0])


def test_a_wide_network_is_drawn_in_blocks_a_panel_can_show():
    spec = NetworkSpec(sizes=(300, 120, 2), activations=("tanh", "identity"), batch=2)
    dW, db_panel = heatmaps(plots.gradient_heatmaps(run(spec)))[:2]
    assert max(dW.z.shape) <= PANEL_SIDE and PANEL_SIDE * CELL_PX <= PANEL_WIDTH  # ≥ 4 px a cell
    assert "in blocks" in plots.gradient_heatmaps(run(spec)).layout.annotations[0].text
    db = run(spec).layers[0].db  # 120 entries > PANEL_SIDE = 40: threes, each drawn as its largest |·|
    np.testing.assert_array_equal(db_panel.z, plots.blocks(db, max_side=PANEL_SIDE)[0])
    assert db_panel.z.shape == (1, 40) and list(db_panel.x[:2]) == [1, 4]
    assert plots.gradient_heatmaps(run(NetworkSpec())).layout.annotations[0].text.endswith("(3×4)")


def _blocks_by_loops(M: np.ndarray, reduce: str, side: int) -> np.ndarray:
    """The oracle: each block cut out by hand and reduced entry by entry."""
    G = M.reshape(1, -1) if M.ndim == 1 else M
    fr, fc = -(-G.shape[0] // side), -(-G.shape[1] // side)
    out = np.full((-(-G.shape[0] // fr), -(-G.shape[1] // fc)), np.nan)
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            values = [v for v in G[r * fr : (r + 1) * fr, c * fc : (c + 1) * fc].ravel() if not np.isnan(v)]
            if values:
                best = max(values) if reduce == "max" else max(values, key=lambda v: (abs(v), v))
                out[r, c] = best
    return out


@pytest.mark.parametrize("shape", [(200, 97), (300, 257), (23, 1024), (1000,), (97, 5)])
@pytest.mark.parametrize("reduce", ["extreme", "max"])
def test_blocks_agree_with_cutting_each_block_out_by_hand(shape, reduce):
    rng = np.random.default_rng(sum(shape))
    M = rng.standard_normal(shape)
    M.flat[rng.integers(0, M.size, 50)] = np.nan  # unchecked entries of an error grid
    if M.ndim == 2:
        M[:7, :9] = np.nan  # a whole block left blank stays blank
    side = 40 if shape != (300, 257) else 96
    Z, rows, cols, block = plots.blocks(M, reduce=reduce, max_side=side)
    np.testing.assert_array_equal(Z, _blocks_by_loops(M, reduce, side))
    assert max(Z.shape) <= side and list(rows[:2]) == [1, 1 + block[0]][: len(rows)]
    assert list(cols[:2]) == [1, 1 + block[1]][: len(cols)]


def test_of_a_plus_and_a_minus_of_the_same_size_a_block_keeps_the_plus():
    Z, *_ = plots.blocks(np.array([[-2.0, 2.0, 1.0, -1.0, 0.5, 0.0]]), max_side=3)
    assert Z.tolist() == [[2.0, 1.0, 0.5]]


def test_a_side_shows_a_cell_every_4_px_and_no_more_than_max_side():
    assert [side_for(px) for px in (2, 80, 160, 10_000)] == [1, 20, 40, plots.MAX_SIDE]


def test_entries_drawn_one_by_one_and_a_bias_in_blocks_can_be_clicked_a_matrix_in_blocks_not():
    spec = NetworkSpec(sizes=(300, 30, 2), activations=("tanh", "identity"), batch=4)
    fig = plots.gradient_heatmaps(run(spec))
    clickable = {(p.customdata[0][0], p.customdata[0][1]) for p in fig.data if p.meta == "pick"}
    # layer 1: W (300 × 30) in blocks: no; b (30) whole: yes; A⁽⁰⁾ (4 × 300) in blocks of 1 × 8 = 4 × 38
    # cells (152, within PICK_BLOCKS): yes. Layer 2: all whole and small.
    assert clickable == {("b", 1), ("A_prev", 1), ("W", 2), ("b", 2), ("A_prev", 2)}
    wide = plots.gradient_heatmaps(run(NetworkSpec(sizes=(2, 300, 2), batch=60)))  # A⁽¹⁾: 60 × 300 in blocks
    assert ("A_prev", 2) not in {
        (p.customdata[0][0], p.customdata[0][1]) for p in wide.data if p.meta == "pick"
    }


def test_printed_numbers_fit_their_cells_and_axes_hold_only_real_indices():
    assert PANEL_WIDTH / LABEL_COLS >= 50  # a 14 px number such as -0.022 is about 50 px wide
    trace = run(NetworkSpec(sizes=(5, 8, 8, 3), activations=("sigmoid", "sigmoid", "identity"), batch=4))
    fig = plots.gradient_heatmaps(trace)
    panels = [d for d in fig.data if d.type == "heatmap"]
    for panel in panels:
        xaxis = fig.layout["xaxis" + panel.xaxis[1:]]
        yaxis = fig.layout["yaxis" + panel.yaxis[1:]]
        for axis, at in ((xaxis, panel.x), (yaxis, panel.y)):  # clicks' markers must not pad 0 and n + 1 in
            clip = axis.autorangeoptions
            assert (clip.clipmin, clip.clipmax) == (at[0] - 0.5, at[-1] + 0.5)
