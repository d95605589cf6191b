r"""Showing a matrix: LaTeX with its shape when it fits, else a table with a note saying so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from backprop.derivation import latex
from backprop.ui.i18n import t


def matrix_or_table(
    name: str,
    M: np.ndarray,
    where=st,
    named: bool = True,
    small: bool = False,
    max_cols: int = latex.MAX_COLS,
    **highlight,
) -> None:
    r"""``name = [M]`` (name is LaTeX) with its shape; a table with a note when too large (``max_cols``)."""
    if latex.fits(M, max_cols=max_cols):
        where.latex(latex.labelled(name if named else None, M, small=small, **highlight))
        return
    where.markdown(f"${name}$ " + t("common.too_big_for_latex", shape=" × ".join(map(str, np.shape(M)))))
    grid = M.reshape(-1, 1) if M.ndim == 1 else M
    where.dataframe(pd.DataFrame(grid, columns=[str(j) for j in range(1, grid.shape[1] + 1)]), height=240)


LINE_COLS = 12  # matrix columns that fit on one line of the main area


def matrices(items: list[tuple[str, np.ndarray, dict]], where=st) -> None:
    r"""Named matrices side by side on one LaTeX line; one per line if too wide; tables if too large."""
    if all(latex.fits(M) for _, M, _ in items):
        if sum(1 if M.ndim == 1 else M.shape[1] for _, M, _ in items) <= LINE_COLS:
            where.latex(latex.side_by_side(*(latex.labelled(name, M, **hl) for name, M, hl in items)))
        else:
            for name, M, hl in items:
                where.latex(latex.labelled(name, M, **hl))
        return
    for (name, M, hl), column in zip(items, where.columns(len(items))):
        matrix_or_table(name, M, column, **hl)


def latex_or_note(tex: str | None, note_key: str, where=st, **fmt) -> None:
    """LaTeX if there is some, else a caption (e.g. a sum too long to write out)."""
    if tex is None:
        where.caption(t(note_key, **fmt))
    else:
        where.latex(tex)


def one_based(n: int) -> range:
    """1..n, the indices shown on screen."""
    return range(1, n + 1)


# the characters that make links (autolinks too: "." and ":"), images, math, HTML, code or
# emphasis out of plain text
MARKDOWN = set("\\`*_{}[]()#+-.!|<>~$:")


def plain(text: str) -> str:
    """User text (a URL value, a formula, a file name) escaped for Markdown: no link, no math, no HTML."""
    return "".join("\\" + c if c in MARKDOWN else c for c in str(text))
