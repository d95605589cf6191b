r"""Practice: exercises generated from a seed, answers checked, hints that unfold the index sum.

Four kinds of exercise, for the current network or a random small one:

- ``entry``: compute one entry of ∂L/∂W^(l), ∂L/∂b^(l) or ∂L/∂A^(l-1) from the matrices given
  (a number, accepted within ``tolerance``);
- ``shape``: give the shape of a gradient (denominator layout: the shape of its variable);
- ``formula``: pick the right matrix formula among tempting wrong ones (dZ Wᵀ or Wᵀ dZ?);
- ``vanish``: say which terms of the index-level double sum Σ_{s,t} vanish.

The same seed gives the same exercises, so a teacher can assign "exercise set 42".
Answers are parsed as plain text (``fractions.Fraction``, ``int``; never ``eval``); a
malformed answer gets a "malformed" verdict, which the score does not count. Every
sentence a page shows is an i18n key (``Exercise.prompt_key``, ``Hint.key``,
``Verdict.code``) with the mathematics beside it as LaTeX.

>>> exercises = exercise_set(42)
>>> exercises == exercise_set(42), len(exercises)
(True, 8)
>>> first = exercises[0]
>>> check_answer(first, first.answer_text).status
'right'

The package, one concept a module: ``exercise`` (what an exercise holds), ``generate``
(the seeded set), ``typed`` and ``choice`` (the four kinds), ``unfold`` (the hints' index
sums), ``answers`` (parsing, verdict, score).
"""

from backprop.teaching.practice.answers import (
    Score,
    Verdict,
    check_answer,
    parse_choice,
    parse_number,
    parse_shape,
)
from backprop.teaching.practice.exercise import (
    GIVEN_DIGITS,
    HAND_LIMIT,
    KINDS,
    LETTERS,
    MAX_ANSWER_CHARS,
    TARGETS,
    TOL_ABS,
    TOL_REL,
    Choice,
    Exercise,
    Given,
    Hint,
)
from backprop.teaching.practice.generate import exercise_set, network_fields, practice_spec

__all__ = [
    "GIVEN_DIGITS",
    "HAND_LIMIT",
    "KINDS",
    "LETTERS",
    "MAX_ANSWER_CHARS",
    "TARGETS",
    "TOL_ABS",
    "TOL_REL",
    "Choice",
    "Exercise",
    "Given",
    "Hint",
    "Score",
    "Verdict",
    "check_answer",
    "exercise_set",
    "parse_choice",
    "parse_number",
    "parse_shape",
    "practice_spec",
    "network_fields",
]
