r"""One gradient entry derived three ways, as LaTeX with numbers: (s, t) terms, collapsed sum, matrix entry.

For a layer with upstream gradient ∂L/∂Z (m, n_out), every entry x of A^(l-1), W^(l) or
b^(l) has ∂L/∂x = Σ_{s,t} ∂L/∂z_st · ∂z_st/∂x, where z_st = Σ_k a_sk w_kt + b_t gives

    ∂z_st/∂w_ij = a_si [t = j],   ∂z_st/∂b_j = [t = j],   ∂z_st/∂a_ij = w_jt [s = i].

Most terms vanish; the survivors sum to one entry of a matrix product:
(A^(l-1)T ∂L/∂Z)_ij, (1ᵀ ∂L/∂Z)_j, (∂L/∂Z W^(l)T)_ij. Variables are named "W", "b",
"A_prev"; indices are 0-based here and 1-based on screen.

>>> import numpy as np
>>> A_prev, W, dZ = np.array([[1.0, 2.0]]), np.eye(2), np.array([[3.0, 4.0]])
>>> T, keep = terms(A_prev, W, dZ, "W", (1, 0))
>>> T.tolist(), keep.tolist()
([[6.0, 0.0]], [[True, False]])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from backprop.derivation.latex import highlighted_matrix, num, paren
from backprop.derivation.notation import entry, grad, idx, indexed, ones, partial, sup, transpose

VARIABLES = ("A_prev", "W", "b")
PER_LINE = 1  # products per line of a written-out sum (the three derivations share a row)


def shape_of(var: str, A_prev: np.ndarray, W: np.ndarray) -> tuple[int, ...]:
    """The shape of the variable (and of its gradient, in denominator layout)."""
    return {"A_prev": A_prev.shape, "W": W.shape, "b": W.shape[1:]}[var]


def terms(A_prev: np.ndarray, W: np.ndarray, dZ: np.ndarray, var: str, index: tuple[int, ...]):
    r"""Every term ∂L/∂z_st · ∂z_st/∂x of the double sum (m, n_out), and which ones survive."""
    m, n_out = dZ.shape
    s, t = np.arange(m)[:, None], np.arange(n_out)[None, :]
    if var == "W":
        i, j = index
        keep = np.broadcast_to(t == j, (m, n_out))
        dz_dx = np.where(keep, A_prev[:, [i]], 0.0)  # a_si [t = j]
    elif var == "b":
        (j,) = index
        keep = np.broadcast_to(t == j, (m, n_out))
        dz_dx = keep.astype(np.float64)  # [t = j]
    else:
        i, j = index
        keep = np.broadcast_to(s == i, (m, n_out))
        dz_dx = np.where(keep, W[[j], :], 0.0)  # w_jt [s = i]
    return dZ * dz_dx, np.array(keep)


def element(var: str, l: int, index: tuple[int, ...]) -> str:
    """The entry's symbol: w_{ij}, b_{j} or a_{ij} (of A^(l-1))."""
    letter = {"W": "w", "b": "b", "A_prev": "a"}[var]
    return entry(letter, l - 1 if var == "A_prev" else l, *index)


def entry_partial(var: str, l: int, index: tuple[int, ...]) -> str:
    r"""\frac{∂L}{∂x} for the entry."""
    return partial(element(var, l, index))


def double_sum(var: str, l: int, index: tuple[int, ...], m: int, n_out: int) -> str:
    r"""∂L/∂x = Σ_s Σ_t ∂L/∂z_st ∂z_st/∂x, with ∂z_st/∂x written out."""
    local = {
        "W": f"a_{{s{idx(index[0])}}}\\,[t = {index[-1] + 1}]",
        "b": f"[t = {index[-1] + 1}]",
        "A_prev": f"w_{{{idx(index[-1])}t}}\\,[s = {index[0] + 1}]",
    }[var]
    x = element(var, l, index)
    return (
        f"\\begin{{aligned}}{entry_partial(var, l, index)} &= "
        f"\\sum_{{s=1}}^{{{m}}} \\sum_{{t=1}}^{{{n_out}}} "
        f"{partial('z_{st}')} {partial(x, of='z_{st}')} \\\\ "
        f"{partial(x, of='z_{st}')} &= {local}\\end{{aligned}}"
    )


