r"""The network as a clickable Plotly figure: units and edges are points that name their entry.

Layer k's units sit in column x = k, unit 1 on top. Every edge i → j between layers l-1
and l is w_ij^(l) (W^(l) is n_{l-1} × n_l, rows as samples: Z = A W + 1 bᵀ); a point on
it carries it (``_on_edge``: one point per edge, none shared). A unit j of layer l ≥ 1
carries its bias b_j^(l); an input unit j carries x_sj, the input of the chosen sample s.
Each point's ``customdata`` is [var, l, i, j] (1-based; i = 0: "keep the chosen row"), what
``entry_choice.take_click`` reads when the point is clicked. Colour is the gradient on the
diverging, colour-blind-safe scale of the heatmaps (purple +, orange −), one scale
for the whole drawing.

The chosen entry is outlined by a style sheet (``chosen_style``), not drawn in the figure:
the figure stays the same from pick to pick, so the browser keeps the chart it has drawn
(a changed figure cost about 90 ms of the browser's time on every pick,
tests/browser/bench_clicks.py) and only the few bytes of the outline change.

Layers wider than ``MAX_UNITS`` show their first units and say how many are left out.

>>> from backprop import NetworkSpec, run
>>> fig = network_diagram(run(NetworkSpec()))
>>> [trace.name for trace in fig.data][:3]
['edges', 'w', 'units']
>>> fig.data[1].customdata[0].tolist()
['W', 1, 1, 1]
>>> chosen_point(fig, (1, "W", 1, 2))  # trace 2 (the weights), its second point
(2, 2)
"""

from __future__ import annotations

import re
import threading
import weakref

import numpy as np
import plotly.graph_objects as go

from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.ui.figure_memo import kept_on
from backprop.ui.i18n import current_language, t
from backprop.ui.plots import DIVERGING

MAX_UNITS = 10  # units drawn per layer; wider layers show these and a note
RING, HALO = "#000000", "#ffffff"  # the chosen entry's outline: white, edged in black, on any colour
EDGE = " ".join(f"drop-shadow({x}px {y}px 0 {RING})" for x, y in ((2, 0), (-2, 0), (0, 2), (0, -2)))


def _y(n: int) -> np.ndarray:
    """Vertical places of a layer's first min(n, MAX_UNITS) units, centred on 0, unit 1 on top."""
    k = min(n, MAX_UNITS)
    return (k - 1) / 2 - np.arange(k, dtype=float)


def _on_edge(l: int, y0: float, y1: float, j: int, n_out: int) -> tuple[float, float]:
    r"""Where the point of edge i → j (0-based j of ``n_out``) sits: a fraction t_j along it.

    t_j = 0.25 + 0.35 j/(n_out-1) differs for each target unit j, so no two edges share a point
    (at one t every edge i → j with the same y_i + y_j would: their midpoints coincide).
    """
    t_j = 0.25 + 0.35 * j / max(n_out - 1, 1)
    return l - 1 + t_j, y0 + t_j * (y1 - y0)


def _points(name: str, x, y, data, text, color, size, symbol) -> go.Scatter:
    """Clickable points: ``data`` rows [var, l, i, j], ``text`` the hover, ``color`` the gradient."""
    return go.Scatter(
        x=x,
        y=y,
        name=name,
        mode="markers",
        customdata=np.array(data, dtype=object),
        hovertext=text,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={
            "color": color,
            "coloraxis": "coloraxis",
            "size": size,
            "symbol": symbol,
            "line": {"color": "#555555", "width": 1},
        },
        selected={"marker": {"opacity": 1}},  # a click chooses; it does not dim the other points
        unselected={"marker": {"opacity": 1}},
        meta="pick",  # drawn points and lines, not numbers to tabulate (alternatives.figure_tables)
    )


