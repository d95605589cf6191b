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
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy as sp

from .errors import InvalidInput
from .exact import supports_exact, with_values
from .network import run
from .spec import NetworkSpec
from .steps import matrix_tex, number_tex, number_text, sym, sym_t

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


# ---- generating ----------------------------------------------------------------------------


def practice_spec(seed: int) -> NetworkSpec:
    """A random small network for hand work, from the seed: 1-2 hidden layers, integer weights, mse."""
    rng = np.random.default_rng([_seed(seed), 8, 0])
    L = int(rng.integers(1, 3)) + 1
    sizes = (int(rng.integers(2, 4)),) + tuple(int(rng.integers(1, 4)) for _ in range(L))
    hidden = tuple(str(rng.choice(["relu", "identity", "sigmoid", "tanh", "relu"])) for _ in range(L - 1))
    return NetworkSpec(
        sizes=sizes,
        activations=hidden + ("identity",),
        loss="mse",
        reduction="sum",
        batch=int(rng.integers(2, 4)),
        seed=_seed(seed),
        init="integers",
    )


def exercise_set(
    seed: int, spec: NetworkSpec | None = None, count: int = 8, exact: bool | None = None, trace=None
) -> tuple[Exercise, ...]:
    r"""``count`` exercises from the seed, on ``spec`` or (None) on ``practice_spec(seed)``.

    ``trace`` (a Trace of ``spec``, e.g. with edited weights) replaces the seeded values.
    Every kind comes up (in a seeded order); numbers are exact fractions when the network
    allows hand-calculation mode (``exact`` None: whenever it can). InvalidInput if the
    network is too big to work by hand.
    """
    seed = _seed(seed)
    if trace is not None:
        spec = trace.spec
    spec = practice_spec(seed) if spec is None else spec
    if spec.m > HAND_LIMIT or max(spec.sizes) > HAND_LIMIT:
        raise InvalidInput(
            "network for practice",
            f"sizes {list(spec.sizes)}, batch {spec.m}",
            f"widths and a batch of at most {HAND_LIMIT} (or a random small network)",
        )
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 40:
        raise InvalidInput("number of exercises", count, "a whole number from 1 to 40")
    trace = run(spec) if trace is None else trace
    exact = supports_exact(spec) if exact is None else exact
    if exact:
        try:
            trace = with_values(trace, True)
        except InvalidInput:  # edited values that are not whole numbers: decimals it is
            pass
    rng = np.random.default_rng([seed, 8, 1])
    kinds = [KINDS[i % len(KINDS)] for i in range(count)]
    rng.shuffle(kinds)
    makers = {"entry": _entry, "shape": _shape, "formula": _formula, "vanish": _vanish}
    return tuple(makers[kind](number, trace, rng) for number, kind in enumerate(kinds, start=1))


def _seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise InvalidInput("exercise set", seed, "a whole number from 0 to 4294967295")
    return int(seed)


def _given(values) -> tuple:
    """Values as shown: exact numbers as they are, floats to GIVEN_DIGITS significant digits."""
    if isinstance(values, np.ndarray) and values.ndim > 0:
        return tuple(_given(v) for v in values)
    if isinstance(values, sp.Basic):
        return values
    return float(f"{float(values):.{GIVEN_DIGITS}g}")


def _ij(*index) -> str:
    wide = all(isinstance(i, int) for i in index) and max(index) > 9
    return ("," if wide else "").join(str(i) for i in index)


def _var(target: str, index) -> str:
    """The entry's name in the index sums: w_ij, b_i or a_ij (the layer left implicit)."""
    return {"W": "w", "b": "b", "A_prev": "a"}[target] + "_{" + _ij(*index) + "}"


