r"""Plotly figures of a live training run: arrays in, ``go.Figure`` out (no streamlit here).

- ``frame_figure(progress)``: one frame, as one figure: the loss L against the step (log
  axis, ticks from ``log_axis``); the network as units and edges, each edge w_ij^(l)
  coloured on the diverging, colour-blind-safe scale (orange < 0 < purple) and thickened
  by |w_ij| (hovering an edge's midpoint names the weight and its value); ∂L/∂W^(l) of every layer, each
  centred on 0.
- ``surface_figure(surface, X, Y)``: the decision boundary or fitted curve with the data.
- ``vanishing_figure(runs)``: each run's ‖∂L/∂W^(l)‖ per layer against the step, log axis.

They are rebuilt on every frame, so they stay small and cheap: each is one ``go.Figure``
made from plain dicts in a single call (panels laid out by hand: ``make_subplots`` and
``add_trace`` validate piece by piece, eight times slower), edges are drawn as a few
traces (one per colour band), big layers are cut to MAX_UNITS units, long runs to MAX_POINTS.

>>> from backprop import NetworkSpec
>>> from backprop.teaching.train import start
>>> fig = frame_figure(start(NetworkSpec()))
>>> [trace.name for trace in fig.data if trace.name]
['L', 'units', 'w', '∂L/∂W⁽¹⁾', '∂L/∂W⁽²⁾']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from backprop.core.network import Params, Trace
from backprop.derivation import notation as nt
from backprop.teaching.train import Progress, Surface
from backprop.ui.blocks import blocks, side_for
from backprop.ui.i18n import sentences, t
from backprop.ui.plot_style import DIVERGING, PALETTE
from backprop.ui.ticks import log_axis

MAX_UNITS = 12  # units drawn per layer; a wider layer shows its first ones and says so
MAX_POINTS = 600  # points per curve; a longer run is drawn from evenly spaced records
LINES = tuple(c for c in PALETTE if c != "#f0e442")  # line colours: the palette's yellow is faint on white
BANDS = 9  # colour bands of the edges (odd: the middle one is 0)
MARGIN = {"l": 10, "r": 10, "t": 36, "b": 10}
HEIGHT = 640  # px: the frame figure's height
WIDTH = 800  # px: about its plot's width on a 1280-wide screen (the gradient panels' cells are sized by it)


def _title(text: str) -> dict:
    return {"text": text, "font": {"size": 14}}


def _columns(n: int, gap: float = 0.05) -> list[list[float]]:
    """The x domains of n side-by-side panels, ``gap`` between them."""
    width = (1 - gap * (n - 1)) / n
    return [[k * (width + gap), k * (width + gap) + width] for k in range(n)]


def _axis(k: int) -> str:
    """Plotly's suffix of the k-th (0-based) axis pair: '', '2', '3', ..."""
    return "" if k == 0 else str(k + 1)


def _on(k: int) -> dict:
    """A trace's axis pair k (0-based)."""
    return {"xaxis": f"x{_axis(k)}", "yaxis": f"y{_axis(k)}"}


def _panel_titles(titles: list[str], domains: list[list[float]], top: float = 1.0) -> list[dict]:
    """Panel titles as annotations centred above each panel (what make_subplots draws)."""
    return [
        {"text": text, "x": (a + b) / 2, "y": top, "xref": "paper", "yref": "paper", "xanchor": "center",
         "yanchor": "bottom", "showarrow": False, "font": {"size": 13}}
        for text, (a, b) in zip(titles, domains, strict=True)
    ]  # fmt: skip


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """The figure, every axis's tick labels allowed past the plot.

    Plotly's default ("hide past div") measures every tick label's box on every redraw,
    which was most of the browser's time per frame.
    """
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            axis.setdefault("ticklabeloverflow", "allow")
    return go.Figure({"data": data, "layout": layout})


def _thin(n: int) -> np.ndarray:
    """At most MAX_POINTS indices of 0..n-1, evenly spaced, the last one kept."""
    return np.arange(n) if n <= MAX_POINTS else np.unique(np.linspace(0, n - 1, MAX_POINTS).astype(int))


def _positions(sizes: tuple[int, ...]) -> list[np.ndarray]:
    """The y of each drawn unit of every layer (centred, top to bottom), at most MAX_UNITS each."""
    return [np.linspace(1, -1, min(n, MAX_UNITS)) * min(n, MAX_UNITS) / MAX_UNITS for n in sizes]


