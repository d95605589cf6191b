r"""One entry of a backward step, the way the animation shows it: the index-level sum, term by term.

For the chosen entry of a step's result, ``entry_of(trace, step, index)`` gives the sum
the entry is (or, for element-wise steps, its single product), each term with its
numbers, the matrices the step reads with the rows, columns or cells used lit, and the
matrix product the sum collapses to:

    ∂L/∂w_ij   = Σ_s a_si^(l-1) ∂L/∂z_sj        = (A^(l-1)ᵀ ∂L/∂Z^(l))_ij
    ∂L/∂b_j    = Σ_s ∂L/∂z_sj                  = (1ᵀ ∂L/∂Z^(l))_j
    ∂L/∂a_ij^(l-1) = Σ_t ∂L/∂z_it w_jt          = (∂L/∂Z^(l) W^(l)ᵀ)_ij
    ∂L/∂z_ij   = ∂L/∂a_ij g'(z_ij)              = (∂L/∂A^(l) ⊙ g'(Z^(l)))_ij

The terms are the step's own inputs multiplied out (floats, or exact SymPy numbers for
an exact trace); their sum is the step's result entry (a test checks it). Indices are
0-based here, 1-based on screen.

>>> from backprop import NetworkSpec, run
>>> from backprop.derivation.steps import backward_steps
>>> trace = run(NetworkSpec())
>>> e = entry_of(trace, backward_steps(trace)[2], (0, 1))
>>> len(e.terms), e.frames
(4, 5)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np

from backprop.core.activations import activation
from backprop.derivation import notation as nt
from backprop.derivation.latex import CELL, COLUMN, ROW, coloured, fits
from backprop.derivation.steps import Step, arithmetic_of, number_tex

DIGITS = 4
FILL_FRAMES = 6  # a long sum fills in at most this many frames (several terms per frame)
SHOWN_TERMS = 6  # a longer sum shows its first terms, \cdots and its last
BLOCK_COLS = 4  # a wider matrix is set in blocks of this many columns, which wrap (as show.py does)
PER_LINE = 2  # terms per line of a sum: two products of 4-digit numbers fit the page on a projector


@dataclass(frozen=True)
class Factor:
    """A matrix the entry reads, with the rows, columns or cells it uses (0-based)."""

    tex: str
    value: np.ndarray
    rows: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()
    cells: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class EntrySum:
    r"""The chosen entry as a sum of terms: ``lhs = index_sum = terms... = total = product``."""

    lhs: str  # the entry's symbol, e.g. \frac{\partial L}{\partial w_{12}^{(2)}}
    index_sum: str  # the sum in indices, e.g. \sum_{s=1}^{4} a_{s1} \frac{\partial L}{\partial z_{s2}}
    terms: tuple[str, ...]  # each term with its numbers put in
    values: tuple  # each term's value
    total: object  # the step's own result entry
    product: str  # the matrix product the sum collapses to, e.g. (A^(1)T ∂L/∂Z^(2))_{12}
    factors: tuple[Factor, ...]

    @property
    def frames(self) -> int:
        """Frames of the animation: the terms filling in (at most FILL_FRAMES), then the collapse."""
        return min(len(self.terms), FILL_FRAMES) + 1

    def shown_terms(self, frame: int) -> int:
        """How many terms frame 1..frames shows (all of them from the last filling frame on)."""
        filling = self.frames - 1
        return len(self.terms) if frame >= filling else -(-frame * len(self.terms) // filling)

    def filling(self, frame: int) -> str:
        r"""The sum at frame ``frame``, PER_LINE terms a line: the terms so far, then ``+ ?`` or the total."""
        k = self.shown_terms(frame)
        terms = list(self.terms[:k])
        if len(terms) > SHOWN_TERMS:
            terms = terms[: SHOWN_TERMS - 2] + [r"\cdots", terms[-1]]
        if k < len(self.terms):
            terms.append(r"\mathord{?}")  # ? alone is a closing symbol: + before it would lose its spaces
        lines = [" + ".join(terms[n : n + PER_LINE]) for n in range(0, len(terms), PER_LINE)]
        body = r" \\ &\quad + ".join(lines)
        end = rf" \\ &= {number_tex(self.total, DIGITS)}" if k == len(self.terms) else ""
        return rf"\begin{{aligned}}{self.lhs} &= {self.index_sum} \\ &= {body}{end}\end{{aligned}}"

    def collapsed(self) -> str:
        """The sum as one entry of the matrix product, with the step's value."""
        return f"{self.lhs} = {self.product} = {number_tex(self.total, DIGITS)}"