def _entry(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    layer = trace.layers[l - 1]
    target = TARGETS[int(rng.integers(0, 3))]
    n_in, n_out, m = layer.W.shape[0], layer.W.shape[1], spec.m
    dZ = _given(layer.dZ)
    given_dZ = Given(f"dZ^({l})", r"\frac{\partial L}{\partial Z^{(" + str(l) + ")}}", dZ)
    if target == "W":
        i, j = int(rng.integers(1, n_in + 1)), int(rng.integers(1, n_out + 1))
        A_prev = _given(layer.A_prev)
        given = (Given(f"A^({l - 1})", f"A^{{({l - 1})}}", A_prev), given_dZ)
        terms = [(dZ[s][j - 1], A_prev[s][i - 1]) for s in range(m)]
        index = (i, j)
    elif target == "b":
        i = int(rng.integers(1, n_out + 1))
        given = (given_dZ,)
        terms = [(dZ[s][i - 1], None) for s in range(m)]
        index = (i,)
    else:
        i, j = int(rng.integers(1, m + 1)), int(rng.integers(1, n_in + 1))
        W = _given(layer.W)
        given = (given_dZ, Given(f"W^({l})", f"W^{{({l})}}", W))
        terms = [(dZ[i - 1][t], W[j - 1][t]) for t in range(n_out)]
        index = (i, j)
    answer = _sum_terms(terms)
    question = _entry_symbol(target, l, index)
    hints = _sum_hints(target, index, m, n_out) + (
        Hint("practice.hint.numbers", "= " + " + ".join(_term_tex(a, b) for a, b in terms)),
        Hint("practice.hint.answer", question + " = " + number_tex(answer, 6)),
    )
    return Exercise(
        number,
        "entry",
        target,
        l,
        index,
        question,
        given,
        (),
        answer,
        number_text(answer, 6),
        number_tex(answer, 6),
        max(TOL_ABS, TOL_REL * abs(float(answer))),
        hints,
        (("l", l), ("tol_abs", TOL_ABS), ("tol_rel", f"{TOL_REL:.1%}")),
    )


def _sum_terms(terms):
    """Σ a·b (or Σ a) exactly: SymPy numbers as they are, shown decimals as exact decimal fractions."""
    exact = any(isinstance(a, sp.Basic) for a, _ in terms)
    total = sp.Integer(0) if exact else Fraction(0)
    for a, b in terms:
        a = a if exact else Fraction(repr(a))
        total += a if b is None else a * (b if exact else Fraction(repr(b)))
    return total if exact else float(total)


def _term_tex(a, b) -> str:
    if b is None:
        return _paren(number_tex(a, 6))
    return _paren(number_tex(a, 6)) + r"\cdot" + _paren(number_tex(b, 6))


def _paren(tex: str) -> str:
    return f"({tex})" if tex.startswith("-") else tex


def _entry_symbol(target: str, l: int, index: tuple[int, ...]) -> str:
    """∂L/∂w^(l)_ij, ∂L/∂b^(l)_i or ∂L/∂a^(l-1)_ij in LaTeX."""
    letter, layer = {"W": ("w", l), "b": ("b", l), "A_prev": ("a", l - 1)}[target]
    return r"\frac{\partial L}{\partial " + f"{letter}^{{({layer})}}_{{{_ij(*index)}}}" + "}"


def _sum_hints(target: str, index, m, n) -> tuple[Hint, ...]:
    r"""The index-level unfolding: the double sum, the local derivative, the single sum.

    ∂L/∂w_ij = Σ_s Σ_t ∂L/∂z_st ∂z_st/∂w_ij, ∂z_st/∂w_ij = a_si if t = j else 0,
    so ∂L/∂w_ij = Σ_s ∂L/∂z_sj a_si (and alike for b_i and a_ij).
    """
    var = _var(target, index)
    i = str(index[0])
    if target == "b":
        local = _cases("1", "t = " + i, "t \\ne " + i)
        collapsed = r"\sum_{s=1}^{" + str(m) + r"} \frac{\partial L}{\partial z_{s" + i + "}}"
    elif target == "W":
        j = str(index[1])
        local = _cases("a_{s" + i + "}", "t = " + j, "t \\ne " + j)
        collapsed = r"\sum_{s=1}^{" + str(m) + "} " + _d("z_{s" + j + "}") + r"\, a_{s" + i + "}"
    else:
        j = str(index[1])
        local = _cases("w_{" + j + "t}", "s = " + i, "s \\ne " + i)
        collapsed = r"\sum_{t=1}^{" + str(n) + "} " + _d("z_{" + i + "t}") + r"\, w_{" + j + "t}"
    dL = r"\frac{\partial L}{\partial " + var + "}"
    double = (
        dL
        + r" = \sum_{s=1}^{"
        + str(m)
        + r"} \sum_{t=1}^{"
        + str(n)
        + r"} \frac{\partial L}{\partial z_{st}} \frac{\partial z_{st}}{\partial "
        + var
        + "}"
    )
    return (
        Hint("practice.hint.double_sum", double),
        Hint(f"practice.hint.local.{target}", r"\frac{\partial z_{st}}{\partial " + var + "} = " + local),
        Hint(f"practice.hint.collapse.{target}", dL + " = " + collapsed),
    )


def _d(symbol: str) -> str:
    r"""∂L/∂symbol in LaTeX."""
    return r"\frac{\partial L}{\partial " + symbol + "}"


def _cases(value: str, when: str, otherwise: str) -> str:
    return r"\begin{cases} " + value + r" & " + when + r" \\ 0 & " + otherwise + r" \end{cases}"


def _shape(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    target = ("W", "b", "A_prev", "Z")[int(rng.integers(0, 4))]
    n_in, n_out, m = spec.sizes[l - 1], spec.sizes[l], spec.m
    shape, variable, sizes_tex = {
        "W": ((n_in, n_out), f"W^{{({l})}}", f"n_{{{l - 1}}} \\times n_{{{l}}}"),
        "b": ((n_out,), f"b^{{({l})}}", f"n_{{{l}}}"),
        "A_prev": ((m, n_in), f"A^{{({l - 1})}}", f"m \\times n_{{{l - 1}}}"),
        "Z": ((m, n_out), f"Z^{{({l})}}", f"m \\times n_{{{l}}}"),
    }[target]
    answer_tex = r" \times ".join(map(str, shape))
    question = _d(variable)
    shape_of = r"\operatorname{shape} "
    hints = (
        Hint("practice.hint.shape.layout", shape_of + question + " = " + shape_of + variable),
        Hint("practice.hint.shape.sizes", variable + r" \in \mathbb{R}^{" + sizes_tex + "}"),
        Hint("practice.hint.answer", question + r" \in \mathbb{R}^{" + answer_tex + "}"),
    )
    return Exercise(
        number,
        "shape",
        target,
        l,
        (),
        question,
        (),
        (),
        shape,
        " x ".join(map(str, shape)),
        answer_tex,
        0.0,
        hints,
        (("l", l),),
    )


def _formula(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    targets = ["W", "b", "A_prev"] + (["Z"] if spec.activations[l - 1] != "softmax" else [])
    target = targets[int(rng.integers(0, len(targets)))]
    A_prev, W, Z = sym("A", l - 1), sym("W", l), sym("Z", l)
    A_prev_T, W_T, T = sym_t("A", l - 1), sym_t("W", l), r"^{\top}"
    dZ, dA = _d(Z), _d(sym("A", l))
    ones = r"\mathbf{1}_{" + str(spec.m) + "}"
    options = {
        "W": [
            (A_prev_T + " " + dZ, "right"),
            (dZ + " " + A_prev_T, "order"),
            (r"\left(" + dZ + r"\right)" + T + " " + A_prev, "layout"),
            (A_prev + " " + dZ, "transpose"),
        ],
        "b": [
            (r"\left(" + ones + T + " " + dZ + r"\right)" + T, "right"),
            (dZ + r"\, \mathbf{1}", "rows"),
            (r"\mathbf{1}", "notes"),
            (dZ, "whole"),
        ],
        "A_prev": [
            (dZ + " " + W_T, "right"),
            (W_T + " " + dZ, "order"),
            (dZ + " " + W, "transpose"),
            (W, "notes"),
        ],
        "Z": [
            (dA + r" \odot g'(" + Z + ")", "right"),
            (dA + r"\, g'(" + Z + ")", "matmul"),
            (r"g'(" + Z + ")" + T + " " + dA, "order"),
            (dA + r" \odot g(" + Z + ")", "g"),
        ],
    }[target]
    order = rng.permutation(len(options))
    choices = tuple(Choice(options[k][0], options[k][1] == "right", options[k][1]) for k in order)
    answer = next(k for k, c in enumerate(choices) if c.correct)
    lhs = {"W": _d(W), "b": _d(sym("b", l)), "A_prev": _d(A_prev), "Z": dZ}[target]
    right = choices[answer].tex
    if target == "Z":
        hints = (
            Hint(
                "practice.hint.activation",
                r"a_{st} = g(z_{st}) \;\Rightarrow\; "
                + _d("z_{st}")
                + " = "
                + _d("a_{st}")
                + r"\, g'(z_{st})",
            ),
            Hint(
                "practice.hint.elementwise",
                r"\left(" + dA + r" \odot g'(" + Z + r")\right)_{st} = " + _d("a_{st}") + r"\, g'(z_{st})",
            ),
        )
    else:
        hints = _sum_hints(target, {"W": ("i", "j"), "b": ("i",), "A_prev": ("i", "j")}[target], "m", "n")
        hints += (Hint(f"practice.hint.matrix.{target}", lhs + " = " + right),)
    hints += (Hint("practice.hint.answer", f"\\text{{{LETTERS[answer]}}}:\\; " + lhs + " = " + right),)
    return Exercise(
        number,
        "formula",
        target,
        l,
        (),
        lhs,
        (),
        choices,
        answer,
        LETTERS[answer],
        right,
        0.0,
        hints,
        (("l", l),),
    )


def _vanish(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    n_in, n_out, m = spec.sizes[l - 1], spec.sizes[l], spec.m
    pairs = [(s, t) for s in range(1, m + 1) for t in range(1, n_out + 1)]
    for target in rng.permutation(TARGETS):  # a target whose sum has terms that vanish, if there is one
        target = str(target)
        if target == "W":
            index = (int(rng.integers(1, n_in + 1)), int(rng.integers(1, n_out + 1)))
            right, wrong = ("t", index[1]), [("s", index[0]), ("none", 0), ("t", index[0]), ("st", 0)]
        elif target == "b":
            index = (int(rng.integers(1, n_out + 1)),)
            right, wrong = ("t", index[0]), [("s", index[0]), ("none", 0), ("st", 0)]
        else:
            index = (int(rng.integers(1, m + 1)), int(rng.integers(1, n_in + 1)))
            right, wrong = ("s", index[0]), [("t", index[1]), ("none", 0), ("s", index[1]), ("st", 0)]
        if _vanishing(right, pairs):
            break
    options, seen = [right], [_vanishing(right, pairs)]
    for option in wrong:  # tempting wrong conditions, each removing a different set of terms
        if _vanishing(option, pairs) not in seen and len(options) < 4:
            options.append(option)
            seen.append(_vanishing(option, pairs))
    order = rng.permutation(len(options))
    choices = tuple(
        Choice(_condition_tex(options[k]), options[k] == right, "right" if options[k] == right else "vanish")
        for k in order
    )
    answer = next(k for k, c in enumerate(choices) if c.correct)
    vanishing = len(_vanishing(right, pairs))
    unfolded = _sum_hints(target, index, m, n_out)
    question = unfolded[0].tex.replace(_d(_var(target, index)), _entry_symbol(target, l, index), 1)
    hints = (
        Hint("practice.hint.depends", r"z_{st} = \sum_{k} a_{sk} w_{kt} + b_t"),
        unfolded[1],
        Hint("practice.hint.vanish_answer", f"\\text{{{LETTERS[answer]}}}:\\; " + choices[answer].tex),
    )
    return Exercise(
        number,
        "vanish",
        target,
        l,
        index,
        question,
        (),
        choices,
        answer,
        LETTERS[answer],
        choices[answer].tex,
        0.0,
        hints,
        (("l", l), ("terms", len(pairs)), ("vanishing", vanishing)),
    )


def _vanishing(condition: tuple[str, int], pairs) -> list[tuple[int, int]]:
    """The terms (s, t) a condition such as ("t", 2) (t ≠ 2), ("st", 0) (s ≠ t) or ("none", 0) removes."""
    kind, value = condition
    if kind == "none":
        return []
    if kind == "st":
        return [(s, t) for s, t in pairs if s != t]
    return [(s, t) for s, t in pairs if (s if kind == "s" else t) != value]


def _condition_tex(condition: tuple[str, int]) -> str:
    kind, value = condition
    return {"none": r"\varnothing", "st": r"s \ne t"}.get(kind, f"{kind} \\ne {value}")


# ---- checking -----------------------------------------------------------------------------

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
