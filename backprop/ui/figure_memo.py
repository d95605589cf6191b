r"""A figure's numbers as tables, built once per figure object and kept on it.

A cached figure (``st.cache_resource``: shared, never changed) is drawn again on every
rerun with the same tables beneath it; ``alternatives.figure_tables`` turned its panels
into labelled tables each time, which on a large network's 32 heatmap panels was about a
seventh of the page's rerun. Kept on the figure, they live exactly as long as it does.

A table larger than a window (``show.too_big``) is cut anew on every rerun to the window
shown; labels that are whole numbers (a matrix's indices, the steps of a curve) are kept
as integers, the same digits, which pandas and Arrow cut and convert in about half the time.
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
        kept = [(title, _whole_number_labels(frame)) for title, frame in alternatives.figure_tables(fig)]
        setattr(fig, _KEPT, kept)
    return kept


def _whole_number_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """A windowed table with each axis whose labels are all whole numbers relabelled by those integers."""
    if not show.too_big(frame.shape):
        return frame
    for axis, labels in enumerate((frame.index, frame.columns)):
        if all(str(label).isdigit() for label in labels):
            frame = frame.set_axis(pd.Index(labels.astype(int), name=labels.name), axis=axis)
    return frame
