r"""Plotly heatmaps of the gradients and of the check's errors: arrays in, ``go.Figure`` out.

- ``gradient_heatmaps(trace, shared=True)``: ∂L/∂W, ∂L/∂b, ∂L/∂Z, ∂L/∂A^(l-1) of every
  layer side by side (one row per layer), on the diverging, colour-blind-safe scale
  ``DIVERGING`` centred on 0; one scale for all panels (``shared``) or one per panel.
  Row 0 on top, as the matrix is printed; hover gives the entry's name, its 1-based
  indices (the notes' w_ij is W[i-1, j-1]) and its value; small matrices carry their
  numbers in the cells. Each trace's ``z`` is the core's array itself, or its blocks past
  ``PANEL_SIDE`` cells a side (``blocks``: about 4 px a cell in a panel; a thinner cell
  would be all gap). The panels of ∂L/∂W, ∂L/∂b and ∂L/∂A^(l-1) carry a layer of
  invisible points, one per cell, whose ``customdata`` [var, l, i, j] names the entry:
  clicking one chooses that entry (``entry_choice.take_click``), and the chosen cell is outlined.
- ``error_grids(entries, spec)`` and ``rel_error_heatmaps(grids, tolerance)``: the check's
  relative error of every entry of X, W^(l), b^(l) as log10 heatmaps (unchecked entries
  and entries at a kink are blank).

>>> from backprop import NetworkSpec, run
>>> fig = gradient_heatmaps(run(NetworkSpec()))
>>> [trace.type for trace in fig.data][:3], fig.data[0].name
(['heatmap', 'scatter', 'heatmap'], '∂L/∂W⁽¹⁾')
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from backprop.core.network import Trace
from backprop.core.spec import NetworkSpec
from backprop.derivation import notation as nt
from backprop.ui.blocks import blocks, grid, side_for
from backprop.ui.i18n import t
from backprop.ui.plot_style import DIVERGING, SEQUENTIAL

# matrices up to this size show their numbers in the cells: a panel is about PANEL_WIDTH px
# wide, and a 14 px number such as -0.022 needs about 50 px, so at most three a row
LABEL_ROWS, LABEL_COLS = 8, 3
TICK_EVERY_INDEX = 20  # axes up to this long get a tick at every (whole) index
ROW_HEIGHT = 230
PANEL_WIDTH = 160  # about a panel's width in px on a 1280-wide screen (four panels a row)
PANEL_SIDE = side_for(PANEL_WIDTH)  # cells along a gradient panel's longer side, at most
FLOOR = 1e-17  # a relative error of exactly 0 is drawn here on the log scale
PICK_CELLS = 1024  # panels of at most this many cells can be clicked...
# ...and panels in blocks, of at most this many: a click there names a block's first entry, and
# 8 × 920 points for a 1024-wide network's blocked ∂L/∂A panels doubled its page's rerun
PICK_BLOCKS = 256

# the four gradients of a layer: (LayerTrace field, the matrix's letter, the entry's letter, layer offset)
QUANTITIES = (
    ("dW", "W", "w", 0),
    ("db", "b", "b", 0),
    ("dZ", "Z", "z", 0),
    ("dA_prev", "A", "a", -1),
)
PICKABLE = {"dW": "W", "db": "b", "dA_prev": "A_prev"}  # panels whose entries the explorer derives


def _heatmap(M: np.ndarray, name: str, symbol: str, vector: bool) -> go.Heatmap:
    """One panel: z is M itself (1-based axes), hover with name, indices and value; big ones in blocks."""
    Z, rows_at, cols_at, block = blocks(M, max_side=PANEL_SIDE)
    where = "<sub>%{x}</sub>" if vector else "<sub>%{y},%{x}</sub>"
    hover = f"{name}<br>{symbol}{where} = %{{z:.6g}}<extra></extra>"
    if block != (1, 1):
        hover = (
            f"{name}<br>{t('heatmaps.plot_block', rows=block[0], cols=block[1])} {symbol}{where}: %{{z:.6g}}"
        )
        hover += "<extra></extra>"
    trace = go.Heatmap(z=Z, x=cols_at, y=rows_at, name=name, hovertemplate=hover, xgap=1, ygap=1)
    if labelled(Z.shape):
        trace.update(texttemplate="%{z:.2g}", textfont={"size": 14})  # legible on a projector
    return trace


def _pick_points(panel: go.Heatmap, var: str, l: int, height: float, width: float) -> go.Scatter:
    r"""One invisible point per cell of ``panel`` naming its entry [var, l, i, j]; the chosen one outlined.

    The marker is about a cell's size (``height`` × ``width`` px for the panel), so a click anywhere
    in the cell is nearest its point; a blocked panel's point names the block's first entry.
    """
    rows_at, cols_at = np.asarray(panel.y), np.asarray(panel.x)
    Y, X = np.meshgrid(rows_at, cols_at, indexing="ij")
    vector = var == "b"
    data = np.column_stack(
        [np.full(X.size, var, dtype=object), np.full(X.size, l), np.where(vector, 0, Y.ravel()), X.ravel()]
    )
    size = float(np.clip(min(height / len(rows_at), width / len(cols_at)) * 0.8, 6, 40))
    hover = panel.hovertemplate.replace(
        "<extra></extra>", "<br>" + t("heatmaps.click_to_choose") + "<extra></extra>"
    )
    return go.Scatter(
        x=X.ravel(), y=Y.ravel(), mode="markers", name=panel.name, customdata=data, showlegend=False,
        hovertext=[f"{v:.6g}" for v in np.asarray(panel.z, dtype=float).ravel()],
        hovertemplate=hover.replace("%{z:.6g}", "%{hovertext}"),
        marker={"symbol": "square-open", "size": size, "color": "#000000", "line_width": 3, "opacity": 0},
        selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 0}},
        meta="pick",  # points to click, not numbers to tabulate (alternatives.figure_tables)
    )  # fmt: skip


def _whole_ticks(fig: go.Figure, panel: go.Heatmap, row: int, col: int) -> None:
    """Ticks at whole indices only (never 1.5) on short axes; a vector's single row unlabelled.

    Each axis ends at its panel's edge cells: the click targets' markers would otherwise pad
    the axis with indices that do not exist (0 and n + 1).
    """
    rows, cols = np.shape(panel.z)
    for axis, at in (("x", np.asarray(panel.x, dtype=float)), ("y", np.asarray(panel.y, dtype=float))):
        half = (at[1] - at[0]) / 2 if len(at) > 1 else 0.5
        clip = {"autorangeoptions": {"clipmin": at[0] - half, "clipmax": at[-1] + half}}
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(clip, row=row, col=col)
    if cols <= TICK_EVERY_INDEX:
        fig.update_xaxes(dtick=1, row=row, col=col)
    if rows == 1:
        fig.update_yaxes(showticklabels=False, row=row, col=col)
    elif rows <= TICK_EVERY_INDEX:
        fig.update_yaxes(dtick=1, row=row, col=col)


def labelled(shape: tuple[int, int]) -> bool:
    """Whether a panel of this (rows, columns) shape prints its numbers in the cells."""
    return shape[0] <= LABEL_ROWS and shape[1] <= LABEL_COLS


def gradient_heatmaps(trace: Trace, shared: bool = True) -> go.Figure:
    r"""∂L/∂W^(l), ∂L/∂b^(l), ∂L/∂Z^(l), ∂L/∂A^(l-1) for l = 1..L as a grid of heatmaps.

    Data order: layer by layer, in QUANTITIES order (4 L traces). ``shared``: one colour
    axis ±max|·| over every panel; otherwise each panel is centred on 0 at its own ±max|·|.
    """
    L = trace.spec.L
    titles = []
    for layer in trace.layers:
        for field, letter, _, offset in QUANTITIES:
            M = getattr(layer, field)
            cut = "" if max(M.shape) <= PANEL_SIDE else ", " + t("heatmaps.plot_blocks")  # as _heatmap cuts
            title = nt.grad_text(letter, layer.l + offset)
            titles.append(f"{title}  ({'×'.join(map(str, M.shape))}{cut})")
    fig = make_subplots(
        rows=L,
        cols=4,
        subplot_titles=titles,
        horizontal_spacing=0.05,
        vertical_spacing=min(0.12, 0.3 / L),
    )
    peak = max(float(np.abs(getattr(x, f)).max(initial=0.0)) for x in trace.layers for f, *_ in QUANTITIES)
    for layer in trace.layers:
        for col, (field, letter, entry, offset) in enumerate(QUANTITIES, 1):
            M = getattr(layer, field)
            at = layer.l + offset
            panel = _heatmap(M, nt.grad_text(letter, at), nt.grad_text(entry, at), M.ndim == 1)
            if shared:
                panel.update(coloraxis="coloraxis")
            else:
                own = float(np.abs(M).max(initial=0.0)) or 1.0
                panel.update(zmin=-own, zmax=own, zmid=0.0, colorscale=DIVERGING, showscale=False)
            fig.add_trace(panel, row=layer.l, col=col)
            whole = panel.z.shape == grid(M).shape  # drawn entry by entry, not in blocks
            if field in PICKABLE and panel.z.size <= (PICK_CELLS if whole else PICK_BLOCKS):
                points = _pick_points(panel, PICKABLE[field], layer.l, ROW_HEIGHT * 0.8, PANEL_WIDTH)
                fig.add_trace(points, row=layer.l, col=col)
            _whole_ticks(fig, panel, row=layer.l, col=col)
    if shared:
        fig.update_layout(
            coloraxis={"colorscale": DIVERGING, "cmin": -(peak or 1.0), "cmax": peak or 1.0, "cmid": 0.0}
        )
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False, side="bottom")
    fig.update_layout(height=80 + ROW_HEIGHT * L, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def error_grids(entries, spec: NetworkSpec) -> dict[tuple[str, int], np.ndarray]:
    r"""Relative errors as arrays shaped like their variables; NaN where unchecked or at a kink.

    ``entries`` are records with ``variable`` ("X", "W", "b"), ``l``, ``index``,
    ``rel_error`` and ``at_kink`` (``gradcheck.Entry``). Keys ("X", 0), ("W", l), ("b", l).
    """
    grids = {("X", 0): np.full((spec.m, spec.sizes[0]), np.nan)}
    for l in range(1, spec.L + 1):
        grids[("W", l)] = np.full(spec.shape_of("W", l), np.nan)
        grids[("b", l)] = np.full(spec.shape_of("b", l), np.nan)
    for e in entries:
        if not e.at_kink:
            grids[(e.variable, e.l)][tuple(e.index)] = e.rel_error
    return grids


def rel_error_heatmaps(grids: dict[tuple[str, int], np.ndarray], tolerance: float) -> go.Figure:
    r"""log10 of each entry's relative error: ∂L/∂X on the first row, then ∂L/∂W^(l), ∂L/∂b^(l) per layer.

    One sequential scale from 1e-16 to 1 for every panel, with the tolerance marked on it;
    ``z`` holds log10(max(error, 1e-17)), ``customdata`` the error itself.
    """
    L = max(l for _, l in grids)
    titles = [nt.grad_text("X"), ""] + [nt.grad_text(v, l) for l in range(1, L + 1) for v in ("W", "b")]
    fig = make_subplots(
        rows=L + 1, cols=2, subplot_titles=titles, horizontal_spacing=0.08, vertical_spacing=0.3 / (L + 1)
    )
    for (variable, l), E in grids.items():
        row, col = (1, 1) if variable == "X" else (l + 1, 1 if variable == "W" else 2)
        grid, rows_at, cols_at, block = blocks(E, reduce="max")
        with np.errstate(invalid="ignore"):
            logs = np.log10(np.maximum(grid, FLOOR))
        name = nt.grad_text("X") if variable == "X" else nt.grad_text(variable, l)
        where = "<sub>%{x}</sub>" if E.ndim == 1 else "<sub>%{y},%{x}</sub>"
        symbol = {"X": "x", "W": "w", "b": "b"}[variable]
        label = t("check.plot_rel_error")
        if block != (1, 1):
            label = t("check.plot_block", rows=block[0], cols=block[1]) + " " + label
        panel = go.Heatmap(
            z=logs,
            customdata=grid,
            x=cols_at,
            y=rows_at,
            name=name,
            coloraxis="coloraxis",
            xgap=1,
            ygap=1,
            hovertemplate=f"{name}<br>{symbol}{where}: {label} %{{customdata:.2e}}<extra></extra>",
        )
        fig.add_trace(panel, row=row, col=col)
        _whole_ticks(fig, panel, row=row, col=col)
    tol = math.log10(tolerance)
    ticks = [k for k in range(-16, 1, 2) if abs(k - tol) > 0.5]
    texts = [f"1e{k}" for k in ticks] + [f"{tolerance:.0e} ({t('check.plot_tolerance')})"]
    fig.update_layout(
        coloraxis={
            "colorscale": SEQUENTIAL,
            "cmin": -16,
            "cmax": 0,
            "colorbar": {
                "title": {"text": t("check.plot_rel_error")},
                "tickvals": ticks + [tol],
                "ticktext": texts,
            },
        },
        height=60 + 200 * (L + 1),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False)
    return fig
