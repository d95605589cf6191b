r"""Log axes with readable ticks, for every chart of the app (heatmaps page, training page).

Plotly's own log ticks label minor ticks by their bare digits ("1, 9, 8 … 4") and start
bars from an arbitrary floor; ``log_axis`` gives Plotly's axis settings instead: 1, 2, 5 × 10^k
spelt out, or one tick per power of ten over a wide range.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def log_axis(values: np.ndarray) -> dict:
    r"""A log axis with readable ticks for ``values``: 1, 2, 5 × 10^k spelt out, or one tick per power of 10.

    Over more than three decades every power of 10 is labelled (10⁻³ ...); otherwise the
    ticks 1, 2, 5 × 10^k inside the data's range (every digit × 10^k, then half digits, when
    that gives fewer than three), written as numbers (never Plotly's lone minor digits). Non-positive values
    are left out, as a log axis leaves them.

    >>> log_axis(np.array([0.3, 2.5]))["ticktext"]
    ['0.5', '1', '2']
    """
    shown = values[np.isfinite(values) & (values > 0)]
    axis: dict[str, Any] = {"type": "log", "minor": {"showgrid": False}}
    if not shown.size:
        return axis
    lo, hi = float(shown.min()), float(shown.max())
    low, high = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    if high - low > 3:
        return {**axis, "dtick": 1, "exponentformat": "power"}
    for mantissas in (
        (1, 2, 5),
        range(1, 10),
        (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9),
    ):  # coarsest with 3 ticks
        ticks = [m * 10.0**k for k in range(low, high + 1) for m in mantissas if lo <= m * 10.0**k <= hi]
        if len(ticks) >= 3:
            break
    if len(ticks) < 2:  # narrower than one digit's step: its ends
        ticks = sorted({lo, hi})
    return {**axis, "tickvals": ticks, "ticktext": [f"{v:.3g}" for v in ticks]}
