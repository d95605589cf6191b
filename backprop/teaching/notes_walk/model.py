r"""What the walk through the notes is made of: steps, checks, evidence, mistakes.

Everything here is language-free. Text a student reads is named by a catalogue key
(``notes.step.<key>.title``, ``notes.evidence.<key>``, ...) that the page translates;
numbers and shapes go into the key's placeholders as ready-made strings; formulas are
LaTeX, the same in every language.

>>> check = Check("numbers", True, (Evidence("max_diff", {"diff": "0"}),))
>>> check.verdict, check.evidence[0].params
('verified', {'diff': '0'})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from backprop.derivation.numbers import number_text

METHODS = ("sympy", "numbers", "shapes", "finite_differences", "reading")


@dataclass(frozen=True)
class Evidence:
    r"""One line of a check's evidence: catalogue key ``notes.evidence.<key>``, its placeholders, a formula.

    ``data`` holds the raw values behind the line (indices 0-based, floats unrounded),
    so a test can recompute them; the screen shows only ``fmt`` and ``latex``.
    """

    key: str
    fmt: Mapping[str, str] = field(default_factory=dict)
    latex: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        return dict(self.fmt)


@dataclass(frozen=True)
class Check:
    r"""One way of checking a statement on the current network, and whether it holds.

    ``method`` is one of METHODS; ``holds`` is the verdict: True (verified), False
    (refuted) or None (not judged: e.g. every entry tried sits at a kink of relu).
    """

    method: str
    holds: bool | None
    evidence: tuple[Evidence, ...] = ()

    @property
    def verdict(self) -> str:
        return _verdict(self.holds)


def _verdict(holds: bool | None) -> str:
    return {True: "verified", False: "refuted", None: "unjudged"}[holds]


def combined(checks) -> bool | None:
    """False if any check refutes, True if some verify and none refutes, None if none judged."""
    results = [check.holds for check in checks]
    if False in results:
        return False
    return True if True in results else None


@dataclass(frozen=True)
class Step:
    r"""A statement of the notes (or one they leave out), with its checks.

    ``statement`` is LaTeX as the notes write it, typos included (``typos`` names the
    docs/notes.md mistakes it carries); the checks test what it means. ``origin`` is "notes"
    or "omitted".
    """

    key: str
    statement: str
    checks: tuple[Check, ...]
    origin: str = "notes"
    typos: tuple[int, ...] = ()

    @property
    def holds(self) -> bool | None:
        return combined(self.checks)

    @property
    def verdict(self) -> str:
        return _verdict(self.holds)


@dataclass(frozen=True)
class Mistake:
    r"""One mistake of the notes (docs/notes.md's nine, 10 to 13 beyond): statement, refutation, correction.

    ``refutation`` does not hold (that is the point); the checks of ``correction`` do.
    """

    number: int
    key: str
    statement: str
    refutation: Check
    corrected: str
    correction: tuple[Check, ...]

    @property
    def corrected_holds(self) -> bool | None:
        return combined(self.correction)

    @property
    def corrected_verdict(self) -> str:
        return _verdict(self.corrected_holds)


@dataclass(frozen=True)
class Section:
    r"""One section of the notes: its catalogue key, the figure it refers to, its items in order."""

    key: str
    items: tuple[Step | Mistake, ...]
    figure: str | None = None


def fmt_number(x: float, digits: int = 6) -> str:
    r"""A float as the screen shows it: 6 significant digits, -0 shown as 0.

    >>> fmt_number(0.1234567), fmt_number(-0.0), fmt_number(3e-17)
    ('0.123457', '0', '3e-17')
    """
    return number_text(x, digits)


def fmt_shape(shape: tuple[int, ...]) -> str:
    r"""(3, 4) -> '3 × 4'; (4,) -> '4'."""
    return " × ".join(str(n) for n in shape)


def fmt_index(index: tuple[int, ...]) -> str:
    r"""A 0-based index as the notes write it, 1-based: (0, 2) -> '1,3'."""
    return ",".join(str(i + 1) for i in index)


def matrix_latex(M, digits: int = 4, limit: int = 8) -> str:
    r"""A small array as a LaTeX bmatrix (a vector as a column), cut with dots past ``limit``.

    >>> matrix_latex(np.array([[1.0, 0.5]]))
    '\\begin{bmatrix} 1 & 0.5 \\end{bmatrix}'
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim == 1:
        M = M[:, None]
    rows, cols = min(M.shape[0], limit), min(M.shape[1], limit)
    lines = []
    for r in range(rows):
        cells = [fmt_number(M[r, c], digits) for c in range(cols)]
        if cols < M.shape[1]:
            cells.append(r"\cdots")
        lines.append(" & ".join(cells))
    if rows < M.shape[0]:
        lines.append(" & ".join([r"\vdots"] * (cols + (cols < M.shape[1]))))
    return r"\begin{bmatrix} " + r" \\ ".join(lines) + r" \end{bmatrix}"
