r"""The one number formatter: shown terms add up to the shown total, and never "-0".

Property tests (Hypothesis) on ``backprop.derivation.numbers``, then the formatters that
now route through it (the drawings', the charts' tables', the notes') and the forward
page's sum z = Σ_k a_k w_k + b written out with its numbers.
"""

from __future__ import annotations

import math
import re

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.derivation import latex
from backprop.derivation.numbers import last_place, number_tex, number_text, shown, sum_digits
from backprop.teaching.notes_walk.model import fmt_number
from backprop.ui import alternatives, diagrams

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
small = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)
NEGATIVE_ZERO = re.compile(r"(?<![\d.])-0(?:\.0*)?(?![\d.]*[1-9])(?!\s*\\times)")


def is_negative_zero(text: str) -> bool:
    """'-0', '-0.0', '-0.000' (a minus sign on a zero), but not '-0.5' or '-0.001'."""
    return bool(NEGATIVE_ZERO.fullmatch(text.strip()))


def test_the_negative_zero_pattern_is_the_one_meant():
    assert all(is_negative_zero(x) for x in ("-0", "-0.0", "-0.000"))
    assert not any(is_negative_zero(x) for x in ("0", "-0.5", "-0.001", "-1e-05"))


@settings(max_examples=300, deadline=None)
@given(
    x=st.one_of(finite, st.just(-0.0), st.floats(min_value=-1e-300, max_value=1e-300)),
    digits=st.integers(1, 12),
)
def test_no_formatter_shows_negative_zero(x, digits):
    for text in (
        number_text(x, digits),
        number_tex(x, digits),
        latex.num(x, digits),
        diagrams.num(x),
        alternatives.num(x),
        fmt_number(x, digits),
    ):
        assert not is_negative_zero(text), (x, digits, text)


@settings(max_examples=300, deadline=None)
@given(x=finite, digits=st.integers(1, 12))
def test_a_number_shown_is_within_half_its_last_place(x, digits):
    assert abs(shown(x, digits) - x) <= last_place(x, digits) / 2 + 1e-15 * abs(x)  # + the float's own error


@settings(max_examples=400, deadline=None)
@given(
    pairs=st.lists(st.tuples(small, small), min_size=1, max_size=6),
    bias=small,
)
def test_the_shown_terms_of_a_sum_add_up_to_the_shown_total(pairs, bias):
    r"""z = Σ a_k w_k + b: from the numbers shown, Σ shown(a)·shown(w) + shown(b) is within one
    last place of the z shown (the digits sum_digits chose)."""
    products = [*pairs, (bias,)]
    total = math.fsum(a * w for a, w in pairs) + bias
    digits, total_digits = sum_digits(products, total)
    assert total_digits <= digits
    terms = [math.prod(shown(x, digits) for x in factors) for factors in products]
    result = shown(total, total_digits)
    unit = last_place(total, total_digits) or max(last_place(t, digits) for t in terms)
    assert abs(math.fsum(terms) - result) <= unit * (1 + 1e-9) + 1e-12 * max(map(abs, [result, *terms]))


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 3),
    n_in=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_forward_pages_sum_adds_up_from_its_own_numbers(rows, n_in, seed):
    """Read back the numbers entry_sum prints: (a)(w) products plus b land on its total."""
    rng = np.random.default_rng(seed)
    A, W, b = rng.normal(size=(rows, n_in)), rng.normal(size=(n_in, 1)), rng.normal(size=1)
    tex = latex.entry_sum(A, W, b, 0, 0)
    numbers_part = tex.split(r"\\ = ", 1)[1].replace(r"\\", "")
    *terms_text, total_text = numbers_part.split(" = ")
    terms_text = " = ".join(terms_text)
    pairs = [(float(a), float(w)) for a, w in re.findall(r"\(([-\d.e]+)\)\(([-\d.e]+)\)", terms_text)]
    bias = float(terms_text.rsplit("+", 1)[1])
    assert len(pairs) == n_in
    total = float(total_text)
    digits = len(re.sub(r"[-.]|^0\.0*", "", total_text.lstrip("-"))) or 1
    unit = last_place(total, digits) or 1e-12
    assert abs(math.fsum(a * w for a, w in pairs) + bias - total) <= unit * (1 + 1e-9)


def test_exact_values_stay_exact():
    assert number_tex(sp.Rational(-3, 4)) == r"-\frac{3}{4}" and number_text(sp.Rational(3, 4)) == "3/4"
