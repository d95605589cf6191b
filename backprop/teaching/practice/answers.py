r"""Checking a student's answer: strict parsing (never ``eval``), the verdict, the score.

A numeric answer is right only with the right sign and within

    tol = max(1% · |key|, min(5e-4 · Σ_k |t_k|, 10% · |key|))

of the key, where t_k are the terms of the exercise's sum (Σ_s dz_sj a_si, ...) computed
from the numbers shown. Why: the numbers are shown to 4 significant digits and the key is
computed exactly from them, so a student who carries those digits lands within 1% (a
final answer rounded to 4 digits is off by 0.05%). A student who rounds each term to 4
digits may be off by half a unit of its 4th digit, 5e-4 |t_k|, per term: when the terms
cancel that can exceed 1% of the key, so the floor grows with Σ|t_k|, but never past 10%
of the key, so "0", the key's negative or three times a small key are never right (the
former max(0.005, 0.5%) accepted all three for a key of 0.002). A key of exactly 0 needs 0.
Exact exercises (hand-calculation mode, the key a fraction): the fraction itself, or a
decimal with at least 4 significant digits or 4 decimal places that is the key rounded or
cut at its last digit.

One score per exercise: the first checked answer of an exercise counts (``Score.record``
with its slot); later checks show their verdict and change nothing.

>>> Score().record(Verdict("right", "right"), "ex1").record(Verdict("wrong", "x"), "ex1")
Score(right=1, tried=1)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from backprop.core.errors import InvalidInput
from backprop.derivation.latex import number_text
from backprop.teaching.practice.exercise import GIVEN_DIGITS, LETTERS, MAX_ANSWER_CHARS, Exercise

REL_TOL = 0.01  # of |key|: a student carrying the 4 digits shown lands well within
TERM_ROUNDING = 0.5 * 10.0 ** (1 - GIVEN_DIGITS)  # half a unit of the 4th digit, per term
MAX_SHARE = 0.1  # the tolerance never exceeds this share of |key|
EXACT_DIGITS = GIVEN_DIGITS  # a decimal for an exact key: this many significant digits or places


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
    r"""A session's score: exercises checked and exercises right, the first answer of each.

    ``firsts`` holds (slot, right) of every counted exercise. Malformed answers are not counted.
    """

    right: int = 0
    tried: int = 0
    firsts: tuple[tuple[object, bool], ...] = field(default=(), repr=False)

    def first(self, slot) -> bool | None:
        """Whether the counted (first) answer of ``slot`` was right; None if none counted yet."""
        return next((right for s, right in self.firsts if s == slot), None)

    def record(self, verdict: Verdict, slot=None) -> Score:
        """The score with ``verdict`` counted, unless malformed or ``slot`` already counted."""
        if verdict.status == "malformed" or (slot is not None and self.first(slot) is not None):
            return self
        firsts = self.firsts + (((slot, verdict.correct),) if slot is not None else ())
        return Score(self.right + verdict.correct, self.tried + 1, firsts)


def number_tolerance(key, terms=()) -> float:
    r"""max(1% |key|, min(5e-4 Σ|t_k|, 10% |key|)) for a float key; 0 for a key of 0 (see the module)."""
    size = abs(float(key))
    spread = TERM_ROUNDING * sum(abs(float(t)) for t in terms)
    return max(REL_TOL * size, min(spread, MAX_SHARE * size))


def is_exact(key) -> bool:
    """Whether a key is an exact fraction (hand-calculation mode)."""
    return isinstance(key, Fraction) or (isinstance(key, sp.Basic) and bool(key.is_Rational))


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


class AnswerRefused(InvalidInput):
    """A student's text that is not an answer; ``code`` names the problem for the translated message."""

    def __init__(self, code: str, text: object, allowed: str):
        super().__init__("answer", text, allowed)
        self.code = code


def _refuse(code: str, text, allowed: str) -> AnswerRefused:
    return AnswerRefused(code, text, allowed)


# An exact answer off by at most this share of it (1 %) is taken as a rounding of it, and the
# verdict says how to write it exactly; further off, it is simply not the answer.
NEAR = Fraction(1, 100)


def check_answer(exercise: Exercise, text: str) -> Verdict:
    r"""The verdict on a student's text: right, wrong (with why) or malformed (with what is allowed).

    Message params: malformed verdicts carry ``value`` (the text, cut to 40 characters),
    ``max`` and ``letters``; wrong ones ``value`` and ``tol`` or ``picked``; right ones ``answer``.
    """
    try:
        if exercise.kind == "entry":
            return _check_number(exercise, parse_number(text), text)
        if exercise.kind == "shape":
            return _check_shape(exercise, parse_shape(text))
        picked = parse_choice(text, len(exercise.choices))
    except AnswerRefused as error:
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


def _check_number(exercise: Exercise, value: Fraction, text: str) -> Verdict:
    key = exercise.number_answer()
    shown = (("value", number_text(float(value), 6)),)
    if is_exact(key):
        exact = Fraction(int(sp.Rational(key).p), int(sp.Rational(key).q))
        if value == exact or _decimal_of(exact, value, _normalise(text)):
            return _right(exercise)
        if value != 0 and exact != 0 and (value > 0) != (exact > 0):
            return Verdict("wrong", "wrong_sign", shown)
        if abs(value - exact) <= max(NEAR * abs(exact), Fraction(1, 10**EXACT_DIGITS)):
            # near the answer: what is missing is exactness, so say how to write it
            return Verdict("wrong", "wrong_exact", shown + (("digits", EXACT_DIGITS),))
        return Verdict("wrong", "wrong_value", shown)
    key = float(key)
    if value != 0 and key != 0 and (value > 0) != (key > 0):
        return Verdict("wrong", "wrong_sign", shown)
    if abs(float(value) - key) <= exercise.tolerance * (1 + 1e-9):  # inclusive despite binary rounding
        return _right(exercise)
    return Verdict("wrong", "wrong_number", shown + (("tol", f"{exercise.tolerance:.3g}"),))


_DECIMAL = re.compile(r"[+-]?(?P<int>\d*)(\.(?P<frac>\d*))?([eE](?P<exp>[+-]?\d+))?")


def _decimal_of(key: Fraction, value: Fraction, clean: str) -> bool:
    r"""Whether ``clean`` is ``key`` as a decimal cut or rounded at its last digit.

    It needs EXACT_DIGITS significant digits or decimal places, the key's sign, and
    |value - key| < one unit of its last digit.
    """
    match = _DECIMAL.fullmatch(clean)
    if match is None or "/" in clean:
        return False
    digits = (match["int"] or "") + (match["frac"] or "")
    places = len(match["frac"] or "") - int(match["exp"] or 0)  # the last digit is 10^-places
    significant = len(digits.lstrip("0"))
    if significant < EXACT_DIGITS and places < EXACT_DIGITS:
        return False
    if key != 0 and value != 0 and (key > 0) != (value > 0):
        return False
    return abs(value - key) < Fraction(1, 10**places) if places >= 0 else abs(value - key) < 10**-places


def _check_shape(exercise: Exercise, shape: tuple[int, ...]) -> Verdict:
    want = exercise.shape_answer()
    if shape == want or (len(want) == 1 and shape == (want[0], 1)):
        return _right(exercise)
    shown = (("value", " x ".join(map(str, shape))),)
    if len(shape) == len(want) == 2 and shape == tuple(reversed(want)):
        return Verdict("wrong", "wrong_shape_transposed", shown)
    return Verdict("wrong", "wrong_shape", shown)
