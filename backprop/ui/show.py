r"""Showing a matrix: LaTeX with its shape when it fits, else a window on it with its position and shape."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from backprop.derivation import latex
from backprop.derivation.numbers import number_text
from backprop.ui.i18n import t

if TYPE_CHECKING:  # pandas loads with the first window shown, not with the home page
    import pandas as pd


def matrix_or_table(
    name: str,
    M: np.ndarray,
    where=st,
    named: bool = True,
    small: bool = False,
    max_cols: int = latex.MAX_COLS,
    key: str | None = None,
    **highlight,
) -> None:
    r"""``name = [M]`` (name is LaTeX) with its shape; a window on it when too large (``max_cols``).

    ``key`` names the window's controls (default: from ``name``); give one when the same
    name is shown twice on a page.
    """
    if latex.fits(M, max_cols=max_cols) and M.ndim == 1:
        where.latex(latex.labelled(name if named else None, M, small=small, **highlight))
        return
    if latex.fits(M, max_cols=max_cols):  # blocks of columns that wrap, type that shrinks in a narrow column
        width = min(BLOCK_COLS, 1 if M.ndim == 1 else M.shape[1])  # the sidebar's CSS sizes the type by it
        kind = "mxblk" if named else "mxblkn"  # a name takes about 3 em more
        row = where.container(horizontal=True, key=_unique(f"{kind}{width}"))
        for tex in latex.column_blocks(name if named else None, M, BLOCK_COLS, small=small, **highlight):
            row.latex(tex, width="content")
        return
    window(name, M, where, key=_unique(key or f"win_{name}"), **highlight)


BLOCK_COLS = 4  # a matrix with more columns is set in blocks of this many, which wrap in a narrow column
_KEYS_USED = "_backprop_window_keys"  # on the run's context: (that run's cursors dict, keys used)


def _unique(key: str) -> str:
    """``key``, or ``key_2``, ``key_3``... when this run already used it (a name shown twice)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return key
    memo = getattr(ctx, _KEYS_USED, None)
    if memo is None or memo[0] is not ctx.cursors:  # Streamlit makes a new cursors dict per run
        memo = (ctx.cursors, set[str]())
        setattr(ctx, _KEYS_USED, memo)
    unique, n = key, 1
    while unique in memo[1]:
        n += 1
        unique = f"{key}_{n}"
    memo[1].add(unique)
    return unique


WINDOW_ROWS, WINDOW_COLS = 10, 8  # a large matrix is shown this many rows and columns at a time


def window(name: str, M: np.ndarray, where=st, *, key: str, rows=(), cols=(), cells=(), **_) -> None:
    r"""A block of at most WINDOW_ROWS × WINDOW_COLS of M as a table, its position and M's shape said.

    Only the block is sent to the browser, never the whole matrix: a 1024 × 1024 array sent
    on every rerun cost a large network's pages most of their time. Two boxes move the
    block (first row, first column, 1-based); it starts where the highlight is.
    """
    grid = M.reshape(-1, 1) if M.ndim == 1 else M
    focus = ([*rows, *(i for i, _ in cells)], [*cols, *(j for _, j in cells)] if M.ndim == 2 else [])
    r0, c0 = window_start(where, key, grid.shape, *focus)
    where.markdown(f"${name}$ " + window_note(np.shape(M), grid.shape, r0, c0))
    block = window_block(grid, r0, c0)
    if rows or cols or cells:
        _scrolling_tables(where)
        box = where.container(key=_unique(f"mxtable_{key}"))
        box.markdown(highlighted_table(block, rows, cols if M.ndim == 2 else (), cells))
    else:
        where.dataframe(block)