def entry_of(trace, step: Step, index: tuple[int, ...]) -> EntrySum:
    r"""The step's entry ``index`` (0-based) as terms, factors and the product it collapses to."""
    uses = {use.name: use for use in step.uses}
    l, total = step.l, step.result[index]
    if step.name == "dW":
        prev = uses["A" if l > 1 else "X"]
        (i, j), A, dZ = index, prev.value, uses["dZ"].value
        a_si = nt.indexed("x" if l == 1 else "a", "s" + nt.idx(i), _prev(l))
        return _sum(
            step, index, [(A[s, i], dZ[s, j]) for s in range(dZ.shape[0])],
            _sigma("s", dZ.shape[0], a_si + r"\, " + _dz("s" + nt.idx(j), l)),
            nt.transpose(prev.tex) + r"\, " + nt.grad("Z", l),
            (Factor(nt.transpose(prev.tex), A.T, rows=(i,)),
             Factor(nt.grad("Z", l), dZ, cols=(j,))),
        )  # fmt: skip
    if step.name == "db":
        (j,), dZ = index, uses["dZ"].value
        m = dZ.shape[0]
        return _sum(
            step, index, [(dZ[s, j],) for s in range(m)],
            _sigma("s", m, _dz("s" + nt.idx(j), l)),
            nt.transpose(nt.ones(m)) + r"\, " + nt.grad("Z", l),
            (Factor(nt.transpose(nt.ones(m)), np.ones((1, m), dtype=int), rows=(0,)),
             Factor(nt.grad("Z", l), dZ, cols=(j,))),
        )  # fmt: skip
    if step.name == "dA_prev":
        (i, j), dZ, W = index, uses["dZ"].value, uses["W"].value
        return _sum(
            step, index, [(dZ[i, t], W[j, t]) for t in range(dZ.shape[1])],
            _sigma("t", dZ.shape[1], _dz(nt.idx(i) + "t", l) + r"\, " + nt.indexed("w", nt.idx(j) + "t", l)),
            nt.grad("Z", l) + r"\, " + nt.transpose(nt.sup("W", l)),
            (Factor(nt.grad("Z", l), dZ, rows=(i,)), Factor(nt.transpose(nt.sup("W", l)), W.T, cols=(j,))),
        )  # fmt: skip
    return _elementwise(trace, step, index, uses, total)


def _sum(step: Step, index, factors_per_term, index_sum: str, product: str, factors) -> EntrySum:
    """A sum entry: each term the product of its factors, written with its numbers."""
    values = tuple(reduce(lambda x, y: x * y, term) for term in factors_per_term)
    terms = tuple("".join(f"({number_tex(x, DIGITS)})" for x in term) for term in factors_per_term)
    shown = nt.idx(*index)
    return EntrySum(
        _lhs(step, index), index_sum, terms, values, step.result[index],
        rf"\Big({product}\Big)_{{{shown}}}", tuple(factors),
    )  # fmt: skip


