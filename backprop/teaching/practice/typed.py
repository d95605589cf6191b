r"""Exercises answered by typing: one entry of a gradient (a number), a gradient's shape."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

from backprop.core.activations import activation
from backprop.derivation import notation as nt
from backprop.derivation.latex import number_tex, number_text
from backprop.teaching.practice.answers import REL_TOL, is_exact, number_tolerance
from backprop.teaching.practice.exercise import GIVEN_DIGITS, TARGETS, Exercise, Given, Hint
from backprop.teaching.practice.unfold import entry_symbol, grad_tex, sum_hints


def _given(matrix: np.ndarray) -> tuple[tuple[float | sp.Basic, ...], ...]:
    """A matrix's values as shown, row by row (see ``_shown``)."""
    return tuple(tuple(_shown(v) for v in row) for row in matrix)


def _shown(value) -> float | sp.Basic:
    """One value as shown: an exact number as it is, a float to GIVEN_DIGITS significant digits."""
    if isinstance(value, sp.Basic):
        return value
    return float(f"{float(value):.{GIVEN_DIGITS}g}")


def entry_exercise(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    layer = trace.layers[l - 1]
    target = TARGETS[int(rng.integers(0, 3))]
    n_in, n_out, m = layer.W.shape[0], layer.W.shape[1], spec.m
    dZ = _given(layer.dZ)
    given_dZ = Given(f"dZ^({l})", nt.grad("Z", l), dZ)
    if target == "W":
        i, j = int(rng.integers(1, n_in + 1)), int(rng.integers(1, n_out + 1))
        A_prev = _given(layer.A_prev)
        given: tuple[Given, ...] = (Given(f"A^({l - 1})", nt.sup("A", l - 1), A_prev), given_dZ)
        terms = [(dZ[s][j - 1], A_prev[s][i - 1]) for s in range(m)]
        index: tuple[int, ...] = (i, j)
    elif target == "b":
        i = int(rng.integers(1, n_out + 1))
        given = (given_dZ,)
        terms = [(dZ[s][i - 1], None) for s in range(m)]
        index = (i,)
    else:
        i, j = int(rng.integers(1, m + 1)), int(rng.integers(1, n_in + 1))
        W = _given(layer.W)
        given = (given_dZ, Given(f"W^({l})", nt.sup("W", l), W))
        terms = [(dZ[i - 1][t], W[j - 1][t]) for t in range(n_out)]
        index = (i, j)
    answer = _sum_terms(terms)
    exact = is_exact(answer)
    products = [float(a) * (1.0 if b is None else float(b)) for a, b in terms]
    tolerance = 0.0 if exact else number_tolerance(answer, products)
    floor = 0.0 if exact else tolerance if tolerance > REL_TOL * abs(float(answer)) else 0.0
    question = entry_symbol(target, l, index)
    hints = sum_hints(target, index, m, n_out) + (
        Hint("practice.hint.numbers", "= " + " + ".join(_term_tex(a, b) for a, b in terms)),
        Hint(_answer_key(trace, l), question + " = " + number_tex(answer, 6)),
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
        tolerance,
        hints,
        (("l", l), ("tol_abs", number_text(floor, 3)), ("tol_rel", f"{0 if exact else REL_TOL:.0%}")),
    )


def _answer_key(trace, l: int) -> str:
    """The answer hint's sentence: it says g'(kink) = 0 when the ∂L/∂Z given used it (z on relu's kink)."""
    layer, act = trace.layers[l - 1], activation(trace.spec.activations[l - 1])
    at_kink = any((np.asarray(layer.Z, dtype=np.float64) == k).any() for k in act.kinks)
    return "practice.hint.answer_kink" if at_kink else "practice.hint.answer"


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


def shape_exercise(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    target = ("W", "b", "A_prev", "Z")[int(rng.integers(0, 4))]
    n_in, n_out, m = spec.sizes[l - 1], spec.sizes[l], spec.m
    shape, variable, sizes_tex = {
        "W": ((n_in, n_out), nt.sup("W", l), f"n_{{{l - 1}}} \\times n_{{{l}}}"),
        "b": ((n_out,), nt.sup("b", l), f"n_{{{l}}}"),
        "A_prev": ((m, n_in), nt.sup("A", l - 1), f"m \\times n_{{{l - 1}}}"),
        "Z": ((m, n_out), nt.sup("Z", l), f"m \\times n_{{{l}}}"),
    }[target]
    answer_tex = r" \times ".join(map(str, shape))
    question = grad_tex(variable)
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
