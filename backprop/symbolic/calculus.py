r"""SymPy twins of the losses, and g' derived by SymPy under the kink convention.

Kink convention (relu, leaky_relu, any Max/Min/Heaviside in a custom formula): at a kink
the derivative is taken from the left, the z ≤ 0 side, as backprop does: relu'(0) = 0,
leaky_relu'(0) = 0.01. SymPy differentiates Max(z, 0) to Heaviside(z), whose value at 0
is 1/2 by default; ``derivative`` rewrites it to Heaviside(z, 0). Piecewise twins such as
leaky_relu's (z if z > 0 else z/100) already give 1/100 at 0 from their own branches.
Finite differences across a kink disagree with either one-sided value; the checks mark
those entries ``at_kink`` and do not judge them.

>>> import sympy as sp
>>> z = sp.Symbol("z", real=True)
>>> derivative("relu")
Heaviside(z, 0)
>>> sp.simplify(derivative("sigmoid") - sigmoid_prime_form()) == 0
True
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from backprop.core.activations import activation
from backprop.core.losses import LOSSES
from backprop.symbolic._cache import cached

Z = sp.Symbol("z", real=True)  # the one argument of every elementwise g

KINK_CONVENTION = (
    "At a kink g'(z) is taken from the left (the z <= 0 side), as backprop does: "
    "relu'(0) = 0, leaky_relu'(0) = 0.01; SymPy's Heaviside(z) is used as Heaviside(z, 0)."
)


def at_kink_convention(expr: sp.Expr) -> sp.Expr:
    r"""expr with every Heaviside(x) (value 1/2 at 0) made Heaviside(x, 0): g'(kink) from the left."""
    return expr.replace(
        lambda e: isinstance(e, sp.Heaviside) and (len(e.args) == 1 or e.args[1] != 0),
        lambda e: sp.Heaviside(e.args[0], 0),
    )


@cached
@lru_cache(maxsize=64)
def derivative(name: str) -> sp.Expr:
    r"""g'(z) = sp.diff(g(z), z) for an elementwise activation (built-in or "custom:<formula>")."""
    act = activation(name)
    if not act.elementwise:
        raise ValueError(f"{name} is not elementwise: use softmax_jacobian")
    return at_kink_convention(sp.diff(act.sym(Z), Z))


def kink_disagreements(names) -> list[str]:
    r"""Where SymPy's g'(kink) differs from backprop's g' at the same kink, one sentence each.

    >>> kink_disagreements(["relu", "leaky_relu", "tanh"])
    []
    """
    out = []
    for name in dict.fromkeys(names):
        act = activation(name)
        if act.dg is None:  # softmax: no elementwise g'
            continue
        for kink in act.kinks:
            at = np.array([float(kink)])
            numeric = float(act.dg(at, act.g(at))[0])
            symbolic = float(derivative(name).subs(Z, kink))
            if not np.isclose(numeric, symbolic, rtol=1e-12, atol=1e-15):
                out.append(f"{name}: g'({kink:g}) is {numeric:g} in backprop, {symbolic:g} in SymPy")
    return out


def sigmoid_prime_form() -> sp.Expr:
    r"""σ(z)(1 - σ(z)), the textbook form of σ'(z) (for comparison with SymPy's result)."""
    sigma = activation("sigmoid").sym(Z)
    return sigma * (1 - sigma)


def loss_per_sample(name: str, a: list, y: list) -> sp.Expr:
    r"""l_i of one sample from its outputs a_i· and targets y_i· (lists of SymPy expressions).

    mse: ½ Σ_j (a_j - y_j)²; bce: -Σ_j [y_j log a_j + (1 - y_j) log(1 - a_j)];
    softmax_ce: -Σ_j y_j log a_j (backprop/README.md's definitions).
    """
    return LOSSES[name].sym(a, y)


def total_loss(name: str, reduction: str, A: list[list], Y: list[list]) -> sp.Expr:
    r"""L = Σ_i l_i, or (1/m) Σ_i l_i for the mean reduction (A, Y as lists of rows)."""
    total = sp.Add(*[loss_per_sample(name, a, y) for a, y in zip(A, Y)])
    return total / len(A) if reduction == "mean" else total
