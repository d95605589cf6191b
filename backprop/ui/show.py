r"""Showing a matrix: LaTeX with its shape when it fits, else a table with a note saying so."""

from __future__ import annotations

import re

import numpy as np
import streamlit as st

from backprop.derivation import latex
from backprop.ui import cache
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
    where.dataframe(cache.table(M), height=240)  # an Arrow table, kept for a shared trace's arrays


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