def _scrolling_tables(where) -> None:
    """A window's table wider than its column (the backward page's narrow one) scrolls sideways.

    In its own box, as a dataframe does, rather than widen the page; Streamlit gives that box
    no tab stop, so the script gives it one: keyboard users focus it and scroll with the arrows.
    """
    where.html(
        "<style>[class*='st-key-mxtable'] [data-testid='stMarkdownContainer'] { overflow-x: auto; }"
        "[class*='st-key-mxtable'] [data-testid='stMarkdownContainer']:focus-visible"
        " { outline: 2px solid #1c62b9; outline-offset: 2px; }</style>"
        "<script>"
        "(() => {"
        " if (window.tableScrollStops) return;"
        " window.tableScrollStops = true;"
        " const boxes = \"[class*='st-key-mxtable'] [data-testid='stMarkdownContainer']:not([tabindex])\";"
        " const mark = () => document.querySelectorAll(boxes).forEach((box) => { box.tabIndex = 0; });"
        " mark();"
        " new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});"
        "})();"
        "</script>",
        unsafe_allow_javascript=True,
    )


def marks(block: pd.DataFrame, rows=(), cols=(), cells=()) -> np.ndarray:
    """Each cell's highlight colour in the block ("" for most) for rows, columns and cells (0-based in M).

    The formulas' colours (latex.ROW, COLUMN, CELL), a cell's over its column's over its
    row's; marks outside the window are left out.
    """
    first_row, first_col = int(block.index[0]) - 1, int(block.columns[0]) - 1  # the block's 1-based labels
    found = [(i - first_row, None, latex.ROW) for i in rows]
    found += [(None, j - first_col, latex.COLUMN) for j in cols]
    found += [(i - first_row, j - first_col, latex.CELL) for i, j in cells]
    colours = np.full(block.shape, "", dtype=object)
    for i, j, colour in found:
        if i is not None and not 0 <= i < block.shape[0] or j is not None and not 0 <= j < block.shape[1]:
            continue  # outside the window shown
        colours[slice(None) if i is None else i, slice(None) if j is None else j] = colour
    return colours


def highlighted_table(block: pd.DataFrame, rows=(), cols=(), cells=()) -> str:
    r"""The block as a Markdown table, its 1-based labels first, the highlighted entries marked (``marks``).

    A marked entry is set in LaTeX, bold in its formula colour (``latex.coloured``), so it
    reads as the formulas' highlight does; the others are plain numbers. A pandas Styler in
    ``st.dataframe`` did the same in about 15 ms a table, which made a large network's
    forward page 5 to 6 times as slow as the default network's; this is a string. Markdown,
    not raw HTML: the app sends no HTML built at run time (tests/test_config.py).
    """
    colours = marks(block, rows, cols, cells)
    values = block.to_numpy()

    def cell(value: float, colour: str) -> str:
        return f"${latex.coloured(colour, latex.num(value))}$" if colour else number_text(value)

    lines = ["| | " + " | ".join(map(str, block.columns)) + " |", "|---:|" + "---:|" * block.shape[1]]
    for k, label in enumerate(block.index):
        lines.append(f"| {label} | " + " | ".join(map(cell, values[k], colours[k])) + " |")
    return "\n".join(lines)


def too_big(shape: tuple[int, ...]) -> bool:
    """Whether a table of this shape is shown through a window."""
    rows, cols = (shape[0], 1) if len(shape) == 1 else shape
    return rows > WINDOW_ROWS or cols > WINDOW_COLS


def window_start(where, key: str, shape: tuple[int, int], focus_rows=(), focus_cols=()) -> tuple[int, int]:
    """The window's 0-based first row and column: a box for each axis longer than the window."""
    rows = _start(where, key + "_row", t("common.window_row"), shape[0], WINDOW_ROWS, list(focus_rows))
    cols = _start(where, key + "_col", t("common.window_col"), shape[1], WINDOW_COLS, list(focus_cols))
    return rows, cols


def window_block(grid: pd.DataFrame | np.ndarray, r0: int, c0: int) -> pd.DataFrame:
    """The block starting at (r0, c0) (moved back to fit): a table's with its labels, an array's 1-based."""
    import pandas as pd  # noqa: PLC0415 (see the imports)

    r0, c0 = _fitted(grid.shape, r0, c0)
    if isinstance(grid, pd.DataFrame):
        return grid.iloc[r0 : r0 + WINDOW_ROWS, c0 : c0 + WINDOW_COLS]
    block = grid[r0 : r0 + WINDOW_ROWS, c0 : c0 + WINDOW_COLS]
    return pd.DataFrame(
        block,
        index=pd.RangeIndex(r0 + 1, r0 + block.shape[0] + 1),
        columns=[str(j) for j in range(c0 + 1, c0 + block.shape[1] + 1)],
    )


