r"""Every function the formula grammar allows, alone, raised to a power, nested and in a product:
parsed, differentiated and printed as LaTeX a page can typeset (backprop/core/formula.py).

SymPy prints f(u)^n by asking f for ``_latex(printer, exp=n)`` (as it prints sin^{2}(u)),
so a custom function without the ``exp`` argument crashes only once it is raised to a power.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp

from backprop.core.activation_type import CUSTOM_PREFIX
from backprop.core.activations import activation, display_name
from backprop.core.formula import activation_from_formula
from backprop.core.formula_functions import FUNCTIONS, Z, sigmoid, softplus

# log, ln and sqrt need a positive argument on the whole probe range; exp, sinh and cosh a small one
_ARGUMENT = {"log": "1+({})^2", "ln": "1+({})^2", "sqrt": "1+({})^2"}


def _call(name: str, inner: str) -> str:
    """name applied to inner (kept in its domain); a two-argument function gets 0.1*inner second."""
    if FUNCTIONS[name][0] == 2:
        return f"{name}({inner}, 0.1*({inner}))"
    return f"{name}({_ARGUMENT.get(name, '({})/4').format(inner)})"


def family(name: str) -> dict[str, str]:
    """The forms of one function: alone, squared, cubed, nested, in products."""
    once = _call(name, "z")
    return {
        "alone": once,
        "squared": f"{once}**2",
        "cubed": f"{once}^3",
        "nested": _call(name, once),
        "product": f"z*{once}",
        "one minus": f"{once}*(1-{once})",
        "all at once": f"{once}^2*{_call(name, once)}",
    }


CASES = [(name, form, text) for name in FUNCTIONS for form, text in family(name).items()]
FROM_THE_ISSUE = ["sigmoid(z)**2", "softplus(z)**2", "sigmoid(z)*(1-sigmoid(z))", "sigmoid(z)^-1"]


def typesettable(tex: str) -> bool:
    r"""Braces balance, \left and \right pair, no double superscript: what KaTeX refuses otherwise."""
    depth = 0
    for char in tex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    double = re.search(r"\^\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}\^", tex)
    return depth == 0 and tex.count(r"\left") == tex.count(r"\right") and not double


def test_the_family_covers_every_allowed_function():
    assert {name for name, _, _ in CASES} == set(FUNCTIONS)
    assert len(CASES) == 7 * len(FUNCTIONS)


@pytest.mark.parametrize("name, form, text", CASES, ids=[f"{n}-{f}" for n, f, _ in CASES])
def test_every_function_in_every_form_parses_differentiates_and_prints(name, form, text):
    act = activation_from_formula(text)
    g_line, dg_line = act.equations
    assert typesettable(g_line) and typesettable(dg_line), (g_line, dg_line)
    # the second derivative and powers of both print too (every power reaches _latex's exp)
    for expr in (act.shown**2, act.dshown**3, sp.diff(act.dshown, Z)):
        assert typesettable(sp.latex(expr))
    z = np.linspace(-3.0, 3.0, 7)
    assert np.isfinite(act.g(z)).all() and np.isfinite(act.dg(z, act.g(z))).all()


@pytest.mark.parametrize("text", FROM_THE_ISSUE)
def test_the_reported_formulas_print(text):
    act = activation_from_formula(text)
    assert all(typesettable(line) for line in act.equations)


@pytest.mark.parametrize(
    "expr, tex",
    [
        (sigmoid(Z) ** 2, r"\sigma^{2}\left(z\right)"),
        (softplus(Z) ** 3, r"\operatorname{softplus}^{3}\left(z\right)"),
        (sigmoid(Z) ** -1, r"\frac{1}{\sigma\left(z\right)}"),
        (sigmoid(Z) ** sp.Rational(1, 2), r"\sqrt{\sigma\left(z\right)}"),
        (sigmoid(softplus(Z) ** 2), r"\sigma\left(\operatorname{softplus}^{2}\left(z\right)\right)"),
    ],
)
def test_a_power_of_sigma_or_softplus_prints_as_sympy_prints_sin_squared(expr, tex):
    assert sp.latex(expr) == tex


def test_display_name_is_the_formula_not_the_internal_name():
    name = CUSTOM_PREFIX + "z*sigmoid(z)"
    assert display_name(name) == "z*sigmoid(z)" and display_name("relu") == "relu"
    assert activation(name) is activation_from_formula("z*sigmoid(z)")
