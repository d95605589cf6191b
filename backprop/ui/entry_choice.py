r"""The one chosen gradient entry ∂L/∂x (layer, variable, i, j), shared by every page that picks one.

``entry(spec)`` reads it (from the URL on a session's first sight, as ``layer``, ``var``,
``i``, ``j``, 1-based) and writes it back; ``set_entry(...)`` changes parts of it, from the
backward and symbolic pages' pickers; ``take_click`` chooses the entry a click on the
network diagram or a gradient heatmap names. Links shared under the symbolic page's old
parameter names still open their entry (``OLD_ENTRY_PARAMS``).
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from backprop.core.spec import NetworkSpec
from backprop.ui import state, urlparams

ENTRY = "_entry"  # the chosen gradient entry (an Entry), whichever page or chart chose it
VARIABLES = ("W", "b", "A_prev")  # what an entry can be a derivative by, in layer l


class Entry(NamedTuple):
    r"""One gradient entry ∂L/∂x: x is entry (i, j) of W^(l) or A^(l-1), or entry j of b^(l); 1-based."""

    l: int
    var: str  # "W", "b" or "A_prev"
    i: int  # row (W: unit of layer l-1; A_prev: sample); kept but unused for b
    j: int  # column (W, b: unit of layer l; A_prev: unit of layer l-1)

    @property
    def array_index(self) -> tuple[int, ...]:
        """The 0-based index into the gradient array: (i-1, j-1), or (j-1,) for b."""
        return (self.j - 1,) if self.var == "b" else (self.i - 1, self.j - 1)


def entry_shape(spec: NetworkSpec, var: str, l: int) -> tuple[int, ...]:
    r"""The shape of x in layer l: W^(l) (n_{l-1}, n_l), b^(l) (n_l,), A^(l-1) (m, n_{l-1})."""
    return (spec.m, spec.sizes[l - 1]) if var == "A_prev" else spec.shape_of(var, l)


def _rows_cols(spec: NetworkSpec, var: str, l: int) -> tuple[int, int]:
    """How far i and j go for x in layer l (b has one row, its j is the unit)."""
    shape = entry_shape(spec, var, l)
    return (1, shape[0]) if var == "b" else (shape[0], shape[1])


def fitted(spec: NetworkSpec, chosen: Entry) -> Entry:
    """``chosen`` where it fits ``spec``; each part that does not fit falls back to 1 (or W)."""
    l = chosen.l if 1 <= chosen.l <= spec.L else 1
    var = chosen.var if chosen.var in VARIABLES else "W"
    rows, cols = _rows_cols(spec, var, l)
    return Entry(l, var, chosen.i if 1 <= chosen.i <= rows else 1, chosen.j if 1 <= chosen.j <= cols else 1)


# The symbolic page's own names for the entry before one entry served every page: a link
# shared then still opens the entry it named (the names are rewritten to the current ones).
OLD_ENTRY_PARAMS = {"sy_layer": "layer", "sy_var": "var", "sy_i": "i", "sy_j": "j"}


def _adopt_old_entry_params() -> None:
    """Rename the URL's old entry parameters to the current ones (unless those are given too)."""
    for old, new in OLD_ENTRY_PARAMS.items():
        if old in st.query_params:
            if new not in st.query_params:
                st.query_params[new] = st.query_params.get_all(old)
            del st.query_params[old]


def _entry_from_url(spec: NetworkSpec) -> Entry:
    """The entry the URL names (layer, var, i, j); a part it refuses gets a warning and its default."""
    _adopt_old_entry_params()
    l = state.url_value("layer", lambda s: urlparams.parse_int(s, 1, spec.L)) or 1
    var = state.url_value("var", lambda s: state.pick(s, list(VARIABLES), list(VARIABLES))) or "W"
    rows, cols = _rows_cols(spec, var, l)
    i = state.url_value("i", lambda s: urlparams.parse_int(s, 1, rows)) if var != "b" else None
    j = state.url_value("j", lambda s: urlparams.parse_int(s, 1, cols))
    return Entry(l, var, i or 1, j or 1)


def entry(spec: NetworkSpec) -> Entry:
    """The chosen entry, fitted to ``spec`` (from the URL on first sight), and written to the URL."""
    state.init_session()
    chosen = st.session_state.get(ENTRY)
    chosen = _entry_from_url(spec) if chosen is None else fitted(spec, chosen)
    st.session_state[ENTRY] = chosen
    wanted = {"layer": chosen.l, "var": chosen.var, "i": chosen.i, "j": chosen.j}
    if chosen.var == "b":
        del wanted["i"]
        if "i" in st.query_params:
            del st.query_params["i"]
    for param, value in wanted.items():
        if st.query_params.get_all(param) != [str(value)]:
            st.query_params[param] = str(value)
    return chosen


def set_entry(
    l: int | None = None, var: str | None = None, i: int | None = None, j: int | None = None
) -> None:
    """Change parts of the chosen entry (a callback's work); ``entry(spec)`` fits it to the network."""
    old = st.session_state.get(ENTRY) or Entry(1, "W", 1, 1)
    st.session_state[ENTRY] = Entry(
        old.l if l is None else int(l),
        old.var if var is None else var,
        old.i if i is None else int(i),
        old.j if j is None else int(j),
    )


def take_click(chart_key: str) -> None:
    """on_select callback of a chart whose points carry ``customdata`` = [var, l, i, j]: choose that entry.

    i = 0 keeps the current row (a bias, or an input unit whose sample stays the one chosen).
    """
    event = st.session_state.get(chart_key)
    points = event["selection"]["points"] if event else []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) == 4 and data[0] in VARIABLES:
            var, l, i, j = data
            old = st.session_state.get(ENTRY)
            keep = old is not None and old.var == var  # an input unit keeps the chosen sample
            set_entry(l=int(l), var=var, i=int(i) or (None if keep else 1), j=int(j))
            return
