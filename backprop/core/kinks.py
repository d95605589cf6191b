r"""Where a custom activation's g' may jump: the kinks of its max, min and |.|.

The gradient check (``backprop.core.gradcheck``) does not judge an entry whose finite-difference
step moves some z across a kink, so a kink missed here would be reported as a backprop
error, and a spare one only makes the check a little more cautious.

>>> import sympy as sp
>>> z = sp.Symbol("z", real=True)
>>> kinks(sp.Min(sp.Max(z, -1), 1), z, lambda e: sp.lambdify(z, e, "numpy"))
(-1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

KINK_RANGE = 50.0  # non-polynomial kinks are searched for on [-50, 50]


def kinks(expr: sp.Expr, Z: sp.Symbol, numeric: Callable) -> tuple[float, ...]:
    """Points where g' may jump: where an argument of |u|, or two arguments of max or min, meet.

    Nested max, min and |.| are opened branch by branch (min(max(z, -1), 1) has kinks at
    -1 and 1). Polynomial conditions are solved exactly; others, such as |sin z|, by sign
    changes on a grid of [-KINK_RANGE, KINK_RANGE] refined by bisection. ``numeric(e)`` turns
    an expression in Z into a numpy function.
    """
    conditions = [a.args[0] for a in expr.atoms(sp.Abs)]
    for m in expr.atoms(sp.Max, sp.Min):
        conditions.extend(a - b for i, a in enumerate(m.args) for b in m.args[i + 1 :])
    roots = set()
    for condition in conditions:
        for branch in _branches(condition):
            roots.update(_roots(branch, Z, numeric))
    return tuple(sorted(roots))


def _branches(expr: sp.Expr, limit: int = 64) -> set[sp.Expr]:
    """expr with every max and min replaced by one of its arguments and |u| by ±u, each way."""
    out: set[sp.Expr] = set()
    todo = [expr]
    while todo and len(out) < limit:
        e = todo.pop()
        inner = next(iter(e.atoms(sp.Max, sp.Min, sp.Abs)), None)
        if inner is None:
            out.add(e)
            continue
        options = (inner.args[0], -inner.args[0]) if isinstance(inner, sp.Abs) else inner.args
        todo.extend(e.xreplace({inner: option}) for option in options)
    return out


def _roots(expr: sp.Expr, Z: sp.Symbol, numeric: Callable) -> set[float]:
    """Real roots of expr(z): exact for a polynomial of degree ≤ 4, else sign changes on a grid."""
    if not expr.has(Z):
        return set()
    try:
        poly = sp.Poly(expr, Z)
        if 1 <= poly.degree() <= 4 and all(c.is_Number for c in poly.all_coeffs()):
            coeffs = [float(c) for c in poly.all_coeffs()]
            return {float(r.real) for r in np.roots(coeffs) if abs(r.imag) < 1e-12}
    except sp.PolynomialError:
        pass
    f = numeric(expr)
    grid = np.linspace(-KINK_RANGE, KINK_RANGE, 20001)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(f(grid), grid.shape)
    roots = set(grid[values == 0].tolist())
    for k in np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0):
        low, high = grid[k], grid[k + 1]
        for _ in range(50):  # bisection to float precision
            mid = 0.5 * (low + high)
            with np.errstate(all="ignore"):
                if np.sign(f(np.array([mid]))[0]) == np.sign(values[k]):
                    low = mid
                else:
                    high = mid
        roots.add(float(0.5 * (low + high)))
    return roots
