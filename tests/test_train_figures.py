"""The training charts' axes: log axes say so and carry readable ticks inside the data's range."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import NetworkSpec
from backprop.teaching.train import start
from backprop.ui import train_figures
from backprop.ui.i18n import t
from backprop.ui.ticks import log_axis


@pytest.mark.parametrize("seed", range(20))
def test_log_ticks_lie_in_the_range_and_are_spelt_out(seed):
    rng = np.random.default_rng(seed)
    lo = 10.0 ** rng.uniform(-6, 2)
    values = lo * 10.0 ** rng.uniform(0, rng.uniform(0.01, 3), size=30)
    axis = log_axis(values)
    assert axis["type"] == "log"
    if "dtick" in axis:  # the data span more than three powers of ten
        assert axis["dtick"] == 1 and values.max() / values.min() > 10
        return
    ticks = np.array(axis["tickvals"])
    assert len(ticks) >= 2 and np.all(ticks >= values.min()) and np.all(ticks <= values.max())
    assert all(
        float(text) == pytest.approx(v, rel=5e-3) for text, v in zip(axis["ticktext"], ticks, strict=True)
    )


def test_wide_ranges_get_a_tick_per_power_of_ten_and_nothing_positive_gets_plotly_s_own():
    assert log_axis(np.array([1e-7, 0.5]))["dtick"] == 1
    assert "tickvals" not in log_axis(np.array([0.0, -1.0, np.nan]))


def test_every_log_axis_is_labelled_as_one():
    fig = train_figures.frame_figure(start(NetworkSpec()))
    assert fig.layout.yaxis.type == "log" and "log" in fig.layout.yaxis.title.text
    assert fig.layout.yaxis.title.text == t("training.plot_loss_axis")
    assert fig.layout.yaxis.tickvals  # 1-2-5 ticks, not Plotly's minor digits


def test_each_gradient_panel_says_its_largest_entry_and_the_first_steps_are_whole():
    from backprop.teaching.train import advance

    progress = start(NetworkSpec())
    fig = train_figures.frame_figure(progress)
    assert list(fig.layout.xaxis.range) == [0, 5] and fig.layout.xaxis.dtick == 1  # not −1 … 1 at step 0
    titles = [a.text for a in fig.layout.annotations]
    for layer in progress.trace.layers:  # each heatmap is scaled to itself: its title gives the scale
        peak = float(np.abs(layer.dW).max())
        assert any(title.endswith(f"{peak:.2g}") and f"W⁽{'¹²'[layer.l - 1]}⁾" in title for title in titles)
    later = advance(progress, 0.05, 20)
    assert train_figures.frame_figure(later).layout.xaxis.range is None  # past the first steps: Plotly's own


def test_the_vanishing_panels_start_with_points_on_whole_steps():
    from backprop.teaching.train import DEMOS

    fig = train_figures.vanishing_figure({name: start(spec) for name, spec in DEMOS.items()})
    assert all(trace.mode == "lines+markers" for trace in fig.data)  # one point each: drawn, not empty
    assert list(fig.layout.xaxis.range) == [0, 5] and list(fig.layout.xaxis2.range) == [0, 5]