def _elementwise(trace, step: Step, index, uses, total) -> EntrySum:
    r"""∂L/∂a_ij or ∂L/∂z_ij: one term, read from the same cell (a softmax row: its whole row)."""
    i, j = index
    l, spec = step.l, trace.spec
    n = lambda x: number_tex(x, DIGITS)  # noqa: E731
    scale = rf"\tfrac{{1}}{{{spec.m}}}" if spec.reduction == "mean" else ""
    if "dA" not in uses:  # the loss start ∂L/∂A^(L), or the shortcut ∂L/∂Z^(L) = A - Y
        A, Y = uses["A"].value, uses["Y"].value
        a, y = nt.entry("a", l, i, j), nt.entry("y", None, i, j)
        loss = "shortcut" if step.shortcut else spec.loss
        symbols, numbers = _loss_term(loss, a, y), _loss_term(loss, n(A[i, j]), n(Y[i, j]))
        cell = ((i, j),)
        factors: tuple[Factor, ...] = (Factor(uses["A"].tex, A, cells=cell), Factor("Y", Y, cells=cell))
        product = nt.entry_of(_matrix_name(step), i, j)
        return EntrySum(
            _lhs(step, index), scale + symbols, (scale + numbers,), (total,), total, product, factors
        )
    dA = uses["dA"].value
    layer = trace.layers[l - 1]
    if spec.activations[l - 1] == "softmax":
        A = layer.A
        inner = " + ".join(f"({n(dA[i, k])})({n(A[i, k])})" for k in range(A.shape[1]))
        rowsum = r"\sum_k " + _da(nt.idx(i) + "k", l) + r"\, " + nt.indexed("a", nt.idx(i) + "k")
        symbols = nt.indexed("a", nt.idx(i, j)) + rf" \Big({_da(nt.idx(i, j), l)} - {rowsum}\Big)"
        term = rf"({n(A[i, j])})\Big(({n(dA[i, j])}) - \big[{inner}\big]\Big)"
        factors = (Factor(nt.grad("A", l), dA, rows=(i,)), Factor(nt.sup("A", l), A, rows=(i,)))
        product = nt.entry_of(_matrix_name(step), i, j)
        return EntrySum(_lhs(step, index), symbols, (term,), (total,), total, product, factors)
    gprime = arithmetic_of(trace).g_prime(activation(spec.activations[l - 1]), layer.Z, layer.A)
    g = 1 if gprime is None else gprime[i, j]
    symbols = _da(nt.idx(i, j), l) + r"\, " + nt.g_prime(l, nt.entry("z", l, i, j))
    cell = ((i, j),)
    gp_name = nt.g_prime(l, nt.sup("Z", l))
    factors = (Factor(nt.grad("A", l), dA, cells=cell),)
    if gprime is not None:
        factors += (Factor(gp_name, gprime, cells=cell),)
    product = rf"\Big({nt.hadamard(nt.grad('A', l), gp_name)}\Big)_{{{nt.idx(i, j)}}}"
    return EntrySum(
        _lhs(step, index), symbols, (f"({n(dA[i, j])})({n(g)})",), (dA[i, j] * g,), total, product, factors
    )


def _loss_term(loss: str, a: str, y: str) -> str:
    """∂l/∂a (or ∂l/∂z under the shortcut) of one entry, in symbols or numbers."""
    if loss == "bce":
        return rf"\frac{{{a} - {y}}}{{{a}\,(1 - {a})}}"
    if loss == "softmax_ce":
        return rf"\left(-\frac{{{y}}}{{{a}}}\right)"
    return rf"({a} - {y})"  # mse, and the shortcut A - Y


def lit_matrix(factor: Factor) -> str:
    r"""``name = [M]`` with the factor's rows (blue), columns (orange) and cells (purple) lit.

    A matrix too big to print (``latex.fits``) shows only its lit rows or columns, named
    by index (``M_{i,:}``, ``M_{:,j}``).
    """
    name, grid, keep_r, keep_c = _kept(factor)
    return name + " = " + _bmatrix(factor, grid, keep_r, keep_c)


