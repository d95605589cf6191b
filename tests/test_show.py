"""A matrix's window as a table keeps the formulas' highlight: rows blue, columns orange, cells purple."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np

from backprop.derivation import latex
from backprop.derivation.numbers import number_text
from backprop.ui import show


def _looks(css: np.ndarray) -> dict[tuple[int, int], str]:
    """(row, column) -> the CSS of each styled cell of the table shown."""
    return {(int(i), int(j)): css[i, j] for i, j in zip(*np.nonzero(css != ""), strict=True)}


class _Cells(HTMLParser):
    """An HTML table's rows of (tag, style, text) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str, str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append((tag, dict(attrs).get("style", ""), ""))

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            tag, style, text = self.rows[-1][-1]
            self.rows[-1][-1] = (tag, style, text + data)


def test_rows_columns_and_cells_are_coloured_where_the_window_shows_them():
    M = np.arange(20 * 12, dtype=float).reshape(20, 12)
    block = show.window_block(M, 10, 4)  # rows 11-20, columns 5-12 (1-based)
    looks = _looks(show.looks(block, rows=[12], cols=[6], cells=[(15, 10), (0, 0)]))
    assert {cell for cell, css in looks.items() if latex.ROW in css} == {(2, j) for j in range(8)} - {(2, 2)}
    assert {cell for cell, css in looks.items() if latex.COLUMN in css} == {(i, 2) for i in range(10)}
    assert latex.CELL in looks[(5, 6)]
    assert all("font-weight: bold" in css for css in looks.values())
    # the row and the column (crossing once, where the column's colour is drawn last), one cell;
    # the cell (0, 0) lies outside the window
    assert len(looks) == 8 + 10 - 1 + 1


def test_no_highlight_outside_the_window():
    block = show.window_block(np.ones((30, 30)), 0, 0)
    assert _looks(show.looks(block, rows=[25], cols=[29])) == {}


def test_a_highlighted_window_is_an_html_table_of_the_blocks_numbers_and_marks():
    M = np.linspace(-1, 1, 20 * 12).reshape(20, 12)
    block = show.window_block(M, 10, 4)  # rows 11-20, columns 5-12 (1-based)
    html = show.highlighted_table(block, "rows 11–20 <of> M", rows=[12], cells=[(15, 10)])
    parser = _Cells()
    parser.feed(html)
    header, *rows = parser.rows
    assert [text for _, _, text in header] == ["", *map(str, range(5, 13))]
    assert [row[0] for row in rows] == [("th", "", str(r)) for r in range(11, 21)]
    numbers = [[text for _, _, text in row[1:]] for row in rows]
    assert numbers == [[number_text(v) for v in M[r, 4:12]] for r in range(10, 20)]  # the block's every entry
    marked = {(r, c): style for r, row in enumerate(rows) for c, (_, style, _) in enumerate(row[1:]) if style}
    assert marked == _looks(show.looks(block, rows=[12], cells=[(15, 10)]))  # the marks, cell by cell
    assert latex.CELL in marked[(5, 6)] and latex.ROW in marked[(2, 0)]
    # a named scrolling region a keyboard reaches; the label is escaped, not markup
    assert re.search(r'role="region" tabindex="0" aria-label="rows 11–20 &lt;of&gt; M"', html)
