"""The clickable network diagram: one point per weight and unit, naming its entry, coloured by ∂L/∂x."""

from __future__ import annotations

import re

import numpy as np
import pytest

from backprop import NetworkSpec, run
from backprop.ui import network_figure

SPECS = [
    NetworkSpec(),
    NetworkSpec(sizes=(5, 8, 8, 3), activations=("sigmoid", "tanh", "identity"), batch=3),
    NetworkSpec(sizes=(12, 3), activations=("identity",), batch=2),  # wider than MAX_UNITS
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.sizes)))
def test_every_drawn_weight_and_unit_is_one_point_naming_its_entry(spec):
    trace = run(spec)
    fig = network_figure.network_diagram(trace, sample=2)
    weights, units = (t for t in fig.data if t.name in ("w", "units"))
    assert len(set(zip(weights.x, weights.y))) == len(weights.x)  # no two edges share a point
    shown = [min(n, network_figure.MAX_UNITS) for n in spec.sizes]
    assert len(weights.x) == sum(a * b for a, b in zip(shown, shown[1:]))
    for (var, l, i, j), colour in zip(weights.customdata, weights.marker.color, strict=True):
        assert var == "W" and colour == trace.layers[l - 1].dW[i - 1, j - 1]
    for (var, l, i, j), x, colour in zip(units.customdata, units.x, units.marker.color, strict=True):
        assert i == 0  # a unit keeps the chosen row: a bias has none, an input keeps the sample
        if x == 0:  # an input unit: x_sj of the sample shown (2), ∂L/∂X
            assert (var, l, colour) == ("A_prev", 1, trace.layers[0].dA_prev[1, j - 1])
        else:  # a unit of layer x: its bias
            assert (var, l, colour) == ("b", x, trace.layers[x - 1].db[j - 1])
    assert len(units.x) == sum(shown)
    bar = fig.layout.coloraxis
    peak = max(np.abs(np.asarray(weights.marker.color)).max(), np.abs(np.asarray(units.marker.color)).max())
    assert bar.cmin == -bar.cmax == -peak and bar.cmid == 0


@pytest.mark.parametrize("chosen", [(1, "W", 3, 2), (2, "b", 1, 2), (1, "A_prev", 4, 3), (2, "A_prev", 1, 4)])
def test_the_chosen_entry_is_outlined_where_its_point_is(chosen):
    fig = network_figure.network_diagram(run(NetworkSpec()))
    number, k = network_figure.chosen_point(fig, chosen)
    data = fig.data[number - 1].customdata[k - 1].tolist()
    l, var, i, j = chosen
    if var == "W":
        assert data == ["W", l, i, j]
    elif var == "b":
        assert data == ["b", l, 0, j]
    else:  # an activation a^(l-1): its unit (the input unit for l = 1, else the bias's unit)
        assert data == (["A_prev", 1, 0, j] if l == 1 else ["b", l - 1, 0, j])
    style = network_figure.chosen_style(fig, chosen, "alt_d")
    point = f".st-key-alt_d .scatterlayer > .trace:nth-child({number}) .points > .point:nth-child({k})"
    assert point in style
    assert style.startswith("<style>") and "stroke-width" in style


SHEET = re.compile(  # what chosen_style may send as raw HTML: integers and a widget key, nothing else
    r"<style>\.st-key-\w+ \.scatterlayer > \.trace:nth-child\(\d+\) \.points > \.point:nth-child\(\d+\) "
    r"\{ stroke: #ffffff !important; stroke-width: 3px !important; filter: "
    r"drop-shadow\(2px 0px 0 #000000\) drop-shadow\(-2px 0px 0 #000000\) "
    r"drop-shadow\(0px 2px 0 #000000\) drop-shadow\(0px -2px 0 #000000\); \}</style>",
    re.ASCII,
)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.sizes)))
def test_the_outline_is_a_style_sheet_of_integers_for_every_entry(spec):
    trace = run(spec)
    fig = network_figure.network_diagram(trace)
    for layer in trace.layers:
        entries = [
            (layer.l, "W", i + 1, j + 1) for i in range(layer.W.shape[0]) for j in range(layer.W.shape[1])
        ]
        entries += [
            (layer.l, v, 1, j + 1) for v in ("b", "A_prev") for j in range(layer.W.shape[v != "A_prev"])
        ]
        for chosen in entries:
            style = network_figure.chosen_style(fig, chosen, "alt_bw_diagram")
            assert SHEET.fullmatch(style) or style == "<style></style>", style
    with pytest.raises(ValueError, match="widget key"):
        network_figure.chosen_style(fig, (1, "W", 1, 1), "x</style><script>")


def test_an_entry_past_the_drawn_units_has_no_outline():
    fig = network_figure.network_diagram(run(NetworkSpec(sizes=(12, 3), activations=("identity",), batch=2)))
    assert network_figure.chosen_point(fig, (1, "W", 12, 1)) is None  # input unit 12 is not drawn
    assert network_figure.chosen_style(fig, (1, "W", 12, 1), "alt_d") == "<style></style>"
    assert network_figure.chosen_point(fig, (1, "W", 10, 1)) is not None


def test_a_figure_is_kept_for_its_trace_per_sample_and_language_and_freed_with_the_trace(monkeypatch):
    import gc

    from backprop.ui import i18n

    trace = run(NetworkSpec(seed=11, batch=20))
    first = network_figure.network_diagram(trace, 1)
    assert network_figure.network_diagram(trace, 1) is first  # kept, not built anew, whatever is chosen
    assert network_figure.network_diagram(trace, 2) is not first  # another sample
    twin = run(NetworkSpec(seed=11, batch=20))  # equal numbers, another trace: its own figures
    assert network_figure.network_diagram(twin, 1) is not first
    with monkeypatch.context() as patched:  # a session reading Chinese
        patched.setattr(i18n, "current_language", lambda: "zh")
        patched.setattr(network_figure, "current_language", lambda: "zh")
        zh = network_figure.network_diagram(trace, 1)
    assert zh is not first and zh.data[0].name != first.data[0].name  # hover and names translated
    for sample in range(2, network_figure.KEPT_PER_TRACE + 2):  # more than are kept: the oldest goes first
        network_figure.network_diagram(trace, sample)
    assert network_figure.network_diagram(trace, 1) is not first
    key = id(trace)
    del trace, first, zh
    gc.collect()
    network_figure.network_diagram(twin, 2)  # a figure built sweeps away dead traces
    assert key not in network_figure._KEPT
