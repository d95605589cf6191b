r"""Plotly figures of a live training run: arrays in, ``go.Figure`` out (no streamlit here).

- ``loss_curve(progress)``: L against the step, log axis.
- ``weight_diagram(params, sizes)``: the network as units and edges, each edge w_ij^(l)
  coloured on the diverging, colour-blind-safe scale (orange < 0 < purple) and thickened
  by |w_ij|; hovering an edge's midpoint names the weight and its value.
- ``weight_gradients(trace)``: ∂L/∂W^(l) of every layer side by side, each centred on 0.
- ``surface_figure(surface, X, Y)``: the decision boundary or fitted curve with the data.
- ``vanishing_figure(runs)``: each run's ‖∂L/∂W^(l)‖ per layer against the step, log axis.

They are rebuilt on every frame, so they stay small: edges are drawn as a few traces
(one per colour band), big layers are cut to MAX_UNITS units, long runs to MAX_POINTS.

>>> from backprop import NetworkSpec
>>> from backprop.teaching.train import start
>>> fig = weight_diagram(start(NetworkSpec()).params, (3, 4, 2))
>>> fig.data[-1].name
'w'
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from backprop.core.network import Params, Trace
from backprop.derivation import notation as nt
from backprop.teaching.train import Progress, Surface
from backprop.ui.i18n import t
from backprop.ui.plots import DIVERGING, PALETTE, blocks

MAX_UNITS = 12  # units drawn per layer; a wider layer shows its first ones and says so
MAX_POINTS = 600  # points per curve; a longer run is drawn from evenly spaced records
BANDS = 9  # colour bands of the edges (odd: the middle one is 0)
MARGIN = {"l": 10, "r": 10, "t": 36, "b": 10}


def _thin(n: int) -> np.ndarray:
    """At most MAX_POINTS indices of 0..n-1, evenly spaced, the last one kept."""
    return np.arange(n) if n <= MAX_POINTS else np.unique(np.linspace(0, n - 1, MAX_POINTS).astype(int))


def loss_curve(progress: Progress) -> go.Figure:
    r"""The loss L at every recorded step (k,) on a log axis."""
    keep = _thin(len(progress.at))
    fig = go.Figure(
        go.Scatter(x=progress.at[keep], y=progress.loss[keep], mode="lines", name="L", line_color="#000000")
    )
    fig.update_layout(
        title={"text": t("training.plot_loss"), "font": {"size": 14}},
        xaxis={"title": {"text": t("training.plot_step")}},
        yaxis={"type": "log", "title": {"text": t("training.plot_loss_axis")}},
        height=300,
        margin=MARGIN,
        showlegend=False,
    )
    return fig


def _positions(sizes: tuple[int, ...]) -> list[np.ndarray]:
    """The y of each drawn unit of every layer (centred, top to bottom), at most MAX_UNITS each."""
    return [np.linspace(1, -1, min(n, MAX_UNITS)) * min(n, MAX_UNITS) / MAX_UNITS for n in sizes]


def weight_diagram(params: Params, sizes: tuple[int, ...]) -> go.Figure:
    r"""Units in columns 0..L and an edge per drawn w_ij^(l) (W^(l) is n_{l-1} × n_l).

    Edge colour: the diverging scale at w / max|W| over every layer (one scale); width
    1 to 7 px by |w| / max|W|. Edges are grouped in BANDS colour bands (one trace each).
    """
    ys = _positions(sizes)
    peak = max(float(np.abs(W).max(initial=0.0)) for W in params.W) or 1.0
    edges = {band: ([], []) for band in range(BANDS)}
    mids_x, mids_y, values, names = [], [], [], []
    for l, W in enumerate(params.W, 1):
        shown = W[: len(ys[l - 1]), : len(ys[l])]  # (≤ MAX_UNITS, ≤ MAX_UNITS)
        for (i, j), w in np.ndenumerate(shown):
            band = int(round((w / peak + 1) / 2 * (BANDS - 1)))
            x0, y0, x1, y1 = l - 1, ys[l - 1][i], l, ys[l][j]
            edges[band][0].extend((x0, x1, None))
            edges[band][1].extend((y0, y1, None))
            mids_x.append(x0 + 0.5 * (x1 - x0))
            mids_y.append(y0 + 0.5 * (y1 - y0))
            values.append(float(w))
            names.append(f"w{nt.sub_text(i, j)}{nt.layer_text(l)}")
    colours = sample_colorscale(DIVERGING, [band / (BANDS - 1) for band in range(BANDS)])
    fig = go.Figure()
    for band, (ex, ey) in edges.items():
        if ex:
            width = 1 + 6 * abs(band - (BANDS - 1) / 2) / ((BANDS - 1) / 2)
            fig.add_trace(
                go.Scatter(
                    x=ex, y=ey, mode="lines", line={"color": colours[band], "width": width}, hoverinfo="skip"
                )
            )
    units_x = [k for k, y in enumerate(ys) for _ in y]
    units_y = [float(v) for y in ys for v in y]
    fig.add_trace(
        go.Scatter(
            x=units_x,
            y=units_y,
            mode="markers",
            marker={"size": 14, "color": "#ffffff", "line": {"color": "#000000", "width": 1.5}},
            hoverinfo="skip",
            name="units",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=mids_x,
            y=mids_y,
            mode="markers",
            name="w",
            text=names,
            marker={
                "size": 7,
                "color": values,
                "colorscale": DIVERGING,
                "cmin": -peak,
                "cmax": peak,
                "colorbar": {"title": {"text": "w"}, "thickness": 12},
            },
            hovertemplate="%{text} = %{marker.color:.4g}<extra></extra>",
        )
    )
    cut = [k for k, n in enumerate(sizes) if n > MAX_UNITS]
    title = t("training.plot_weights")
    if cut:
        title += " " + t("training.plot_units_cut", units=MAX_UNITS)
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        xaxis={
            "tickvals": list(range(len(sizes))),
            "ticktext": [f"n{_sub(k)} = {n}" for k, n in enumerate(sizes)],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={"visible": False},
        height=320,
        margin=MARGIN,
        showlegend=False,
    )
    return fig


def _sub(k: int) -> str:
    """A layer number as Unicode subscript digits: 2 -> '₂'."""
    return str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def weight_gradients(trace: Trace) -> go.Figure:
    r"""∂L/∂W^(l) (n_{l-1} × n_l) for l = 1..L, one panel each, each on its own scale centred on 0."""
    L = trace.spec.L
    titles = [nt.grad_text("W", layer.l) for layer in trace.layers]
    fig = make_subplots(rows=1, cols=L, subplot_titles=titles, horizontal_spacing=0.04)
    for layer in trace.layers:
        Z, rows, cols, _ = blocks(layer.dW)
        own = float(np.abs(Z).max(initial=0.0)) or 1.0
        fig.add_trace(
            go.Heatmap(
                z=Z,
                x=cols,
                y=rows,
                zmin=-own,
                zmax=own,
                zmid=0.0,
                colorscale=DIVERGING,
                showscale=False,
                xgap=1,
                ygap=1,
                name=nt.grad_text("W", layer.l),
                hovertemplate=f"∂{nt.LOSS}/∂w<sub>%{{y}},%{{x}}</sub>{nt.layer_text(layer.l)} = %{{z:.4g}}"
                + "<extra></extra>",
            ),
            row=1,
            col=layer.l,
        )
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, showticklabels=False)
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False)
    fig.update_layout(height=240, margin=MARGIN)
    return fig


def surface_figure(surface: Surface, X: np.ndarray, Y: np.ndarray) -> go.Figure:
    r"""The network's output over the grid with the data on top: X (m, n_0), Y (m, n_L).

    A grid is a heatmap (probability and output: the diverging scale centred on ½ or 0;
    classes: one colour each) with the boundary a_1 = ½ drawn for a probability; a curve
    draws each output unit a_j(x) with the targets y_j as markers.
    """
    fig = go.Figure()
    if surface.kind == "curve":
        for j in range(surface.values.shape[1]):
            colour = PALETTE[j % len(PALETTE)]
            fig.add_trace(
                go.Scatter(
                    x=surface.xs,
                    y=surface.values[:, j],
                    mode="lines",
                    line_color=colour,
                    name=f"a{_sub(j + 1)}",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=X[:, 0],
                    y=Y[:, j],
                    mode="markers",
                    marker={"color": colour, "size": 8},
                    name=f"y{_sub(j + 1)}",
                )
            )
        title, xaxis, yaxis = t("training.plot_curve"), "x", "a"
    else:
        mid = 0.5 if surface.kind == "probability" else 0.0
        z = surface.values
        common = {
            "x": surface.xs,
            "y": surface.ys,
            "z": z,
            "hovertemplate": "x₁ = %{x:.3g}, x₂ = %{y:.3g}: %{z:.3g}<extra></extra>",
        }
        if surface.kind == "class":
            n = max(int(z.max()), 2)
            fig.add_trace(
                go.Heatmap(
                    **common,
                    colorscale=[[k / (n - 1), PALETTE[k % len(PALETTE)]] for k in range(n)],
                    zmin=1,
                    zmax=n,
                    opacity=0.45,
                    showscale=False,
                )
            )
            labels = Y.argmax(axis=1) + 1
        else:
            spread = float(np.nanmax(np.abs(z - mid))) or 1.0
            fig.add_trace(
                go.Heatmap(
                    **common,
                    colorscale=DIVERGING,
                    zmid=mid,
                    zmin=mid - spread,
                    zmax=mid + spread,
                    opacity=0.8,
                )
            )
            if surface.kind == "probability":
                fig.add_trace(
                    go.Contour(
                        x=surface.xs, y=surface.ys, z=z, showscale=False, hoverinfo="skip",
                        contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                        line={"color": "#000000", "width": 2},
                    )
                )  # fmt: skip
            labels = Y[:, 0]
        fig.add_trace(
            go.Scatter(
                x=X[:, 0],
                y=X[:, 1],
                mode="markers+text",
                text=[f"{v:.3g}" for v in labels],
                textposition="top center",
                marker={"color": "#000000", "size": 7, "symbol": "circle-open", "line": {"width": 2}},
                name="y",
            )
        )
        title = t("training.plot_boundary" if surface.kind != "output" else "training.plot_output")
        xaxis, yaxis = "x₁", "x₂"
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        xaxis={"title": {"text": xaxis}},
        yaxis={"title": {"text": yaxis}},
        height=340,
        margin=MARGIN,
        showlegend=surface.kind == "curve",
    )
    return fig


def vanishing_figure(runs: dict[str, Progress]) -> go.Figure:
    r"""For each run side by side: ‖∂L/∂W^(l)‖_F of every layer l (k, L) against the step, log y axis."""
    fig = make_subplots(
        rows=1,
        cols=len(runs),
        subplot_titles=[t(f"training.demo_{name}") for name in runs],
        shared_yaxes=True,
    )
    for col, progress in enumerate(runs.values(), 1):
        keep = _thin(len(progress.at))
        for l in range(progress.grad_norms.shape[1]):
            fig.add_trace(
                go.Scatter(
                    x=progress.at[keep],
                    y=progress.grad_norms[keep, l],
                    mode="lines",
                    name=f"‖{nt.grad_text('W', l + 1)}‖",
                    legendgroup=str(l),
                    showlegend=col == 1,
                    line_color=PALETTE[l % len(PALETTE)],
                ),
                row=1,
                col=col,
            )
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_yaxes(title_text=t("training.plot_norm_axis"), row=1, col=1)
    fig.update_xaxes(title_text=t("training.plot_step"))
    fig.update_layout(height=380, margin=MARGIN)
    return fig
