r"""LaTeX made from numbers: matrices with highlighted rows, columns, entries; sums with numbers put in.

KaTeX (what ``st.latex`` renders) reads every string here. Symbols (A, W, ∂L/∂x, the
transpose, indices: 1-based on screen, 0-based as arguments) come from ``notation``;
this module prints matrices and sums with numbers put in, every number through
``numbers.number_tex`` (4 significant digits, exact SymPy values exact, never -0):
``num``/``highlighted_matrix`` (highlights, for the forward and backward pages) and
``matrix_tex`` (big matrices cut with dots, for the steps, practice and exports).
A sum written out (``entry_sum``) gets the digits its terms need to add up to its total.

>>> highlighted_matrix(np.array([[1.0, -2.5]]), rows=[0])
'\\begin{bmatrix}\\textcolor{#2166ac}{\\mathbf{1}} & \\textcolor{#2166ac}{\\mathbf{-2.5}}\\end{bmatrix}'
>>> entry_sum(np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]]), np.array([0.5]), 0, 0)
'z_{11} = \\sum_{k=1}^{2} a_{1k}\\, w_{k1} + b_{1} \\\\ = (1)(3) + (2)(4) + 0.5 = 11.5'
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from backprop.derivation import notation as nt

# sup, grad, transpose and idx are the notation's own; steps.py reads them from here
from backprop.derivation.notation import grad, idx, sup, transpose

# one formatter for every number the app prints; the steps, practice and exports read these from here
from backprop.derivation.numbers import number_tex, number_text, sum_digits  # noqa: F401

ROW, COLUMN, CELL, GREY = "#2166ac", "#b35806", "#762a83", "#9e9e9e"  # blue/orange: colour-blind safe
DIGITS = 4  # a matrix entry on screen: 1.205, not 1.2 for 1.2046 (a hand check from it lands)
MAX_ROWS, MAX_COLS = 10, 8  # larger matrices are shown as tables, not LaTeX
MAX_TERMS = 6  # a longer sum shows its first and last terms around \cdots
TERMS_PER_LINE = 3  # products (a)(w) per line of a sum written out: three fit an 800 px column


def num(x: float, digits: int = DIGITS) -> str:
    r"""x with ``digits`` significant digits; 1e-05 -> 1 \times 10^{-5}; -0 -> 0."""
    return number_tex(float(x), digits)


def paren(x: float, digits: int = DIGITS) -> str:
    """A number in parentheses, for products written out: (-0.5)."""
    return f"({num(x, digits)})"


def coloured(colour: str, tex: str) -> str:
    return f"\\textcolor{{{colour}}}{{\\mathbf{{{tex}}}}}"


def fits(M: np.ndarray, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> bool:
    """Whether a matrix (or vector) is small enough to be shown as LaTeX."""
    rows, cols = (M.shape[0], 1) if M.ndim == 1 else M.shape
    return rows <= max_rows and cols <= max_cols


def highlighted_matrix(
    M: np.ndarray,
    rows: Iterable[int] = (),
    cols: Iterable[int] = (),
    cells: Iterable[tuple[int, int]] = (),
    digits: int = DIGITS,
    grey: np.ndarray | None = None,
) -> str:
    r"""A bmatrix of M (a vector is a column) with rows in blue, columns in orange, cells in purple.

    ``grey`` (a boolean array of M's shape) greys out entries, e.g. terms that vanish.
    """
    M = np.asarray(M, dtype=np.float64)
    grid = M.reshape(-1, 1) if M.ndim == 1 else M
    rows, cols, cells = set(rows), set(cols), set(cells)
    if M.ndim == 1:  # a vector's entry k is (k, 0) of the column
        cells = {(k, 0) for k in cols} | cells
        cols = set()
    lines = []
    for i, row in enumerate(grid):
        entries = []
        for j, x in enumerate(row):
            tex = num(x, digits)
            if (i, j) in cells or (i in rows and j in cols):
                tex = coloured(CELL, tex)
            elif i in rows:
                tex = coloured(ROW, tex)
            elif j in cols:
                tex = coloured(COLUMN, tex)
            elif grey is not None and grey.reshape(grid.shape)[i, j]:
                tex = f"\\textcolor{{{GREY}}}{{{tex}}}"
            entries.append(tex)
        lines.append(" & ".join(entries))
    return "\\begin{bmatrix}" + " \\\\ ".join(lines) + "\\end{bmatrix}"


def shape_text(M: np.ndarray) -> str:
    r"""'4 \times 3' for a matrix, '3' for a vector."""
    return " \\times ".join(str(n) for n in np.shape(M))


def labelled(name: str | None, M: np.ndarray, small: bool = False, **highlight) -> str:
    r"""``name = [M]`` with M's shape written under the matrix (no ``name =`` if name is None)."""
    shaped = f"\\underset{{{shape_text(M)}}}{{{highlighted_matrix(M, **highlight)}}}"
    tex = shaped if name is None else f"{name} = {shaped}"
    return f"{{\\small {tex}}}" if small else tex


def column_blocks(
    name: str | None, M: np.ndarray, size: int, small: bool = False, grey=None, **highlight
) -> list[str]:
    r"""M cut into blocks of ``size`` columns, each ``labelled`` with M's shape and its columns j = a…b.

    For a matrix too wide for a narrow column: the blocks wrap onto new lines (the page
    sets them side by side), the highlights kept on the entries they were on. The name is
    written before the first block only.
    """
    rows, cols, cells = (
        set(highlight.get("rows", ())),
        set(highlight.get("cols", ())),
        highlight.get("cells", ()),
    )
    blocks = []
    for c0 in range(0, M.shape[1], size):
        c1 = min(c0 + size, M.shape[1])
        part = highlighted_matrix(
            M[:, c0:c1],
            rows=rows,
            cols=[j - c0 for j in cols if c0 <= j < c1],
            cells=[(i, j - c0) for i, j in cells if c0 <= j < c1],
            grey=None if grey is None else np.asarray(grey)[:, c0:c1],
        )
        under = shape_text(M) if c1 - c0 == M.shape[1] else rf"{shape_text(M)}:\ j = {c0 + 1} \ldots {c1}"
        tex = f"\\underset{{{under}}}{{{part}}}"
        if c0 == 0 and name is not None:
            tex = f"{name} = {tex}"
        blocks.append(f"{{\\small {tex}}}" if small else tex)
    return blocks


def side_by_side(*parts: str) -> str:
    r"""Several formulas on one line, spaced apart."""
    return " \\qquad ".join(parts)


def _sum(terms: list[str], total: float, per_line: int = 0, digits: int = DIGITS) -> str:
    r"""t1 + t2 + ... = total, with \cdots in the middle of a long sum; '+ (-x)' kept as written.

    ``per_line``: a line break (KaTeX's ``\\``) after every so many terms, so a sum of wide
    products stays inside a projector's column.
    """
    if len(terms) > MAX_TERMS:
        terms = terms[: MAX_TERMS - 2] + ["\\cdots", terms[-1]]
    lines = [terms[k : k + per_line] for k in range(0, len(terms), per_line)] if per_line else [terms]
    return " \\\\ + ".join(" + ".join(line) for line in lines) + f" = {num(total, digits)}"


def entry_sum(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, i: int, j: int) -> str:
    r"""z_ij = Σ_k a_ik w_kj + b_j with the numbers of row i of A^(l-1) and column j of W put in."""
    n_in = W.shape[0]
    z = float(A_prev[i] @ W[:, j] + b[j])
    every = n_in + 1 <= MAX_TERMS  # else the middle terms hide behind \cdots (only those shown are printed)
    shown = [(A_prev[i, k], W[k, j]) for k in range(n_in if every else MAX_TERMS - 2)]
    if every:  # enough digits that the terms add up to z as shown
        d, dz = sum_digits([*shown, (b[j],)], z)
    else:
        d = dz = DIGITS  # no hand check of a sum whose terms are not all shown
    products = [f"{paren(a, d)}{paren(w, d)}" for a, w in shown] + ([] if every else ["\\cdots"])
    head = f"z_{{{idx(i, j)}}} = \\sum_{{k=1}}^{{{n_in}}} a_{{{idx(i)}k}}\\, w_{{k{idx(j)}}} + b_{{{idx(j)}}}"
    return head + " \\\\ = " + _sum(products + [num(b[j], d)], z, per_line=TERMS_PER_LINE, digits=dz)


def single_sample(W: np.ndarray, a: np.ndarray, b: np.ndarray, l: int) -> str:
    r"""z = Wᵀa + b for one sample, every vector a column: z^(l) = W^(l)T a^(l-1) + b^(l)."""
    z = W.T @ a + b  # (n_out,)
    return (
        f"{sup('z', l)} = {transpose(sup('W', l))} {sup('a', l - 1)} + {sup('b', l)} \\\\ = "
        f"{highlighted_matrix(W.T)} {highlighted_matrix(a)} + {highlighted_matrix(b)} \\\\ = "
        f"{highlighted_matrix(z)}"
    )


def forward_formula(l: int, m: int, n_in: int, n_out: int) -> str:
    r"""The batch forward step of layer l with every shape: Z = A W + 1 bᵀ, A = g(Z)."""
    A = f"\\underset{{{m} \\times {n_in}}}{{{sup('A', l - 1)}}}"
    W = f"\\underset{{{n_in} \\times {n_out}}}{{{sup('W', l)}}}"
    z = f"{sup('Z', l)} = {A}\\, {W} + {nt.ones(m)}\\, {transpose(sup('b', l))}"
    return f"{z}, \\qquad {sup('A', l)} = {nt.g(l, sup('Z', l))} \\quad ({m} \\times {n_out})"


_G_PRIME = {
    "identity": r"1",
    "sigmoid": r"A^{{({l})}} " + nt.HADAMARD + r" \big(1 - A^{{({l})}}\big)",
    "tanh": r"1 - A^{{({l})}} " + nt.HADAMARD + r" A^{{({l})}}",
    "relu": r"\big[Z^{{({l})}} > 0\big]",
    "leaky_relu": r"\big[Z^{{({l})}} > 0\big] + 0.01\,\big[Z^{{({l})}} \le 0\big]",
    "softplus": r"\sigma\big(Z^{{({l})}}\big)",
}
_START = {  # ∂(Σ_i l_i)/∂A^(L), where the chain starts
    "mse": r"A^{{({L})}} - Y",
    "bce": r"\big(A^{{({L})}} - Y\big) \oslash \Big(A^{{({L})}} "
    + nt.HADAMARD
    + r" \big(1 - A^{{({L})}}\big)\Big)",
    "softmax_ce": r"-\,Y \oslash A^{{({L})}}",
}


def g_name(name: str) -> str:
    """An activation's name as LaTeX text (custom formulas shown as g)."""
    return "g" if name.startswith("custom:") else name.replace("_", "\\_")


def g_prime(name: str, l: int) -> str:
    r"""g'(Z^(l)) in terms of Z or A; for softmax, each sample's Jacobian J_jk = a_j (δ_jk - a_k)."""
    if name == "softmax":
        jacobian = r"J_i = \frac{\partial a_{i\cdot}}{\partial z_{i\cdot}}"
        return jacobian + r",\ (J_i)_{jk} = a_{ij}(\delta_{jk} - a_{ik})"
    body = _G_PRIME.get(name)
    lhs = nt.g_prime(l, sup("Z", l))
    return lhs + (" = " + body.format(l=l) if body else "")


def backward_formula(
    quantity: str, l: int, L: int, activation: str, loss: str, mean: bool, shortcut: bool
) -> str:
    r"""The formula of one backward quantity of layer l: dA, gprime, dZ, dW, db or dA_prev.

    ``shortcut``: the last layer's ∂L/∂Z comes from the loss directly (softmax + CE, sigmoid + BCE).
    """
    scale = "\\frac{1}{m}" if mean else ""
    if quantity == "dA":
        if l == L:
            return f"{grad('A', l)} = {scale}{_wrap(_START[loss].format(L=L), mean)}"
        return nt.dA_prev_formula(l + 1)
    if quantity == "gprime":
        return g_prime(activation, l)
    if quantity == "dZ":
        if shortcut:
            return f"{grad('Z', l)} = {scale}{_wrap(f'A^{{({l})}} - Y', mean)}"
        if activation == "softmax":
            row = "_{i\\cdot}"  # one sample's row
            jacobian_t = nt.transpose("J_i")
            return f"\\Big({grad('Z', l)}\\Big){row} = {jacobian_t} \\Big({grad('A', l)}\\Big){row}"
        return nt.dZ_formula(l)
    if quantity == "dW":
        return nt.dW_formula(l)
    if quantity == "db":
        return nt.db_formula(l)
    if quantity == "dA_prev":
        return nt.dA_prev_formula(l)
    raise KeyError(quantity)


def _wrap(tex: str, on: bool) -> str:
    return f"\\big({tex}\\big)" if on else tex


NOTATION = (
    rf"{sup('A', 0)} = X \in \mathbb R^{{m \times n_0}}, \qquad "
    rf"{sup('A', 'l-1')} \in \mathbb R^{{m \times n_{{l-1}}}}",
    rf"{sup('W', 'l')} \in \mathbb R^{{n_{{l-1}} \times n_l}}, \qquad {sup('b', 'l')} \in \mathbb R^{{n_l}}",
    rf"{nt.forward_formula()} \in \mathbb R^{{m \times n_l}}, \qquad "
    rf"{sup('A', 'l')} = {nt.g('l', sup('Z', 'l'))}",
    rf"z = {transpose(sup('W', 'l'))} a + {sup('b', 'l')}",
    r"L = \sum_{i=1}^{m} l_i, \qquad l_i = \tfrac12 \sum_j (a_{ij} - y_{ij})^2",
    rf"{grad('W', 'l')} \in \mathbb R^{{n_{{l-1}} \times n_l}}, \quad"
    rf"{grad('b', 'l')} \in \mathbb R^{{n_l}}, \quad"
    rf"{grad('A', 'l-1')} \in \mathbb R^{{m \times n_{{l-1}}}}",
)
"""The home page's notation box: shapes, rows as samples, the sum over samples, denominator layout.

Formulas only: the words that read them (row i is sample i, one sample a as a column, the
squared error) are the home page's ``home.notation_text``, in the reader's language.
"""


# ---- numbers and matrices as the steps, practice and exports print them ------------------


def matrix_tex(
    values, digits: int = 4, max_rows: int = 8, max_cols: int = 8, blank: bool = False, raw: bool = False
) -> str:
    r"""A matrix (or a vector, shown as a column) as a LaTeX bmatrix; big ones cut with dots.

    ``blank`` draws empty boxes instead of numbers (worksheets); ``raw`` takes entries as LaTeX.

    >>> matrix_tex(np.array([[1.0, -0.5]]))
    '\\begin{bmatrix} 1 & -0.5 \\end{bmatrix}'
    """
    values = np.asarray(values)
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    rows = _cut(values.shape[0], max_rows)
    cols = _cut(values.shape[1], max_cols)
    if blank:
        cell = lambda v: r"\boxed{\phantom{-0.000}}"  # noqa: E731
    elif raw:  # entries that are LaTeX already
        cell = str
    else:
        cell = lambda v: number_tex(v, digits)  # noqa: E731
    lines = []
    for i in rows:
        if i is None:
            lines.append(" & ".join(r"\vdots" if j is not None else r"\ddots" for j in cols))
            continue
        lines.append(" & ".join(r"\cdots" if j is None else cell(values[i, j]) for j in cols))
    return r"\begin{bmatrix} " + r" \\ ".join(lines) + r" \end{bmatrix}"


def sign_tex(values, max_rows: int = 8, max_cols: int = 8) -> str:
    r"""The sign of every entry (+, −, 0) as a LaTeX matrix: what a class predicts before the numbers.

    >>> sign_tex(np.array([[2.0, -1.0, 0.0]]))
    '\\begin{bmatrix} + & - & 0 \\end{bmatrix}'
    """
    signs = np.sign(np.asarray(values, dtype=np.float64))
    symbols = np.where(signs > 0, "+", np.where(signs < 0, "-", "0")).astype(object)
    return matrix_tex(symbols, max_rows=max_rows, max_cols=max_cols, raw=True)


def large(tex: str, size: str = "Large") -> str:
    r"""LaTeX set in a larger size (``\Large``, ``\huge``, ...), for a projector."""
    return "\\" + size + " " + tex


def _cut(n: int, limit: int) -> list[int | None]:
    """Indices to show of n, with None where the dots go when n passes the limit."""
    if n <= limit:
        return list(range(n))
    return list(range(limit - 2)) + [None, n - 1]
