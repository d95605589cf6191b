r"""Every chart and drawing with a text alternative: a sentence a screen reader reads, and a table.

Pages draw through ``figure`` (Plotly) and ``drawing`` (Graphviz), never
``st.plotly_chart`` / ``st.graphviz_chart`` directly, so the rule is applied once:

- the chart gets ``alt`` (Streamlit renders it as ``role="figure"`` with that
  ``aria-label``): the page's description of what is drawn, then a sentence on the
  numbers (their range and the entry of largest magnitude, ``summary``);
- beneath it an expander "as a table" holds the numbers drawn: each heatmap panel as a
  matrix with 1-based row and column labels, bars and lines as one table with the x
  values as rows (``figure_tables``); each matrix a drawing prints (``drawing_matrices``).
  The tables are made when the expander is opened (a rerun), never while it is closed.

Both sit in one container keyed ``alt_<key>``; the browser tests find every chart by it.
Small tables are HTML tables (``st.table``: what a screen reader walks cell by cell);
larger ones the scrolling grid (``st.dataframe``).

>>> import plotly.graph_objects as go
>>> fig = go.Figure(go.Heatmap(z=[[1.0, -3.0]], x=[1, 2], y=[1], name="W"))
>>> [(name, frame.values.tolist()) for name, frame in figure_tables(fig)]
[('W', [[1.0, -3.0]])]
>>> extreme(figure_tables(fig))
('W', '(1, 2)', -3.0, -3.0, 1.0)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.derivation.numbers import number_text
from backprop.ui import show
from backprop.ui.figure_memo import kept_on
from backprop.ui.i18n import current_language, t

HTML_TABLE_CELLS = 400  # up to this many cells a table is plain HTML; larger ones scroll in a grid
DRAWINGS = ("fp-single-dense", "bp-single-dense", "bp-full", "neurons")  # the kinds ``drawing`` knows


def num(x: float) -> str:
    """x with 3 significant digits, as the charts' hover shows it; never '-0'."""
    return number_text(x, 3)


def matrix_frame(M: np.ndarray, rows=None, cols=None) -> pd.DataFrame:
    """M (a vector as one row) with 1-based row and column labels, or the given ones."""
    G = np.atleast_2d(np.asarray(M, dtype=float))
    rows = range(1, G.shape[0] + 1) if rows is None else rows
    cols = range(1, G.shape[1] + 1) if cols is None else cols
    return pd.DataFrame(G, index=[str(r) for r in rows], columns=[str(c) for c in cols])


def _heatmap_values(trace: go.Heatmap) -> np.ndarray:
    """What the hover reads: ``customdata`` when it holds the panel's numbers (log-scaled z), else z."""
    z = np.asarray(trace.z, dtype=float)
    if trace.customdata is not None:
        custom = np.asarray(trace.customdata)
        if custom.shape == z.shape and np.issubdtype(custom.dtype, np.number):
            return custom.astype(float)
    return z


def figure_tables(fig: go.Figure) -> list[tuple[str, pd.DataFrame]]:
    r"""The numbers a Plotly figure draws: (title, table) per heatmap panel, one table per shared x.

    Heatmaps: rows y, columns x (the figure's 1-based indices, or block starts). Bars and
    lines sharing their x values form one table: x down the rows, one column per trace.
    Traces whose ``meta`` is "pick" or "drawing" (click targets, a diagram's lines) are left
    out; "named values" (markers named by ``text``, valued by colour) give a name → value table.
    """
    tables: list[tuple[str, pd.DataFrame]] = []
    series: dict[tuple, dict[str, list]] = {}
    for trace in fig.data:
        if trace.meta in ("pick", "drawing"):  # points to click, a diagram's lines and units: no numbers
            continue
        if trace.meta == "named values":  # markers named by their text, valued by their colour (weights)
            values = pd.DataFrame(
                {trace.name or "": np.asarray(trace.marker.color, dtype=float)}, index=trace.text
            )
            tables.append((trace.name or "", values))
        elif isinstance(trace, go.Heatmap):
            values = _heatmap_values(trace)
            tables.append((trace.name or "", matrix_frame(values, trace.y, trace.x)))
        elif getattr(trace, "y", None) is not None:
            x = tuple(trace.x) if trace.x is not None else tuple(range(len(trace.y)))
            series.setdefault(x, {})[trace.name or str(len(series))] = list(trace.y)
    x_title = fig.layout.xaxis.title.text or ""
    for x, columns in series.items():
        frame = pd.DataFrame(columns, index=pd.Index([str(v) for v in x], name=x_title))
        tables.append(("", frame))
    return tables


def kept_tables(fig: go.Figure) -> list:
    r"""``figure_tables(fig)``, built on the first call for this figure and kept on it.

    A cached figure (``st.cache_resource``: shared, never changed) is drawn again on every
    rerun; on a large network's 32 heatmap panels building its tables each time was about a
    seventh of the page's rerun. Kept on the figure, they live exactly as long as it does.
    A table larger than a window keeps whole-number labels as integers (the same digits),
    which pandas and Arrow cut and convert in about half the time.
    """
    return kept_on(
        fig, "_backprop_tables", lambda: [(name, _whole_number_labels(f)) for name, f in figure_tables(fig)]
    )


