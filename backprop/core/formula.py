r"""A student's own activation g(z), parsed from text by an allow-list over Python's ``ast``.

The text is never given to ``eval``, ``sympify`` or ``parse_expr`` (all three execute
Python): ``backprop.core.formula_grammar`` checks it and builds the SymPy expression node
by node from the checked tree. g' is SymPy's derivative of that expression; the numeric g
and g' are lambdified from those SymPy trees, which hold only allowed operations
(``backprop.core.formula_functions``, where σ and softplus evaluate without overflow).

Overflow: g and g' must be real and finite at every z of ``PROBE`` (-20 to 20 in steps
of 0.1, zero included), or the formula is refused. Outside that range a value past the
float64 range becomes ±inf (or nan for inf - inf), silently.

>>> act = activation_from_formula("z*sigmoid(z)")
>>> print(act.latex_g)
z \sigma\left(z\right)
>>> print(act.latex_dg)
z \left(1 - \sigma\left(z\right)\right) \sigma\left(z\right) + \sigma\left(z\right)
>>> float(act.dg(np.array([0.0]), None)[0])
0.5
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import sympy as sp

from backprop.core.activation_type import CUSTOM_PREFIX, Activation
from backprop.core.errors import InvalidInput
from backprop.core.formula_functions import Z, elementary, numeric, stabilised
from backprop.core.formula_grammar import build, checked_text, parsed, reject
from backprop.core.kinks import kinks

PROBE = np.arange(-200, 201) / 10.0  # z = -20.0, -19.9, ..., 20.0 (0.0 exactly)
EXAMPLES = (
    "z*sigmoid(z)",
    "log(1+exp(z))",
    "max(z, 0.1*z)",
    "z*tanh(softplus(z))",
    "0.5*z*(1+tanh(0.7978845608*(z+0.044715*z^3)))",
)


@dataclass(frozen=True)
class CustomActivation(Activation):
    r"""An Activation parsed from a formula; ``shown`` and ``dshown`` are g and g' for display.

    ``sym`` gives g in elementary functions (σ and softplus written out, |u| as a
    Piecewise), like the built-in activations, so any SymPy code can differentiate it.
    """

    formula: str = ""
    shown: sp.Expr = sp.S.Zero
    dshown: sp.Expr = sp.S.Zero

    @property
    def latex_g(self) -> str:
        """g(z) as LaTeX (σ and softplus kept whole, long fractions as decimals)."""
        return sp.latex(_readable(self.shown))

    @property
    def latex_dg(self) -> str:
        """g'(z) as LaTeX, SymPy's derivative as it comes (long fractions as decimals)."""
        return sp.latex(_readable(self.dshown))

    @property
    def equations(self) -> tuple[str, str]:
        r"""The two lines a page shows: "g(z) = ..." and "g'(z) = ..." in LaTeX."""
        return "g(z) = " + self.latex_g, "g'(z) = " + self.latex_dg


@lru_cache(maxsize=512)
def activation_from_formula(text: str) -> CustomActivation:
    r"""The activation g(z) that ``text`` describes, with g' = dg/dz from SymPy.

    Raises InvalidInput("activation formula", text, what is allowed) for anything
    outside the allow-list, past a bound, or not real and finite on ``PROBE``.

    >>> act = activation_from_formula("log(1+exp(z))")
    >>> act.g(np.array([1000.0]))  # evaluated as softplus: no overflow
    array([1000.])
    >>> activation_from_formula("__import__('os')")
    Traceback (most recent call last):
    ...
    backprop.core.errors.InvalidInput: activation formula = "__import__('os')" is not allowed: use only ASCII
    letters, digits, spaces and . + - * / ^ ( ) , (found LOW LINE).
    """
    source = checked_text(text)
    tree = parsed(text, source)
    try:
        shown = build(text, tree.body, 1)
        dshown = sp.diff(shown, Z)
        stable = stabilised(shown)
        g = numeric(stable)
        dg_z = numeric(sp.diff(stable, Z))
    except InvalidInput:
        raise
    except (ValueError, TypeError, ArithmeticError, RecursionError) as error:
        # a net under SymPy's own refusals (none known: the fuzz tests look for them)
        raise reject(text, f"a formula SymPy can differentiate ({type(error).__name__})", "sympy") from None
    _probe(text, g, dg_z)
    return CustomActivation(
        name=CUSTOM_PREFIX + text,
        g=g,
        dg=lambda Z_, A: dg_z(Z_),
        sym=partial(_substituted, elementary(shown)),
        kinks=kinks(shown, Z, numeric),
        formula=text,
        shown=shown,
        dshown=dshown,
    )


def samples(act: Activation, low: float = -5.0, high: float = 5.0, n: int = 201):
    r"""z on [low, high] (n points) with g(z) and g'(z), for a plot. Shapes (n,)."""
    if act.dg is None:
        raise ValueError(
            f"act = {act.name!r} is not allowed: g'(z) is plotted for an elementwise activation only"
        )
    z = np.linspace(low, high, n)
    Z_ = z.reshape(-1, 1)  # (n, 1): one sample per row
    A = act.g(Z_)
    return z, A.ravel(), act.dg(Z_, A).ravel()


def _readable(expr: sp.Expr) -> sp.Expr:
    """expr with fractions whose denominator passes 1000 shown as 10-digit decimals."""
    long = {r: sp.Float(r, 10) for r in expr.atoms(sp.Rational) if r.q > 1000}
    return expr.xreplace(long)


def _substituted(expr: sp.Expr, arg):
    """g(arg): the symbol z replaced by the caller's symbol or expression."""
    return expr.xreplace({Z: arg})


def _probe(text: str, g, dg) -> None:
    """Refuse a formula whose g or g' is not real and finite at every z of PROBE."""
    for label, values in (("g", g(PROBE)), ("g'", dg(PROBE))):
        bad = ~np.isfinite(values)
        if bad.any():
            z = PROBE[np.argmax(bad)]
            raise reject(
                text,
                f"a formula whose g and g' are real and finite for every z from -20 to 20 "
                f"({label}({z:g}) = {values[np.argmax(bad)]})",
                "probe",
                g=label,
                z=f"{z:g}",
                number=f"{values[np.argmax(bad)]}",
            )
