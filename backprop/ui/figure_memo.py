r"""What a shared figure carries with it: values made once for a figure object and kept on it.

A cached figure (``st.cache_resource`` or a kept one) is shared and never changed, so what
is derived from it (its tables, their summary, where its points are) can live exactly as
long as the figure does, as an attribute of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import plotly.graph_objects as go

T = TypeVar("T")


def kept_on(fig: go.Figure, name: str, make: Callable[[], T]) -> T:
    """``make()``, made on the first call for this figure and ``name`` and kept on the figure."""
    kept = getattr(fig, name, None)
    if kept is None:
        kept = make()
        setattr(fig, name, kept)  # plotly lets a figure carry attributes whose names start with "_"
    return kept