def term_grid(T: np.ndarray, keep: np.ndarray, var: str, l: int, index: tuple[int, ...]) -> str:
    r"""The (s, t) terms as a matrix: survivors in colour, vanishing ones greyed.

    Term (s, t) is \frac{∂L}{∂z_st} \frac{∂z_st}{∂x}, named by that formula (no word in it), so
    the grid reads alike in every language.
    """
    survivors = [tuple(c) for c in np.argwhere(keep)]
    term = f"{partial('z_{st}')}\\, {partial(element(var, l, index), of='z_{st}')}"
    # in text style: the label stays about as narrow as a word beside a 4-column matrix
    return f"\\big[{{\\textstyle {term}}}\\big]_{{st}} = {highlighted_matrix(T, cells=survivors, grey=~keep)}"


def collapsed(
    A_prev: np.ndarray, W: np.ndarray, dZ: np.ndarray, var: str, l: int, index: tuple[int, ...]
) -> str:
    r"""The surviving single sum with its numbers: e.g. Σ_s ∂L/∂z_sj a_si = (..)(..) + ... = value."""
    if var == "W":
        i, j = index
        head = f"\\sum_{{s=1}}^{{{dZ.shape[0]}}} {_dL_dz('s' + idx(j))}\\, a_{{s{idx(i)}}}"
        parts = [f"{paren(dZ[s, j])}{paren(A_prev[s, i])}" for s in range(dZ.shape[0])]
        total = float(dZ[:, j] @ A_prev[:, i])
    elif var == "b":
        (j,) = index
        head = f"\\sum_{{s=1}}^{{{dZ.shape[0]}}} {_dL_dz('s' + idx(j))}"
        parts = [paren(dZ[s, j]) for s in range(dZ.shape[0])]
        total = float(dZ[:, j].sum())
    else:
        i, j = index
        head = f"\\sum_{{t=1}}^{{{dZ.shape[1]}}} {_dL_dz(idx(i) + 't')}\\, w_{{{idx(j)}t}}"
        parts = [f"{paren(dZ[i, t])}{paren(W[j, t])}" for t in range(dZ.shape[1])]
        total = float(dZ[i] @ W[j])
    if len(parts) > 6:
        parts = parts[:4] + ["\\cdots", parts[-1]]
    lines = [" + ".join(parts[k : k + PER_LINE]) for k in range(0, len(parts), PER_LINE)]
    body = " \\\\ &\\quad + ".join(lines)
    aligned = f"{entry_partial(var, l, index)} &= {head} \\\\ &= {body} \\\\ &= {num(total)}"
    return f"\\begin{{aligned}}{aligned}\\end{{aligned}}"


def _dL_dz(sub: str) -> str:
    return partial(indexed("z", sub))


class Product(NamedTuple):
    """∂L/∂x as entry (i, j) of left · right: the names (LaTeX), the factors, the entry and its value."""

    name: str  # e.g. (A^(l-1)T ∂L/∂Z^(l))_ij
    left_name: str
    left: np.ndarray
    right_name: str
    right: np.ndarray
    i: int  # the row of ``left`` used
    j: int  # the column of ``right`` used
    value: float


def product(
    A_prev: np.ndarray, W: np.ndarray, dZ: np.ndarray, var: str, l: int, index: tuple[int, ...]
) -> Product:
    r"""The entry as (left · right)_ij, computed as row i of left times column j of right."""
    dZ_name = grad("Z", l)
    if var == "W":
        (i, j), left, right = index, A_prev.T, dZ  # (A^(l-1)T ∂L/∂Z)_ij
        left_name, right_name = transpose(sup("A", l - 1)), dZ_name
    elif var == "b":
        (j,) = index
        i, left, right = 0, np.ones((1, dZ.shape[0])), dZ  # (1ᵀ ∂L/∂Z)_j
        left_name, right_name = transpose(ones(dZ.shape[0])), dZ_name
    else:
        (i, j), left, right = index, dZ, W.T  # (∂L/∂Z W^(l)T)_ij
        left_name, right_name = dZ_name, transpose(sup("W", l))
    shown = idx(i, j) if var != "b" else idx(j)
    name = f"\\Big({left_name}\\, {right_name}\\Big)_{{{shown}}}"
    value = float(left[i] @ right[:, j])  # row i of the left factor times column j of the right
    return Product(name, left_name, left, right_name, right, i, j, value)


def matrix_entry(
    A_prev: np.ndarray, W: np.ndarray, dZ: np.ndarray, var: str, l: int, index: tuple[int, ...]
) -> str:
    r"""∂L/∂x = (left · right)_ij = value: the entry as one line (the factors are shown beside it)."""
    p = product(A_prev, W, dZ, var, l, index)
    return f"{entry_partial(var, l, index)} = {p.name} = {num(p.value)}"
