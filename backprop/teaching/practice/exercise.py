r"""What an exercise is: the matrices it gives, its choices, its hints, its answer.

>>> Hint("practice.hint.answer", "x = 1").key
'practice.hint.answer'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from backprop.derivation.latex import matrix_tex

if TYPE_CHECKING:
    import sympy as sp

KINDS = ("entry", "shape", "formula", "vanish")
TARGETS = ("W", "b", "A_prev")
HAND_LIMIT = 8  # batch and widths of a network worked by hand
TOL_ABS, TOL_REL = 0.005, 0.005  # a numeric answer is right within max(TOL_ABS, TOL_REL |answer|)
GIVEN_DIGITS = 4  # significant digits of the numbers an exercise gives
MAX_ANSWER_CHARS = 40
LETTERS = "ABCD"


@dataclass(frozen=True)
class Given:
    """A matrix the exercise shows: its label, LaTeX symbol and values (nested tuples)."""

    label: str
    tex: str
    values: tuple

    @property
    def values_tex(self) -> str:
        """The values as a LaTeX matrix, every digit the exercise gives."""
        return matrix_tex(np.array(self.values, dtype=object), GIVEN_DIGITS)


@dataclass(frozen=True)
class Choice:
    r"""One option of a multiple-choice exercise; ``why`` is the i18n code of its explanation."""

    tex: str
    correct: bool
    why: str  # "right", "order", "transpose", "layout", "notes", "rows", "whole", "matmul", "g", ...


@dataclass(frozen=True)
class Hint:
    """One step of the unfolding: an i18n sentence key and the mathematics of the step."""

    key: str
    tex: str


@dataclass(frozen=True)
class Exercise:
    r"""One exercise; ``answer`` is a number (entry), a shape (shape) or a choice index.

    ``index`` is 1-based, as on screen. ``hints`` end at the full answer. ``params`` fill
    the placeholders of the prompt sentence (``prompt_key``).
    """

    number: int
    kind: str
    target: str  # "W", "b", "A_prev" or "Z"
    l: int
    index: tuple[int, ...]
    question_tex: str
    given: tuple[Given, ...]
    choices: tuple[Choice, ...]
    # entry: a float, or an exact SymPy Rational by hand; shape: a tuple of ints; choice: a 0-based int
    answer: float | sp.Basic | tuple[int, ...]
    answer_text: str  # what a student would type for the right answer
    answer_tex: str
    tolerance: float
    hints: tuple[Hint, ...]
    params: tuple[tuple[str, object], ...] = field(default=())

    @property
    def prompt_key(self) -> str:
        """``practice.prompt.<kind>.<target>``; an exact entry exercise (no tolerance) has its own."""
        kind = "entry_exact" if self.kind == "entry" and self.tolerance == 0 else self.kind
        return f"practice.prompt.{kind}.{self.target}"

    @property
    def prompt_params(self) -> dict:
        return dict(self.params)

    def number_answer(self) -> float | sp.Basic:
        """The answer of an entry exercise: a float, or an exact SymPy Rational."""
        if isinstance(self.answer, tuple) or self.kind != "entry":
            raise TypeError(f"exercise {self.number} is a {self.kind} exercise: its answer is not a number")
        return self.answer

    def shape_answer(self) -> tuple[int, ...]:
        """The answer of a shape exercise: the rows (and columns) of the gradient."""
        if not isinstance(self.answer, tuple):
            raise TypeError(f"exercise {self.number} is a {self.kind} exercise: its answer is not a shape")
        return self.answer

    def choice_answer(self) -> int:
        """The answer of a multiple-choice exercise: the 0-based index of the right choice."""
        if not isinstance(self.answer, int) or self.kind not in ("formula", "vanish"):
            raise TypeError(f"exercise {self.number} is a {self.kind} exercise: its answer is not a choice")
        return self.answer
