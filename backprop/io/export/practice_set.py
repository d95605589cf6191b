r"""A practice set as LMS questions: text, answers, tolerances and feedback, in English or 中文.

Moodle XML (``moodle.py``) and QTI 2.1 (``qti.py``) write the same questions: the practice
page's exercise set ``seed`` (``exercise_set``: the same seed, the same set), on the page's
random small network or on a given trace. Every sentence is the app's own (the ``practice``
catalogue), so a student reads in the LMS what the app says. Formulas are TeX between
``\( \)`` (inline) and ``\[ \]`` (display), which Moodle's MathJax filter and Canvas
typeset; the HTML escapes TeX's ``&`` and ``<``.

Numerical answers are right within the app grader's absolute tolerance (``grader_tolerance``);
shapes accept every spelling the app's parser reads as right (``accepted_shapes``); each
wrong choice carries the app's explanation of that mistake.

>>> questions = practice_questions(42)
>>> [q.kind for q in questions][:4], questions[0].answer, questions[0].tolerance
(['numerical', 'choice', 'choice', 'text'], '-44', 0.0)
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from fractions import Fraction

from backprop.core.errors import InvalidInput
from backprop.core.spec import NetworkSpec
from backprop.io.export.document import Code, Math, para
from backprop.locales import LANGUAGES, translate
from backprop.teaching.practice import HAND_LIMIT, LETTERS, exercise_set, network_fields, practice_spec
from backprop.teaching.practice.answers import is_exact
from backprop.teaching.practice.exercise import Exercise

COUNT = 8  # exercises in a set, as on the practice page
KIND = {"entry": "numerical", "shape": "text", "formula": "choice", "vanish": "choice"}


@dataclass(frozen=True)
class Practice:
    """Which practice set an LMS export writes: set ``seed``, in ``lang``, on which network.

    ``current`` False: the practice page's random small network of the set (its default);
    True: the network being exported (the page's "current network").
    """

    seed: int = 1
    lang: str = "en"
    current: bool = False


def practice_problem(spec: NetworkSpec, practice: Practice) -> InvalidInput | None:
    """Why the practice set cannot be written (bad set number, language, or a network too big), or None."""
    if (
        isinstance(practice.seed, bool)
        or not isinstance(practice.seed, int)
        or not 0 <= practice.seed < 2**32
    ):
        return InvalidInput(
            "exercise set",
            practice.seed,
            "a whole number from 0 to 4294967295",
            code="practice_seed",
            limit=2**32 - 1,
        )
    if practice.lang not in LANGUAGES:
        return InvalidInput("language", practice.lang, " or ".join(LANGUAGES), code="practice_lang")
    if practice.current and (spec.m > HAND_LIMIT or max(spec.sizes) > HAND_LIMIT):
        return InvalidInput(
            "network for practice",
            f"sizes {list(spec.sizes)}, batch {spec.m}",
            f"widths and a batch of at most {HAND_LIMIT} (or the random small network of the set)",
            code="practice_network",
            sizes="-".join(map(str, spec.sizes)),
            m=spec.m,
            limit=HAND_LIMIT,
        )
    return None


@dataclass(frozen=True)
class Option:
    """One choice: its letter, its formula as HTML, whether it is right, the app's feedback on it."""

    letter: str
    html: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    r"""One exercise as an LMS question; ``kind`` is "numerical", "choice" or "text" (a shape).

    ``answer``: the decimal (numerical), the right letter (choice) or the shape as the app
    writes it (text). ``accepted``: every text answer that is right; ``near``: wrong text
    answers with their own feedback ``near_feedback`` (the transposed shape). HTML fields
    hold TeX in \( \).
    """

    ident: str
    number: int
    kind: str
    name: str
    text: str
    solution: str
    answer: str
    tolerance: float
    options: tuple[Option, ...]
    accepted: tuple[str, ...]
    near: tuple[str, ...]
    near_feedback: str
    right: str
    wrong: str


def grader_tolerance(exercise: Exercise) -> float:
    r"""The absolute tolerance an LMS applies around a numerical exercise's answer.

    Decimal exercises: the app grader's own, ``exercise.tolerance`` (``answers.number_tolerance``),
    which is below |key|, so the sign must be right. Exact exercises: the app wants the
    fraction or a decimal of at least 4 significant digits, rounded or cut; an LMS's number
    field takes no fraction, so a key whose decimal ends within 10 digits needs it exactly
    (tolerance 0) and any other (1/3) is accepted within one unit of its 4th significant digit.

    >>> from fractions import Fraction
    >>> _exact_tolerance(Fraction(3, 4)), _exact_tolerance(Fraction(-1, 3))
    (0.0, 0.0001)
    """
    key = exercise.number_answer()
    if not is_exact(key):
        return float(exercise.tolerance)
    return _exact_tolerance(Fraction(key))


def _exact_tolerance(key: Fraction) -> float:
    """0 for a key whose decimal ends within 10 digits, else one unit of its 4th significant digit."""
    if key == 0 or float(key) == float(decimal(key)) and Fraction(decimal(key)) == key:
        return 0.0
    return float(10 ** (math.floor(math.log10(abs(key))) - 3))


def decimal(value) -> str:
    """A numerical answer as the decimal an LMS reads (ten significant digits; no fractions).

    >>> decimal(0.25), decimal(-44), decimal(1 / 3)
    ('0.25', '-44', '0.3333333333')
    """
    return f"{float(value):.10g}"


def accepted_shapes(shape: tuple[int, ...]) -> tuple[str, ...]:
    """The spellings of a shape a student may type, each one the app's parser reads as this shape.

    >>> accepted_shapes((4, 2))[:3]
    ('4 x 2', '4x2', '4 × 2')
    """
    forms = ("{} x {}", "{}x{}", "{} × {}", "{}×{}", "({}, {})", "({},{})", "{}, {}", "{},{}")
    if len(shape) == 1:
        return (str(shape[0]), f"({shape[0]},)") + tuple(f.format(shape[0], 1) for f in forms)
    return tuple(f.format(*shape) for f in forms)


def inline(tex: str) -> str:
    r"""TeX as inline math in HTML: ``\( ... \)`` with & and < escaped."""
    return r"\(" + html.escape(tex, quote=False) + r"\)"


def display(tex: str) -> str:
    r"""TeX as displayed math in HTML: a paragraph ``\[ ... \]``."""
    return r"<p>\[" + html.escape(tex, quote=False) + r"\]</p>"


def paragraph(text: str) -> str:
    r"""A catalogue sentence as an HTML paragraph: its ``$...$`` as ``\( \)``, its `` `...` `` as code."""
    html_parts = []
    for part in para(text).parts:
        if isinstance(part, Math):
            html_parts.append(inline(part.tex))
        elif isinstance(part, Code):
            html_parts.append("<code>" + html.escape(part.text, quote=False) + "</code>")
        else:
            html_parts.append(html.escape(part, quote=False))
    return "<p>" + "".join(html_parts) + "</p>"


def set_title(seed: int, lang: str) -> str:
    """The set's name, as the practice page calls it: "Exercise set 42"."""
    return f"{translate(lang, 'practice.set')} {seed}"


def practice_questions(seed: int, lang: str = "en", trace=None, count: int = COUNT) -> tuple[Question, ...]:
    """Exercise set ``seed`` as questions: on the page's random network, or on ``trace``'s network.

    InvalidInput for a bad seed or count, a network too big to work by hand, or a language
    other than en and zh.
    """
    if lang not in LANGUAGES:
        raise InvalidInput("language", lang, " or ".join(LANGUAGES))
    exercises = exercise_set(seed, trace=trace, count=count)
    spec = practice_spec(seed) if trace is None else trace.spec
    network = translate(lang, "practice.network", **network_fields(spec, lang))
    return tuple(_question(seed, exercise, lang, network) for exercise in exercises)


def _question(seed: int, exercise: Exercise, lang: str, network: str) -> Question:
    kind = KIND[exercise.kind]
    name = (
        f"{set_title(seed, lang)} · {exercise.number} · {translate(lang, f'practice.kind_{exercise.kind}')}"
    )
    text = paragraph(network) + paragraph(translate(lang, exercise.prompt_key, **exercise.prompt_params))
    text += display(exercise.question_tex)
    if exercise.given:
        text += "<p><strong>" + html.escape(translate(lang, "practice.given")) + "</strong></p>"
        text += "".join(display(given.tex + " = " + given.values_tex) for given in exercise.given)
    howto = {"numerical": "export.lms_number", "text": "practice.answer_help_shape"}.get(kind)
    if howto is not None:
        text += paragraph(translate(lang, howto))
    solution = "".join(paragraph(translate(lang, hint.key)) + display(hint.tex) for hint in exercise.hints)
    right = paragraph(translate(lang, "practice.verdict.right", answer=exercise.answer_text))
    options: tuple[Option, ...] = ()
    accepted: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    near_feedback, tolerance = "", 0.0
    if kind == "numerical":
        answer, tolerance = decimal(exercise.number_answer()), grader_tolerance(exercise)
        wrong = paragraph(translate(lang, "export.lms_wrong_number", tol=f"{tolerance:.3g}"))
    elif kind == "text":
        shape = exercise.shape_answer()
        answer, accepted = exercise.answer_text, accepted_shapes(shape)
        wrong = paragraph(translate(lang, "practice.hint.shape.layout"))
        if len(shape) == 2 and shape[0] != shape[1]:
            flipped = " x ".join(map(str, reversed(shape)))
            near = accepted_shapes(tuple(reversed(shape)))
            near_feedback = paragraph(
                translate(lang, "practice.verdict.wrong_shape_transposed", value=flipped)
            )
    else:
        answer, wrong = LETTERS[exercise.choice_answer()], ""
        options = tuple(
            Option(
                LETTERS[k],
                inline(choice.tex),
                choice.correct,
                right
                if choice.correct
                else paragraph(translate(lang, f"practice.verdict.why.{choice.why}", picked=LETTERS[k])),
            )
            for k, choice in enumerate(exercise.choices)
        )
    return Question(
        f"set{seed}-q{exercise.number}",
        exercise.number,
        kind,
        name,
        text,
        solution,
        answer,
        tolerance,
        options,
        accepted,
        near,
        near_feedback,
        right,
        wrong,
    )
