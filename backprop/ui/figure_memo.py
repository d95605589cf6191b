r"""A figure's numbers as tables, built once per figure object and kept on it.

A cached figure (``st.cache_resource``: shared, never changed) is drawn again on every
rerun with the same tables beneath it; ``alternatives.figure_tables`` turned its panels
into labelled tables each time, which on a large network's 32 heatmap panels was about a
seventh of the page's rerun. Kept on the figure, they live exactly as long as it does.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from backprop.ui import alternatives, show

_KEPT = "_backprop_tables"  # plotly lets a figure carry attributes whose names start with "_"


def tables(fig: go.Figure) -> list:
    """``alternatives.figure_tables(fig)``, built on the first call for this figure and kept on it."""
    kept = getattr(fig, _KEPT, None)
    if kept is None:
        kept = [(title, _whole_number_rows(frame)) for title, frame in alternatives.figure_tables(fig)]
        setattr(fig, _KEPT, kept)
    return kept


def _whole_number_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A windowed table whose row labels are whole numbers, with those labels as integers."""
    if not show.too_big(frame.shape) or not all(label.isdigit() for label in frame.index):
        return frame
    return frame.set_axis(pd.Index(frame.index.astype(int), name=frame.index.name), axis=0).set_axis(
        pd.Index(frame.columns.astype(int)), axis=1
    )