def window_note(shape: tuple[int, ...], grid: tuple[int, int], r0: int, c0: int) -> str:
    """What the window shows: 'rows 1–10 and columns 3–10 of (784 × 512)', in the page's language."""
    if not too_big(grid):  # the whole matrix fits the table: nothing to move
        return t("common.window_whole", shape=" × ".join(map(str, shape)))
    r0, c0 = _fitted(grid, r0, c0)
    r1, c1 = min(r0 + WINDOW_ROWS, grid[0]), min(c0 + WINDOW_COLS, grid[1])
    return t("common.window_shown", shape=" × ".join(map(str, shape)), r0=r0 + 1, r1=r1, c0=c0 + 1, c1=c1)


def _fitted(grid: tuple[int, int], r0: int, c0: int) -> tuple[int, int]:
    """A window start moved back so the window lies inside a grid (one position serves several)."""
    return min(r0, max(grid[0] - WINDOW_ROWS, 0)), min(c0, max(grid[1] - WINDOW_COLS, 0))


def _start(where, key: str, label: str, n: int, size: int, focus: list[int]) -> int:
    """The 0-based first index of a window of ``size`` on ``n`` (a box when n > size, else 0)."""
    if n <= size:
        return 0
    last = n - size + 1  # 1-based: the last start that still fills the window
    if key not in st.session_state:
        st.session_state[key] = min(focus[0] + 1 if focus else 1, last)
    elif not 1 <= st.session_state[key] <= last:  # the network shrank since
        st.session_state[key] = min(max(st.session_state[key], 1), last)
    return where.number_input(label, 1, last, key=key, help=t("common.window_help", n=n)) - 1


def matrices(items: list[tuple[str, np.ndarray, dict]], where=st) -> None:
    r"""Named matrices side by side, wrapping onto the next line when the column is too narrow.

    Each is its own formula in a wrapping row, so the browser, which knows the column's
    width, decides how many fit on a line (a projector's 1280 × 720 with the sidebar open
    leaves about 820 px). Matrices too large for LaTeX are shown through a window.
    """
    small = [(name, M, hl) for name, M, hl in items if latex.fits(M)]
    if small:
        row = where.container(horizontal=True, gap="medium")
        for name, M, hl in small:
            row.latex(latex.labelled(name, M, **hl), width="content")
    for name, M, hl in items:
        if not latex.fits(M):
            matrix_or_table(name, M, where, **hl)


def latex_or_note(tex: str | None, note_key: str, where=st, **fmt) -> None:
    """LaTeX if there is some, else a caption (e.g. a sum too long to write out)."""
    if tex is None:
        where.caption(t(note_key, **fmt))
    else:
        where.latex(tex)


def one_based(n: int) -> range:
    """1..n, the indices shown on screen."""
    return range(1, n + 1)


def plain(text: object) -> str:
    r"""User text (a URL value, a file name, a refusal quoting either) as an inert Markdown code span.

    Backslash escapes do not stop GFM's autolinks (``www.x.y``, ``https://...``, e-mail
    addresses), but nothing inside a code span is parsed: no link, math, HTML, emphasis
    or emoji. The fence is one backtick longer than the longest run of backticks in the
    text, padded with a space when the text starts or ends with a backtick or a space
    (CommonMark strips one such space); line breaks and other invisible characters are
    written as escapes, since a blank line would end the span.

    >>> plain("www.evil.example")
    '`www.evil.example`'
    >>> plain("a ``b`` c")
    '```a ``b`` c```'
    >>> plain("`x")
    '`` `x ``'
    """
    shown = _INVISIBLE.sub(lambda match: _escape(match.group()), str(text))
    if not shown:
        return "` `"
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    pad = " " if shown.strip(" ") and (shown[0] in "` " or shown[-1] in "` ") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


# control, format (bidi overrides, zero-width) and line/paragraph separator characters
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _escape(char: str) -> str:
    """A character as Python writes it in a string literal (\\n, \\x1b, \\u202e)."""
    return repr(char)[1:-1]