def _sub(k: int) -> str:
    """A number as Unicode subscript digits: 12 -> '₁₂'."""
    return str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _mode(points: int) -> str:
    """A run's first frames as points too: a line through one point draws nothing."""
    return "lines+markers" if points < 20 else "lines"


def _steps_axis(progress: Progress) -> dict:
    """A step axis: whole steps 0 … 5 for a run's first steps (Plotly's own range is −1 … 1 at step 0)."""
    first = {} if progress.at[-1] >= 5 else {"range": [0, 5], "dtick": 1}
    return {"title": {"text": t("training.plot_step")}, **first}


def _loss(progress: Progress, k: int) -> list[dict]:
    """The loss L at every recorded step (thinned to MAX_POINTS) on axis pair k."""
    keep = _thin(len(progress.at))
    line = {"type": "scatter", "mode": _mode(len(keep)), "name": "L", "line": {"color": "#000000"}, **_on(k)}
    return [{**line, "x": progress.at[keep], "y": progress.loss[keep]}]


def _weights(params: Params, sizes: tuple[int, ...], k: int, colorbar: dict) -> list[dict]:
    r"""Units in columns 0..L and an edge per drawn w_ij^(l), on axis pair k.

    Edge colour: the diverging scale at w / max|W| over every layer (one scale); width
    1 to 7 px by |w| / max|W|, in BANDS colour bands (one trace each). The last trace
    (``w``) holds a marker at every edge's midpoint with the weight's name and value.
    """
    ys = _positions(sizes)
    peak = max(float(np.abs(W).max(initial=0.0)) for W in params.W) or 1.0
    edges: dict[int, tuple[list[float | None], list[float | None]]] = {
        band: ([], []) for band in range(BANDS)
    }
    mids_x, mids_y, values, names = [], [], [], []
    for l, W in enumerate(params.W, 1):
        shown = W[: len(ys[l - 1]), : len(ys[l])]  # (≤ MAX_UNITS, ≤ MAX_UNITS)
        for (i, j), w in np.ndenumerate(shown):
            band = int(round((w / peak + 1) / 2 * (BANDS - 1)))
            y0, y1 = float(ys[l - 1][i]), float(ys[l][j])
            edges[band][0].extend((l - 1, l, None))
            edges[band][1].extend((y0, y1, None))
            mids_x.append(l - 0.5)
            mids_y.append((y0 + y1) / 2)
            values.append(float(w))
            names.append(f"w{nt.sub_text(i, j)}{nt.layer_text(l)}")
    colours = sample_colorscale(DIVERGING, [band / (BANDS - 1) for band in range(BANDS)])
    half = (BANDS - 1) / 2
    data = [
        {"type": "scatter", "x": ex, "y": ey, "mode": "lines", "hoverinfo": "skip", **_on(k),
         "meta": "drawing", "line": {"color": colours[band], "width": 1 + 6 * abs(band - half) / half}}
        for band, (ex, ey) in edges.items() if ex
    ]  # fmt: skip
    data.append(
        {"type": "scatter", "x": [c for c, y in enumerate(ys) for _ in y], "y": np.concatenate(ys), **_on(k),
         "mode": "markers", "hoverinfo": "skip", "name": t("training.plot_units"), "meta": "drawing",
         "marker": {"size": 13, "color": "#ffffff", "line": {"color": "#000000", "width": 1.5}}}
    )  # fmt: skip
    data.append(
        {"type": "scatter", "x": mids_x, "y": mids_y, "mode": "markers", "name": "w", "text": names, **_on(k),
         "meta": "named values",
         "hovertemplate": "%{text} = %{marker.color:.4g}<extra></extra>",
         "marker": {"size": 7, "color": values, "colorscale": DIVERGING, "cmin": -peak, "cmax": peak,
                    "colorbar": {"title": {"text": "w"}, "thickness": 10, "ticklabeloverflow": "allow",
                                 **colorbar}}}
    )  # fmt: skip
    return data


def _gradients(trace: Trace, first: int, side: int) -> list[dict]:
    r"""∂L/∂W^(l) (n_{l-1} × n_l) of each layer on axis pairs first, first+1, ...; each centred on 0.

    Panel l's ``z`` is the core's ∂L/∂W^(l) itself, in blocks past ``side`` cells; row 1 on top.
    """
    data = []
    for layer in trace.layers:
        Z, rows, cols, _ = blocks(layer.dW, max_side=side)
        own = float(np.abs(Z).max(initial=0.0)) or 1.0
        hover = f"∂{nt.LOSS}/∂w<sub>%{{y}},%{{x}}</sub>{nt.layer_text(layer.l)} = %{{z:.4g}}<extra></extra>"
        data.append(
            {"type": "heatmap", "z": Z, "x": cols, "y": rows, "zmin": -own, "zmax": own, "zmid": 0.0,
             "colorscale": DIVERGING, "showscale": False, "xgap": 1, "ygap": 1, "hovertemplate": hover,
             "name": nt.grad_text("W", layer.l), **_on(first + layer.l - 1)}
        )  # fmt: skip
    return data