def lit_blocks(factor: Factor, size: int = BLOCK_COLS) -> tuple[int, list[str]]:
    r"""``lit_matrix`` cut into blocks of at most ``size`` columns, each with its shape under it.

    The first block carries ``name =``; a block that is not the whole matrix says its
    columns (``4 \times 8:\ j = 1 \ldots 4``). A narrow column sets the blocks on new
    lines instead of cutting the matrix off. Returns (columns of the widest block, blocks).
    """
    name, grid, keep_r, keep_c = _kept(factor)
    shape = rf"{len(keep_r)} \times {len(keep_c)}"
    out = []
    for n in range(0, len(keep_c), size):
        part = keep_c[n : n + size]
        under = shape if len(part) == len(keep_c) else rf"{shape}:\ j = {part[0] + 1} \ldots {part[-1] + 1}"
        tex = rf"\underset{{{under}}}{{{_bmatrix(factor, grid, keep_r, part)}}}"
        out.append(f"{name} = {tex}" if n == 0 else tex)
    return min(size, len(keep_c)), out


def _kept(factor: Factor) -> tuple[str, np.ndarray, list[int], list[int]]:
    """The factor's name, its values as a grid, and the rows and columns shown (its lit ones if too big)."""
    grid = np.asarray(factor.value)
    grid = grid.reshape(-1, 1) if grid.ndim == 1 else grid
    keep_r, keep_c, name = list(range(grid.shape[0])), list(range(grid.shape[1])), factor.tex
    if not fits(grid):
        if factor.rows:
            keep_r, name = (
                sorted(set(factor.rows)),
                rf"\big({factor.tex}\big)_{{{nt.idx(*sorted(set(factor.rows)))},:}}",
            )
        elif factor.cols:
            keep_c, name = (
                sorted(set(factor.cols)),
                rf"\big({factor.tex}\big)_{{:,{nt.idx(*sorted(set(factor.cols)))}}}",
            )
        elif factor.cells:
            (r, c), = factor.cells  # fmt: skip
            keep_r, keep_c, name = [r], [c], rf"\big({factor.tex}\big)_{{{nt.idx(r, c)}}}"
    return name, grid, keep_r, keep_c


def _bmatrix(factor: Factor, grid: np.ndarray, keep_r, keep_c) -> str:
    """The bmatrix of grid's kept rows and columns, the factor's rows, columns and cells coloured."""
    rows, cols, cells = set(factor.rows), set(factor.cols), set(factor.cells)
    lines = []
    for r in keep_r:
        entries = []
        for c in keep_c:
            tex = number_tex(grid[r, c], DIGITS)
            if (r, c) in cells:
                tex = coloured(CELL, tex)
            elif r in rows:
                tex = coloured(ROW, tex)
            elif c in cols:
                tex = coloured(COLUMN, tex)
            entries.append(tex)
        lines.append(" & ".join(entries))
    return r"\begin{bmatrix} " + r" \\ ".join(lines) + r" \end{bmatrix}"


def _lhs(step: Step, index) -> str:
    """The entry's ∂L/∂x symbol: w, b, z, a (of A^(l-1) for dA_prev), 1-based indices."""
    letter, l = {"dW": ("w", step.l), "db": ("b", step.l), "dZ": ("z", step.l), "dA": ("a", step.l)}.get(
        step.name, ("a" if step.l > 1 else "x", _prev(step.l))
    )
    if step.shortcut:
        letter = "z"
    return nt.partial(nt.entry(letter, l, *index))


def _matrix_name(step: Step) -> str:
    return nt.grad("Z" if step.shortcut else step.name[1:], step.l)


def _sigma(var: str, count: int, body: str) -> str:
    r"""\sum_{var=1}^{count} body."""
    return rf"\sum_{{{var}=1}}^{{{count}}} {body}"


def _prev(l: int) -> int | None:
    return None if l == 1 else l - 1


def _dz(sub: str, l: int) -> str:
    return nt.partial(nt.indexed("z", sub, l))


def _da(sub: str, l: int) -> str:
    return nt.partial(nt.indexed("a", sub, l))
