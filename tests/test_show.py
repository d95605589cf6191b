"""A matrix's window as a table keeps the formulas' highlight: rows blue, columns orange, cells purple."""

from __future__ import annotations

import numpy as np

from backprop.derivation import latex
from backprop.ui import show


def _looks(styler) -> dict[tuple[int, int], str]:
    """(row, column) -> the CSS of each styled cell of the table shown."""
    styler._compute()
    return {cell: "; ".join(f"{k}: {v}" for k, v in css) for cell, css in styler.ctx.items() if css}


def test_rows_columns_and_cells_are_coloured_where_the_window_shows_them():
    M = np.arange(20 * 12, dtype=float).reshape(20, 12)
    block = show.window_block(M, 10, 4)  # rows 11-20, columns 5-12 (1-based)
    looks = _looks(show.highlighted(block, rows=[12], cols=[6], cells=[(15, 10), (0, 0)]))
    assert {cell for cell, css in looks.items() if latex.ROW in css} == {(2, j) for j in range(8)} - {(2, 2)}
    assert {cell for cell, css in looks.items() if latex.COLUMN in css} == {(i, 2) for i in range(10)}
    assert latex.CELL in looks[(5, 6)]
    assert all("font-weight: bold" in css for css in looks.values())
    # the row and the column (crossing once, where the column's colour is drawn last), one cell;
    # the cell (0, 0) lies outside the window
    assert len(looks) == 8 + 10 - 1 + 1


def test_no_highlight_outside_the_window():
    block = show.window_block(np.ones((30, 30)), 0, 0)
    assert _looks(show.highlighted(block, rows=[25], cols=[29])) == {}