def _whole_number_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """A windowed table with each axis whose labels are all whole numbers relabelled by those integers."""
    if not show.too_big(frame.shape):
        return frame
    for axis, labels in enumerate((frame.index, frame.columns)):
        if all(str(label).isdigit() for label in labels):
            frame = frame.set_axis(pd.Index(labels.astype(int), name=labels.name), axis=axis)
    return frame


def extreme(tables: list[tuple[str, pd.DataFrame | np.ndarray]]):
    """(name, where, value) of the entry of largest magnitude, then the min and max; None if none.

    ``where`` is "(row, column)" for a matrix (its labels; 1-based for an array) and the
    row's label for a table of series. Vectorised: a large network's matrices are millions
    of entries.
    """
    best, low, high = None, math.inf, -math.inf
    for title, table in tables:
        values = np.atleast_2d(np.asarray(table, dtype=float))
        found = _largest(values)
        if found is None:
            continue
        (r, c), least, most = found
        low, high = min(low, least), max(high, most)
        value = float(values[r, c])
        if best is not None and abs(value) <= abs(best[2]):
            continue  # the first entry of largest magnitude wins, table by table
        if isinstance(table, pd.DataFrame):
            row, column = table.index[r], table.columns[c]
        else:
            row, column = r + 1, c + 1
        name, where = (title, f"({row}, {column})") if title else (str(column), str(row))
        best = (name, where, value)
    return None if best is None else (*best, low, high)


def _largest(values: np.ndarray) -> tuple[tuple[int, int], float, float] | None:
    r"""(row, column) of the first finite entry of largest magnitude, the least and the most; None if none.

    All finite (min and max are): the largest magnitude is the max or the min, so three passes
    over the matrix (min, max, one argmax) find it; on eight 1024 × 1024 matrices (the
    backward page's diagram) 6 ms against 83 ms masking every entry. Otherwise only the
    finite entries count.
    """
    least, most = float(values.min()), float(values.max())
    if math.isfinite(least) and math.isfinite(most):
        first = [int(np.argmax(values))] if most >= -least else []
        first += [int(np.argmin(values))] if -least >= most else []
        return np.unravel_index(min(first), values.shape), least, most  # type: ignore[return-value]
    finite = np.isfinite(values)
    if not finite.any():
        return None
    magnitude = np.where(finite, np.abs(values), -1.0)
    where = np.unravel_index(int(np.argmax(magnitude)), values.shape)
    return where, float(values[finite].min()), float(values[finite].max())  # type: ignore[return-value]


def summary(tables: list[tuple[str, pd.DataFrame]]) -> str:
    """One sentence on the numbers: their range and where the largest magnitude is."""
    found = extreme(tables)
    if found is None:
        return t("common.alt_no_values")
    name, where, value, low, high = found
    return t("common.alt_values", low=num(low), high=num(high), name=name, where=where, value=num(value))


def _show_tables(tables, where, key: str) -> None:
    """The expander "as a table" beneath a chart, one titled table per panel, built when it is opened.

    ``tables``: (title, frame) pairs, or a function returning them. Closed (its start), the
    expander holds nothing and costs a rerun nothing: the 32 panels of a large network's
    heatmaps or a drawing's 67 matrices, turned into tables on every rerun, were most of
    those pages' time. Opening it reruns the page (or the fragment it is in), which then
    fills it. A table larger than ``show``'s window is shown a block at a time (one pair of
    boxes moves the block of every such table), so a large network's matrices are not sent whole.
    """
    box = where.expander(t("common.alt_table"), key=f"tables_{key}", on_change="rerun")
    if not box.open:
        return
    tables = tables() if callable(tables) else tables
    with box:
        big = [frame.shape for _, frame in tables if show.too_big(frame.shape)]
        if big:
            r0, c0 = show.window_start(st, f"win_{key}", tuple(np.max(big, axis=0)))
        for title, frame in tables:
            if title:
                st.markdown(f"**{title}**")
            label = title or t("common.alt_table")
            if show.too_big(frame.shape):
                st.caption(show.window_note(frame.shape, frame.shape, r0, c0))
                st.dataframe(show.window_block(frame, r0, c0), alt=label)
            elif frame.size <= HTML_TABLE_CELLS:
                st.table(frame, alt=label)
            else:
                st.dataframe(frame, alt=label)


def named_tables(matrices: list[tuple[str, np.ndarray]]) -> list[tuple[str, pd.DataFrame | np.ndarray]]:
    """(name, table) for ``figure``'s ``tables``: small matrices as labelled frames, large ones as arrays.

    A large matrix stays an array: only its window becomes a table (``_show_tables``), so a
    1024-wide network's W is not turned into a million-cell frame on every rerun.
    """
    return [
        (name, np.atleast_2d(M) if show.too_big(np.atleast_2d(M).shape) else matrix_frame(M))
        for name, M in matrices
    ]


