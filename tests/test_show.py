"""A matrix's window as a table keeps the formulas' highlight: rows blue, columns orange, cells purple."""

from __future__ import annotations

import numpy as np

from backprop.derivation import latex
from backprop.derivation.numbers import number_text
from backprop.ui import show


def _looks(colours: np.ndarray) -> dict[tuple[int, int], str]:
    """(row, column) -> the colour of each highlighted cell of the table shown."""
    return {(int(i), int(j)): colours[i, j] for i, j in zip(*np.nonzero(colours != ""), strict=True)}


def test_rows_columns_and_cells_are_coloured_where_the_window_shows_them():
    M = np.arange(20 * 12, dtype=float).reshape(20, 12)
    block = show.window_block(M, 10, 4)  # rows 11-20, columns 5-12 (1-based)
    looks = _looks(show.marks(block, rows=[12], cols=[6], cells=[(15, 10), (0, 0)]))
    coloured = {colour: {cell for cell, c in looks.items() if c == colour} for colour in set(looks.values())}
    assert coloured[latex.ROW] == {(2, j) for j in range(8)} - {(2, 2)}
    assert coloured[latex.COLUMN] == {(i, 2) for i in range(10)}
    assert looks[(5, 6)] == latex.CELL
    # the row and the column (crossing once, where the column's colour is drawn last), one cell;
    # the cell (0, 0) lies outside the window
    assert len(looks) == 8 + 10 - 1 + 1


def test_no_highlight_outside_the_window():
    block = show.window_block(np.ones((30, 30)), 0, 0)
    assert _looks(show.marks(block, rows=[25], cols=[29])) == {}


def test_a_highlighted_window_is_a_markdown_table_of_the_blocks_numbers_and_marks():
    M = np.linspace(-1, 1, 20 * 12).reshape(20, 12)
    block = show.window_block(M, 10, 4)  # rows 11-20, columns 5-12 (1-based)
    header, rule, *rows = show.highlighted_table(block, rows=[12], cells=[(15, 10)]).split("\n")
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    assert header == "| | " + " | ".join(map(str, range(5, 13))) + " |" and rule == "|---:|" + "---:|" * 8
    assert [row[0] for row in cells] == [str(r) for r in range(11, 21)]
    colours = show.marks(block, rows=[12], cells=[(15, 10)])
    for r, row in enumerate(cells):
        for c, text in enumerate(row[1:]):
            value = M[10 + r, 4 + c]
            # marked entries in LaTeX, bold in their colour; the block's every entry, in order
            marked = f"${latex.coloured(colours[r, c], latex.num(value))}$"
            assert text == (marked if colours[r, c] else number_text(value))
    assert sum(text.startswith("$") for row in cells for text in row) == 8 + 1  # row 13, and cell (16, 11)
