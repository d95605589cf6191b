r"""Checking a student's answer: strict parsing (never ``eval``), the verdict, the score.

>>> Score().record(Verdict("right", "right")).record(Verdict("malformed", "malformed.empty"))
Score(right=1, tried=1)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from backprop.core.errors import InvalidInput
from backprop.derivation.latex import number_text
from backprop.teaching.practice.exercise import LETTERS, MAX_ANSWER_CHARS, Exercise


@dataclass(frozen=True)
class Verdict:
    """The check of one answer: status "right", "wrong" or "malformed", and an i18n code with params."""

    status: str
    code: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def correct(self) -> bool:
        return self.status == "right"

    @property
    def message_key(self) -> str:
        return f"practice.verdict.{self.code}"

    @property
    def message_params(self) -> dict:
        return dict(self.params)


@dataclass(frozen=True)
class Score:
    """A session's score: answers checked and answers right (malformed ones are not counted)."""

    right: int = 0
    tried: int = 0

    def record(self, verdict: Verdict) -> Score:
        if verdict.status == "malformed":
            return self
        return Score(self.right + verdict.correct, self.tried + 1)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,2})?(/\d+)?")


def parse_number(text: str) -> Fraction:
    r"""A student's number: decimal, scientific (1e-3) or a fraction (3/4); InvalidInput otherwise.

    Parsed by ``fractions.Fraction`` after a strict pattern (never ``eval``); full-width
    digits and the minus sign − are read as ASCII. The error's ``code`` names the problem.

    >>> parse_number(" −3/4 "), parse_number("1.5e1")
    (Fraction(-3, 4), Fraction(15, 1))
    """
    clean = _normalise(text)
    if "," in clean and "." not in clean:
        raise _refuse("comma", text, "a number with a decimal point (0.5, not 0,5)")
    if not _NUMBER.fullmatch(clean):
        raise _refuse("number", text, "a number such as -0.25, 1.5e-3 or 3/4")
    try:
        return Fraction(clean)
    except ZeroDivisionError:
        raise _refuse("zero_denominator", text, "a fraction whose denominator is not 0") from None


def parse_shape(text: str) -> tuple[int, ...]:
    """A shape such as "4 x 2", "(4, 2)", "4×2" or "3"; InvalidInput otherwise.

    >>> parse_shape("(4, 2)"), parse_shape("3 × 1"), parse_shape("(2,)")
    ((4, 2), (3, 1), (2,))
    """
    clean = _normalise(text).strip("()[]")
    parts = [p for p in re.split(r"[x×*,]", clean.lower()) if p != ""]
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() and len(p) <= 5 and int(p) > 0 for p in parts):
        raise _refuse("shape", text, "a shape such as 4 x 2 (rows x columns) or 3 for a vector")
    return tuple(int(p) for p in parts)


def parse_choice(text: str, count: int) -> int:
    """A choice as a letter (A, b) or a number from 1; its 0-based index; InvalidInput otherwise.

    >>> parse_choice(" b ", 4), parse_choice("4", 4)
    (1, 3)
    """
    clean = _normalise(text).upper()
    letters = LETTERS[:count]
    if len(clean) == 1 and clean in letters:
        return letters.index(clean)
    if clean.isdigit() and 1 <= int(clean) <= count:
        return int(clean) - 1
    raise _refuse("choice", text, f"one of {', '.join(letters)} (or 1 to {count})")


def _normalise(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise _refuse("empty", text, "an answer (the box is empty)")
    if len(text) > MAX_ANSWER_CHARS:
        raise _refuse("too_long", text, f"at most {MAX_ANSWER_CHARS} characters")
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    return re.sub(r"\s+", "", text)


def _refuse(code: str, text, allowed: str) -> InvalidInput:
    error = InvalidInput("answer", text, allowed)
    error.code = code  # which problem, for the page's translated message
    return error


def check_answer(exercise: Exercise, text: str) -> Verdict:
    r"""The verdict on a student's text: right, wrong (with why) or malformed (with what is allowed).

    Message params: malformed verdicts carry ``value`` (the text, cut to 40 characters),
    ``max`` and ``letters``; wrong ones ``value`` and ``tol`` or ``picked``; right ones ``answer``.
    """
    try:
        if exercise.kind == "entry":
            return _check_number(exercise, parse_number(text))
        if exercise.kind == "shape":
            return _check_shape(exercise, parse_shape(text))
        picked = parse_choice(text, len(exercise.choices))
    except InvalidInput as error:
        shown = str(text)[:MAX_ANSWER_CHARS]
        letters = ", ".join(LETTERS[: len(exercise.choices)])
        params = (("value", shown), ("max", MAX_ANSWER_CHARS), ("letters", letters))
        return Verdict("malformed", f"malformed.{error.code}", params)
    choice = exercise.choices[picked]
    if choice.correct:
        return _right(exercise)
    return Verdict("wrong", f"why.{choice.why}", (("picked", LETTERS[picked]),))


def _right(exercise: Exercise) -> Verdict:
    return Verdict("right", "right", (("answer", exercise.answer_text),))


def _check_number(exercise: Exercise, value: Fraction) -> Verdict:
    if abs(float(value) - float(exercise.answer)) <= exercise.tolerance:
        return _right(exercise)
    params = (("value", number_text(float(value), 6)), ("tol", f"{exercise.tolerance:.3g}"))
    return Verdict("wrong", "wrong_number", params)


def _check_shape(exercise: Exercise, shape: tuple[int, ...]) -> Verdict:
    want = exercise.answer
    if shape == want or (len(want) == 1 and shape == (want[0], 1)):
        return _right(exercise)
    shown = (("value", " x ".join(map(str, shape))),)
    if len(shape) == len(want) == 2 and shape == tuple(reversed(want)):
        return Verdict("wrong", "wrong_shape_transposed", shown)
    return Verdict("wrong", "wrong_shape", shown)