def _hover(symbol: str, value: float, grad: float) -> str:
    """'w₁₂⁽¹⁾ = 0.5<br>∂L/∂w₁₂⁽¹⁾ = −0.1': the entry, its value and its gradient."""
    return f"{symbol} = {value:.4g}<br>∂{nt.LOSS}/∂{symbol} = {grad:.4g}<br>{t('backward.click_to_choose')}"


_KEPT: dict[int, tuple[weakref.ref, dict]] = {}  # id(trace) -> (the trace, {(sample, lang): figure})
_KEPT_LOCK = threading.Lock()  # sessions run in threads of one server
KEPT_PER_TRACE = 16  # figures kept per trace: the samples and languages a class shows most recently


def network_diagram(trace: Trace, sample: int = 1) -> go.Figure:
    r"""The network's units and edges coloured by ∂L/∂x, each a point naming its entry.

    ``sample`` (1-based) is the row of X the input units show. A figure is kept for its trace
    (a cached trace is shared, never changed) as long as the trace lives: on eight 1024-wide
    layers building it anew was about 40 % of the backward page's rerun. The figure is
    shared: callers draw it, never change it.
    """
    key = (sample, current_language())
    with _KEPT_LOCK:
        owner, figures = _KEPT.get(id(trace), (None, {}))
        if owner is not None and owner() is trace and key in figures:
            figures[key] = figures.pop(key)  # the most recently used last
            return figures[key]
    fig = _diagram(trace, sample)
    with _KEPT_LOCK:
        for gone in [k for k, (ref, _) in _KEPT.items() if ref() is None]:
            del _KEPT[gone]
        if owner is None or owner() is not trace:
            figures = {}
            _KEPT[id(trace)] = (weakref.ref(trace), figures)
        figures[key] = fig
        while len(figures) > KEPT_PER_TRACE:
            del figures[next(iter(figures))]
    return fig


def _diagram(trace: Trace, sample: int) -> go.Figure:
    """``network_diagram``, built."""
    spec = trace.spec
    ys = [_y(n) for n in spec.sizes]
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    mid_x, mid_y, mid_data, mid_text, mid_color = [], [], [], [], []
    for layer in trace.layers:
        l = layer.l
        for i, y0 in enumerate(ys[l - 1]):
            for j, y1 in enumerate(ys[l]):
                edge_x += [l - 1, l, None]
                edge_y += [y0, y1, None]
                x, y = _on_edge(l, y0, y1, j, len(ys[l]))
                mid_x.append(x)
                mid_y.append(y)
                mid_data.append(["W", l, i + 1, j + 1])
                symbol = f"w{nt.sub_text(i + 1, j + 1)}{nt.layer_text(l)}"
                mid_text.append(_hover(symbol, layer.W[i, j], layer.dW[i, j]))
                mid_color.append(layer.dW[i, j])
    unit_x, unit_y, unit_data, unit_text, unit_color = [], [], [], [], []
    X, dX = trace.X, trace.layers[0].dA_prev
    for j, y in enumerate(ys[0]):
        unit_x.append(0)
        unit_y.append(y)
        unit_data.append(["A_prev", 1, 0, j + 1])
        symbol = f"x{nt.sub_text(sample, j + 1)}"
        unit_text.append(_hover(symbol, X[sample - 1, j], dX[sample - 1, j]))
        unit_color.append(dX[sample - 1, j])
    for layer in trace.layers:
        for j, y in enumerate(ys[layer.l]):
            unit_x.append(layer.l)
            unit_y.append(y)
            unit_data.append(["b", layer.l, 0, j + 1])
            symbol = f"b{nt.sub_text(j + 1)}{nt.layer_text(layer.l)}"
            unit_text.append(_hover(symbol, layer.b[j], layer.db[j]))
            unit_color.append(layer.db[j])
    peak = float(np.abs(np.concatenate([mid_color, unit_color])).max(initial=0.0)) or 1.0
    fig = go.Figure(
        [
            go.Scatter(
                x=edge_x,
                y=edge_y,
                name=t("backward.diagram_edges"),
                mode="lines",
                hoverinfo="skip",
                line={"color": "#bbbbbb", "width": 1},
                meta="pick",
            ),  # fmt: skip
            _points("w", mid_x, mid_y, mid_data, mid_text, mid_color, 12, "diamond"),
            _points(
                t("backward.diagram_units"), unit_x, unit_y, unit_data, unit_text, unit_color, 26, "circle"
            ),
        ]
    )
    tall = max(len(y) for y in ys)
    for k, n in enumerate(spec.sizes):
        label = t("backward.diagram_input") if k == 0 else t("backward.diagram_layer", l=k)
        if n > MAX_UNITS:
            label += "<br>" + t("backward.diagram_more", shown=MAX_UNITS, n=n)
        fig.add_annotation(
            x=k, y=tall / 2 + 0.1, text=label, showarrow=False, yanchor="bottom", font={"size": 13}
        )
    fig.update_layout(
        coloraxis={
            "colorscale": DIVERGING, "cmin": -peak, "cmax": peak, "cmid": 0.0,
            "colorbar": {"title": {"text": f"∂{nt.LOSS}/∂x"}, "thickness": 12},
        },
        showlegend=False,
        height=130 + 44 * tall,  # room between the weights' points: each a target to click on a projector
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False, "range": [-0.4, spec.L + 0.4], "fixedrange": True},
        yaxis={"visible": False, "range": [-tall / 2 - 0.1, tall / 2 + 0.9], "fixedrange": True},
        hoverlabel={"font_size": 14},
        clickmode="event+select",
        dragmode=False,
    )  # fmt: skip
    return fig


