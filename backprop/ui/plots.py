r"""Plotly charts of gradient norms and curves: arrays in, ``go.Figure`` out (no streamlit here).

- ``norm_bars(trace)``: ‖∂L/∂W^(l)‖ and ‖∂L/∂b^(l)‖ per layer: bars from zero on a linear
  axis while the norms lie within a factor ``LINEAR_SPAN`` of each other, else points (no
  bars: a bar on a log axis starts at an arbitrary floor) on a log axis titled as such,
  ticks at readable values (``ticks.log_axis``), each point labelled with its value.
- ``training_curves(loss, grad_norms)``: the loss and each layer's ‖∂L/∂W^(l)‖ over
  gradient-descent steps, on log axes titled as such with readable ticks.
- ``activation_curves(z, g, dg)``: an activation and its derivative against z.

The heatmaps (``gradient_heatmaps``, ``error_grids``, ``rel_error_heatmaps``) live in
``heatmap_figures``, the block reduction of a large matrix in ``blocks``, the colours in
``plot_style``; their names are importable from here too.

>>> import numpy as np
>>> fig = training_curves(np.array([1.0, 0.5]), np.array([[0.3], [0.2]]))
>>> [trace.name for trace in fig.data]
['L', '‖∂L/∂W⁽¹⁾‖']
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.ui.blocks import MAX_SIDE, blocks
from backprop.ui.heatmap_figures import FLOOR, error_grids, gradient_heatmaps, labelled, rel_error_heatmaps
from backprop.ui.i18n import t
from backprop.ui.plot_style import DASHES, DIVERGING, PALETTE, SEQUENTIAL
from backprop.ui.ticks import log_axis

__all__ = [
    "DASHES", "DIVERGING", "FLOOR", "LINEAR_SPAN", "MAX_SIDE", "PALETTE", "SEQUENTIAL", "activation_curves",
    "blocks", "drawn_scale", "error_grids", "gradient_heatmaps", "labelled", "norm_bars", "norm_scale",
    "rel_error_heatmaps", "training_curves",
]  # fmt: skip

LINEAR_SPAN = 30  # norms within this factor of each other are bars on a linear axis


def _log_axis(fig: go.Figure, values, title: str, **where) -> None:
    """A log y axis titled ``title`` with ``log_axis``'s ticks over the finite positive ``values``."""
    axis = log_axis(np.asarray(values, dtype=float)) | {"title": {"text": title}}
    fig.update_yaxes(**axis, **where)


def norm_scale(trace: Trace) -> str:
    """The norm chart's axis: "linear" if the norms lie within LINEAR_SPAN of each other, else "log"."""
    norms = np.array([np.linalg.norm(getattr(x, f)) for x in trace.layers for f in ("dW", "db")])
    positive = norms[norms > 0]
    return "linear" if positive.size == 0 or positive.max() <= LINEAR_SPAN * positive.min() else "log"


def drawn_scale(fig: go.Figure) -> str:
    """The axis a ``norm_bars`` figure was drawn on, "log" or "linear": read, not worked out again."""
    return "log" if fig.layout.yaxis.type == "log" else "linear"


def norm_bars(trace: Trace) -> go.Figure:
    r"""‖∂L/∂W^(l)‖_F and ‖∂L/∂b^(l)‖ per layer l: bars from 0, or points on a log axis (``norm_scale``)."""
    layers = [f"l = {layer.l}" for layer in trace.layers]
    log = norm_scale(trace) == "log"
    series = [
        (f"‖{nt.grad_text('W', 'l')}‖", [float(np.linalg.norm(x.dW)) for x in trace.layers], "circle"),
        (f"‖{nt.grad_text('b', 'l')}‖", [float(np.linalg.norm(x.db)) for x in trace.layers], "diamond"),
    ]
    fig = go.Figure()
    for k, (name, y, symbol) in enumerate(series):
        text = [f"{v:.3g}" for v in y]
        if log:  # a bar on a log axis would start from an arbitrary floor: points, their values beside
            fig.add_trace(
                go.Scatter(
                    x=layers, y=y, name=name, mode="markers+text", text=text, textposition="middle right",
                    marker={"color": PALETTE[k], "size": 12, "symbol": symbol}, offsetgroup=str(k),
                )
            )  # fmt: skip
        else:
            fig.add_trace(
                go.Bar(x=layers, y=y, name=name, marker_color=PALETTE[k], text=text, textposition="outside")
            )
    if log:
        fig.update_layout(scattermode="group")
        _log_axis(fig, [v for _, y, _ in series for v in y], t("heatmaps.plot_norm_log"))
    else:
        top = max((v for _, y, _ in series for v in y), default=1.0) or 1.0
        fig.update_yaxes(
            title={"text": t("heatmaps.plot_norm_linear")}, rangemode="tozero", range=[0, 1.15 * top]
        )
    fig.update_layout(
        barmode="group",
        title={"text": t("heatmaps.plot_norms_title"), "x": 0, "xanchor": "left"},
        xaxis={"title": {"text": t("heatmaps.plot_layer")}},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        height=340,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def training_curves(loss: np.ndarray, grad_norms: np.ndarray) -> go.Figure:
    r"""Loss L (k,) and ‖∂L/∂W^(l)‖ (k, L) against the step 0..k-1, side by side, on titled log axes."""
    steps = np.arange(len(loss))
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("heatmaps.plot_loss"), t("heatmaps.plot_norms")))
    fig.add_trace(go.Scatter(x=steps, y=loss, name="L", mode="lines", line_color="#000000"), row=1, col=1)
    for l in range(grad_norms.shape[1]):
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=grad_norms[:, l],
                name=f"‖{nt.grad_text('W', l + 1)}‖",
                mode="lines",
                line={"color": PALETTE[l % len(PALETTE)], "dash": DASHES[l % len(DASHES)]},
            ),
            row=1,
            col=2,
        )
    _log_axis(fig, loss, t("heatmaps.plot_loss_axis"), row=1, col=1)
    _log_axis(fig, grad_norms, t("heatmaps.plot_norm_log"), row=1, col=2)
    fig.update_xaxes(title_text=t("heatmaps.plot_step"))
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def activation_curves(z: np.ndarray, g: np.ndarray, dg: np.ndarray) -> go.Figure:
    r"""An activation g(z) and its derivative g'(z) against z, one line each. Shapes (n,).

    Plain lines on a linear axis with the zero lines drawn, so where g' changes sign or jumps
    is plain to see; the colours are two of ``PALETTE`` (colour-blind-safe).
    """
    fig = go.Figure(
        [
            go.Scatter(x=z, y=g, name="g(z)", mode="lines", line_color=PALETTE[0]),
            go.Scatter(x=z, y=dg, name="g′(z)", mode="lines", line_color=PALETTE[1], line_dash="dash"),
        ]
    )
    fig.update_xaxes(title_text="z", zeroline=True, zerolinecolor="#999999")
    fig.update_yaxes(title_text="g(z), g′(z)", zeroline=True, zerolinecolor="#999999")
    fig.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        hovermode="x unified",
    )
    return fig
