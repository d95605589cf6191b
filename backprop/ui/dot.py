r"""The building blocks of the drawings: escaped HTML-like labels, nodes, edges, the header.

Every drawing of ``backprop.ui.diagrams`` is a Graphviz DOT string made of these. Labels are
built from escaped text (``esc``, ``esc_quoted``), so any value or activation name is safe
DOT; numbers show 3 significant digits (``num``). Text is ``FONT_PT`` points at natural size
(a Graphviz point is 4/3 px: 14.7 px, legible on a projector); ``zoomed(dot, zoom)`` scales a
drawing's type and spacing.
"""

from __future__ import annotations

import html

import numpy as np

from backprop.derivation.numbers import number_text

MAX_CELLS = 8  # matrices with at most this many rows and columns show their entries
# In a page's column a drawing cannot zoom: wider matrices than this show shape and norm there,
# so the drawing keeps its natural 14.7 px type in an 820 px column instead of shrinking to fit.
COLUMN_CELLS = 4
EDGE_BACK = "#b45f06"  # gradients flow back along dashed orange edges (blue/orange: colour-blind safe)


def num(x: float) -> str:
    """x with 3 significant digits (a drawing's labels are small), never '-0'."""
    return number_text(x, 3)


def esc(text: str) -> str:
    """Text made safe inside an HTML-like DOT label."""
    return html.escape(str(text), quote=True)


def matrix_rows(M: np.ndarray, max_cols: int = MAX_CELLS) -> str:
    """An HTML table of M's entries (≤ MAX_CELLS rows, ≤ max_cols columns), else its norm (escaped)."""
    M = np.atleast_2d(M)
    if M.shape[0] > MAX_CELLS or M.shape[1] > max_cols:
        return f"<TR><TD>‖·‖ = {esc(num(float(np.linalg.norm(M))))}</TD></TR>"
    rows = "".join(
        "<TR>" + "".join(f'<TD ALIGN="RIGHT">{esc(num(x))}</TD>' for x in row) + "</TR>" for row in M
    )
    return f'<TR><TD><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="0">{rows}</TABLE></TD></TR>'


def shape_text(M: np.ndarray) -> str:
    return "×".join(str(n) for n in np.shape(M))


def dot_node(
    node_id: str, title: str, M: np.ndarray | None, fill: str, note: str = "", max_cols: int = MAX_CELLS
) -> str:
    """A node: a bold title, an optional note, the shape and the values (up to max_cols columns)."""
    rows = [f"<TR><TD><B>{esc(title)}</B></TD></TR>"]
    if note:
        rows.append(f"<TR><TD>{esc(note)}</TD></TR>")
    if M is not None:
        rows.append(f"<TR><TD>{esc(shape_text(M))}</TD></TR>")
        rows.append(matrix_rows(M, max_cols))
    label = '<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">' + "".join(rows) + "</TABLE>>"
    return f'  "{node_id}" [label={label}, fillcolor="{fill}"];'


def dot_edge(a: str, b: str, label: str = "", back: bool = False, **attrs: str) -> str:
    """An edge a -> b; back=True draws it as a gradient flowing from b to a."""
    parts = [f'label="{esc_quoted(label)}"'] if label else []
    if back:
        parts += ["dir=back", f'color="{EDGE_BACK}"', f'fontcolor="{EDGE_BACK}"', "style=dashed"]
    parts += [f'{k}="{esc_quoted(v)}"' for k, v in attrs.items()]
    return f'  "{a}" -> "{b}"' + (f" [{', '.join(parts)}]" if parts else "") + ";"


def esc_quoted(text: str) -> str:
    """Text made safe inside a double-quoted DOT string."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


FONT_PT = 11  # every label's size at natural size (zoom 1)
SPACING = {"nodesep": 0.25, "ranksep": 0.5}  # inches at zoom 1


def dot_head(rankdir: str, zoom: float = 1.0) -> list[str]:
    """The DOT header: layout direction, spacing and fonts, scaled by ``zoom``."""
    spacing = " ".join(f"{name}={inches * zoom:.3g};" for name, inches in SPACING.items())
    size = f"{FONT_PT * zoom:.3g}"
    return [
        "digraph G {",
        f"  rankdir={rankdir}; bgcolor=transparent; {spacing}",
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize={size}];',
        f'  edge [fontname="Helvetica", fontsize={size}];',
    ]


def dot_graph(body: list[str], rankdir: str = "LR") -> str:
    return "\n".join(dot_head(rankdir) + body + ["}"])


def zoomed(dot: str, zoom: float) -> str:
    r"""A drawing of this module with its type and spacing scaled by ``zoom`` (1: natural size).

    >>> from backprop import NetworkSpec, run
    >>> from backprop.ui.diagrams import bp_full
    >>> 'fontsize=16.5' in zoomed(bp_full(run(NetworkSpec())), 1.5)
    True
    """
    lines = dot.split("\n")
    rankdir = lines[1].split(";", 1)[0].split("=", 1)[1]
    head = len(dot_head(rankdir))
    if lines[:head] != dot_head(rankdir):
        raise ValueError("zoomed() scales only the drawings this module makes")
    return "\n".join(dot_head(rankdir, zoom) + lines[head:])


def same_rank(ids: list[str]) -> str:
    """Keep nodes in one column, top to bottom in the given order (invisible edges)."""
    if len(ids) < 2:
        return ""
    chain = " -> ".join(f'"{i}"' for i in ids)
    return f"  {{ rank=same; {chain} [style=invis]; }}"