def chosen_point(fig: go.Figure, chosen: tuple[int, str, int, int]) -> tuple[int, int] | None:
    r"""(trace, point), both 1-based, of the point that carries ``chosen``; None if it is not drawn.

    ``chosen`` is (l, var, i, j), 1-based (an ``entry_choice.Entry``). w_ij^(l) is its edge's
    point, b_j^(l) its unit; a^(l-1)_j is unit j of layer l-1: an input unit for l = 1, whose
    point stands for x_j of the sample shown, else the unit that also carries b_j^(l-1).
    """
    l, var, i, j = chosen
    if var == "W":
        wanted = ("W", l, i, j)
    elif var == "b":
        wanted = ("b", l, 0, j)
    else:
        wanted = ("A_prev", 1, 0, j) if l == 1 else ("b", l - 1, 0, j)
    return kept_on(fig, "_backprop_points", lambda: _points_of(fig)).get(wanted)


def _points_of(fig: go.Figure) -> dict[tuple, tuple[int, int]]:
    """{customdata: (trace, point)}, both 1-based, of every point that names an entry."""
    return {
        tuple(data): (number, k)
        for number, trace in enumerate(fig.data, start=1)
        if trace.customdata is not None
        for k, data in enumerate(trace.customdata.tolist(), start=1)
    }


def chosen_style(fig: go.Figure, chosen: tuple[int, str, int, int], container: str) -> str:
    r"""A ``<style>`` outlining ``chosen``'s point in the figure drawn inside ``.st-key-<container>``.

    Plotly draws trace k's markers as the k-th ``g.trace`` of the plot's scatter layer, one
    ``path.point`` per point in data order; ``!important`` outweighs the marker line Plotly
    writes on each path. An empty sheet when the point is not drawn (a unit past ``MAX_UNITS``).
    Only integers and ``container`` (a widget key: letters, digits, _) are put into it.
    """
    if not re.fullmatch(r"\w+", container, flags=re.ASCII):
        raise ValueError(f"container {container!r} is not a widget key (letters, digits and _)")
    where = chosen_point(fig, chosen)
    if where is None:
        return "<style></style>"
    number, k = where
    point = f".st-key-{container} .scatterlayer > .trace:nth-child({number}) .points > .point:nth-child({k})"
    return (
        f"<style>{point} {{ stroke: {HALO} !important; stroke-width: 3px !important;"
        f" filter: {EDGE}; }}</style>"
    )
