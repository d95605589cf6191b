r"""Numbers as the app prints them, in one place: LaTeX, plain text, drawings, tables, the notes.

Floats get ``digits`` significant digits (``%g``: 0.1235, 2.5e-07), exact SymPy values
stay exact (3/4), and zero is "0" whatever its sign: never "-0". A sum written out with
its numbers gets as many digits as it takes for the terms shown to add up to the total
shown (``sum_digits``), so a student checking by hand from the screen lands on it.

SymPy is not imported here: a SymPy value is recognised by its type's module, so the
pages that only print floats (the graph, the drawings) do not load it.

>>> number_text(0.123456), number_text(-0.0), number_text(-2.5e-7, 3)
('0.1235', '0', '-2.5e-07')
>>> number_tex(-2.5e-7)
'-2.5 \\times 10^{-7}'
>>> products = [(0.103, 0.2739), (-0.9805, 0.6265), (-0.8175, 0.08725), (0.7148,)]
>>> sum_digits(products, 0.0572)  # the terms to 4 digits add up to 0.0574: the total shown as 0.057
(4, 2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

DIGITS = 4  # significant digits of a number on screen
MOST_DIGITS = 15  # beyond this a float64 has no more digits to give


def _is_exact(value) -> bool:
    """A SymPy number (Rational, Integer, an expression), told by its type, without importing SymPy."""
    return type(value).__module__.startswith("sympy")


def number_text(value, digits: int = DIGITS) -> str:
    """One number as plain text: "3/4", "-2", "0.1235", "2.5e-07"; zero (also -0.0) is "0"."""
    if _is_exact(value):
        return str(value)
    value = float(value)
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def number_tex(value, digits: int = DIGITS) -> str:
    r"""One number for LaTeX: exact ones as integers or \frac, floats to ``digits`` significant digits."""
    if _is_exact(value):
        import sympy as sp  # noqa: PLC0415 (already loaded: the value is SymPy's)

        return sp.latex(value).replace("- ", "-")
    text = number_text(value, digits)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def shown(value: float, digits: int) -> float:
    """The value a reader takes from ``number_text(value, digits)``."""
    return float(number_text(value, digits))


def last_place(value: float, digits: int) -> float:
    """The unit of the last digit shown of ``value`` (0 for 0, which shows no digits)."""
    value = shown(value, digits)
    return 0.0 if value == 0 else 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)


def adds_up(products: Sequence[Sequence[float]], total: float, digits: int, total_digits: int) -> bool:
    r"""Whether Σ_k Π (factors of term k, shown to ``digits``) is within one last place of the total shown.

    The total is shown to ``total_digits``; one shown as 0 is judged at the precision of
    the largest term shown.
    """
    terms = [math.prod(shown(x, digits) for x in factors) for factors in products]
    result = shown(total, total_digits)
    unit = last_place(total, total_digits) or max((last_place(x, digits) for x in terms), default=0.0)
    rounding = 1e-12 * max([abs(result), *map(abs, terms)])  # the float sum's own error
    return abs(math.fsum(terms) - result) <= unit + rounding


def sum_digits(
    products: Sequence[Sequence[float]], total: float, least: int = DIGITS, most: int = MOST_DIGITS
) -> tuple[int, int]:
    r"""Digits for the terms (from ``least``) and the total (at most as many) so the shown terms add up.

    ``products``: each term of the sum as its factors, e.g. ``[(a_1, w_1), (a_2, w_2), (b,)]``
    for z = Σ_k a_k w_k + b. The terms keep ``least`` digits when the total, shown to fewer,
    already agrees with their sum (rounded factors carry their error into the products, so
    a total as precise as its factors rarely matches); otherwise the terms get more. At
    ``most`` digits the float's own precision is reached and that is returned.
    """
    for digits in range(least, most):
        for total_digits in range(digits, 0, -1):
            if adds_up(products, total, digits, total_digits):
                return digits, total_digits
    return most, most
