r"""LaTeX of an element sum's steps: the double sum, the collapsed sum, the identity's entry.

Built from the parts SymPy printed (entry symbols, local derivatives), in the order of
the derivation: the upstream factor first, as the notes write Σ_s ∂L/∂z_sj · a_si.

>>> from .symbols import symbol
>>> product_latex(symbol("dz", 1, 0, 1), symbol("a", 0, 0, 2))
'\\frac{\\partial L}{\\partial z_{12}^{(1)}} a_{13}^{(0)}'
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from backprop.derivation import notation as nt
from backprop.symbolic._cache import cached
from backprop.symbolic.notes_latex import latex
from backprop.symbolic.symbols import KINDS, info, symbol


@cached
@lru_cache(maxsize=4096)
def cached_latex(expr: sp.Expr) -> str:
    """sp.latex, remembered: a table repeats the same few local derivatives many times."""
    return latex(expr)


def latex_factor(expr: sp.Expr) -> str:
    """LaTeX of a factor, in parentheses when it is a sum."""
    text = cached_latex(expr)
    return rf"\left({text}\right)" if isinstance(expr, sp.Add) else text


def product_latex(left: sp.Expr, right: sp.Expr) -> str:
    """LaTeX of left · right in that order (a factor 1 is left out)."""
    parts = [latex_factor(f) for f in (left, right) if f != 1]
    return " ".join(parts) or "1"


def step_strings(l, m, n_out, x, classes, collapsed, identity, identity_name) -> dict[str, str]:
    r"""The LaTeX of each step: the double sum, the collapsed sum (generic, written out), the identity."""
    x_tex = latex(x)
    z = nt.indexed("z", "st", l)
    lhs = nt.partial(x_tex)
    double = rf"\sum_{{s=1}}^{{{m}}} \sum_{{t=1}}^{{{n_out}}} {nt.partial(z)} {nt.partial(x_tex, of=z)}"
    surviving = [c for c in classes if not c.vanishes]
    generic = " + ".join(generic_sum(c, l, m, n_out) for c in surviving) or "0"
    return {
        "target": lhs,
        "double_sum": double,
        "collapsed_generic": generic,
        "collapsed": collapsed,
        "identity_name": identity_name,
        "identity": identity,
        "equation": rf"{lhs} = {double} = {generic} = {identity_name}",
    }


def generic_sum(cls, l: int, m: int, n_out: int) -> str:
    r"""A surviving TermClass as one sum over its free index, e.g. \sum_{s=1}^{4} ∂L/∂z_{s2} a_{s1}."""
    s0, t0 = cls.representative
    free = cls.free
    upstream = with_letter(symbol("dz", l, s0, t0), free, s0, t0)
    local = with_letter(cls.local, free, s0, t0) if cls.local.free_symbols else latex(cls.local)
    factor = "" if cls.local == 1 else f" {local}"
    bound = m if free == "s" else n_out
    return rf"\sum_{{{free}=1}}^{{{bound}}} {upstream}{factor}"


def with_letter(expr, free: str, s0: int, t0: int) -> str:
    """LaTeX of an entry symbol with its free index written as the letter s or t."""
    if not isinstance(expr, sp.Symbol):
        return latex(expr)
    kind, layer, index = info(expr)
    shown = []
    for i, role in zip(index, KINDS[kind][1]):
        if free == "s" and role == "sample" and i == s0 or free == "t" and role == "out" and i == t0:
            shown.append(free)
        else:
            shown.append(str(i + 1))
    joined = ("," if any(len(s) > 1 for s in shown) else "").join(shown)
    return KINDS[kind][0].format(idx=joined, layer=layer)
