r"""Editing X, Y, W, b cell by cell: ``st.data_editor`` edits checked before they are kept.

A refused cell (text, NaN, empty, a target the loss does not accept) gives a message
naming the cell, and the previous values are kept (the editor is redrawn from them).
"""

from __future__ import annotations

import math
from typing import SupportsFloat, SupportsIndex

import numpy as np
import streamlit as st

from backprop.core.errors import InvalidInput
from backprop.core.spec import NetworkSpec, check_targets
from backprop.ui import state, urlparams
from backprop.ui.i18n import t

MAX_EDIT_ENTRIES = urlparams.MAX_URL_ENTRIES
VERSIONS = "_editor_versions"


class CellRefused(ValueError):
    """An edited cell that is not a finite number: which cell (1-based, as on screen) and its value."""

    def __init__(self, cell: str, value: object):
        super().__init__(cell)
        self.cell, self.value = cell, value


def label(name: str) -> str:
    """'W1' -> 'W^(1)' as the cell names in messages read."""
    return name if name in ("X", "Y") else f"{name[0]}^({name[1:]})"


def apply_edits(name: str, array: np.ndarray, edited_rows: dict) -> np.ndarray:
    r"""``array`` with the data editor's ``edited_rows`` ({row: {column label: value}}) put in.

    Columns are labelled 1..n as on screen; a vector is shown as one row. Raises
    CellRefused naming the first cell that is not a finite number.
    """
    out = np.array(array, dtype=np.float64, copy=True)
    grid = out.reshape(1, -1) if out.ndim == 1 else out
    for row, cells in edited_rows.items():
        for column, value in cells.items():
            i, j = int(row), int(column) - 1
            cell = f"{label(name)}[{i + 1},{j + 1}]" if out.ndim == 2 else f"{label(name)}[{j + 1}]"
            grid[i, j] = _number(cell, value)
    return out


def _number(cell: str, value: object) -> float:
    """A finite float from an edited cell, or CellRefused."""
    if isinstance(value, bool) or value is None:
        raise CellRefused(cell, value)
    try:
        if isinstance(value, str):
            number = float(urlparams.parse_float(value))
        elif isinstance(value, SupportsFloat | SupportsIndex):  # what float() takes besides text
            number = float(value)
        else:
            raise TypeError(f"{type(value).__name__} is not a number")
    except (urlparams.Refused, TypeError, ValueError):
        raise CellRefused(cell, value) from None
    if not math.isfinite(number):
        raise CellRefused(cell, value)
    return number


def _frame(array: np.ndarray):
    import pandas as pd  # noqa: PLC0415 (only when the editors are open: pandas is a third of a cold start)

    grid = array.reshape(1, -1) if array.ndim == 1 else array
    return pd.DataFrame(grid, columns=[str(j) for j in range(1, grid.shape[1] + 1)])


def _edited(name: str, key: str, array: np.ndarray, spec: NetworkSpec) -> None:
    """on_change: keep the edit if every cell is a finite number (and Y fits the loss)."""
    versions = st.session_state.setdefault(VERSIONS, {})
    versions[name] = versions.get(name, 0) + 1  # a fresh editor, drawn from the kept values
    try:
        new = apply_edits(name, array, st.session_state[key].get("edited_rows", {}))
        if name == "Y":
            check_targets(spec, new)
    except CellRefused as refused:
        state.notify(("error", t("common.bad_cell", cell=refused.cell, value=repr(refused.value)[:40])))
        return
    except InvalidInput as error:
        state.notify(("error", t("common.bad_targets", allowed=error.allowed)))
        return
    state.set_array(name, new)


def editors(spec: NetworkSpec, current: dict[str, np.ndarray]) -> None:
    """A data editor for every small array of the network (``current``: name -> its values)."""
    small = [n for n in urlparams.array_names(spec) if np.size(current[n]) <= MAX_EDIT_ENTRIES]
    if not small:
        st.caption(t("common.edit_too_big", limit=MAX_EDIT_ENTRIES))
        return
    versions = st.session_state.setdefault(VERSIONS, {})
    for name in small:
        key = f"sb_edit_{name}_{versions.get(name, 0)}"
        st.caption(f"{label(name)}  {'×'.join(map(str, np.shape(current[name])))}")
        st.data_editor(
            _frame(current[name]),
            key=key,
            num_rows="fixed",
            hide_index=False,
            on_change=_edited,
            args=(name, key, current[name], spec),
        )
    if st.session_state[state.ARRAYS]:
        st.button(t("common.reset_arrays"), key="sb_reset_arrays", on_click=state.set_spec, args=(spec,))
