r"""The hints' index-level unfolding of ∂L/∂w_ij, ∂L/∂b_i and ∂L/∂a_ij, in LaTeX.

>>> grad_tex("z_{11}")
'\\frac{\\partial L}{\\partial z_{11}}'
"""

from __future__ import annotations

from backprop.derivation import notation as nt
from backprop.teaching.practice.exercise import Hint


def _ij(*index) -> str:
    wide = all(isinstance(i, int) for i in index) and max(index) > 9
    return ("," if wide else "").join(str(i) for i in index)


def var_tex(target: str, index) -> str:
    """The entry's name in the index sums: w_ij, b_i or a_ij (the layer left implicit)."""
    return {"W": "w", "b": "b", "A_prev": "a"}[target] + "_{" + _ij(*index) + "}"


def entry_symbol(target: str, l: int, index: tuple[int, ...]) -> str:
    """∂L/∂w^(l)_ij, ∂L/∂b^(l)_i or ∂L/∂a^(l-1)_ij in LaTeX."""
    letter, layer = {"W": ("w", l), "b": ("b", l), "A_prev": ("a", l - 1)}[target]
    return nt.partial(nt.indexed(letter, _ij(*index), layer))


def sum_hints(target: str, index, m, n) -> tuple[Hint, ...]:
    r"""The index-level unfolding: the double sum, the local derivative, the single sum.

    ∂L/∂w_ij = Σ_s Σ_t ∂L/∂z_st ∂z_st/∂w_ij, ∂z_st/∂w_ij = a_si if t = j else 0,
    so ∂L/∂w_ij = Σ_s ∂L/∂z_sj a_si (and alike for b_i and a_ij).
    """
    var = var_tex(target, index)
    i = str(index[0])
    if target == "b":
        local = _cases("1", "t = " + i, "t \\ne " + i)
        collapsed = r"\sum_{s=1}^{" + str(m) + "} " + grad_tex("z_{s" + i + "}")
    elif target == "W":
        j = str(index[1])
        local = _cases("a_{s" + i + "}", "t = " + j, "t \\ne " + j)
        collapsed = r"\sum_{s=1}^{" + str(m) + "} " + grad_tex("z_{s" + j + "}") + r"\, a_{s" + i + "}"
    else:
        j = str(index[1])
        local = _cases("w_{" + j + "t}", "s = " + i, "s \\ne " + i)
        collapsed = r"\sum_{t=1}^{" + str(n) + "} " + grad_tex("z_{" + i + "t}") + r"\, w_{" + j + "t}"
    dL, z_st = grad_tex(var), "z_{st}"
    local_tex = nt.partial(var, of=z_st)
    double = f"{dL} = \\sum_{{s=1}}^{{{m}}} \\sum_{{t=1}}^{{{n}}} {grad_tex(z_st)} {local_tex}"
    return (
        Hint("practice.hint.double_sum", double),
        Hint(f"practice.hint.local.{target}", local_tex + " = " + local),
        Hint(f"practice.hint.collapse.{target}", dL + " = " + collapsed),
    )


def grad_tex(symbol: str) -> str:
    r"""∂L/∂symbol in LaTeX."""
    return nt.partial(symbol)


def _cases(value: str, when: str, otherwise: str) -> str:
    return r"\begin{cases} " + value + r" & " + when + r" \\ 0 & " + otherwise + r" \end{cases}"