def figure(fig: go.Figure, description: str, *, key: str, where=st, tables=None, **chart) -> None:
    """``fig`` with ``description`` and a summary of its numbers as alt text, the numbers beneath.

    ``tables`` (title, frame) pairs stand for ``figure_tables(fig)`` when the figure is a drawing
    whose numbers are not its traces' data (network_figure: points placed on a diagram): the
    same figure always comes with the same numbers, so its summary is kept on it (``kept_summary``).
    """
    tables = kept_tables(fig) if tables is None else tables
    with where.container(key=f"alt_{key}"):
        st.plotly_chart(fig, key=key, alt=f"{description} {kept_summary(fig, tables)}", **chart)
        _show_tables(tables, st, key)


def kept_summary(fig: go.Figure, tables: list) -> str:
    """``summary(tables)`` of the figure's numbers, made once per language and kept on the figure.

    A shared figure (cached, never changed) is drawn on every rerun; its numbers' extreme on
    a 1024-wide network's diagram (16 matrices of a million entries) was a sixth of the
    backward page's rerun.
    """
    return kept_on(fig, f"_backprop_summary_{current_language()}", lambda: summary(tables))


def _known(kind: str) -> None:
    """Raise ValueError unless ``kind`` is a drawing ``drawing`` knows."""
    if kind not in DRAWINGS:
        raise ValueError(f"drawing kind {kind!r} is not one of {', '.join(DRAWINGS)}")


def drawing_matrices(kind: str, trace: Trace, l: int = 1, sample: int = 0) -> list[tuple[str, np.ndarray]]:
    r"""The matrices a drawing of ``kind`` prints (every entry, where the drawing may cut wide ones short).

    "fp-single-dense": sample ``sample`` (0-based) through layer l: a^(l-1), W, b, z, a.
    "bp-single-dense": layer l backward. "bp-full": every value and gradient, and L.
    "neurons": the sample's activations, each layer's W, b and their gradients.
    """
    _known(kind)
    layer = trace.layers[l - 1]
    s, p = nt.layer_text(l), nt.layer_text(l - 1)
    if kind == "fp-single-dense":
        return [
            (f"a{p}", layer.A_prev[sample]),
            (f"W{s}", layer.W),
            (f"b{s}", layer.b),
            (f"z{s}", layer.Z[sample]),
            (f"a{s}", layer.A[sample]),
        ]
    if kind == "bp-single-dense":
        return [
            (nt.grad_text("A", l), layer.dA),
            (nt.grad_text("Z", l), layer.dZ),
            (f"A{p}", layer.A_prev),
            (f"W{s}", layer.W),
            (nt.grad_text("W", l), layer.dW),
            (nt.grad_text("b", l), layer.db),
            (nt.grad_text("A", l - 1), layer.dA_prev),
        ]
    if kind == "neurons":
        found = [(f"x ({t('common.alt_sample', s=sample + 1)})", trace.X[sample])]
        for each in trace.layers:
            q = nt.layer_text(each.l)
            found += [(f"W{q}", each.W), (f"b{q}", each.b), (nt.grad_text("W", each.l), each.dW)]
            found += [(nt.grad_text("b", each.l), each.db), (f"a{q}", each.A[sample])]
        return found
    found = [("X = A⁽⁰⁾", trace.X), ("Y", trace.Y), ("L", np.array([trace.loss]))]
    for each in trace.layers:
        q = nt.layer_text(each.l)
        found += [(f"W{q}", each.W), (f"b{q}", each.b), (f"Z{q}", each.Z), (f"A{q}", each.A)]
        found += [(nt.grad_text(name, each.l), getattr(each, "d" + name)) for name in ("A", "Z", "W", "b")]
    return found + [(nt.grad_text("X"), trace.layers[0].dA_prev)]


def drawing(
    dot: str, kind: str, trace: Trace, *, key: str, l: int = 1, sample: int = 0, where=st, **chart
) -> None:
    """A Graphviz drawing of ``kind`` with its description as alt text, and the matrices it prints beneath."""
    _known(kind)
    described = t(f"common.alt_{kind.replace('-', '_')}", l=l, p=l - 1, s=sample + 1)
    with where.container(key=f"alt_{key}"):
        # Streamlit sets every Graphviz label to 0.6rem × 0.8 whatever the DOT says; this gives
        # them back the size the drawing was laid out for (dot.FONT_PT in its own units: 14.7 px
        # at natural size). One class and one type beat Streamlit's one class; the graph page's
        # zoom rules (one class, two types) still beat this one.
        st.html("<style>[data-testid='stGraphVizChart'] text { font-size: 11px; }</style>")
        st.graphviz_chart(
            dot, alt=f"{described} {t('common.alt_see_table', table=t('common.alt_table'))}", **chart
        )
        _show_tables(lambda: named_tables(drawing_matrices(kind, trace, l, sample)), st, key)