def frame_figure(progress: Progress) -> go.Figure:
    r"""One frame of a run as one figure: loss curve and weights above, ∂L/∂W^(l) of every layer below.

    One figure, not three: the browser redraws one chart a frame, which more than doubles
    the frames drawn per second on a busy two-core machine. Traces: "L", the weight
    diagram (edge bands, "units", "w"), then one heatmap per layer.
    """
    L, sizes = progress.spec.L, progress.spec.sizes
    top, bottom = [0.45, 0.92], [0.0, 0.27]
    upper = [[0.0, 0.4], [0.48, 0.94]]
    lower = _columns(L, 0.03)
    colorbar = {"x": 0.95, "y": sum(top) / 2, "len": top[1] - top[0]}
    side = side_for(min(WIDTH * (lower[0][1] - lower[0][0]), HEIGHT * (bottom[1] - bottom[0])))
    data = (
        _loss(progress, 0)
        + _weights(progress.params, sizes, 1, colorbar)
        + _gradients(progress.trace, 2, side)
    )
    plain = {"showgrid": False, "zeroline": False, "showticklabels": False}
    layout = {
        "height": HEIGHT, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "showlegend": False,
        "template": "plotly_white",
        "xaxis": {"domain": upper[0], "anchor": "y", **_steps_axis(progress)},
        "yaxis": {"domain": top, "anchor": "x", **log_axis(progress.loss),
                  "title": {"text": t("training.plot_loss_axis")}},
        "xaxis2": {"domain": upper[1], "anchor": "y2", "range": [-0.3, L + 0.3], "showgrid": False,
                   "zeroline": False, "tickvals": list(range(L + 1)),
                   "ticktext": [f"n{_sub(c)} = {n}" for c, n in enumerate(sizes)]},
        "yaxis2": {"domain": top, "anchor": "x2", "range": [-1.15, 1.15], "visible": False},
    }  # fmt: skip
    for l in range(1, L + 1):
        x, y = _axis(l + 1), _axis(l + 1)
        layout[f"xaxis{x}"] = {"domain": lower[l - 1], "anchor": f"y{y}", **plain}
        layout[f"yaxis{y}"] = {"domain": bottom, "anchor": f"x{x}", "autorange": "reversed", **plain}
    weights = t("training.plot_weights")
    if any(n > MAX_UNITS for n in sizes):
        weights = sentences(weights, t("training.plot_units_cut", units=MAX_UNITS))
    # each heatmap has its own colour scale: its title says how large its largest entry is
    titles = [t("training.plot_loss"), weights] + [
        t("training.plot_gradient", name=nt.grad_text("W", layer.l), peak=f"{np.abs(layer.dW).max():.2g}")
        for layer in progress.trace.layers
    ]
    layout["annotations"] = _panel_titles(titles[:2], upper, top[1]) + _panel_titles(
        titles[2:], lower, bottom[1]
    )
    return _figure(data, layout)


def _curve_traces(surface: Surface, X: np.ndarray, Y: np.ndarray) -> list[dict]:
    """Each output a_j(x) as a line and its targets y_j as markers, one colour per j."""
    data = []
    for j in range(surface.values.shape[1]):
        colour = LINES[j % len(LINES)]
        data.append({"type": "scatter", "x": surface.xs, "y": surface.values[:, j], "mode": "lines",
                     "line": {"color": colour}, "name": f"a{_sub(j + 1)}"})  # fmt: skip
        data.append({"type": "scatter", "x": X[:, 0], "y": Y[:, j], "mode": "markers",
                     "marker": {"color": colour, "size": 8}, "name": f"y{_sub(j + 1)}"})  # fmt: skip
    return data


