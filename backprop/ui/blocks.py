r"""A large matrix reduced to the blocks a heatmap can show: each block's extreme or largest value.

A 1024 × 1024 ∂L/∂W drawn cell by cell is a million numbers sent on every rerun, in a panel
about 160 px wide, where a cell with its 1 px gap is all gap. Cut into blocks so that no side
passes ``side_for(panel px)`` (at least CELL_PX a cell, at most MAX_SIDE cells), each block
drawn as the one number that matters in it (the gradient of largest magnitude, the worst
error), it is a light page whose cells can be seen. The reduction is two passes of
``np.fmax.reduceat`` / ``np.fmin.reduceat`` (rows, then columns): no padded copy, no Python
loop, NaN ignored.
"""

from __future__ import annotations

import numpy as np

MAX_SIDE = 96  # a longer side is drawn in blocks, so a 1024 × 1024 panel stays a light page
CELL_PX = 4  # a cell drawn narrower than this is mostly its 1 px gap


def side_for(px: float) -> int:
    """Cells a side of a panel ``px`` pixels long can show: one per CELL_PX, at most MAX_SIDE."""
    return max(1, min(MAX_SIDE, int(px // CELL_PX)))


def grid(M: np.ndarray) -> np.ndarray:
    """A vector as one row (b is drawn as 1 × n); a matrix as it is."""
    return M.reshape(1, -1) if M.ndim == 1 else M


def _reduced(ufunc: np.ufunc, G: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``ufunc`` over every block of G whose first row and column are ``rows`` × ``cols`` (0-based)."""
    return ufunc.reduceat(ufunc.reduceat(G, rows, axis=0), cols, axis=1)


def blocks(M: np.ndarray, reduce: str = "extreme", max_side: int = MAX_SIDE):
    r"""M in blocks so no side passes ``max_side``: (reduced, row starts, column starts, block shape).

    A block is ⌈rows / max_side⌉ × ⌈columns / max_side⌉ entries (the last ones may be
    shorter). ``reduce`` "extreme" keeps each block's entry of largest magnitude, sign and
    all, so a large gradient stays visible (of +a and −a, +a); "max" keeps its largest value
    (the worst error). NaN entries are ignored; an all-NaN block stays NaN. Starts are
    1-based. A matrix that fits comes back as it is, with (1, 1) blocks.

    >>> Z, rows, cols, block = blocks(np.arange(6.0).reshape(1, 6) - 3, max_side=2)
    >>> Z.tolist(), cols.tolist(), block
    ([[-3.0, 2.0]], [1, 4], (1, 3))
    """
    G = grid(M)
    fr, fc = (-(-n // max_side) for n in G.shape)  # ceil: the block's rows and columns
    if (fr, fc) == (1, 1):
        return G, np.arange(1, G.shape[0] + 1), np.arange(1, G.shape[1] + 1), (1, 1)
    rows, cols = np.arange(0, G.shape[0], fr), np.arange(0, G.shape[1], fc)
    high = _reduced(np.fmax, G, rows, cols)
    if reduce == "extreme":
        low = _reduced(np.fmin, G, rows, cols)
        high = np.where(high >= -low, high, low)  # NaN compares false: an all-NaN block stays NaN
    return high, rows + 1, cols + 1, (fr, fc)
