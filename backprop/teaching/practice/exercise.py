r"""What an exercise is: the matrices it gives, its choices, its hints, its answer.

>>> Hint("practice.hint.answer", "x = 1").key
'practice.hint.answer'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backprop.derivation.latex import matrix_tex

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
    the placeholders of the prompt sentence ``practice.prompt.<kind>.<target>``.
    """

    number: int
    kind: str
    target: str  # "W", "b", "A_prev" or "Z"
    l: int
    index: tuple[int, ...]
    question_tex: str
    given: tuple[Given, ...]
    choices: tuple[Choice, ...]
    answer: object  # Fraction-comparable number, tuple of ints, or int (0-based choice)
    answer_text: str  # what a student would type for the right answer
    answer_tex: str
    tolerance: float
    hints: tuple[Hint, ...]
    params: tuple[tuple[str, object], ...] = field(default=())

    @property
    def prompt_key(self) -> str:
        return f"practice.prompt.{self.kind}.{self.target}"

    @property
    def prompt_params(self) -> dict:
        return dict(self.params)