def _grid_traces(surface: Surface, X: np.ndarray, Y: np.ndarray) -> list[dict]:
    """The grid as a heatmap (with the a₁ = ½ contour for a probability) and the data as labelled markers."""
    z = surface.values
    common: dict[str, object] = {"type": "heatmap", "x": surface.xs, "y": surface.ys, "z": z,
              "hovertemplate": "x₁ = %{x:.3g}, x₂ = %{y:.3g}: %{z:.3g}<extra></extra>"}  # fmt: skip
    if surface.kind == "class":
        n = max(int(z.max()), 2)
        scale = [[k / (n - 1), PALETTE[k % len(PALETTE)]] for k in range(n)]
        data: list[dict[str, object]] = [
            {**common, "colorscale": scale, "zmin": 1, "zmax": n, "opacity": 0.45, "showscale": False}
        ]
        labels = Y.argmax(axis=1) + 1
    else:
        mid = 0.5 if surface.kind == "probability" else 0.0
        spread = float(np.nanmax(np.abs(z - mid))) or 1.0
        data = [{**common, "colorscale": DIVERGING, "zmid": mid, "zmin": mid - spread, "zmax": mid + spread,
                 "opacity": 0.8, "colorbar": {"title": {"text": "a₁"}}}]  # fmt: skip
        if surface.kind == "probability":
            data.append(
                {"type": "contour", "x": surface.xs, "y": surface.ys, "z": z, "showscale": False,
                 "hoverinfo": "skip", "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                 "line": {"color": "#000000", "width": 2}}
            )  # fmt: skip
        labels = Y[:, 0]
    data.append(
        {"type": "scatter", "x": X[:, 0], "y": X[:, 1], "mode": "markers+text", "name": "y",
         "text": [f"{v:.3g}" for v in labels], "textposition": "top center",
         "marker": {"color": "#000000", "size": 7, "symbol": "circle-open", "line": {"width": 2}}}
    )  # fmt: skip
    return data


def surface_figure(surface: Surface, X: np.ndarray, Y: np.ndarray) -> go.Figure:
    r"""The network's output over the grid with the data on top: X (m, n_0), Y (m, n_L).

    A grid is a heatmap (probability and output: the diverging scale centred on ½ or 0;
    classes: one colour each) with the boundary a_1 = ½ drawn for a probability; a curve
    draws each output unit a_j(x) with the targets y_j as markers.
    """
    if surface.kind == "curve":
        data, title, axes = _curve_traces(surface, X, Y), "training.plot_curve", ("x", "a")
    else:
        title = "training.plot_output" if surface.kind == "output" else "training.plot_boundary"
        data, axes = _grid_traces(surface, X, Y), ("x₁", "x₂")
    layout = {
        "title": _title(t(title)),
        "xaxis": {"title": {"text": axes[0]}},
        "yaxis": {"title": {"text": axes[1]}},
        "height": 340,
        "margin": MARGIN,
        "showlegend": surface.kind == "curve",
    }
    return _figure(data, layout)


def vanishing_figure(runs: dict[str, Progress]) -> go.Figure:
    r"""For each run side by side: ‖∂L/∂W^(l)‖_F of every layer l (k, L) against the step, log y axis.

    Both panels share one y scale and its ticks (``log_axis`` of every norm drawn).
    """
    domains = _columns(len(runs), 0.06)
    ticks = log_axis(np.concatenate([progress.grad_norms.ravel() for progress in runs.values()]))
    data: list[dict] = []
    layout: dict[str, Any] = {"height": 380, "margin": MARGIN}
    for k, progress in enumerate(runs.values()):
        keep = _thin(len(progress.at))
        at, norms = progress.at[keep], progress.grad_norms[keep]  # (k,), (k, L)
        for l in range(norms.shape[1]):
            data.append(
                {"type": "scatter", "x": at, "y": norms[:, l], "mode": _mode(len(at)), "showlegend": k == 0,
                 "name": f"‖{nt.grad_text('W', l + 1)}‖", "legendgroup": str(l),
                 "line": {"color": LINES[l % len(LINES)]},
                 "xaxis": f"x{_axis(k)}", "yaxis": f"y{_axis(k)}"}
            )  # fmt: skip
        layout[f"xaxis{_axis(k)}"] = {"domain": domains[k], "anchor": f"y{_axis(k)}", **_steps_axis(progress)}
        layout[f"yaxis{_axis(k)}"] = {"domain": [0, 0.9], "anchor": f"x{_axis(k)}", **ticks}
        if k:
            layout[f"yaxis{_axis(k)}"]["matches"] = "y"  # one scale: the two nets compare at a glance
    layout["yaxis"]["title"] = {"text": t("training.plot_norm_axis")}
    layout["annotations"] = _panel_titles([t(f"training.demo_{name}") for name in runs], domains)
    return _figure(data, layout)
