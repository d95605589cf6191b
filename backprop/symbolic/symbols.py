r"""Symbols in the notes' notation: a_{ij}^{(l-1)}, w_{ij}^{(l)}, b_{j}^{(l)}, z_{st}^{(l)}, ∂L/∂z_{st}^{(l)}.

Each symbol's name is its LaTeX, so ``sp.latex`` prints it as the notes write it.
Indices are 0-based in code (numpy's) and 1-based on screen; when an index has two
digits a comma separates them (a_{10,3}), otherwise none does (a_{13}).

>>> import sympy as sp
>>> sp.latex(symbol("w", 1, 0, 1) * symbol("a", 0, 2, 0))
'a_{31}^{(0)} w_{12}^{(1)}'
>>> info(symbol("dz", 2, 0, 0))
SymbolInfo(kind='dz', layer=2, indices=(0, 0))
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import sympy as sp

from backprop.derivation import notation as nt
from backprop.symbolic._cache import cached


# kind -> (LaTeX pattern, what each index counts). Roles: "sample" (a row of the batch),
# "in" (a unit of layer l-1), "out" (a unit of layer l). The roles are notation, not
# calculus: they say which relabelling of rows and units leaves an entry in place.
def _pattern(tex: str) -> str:
    """The notation's LaTeX as a str.format pattern with {idx} and {layer} fields."""
    return tex.replace("{", "{{").replace("}", "}}").replace("IDX", "{idx}").replace("LAYER", "{layer}")


KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "a": (_pattern(nt.indexed("a", "IDX", "LAYER")), ("sample", "unit")),
    "w": (_pattern(nt.indexed("w", "IDX", "LAYER")), ("in", "out")),
    "b": (_pattern(nt.indexed("b", "IDX", "LAYER")), ("out",)),
    "z": (_pattern(nt.indexed("z", "IDX", "LAYER")), ("sample", "out")),
    "dz": (_pattern(nt.partial(nt.indexed("z", "IDX", "LAYER"))), ("sample", "out")),
    "da": (_pattern(nt.partial(nt.indexed("a", "IDX", "LAYER"))), ("sample", "unit")),
    "y": (_pattern(nt.indexed("y", "IDX")), ("sample", "unit")),
}


class SymbolInfo(NamedTuple):
    """What a symbol stands for: its kind, layer and 0-based indices.

    ``indices``, not ``index``: a field named ``index`` would hide ``tuple.index``.
    """

    kind: str
    layer: int
    indices: tuple[int, ...]


_INFO: dict[sp.Symbol, SymbolInfo] = {}


def index_text(index: tuple[int, ...]) -> str:
    r"""1-based subscript text of a 0-based index: (0, 1) -> "12", (9, 2) -> "10,3"."""
    if all(i < 9 for i in index):
        return "".join([str(i + 1) for i in index])
    return ",".join([str(i + 1) for i in index])


def entry_latex(kind: str, layer: int, *index: int) -> str:
    r"""The LaTeX of one entry, e.g. ("w", 1, 0, 1) -> "w_{12}^{(1)}"."""
    pattern, roles = KINDS[kind]
    if len(index) != len(roles):
        raise ValueError(f"{kind} takes {len(roles)} indices, got {index}")
    return pattern.format(idx=index_text(index), layer=layer)


@cached
@cache
def symbol(kind: str, layer: int, *index: int) -> sp.Symbol:
    r"""The real symbol of one entry, named by its LaTeX (index 0-based)."""
    sym = sp.Symbol(entry_latex(kind, layer, *index), real=True)
    _INFO[sym] = SymbolInfo(kind, layer, tuple(index))
    return sym


def info(sym: sp.Symbol) -> SymbolInfo:
    """Kind, layer and index of a symbol made by ``symbol`` (KeyError otherwise)."""
    return _INFO[sym]


def symbol_matrix(kind: str, layer: int, rows: int, cols: int) -> sp.Matrix:
    r"""A rows x cols matrix of entry symbols, e.g. W^(l) = symbol_matrix("w", l, n_in, n_out)."""
    return sp.Matrix(rows, cols, lambda r, c: symbol(kind, layer, int(r), int(c)))


def vector(kind: str, layer: int, n: int) -> sp.Matrix:
    r"""A column of n entry symbols, e.g. b^(l) = vector("b", l, n_out)."""
    return sp.Matrix(n, 1, lambda r, _c: symbol(kind, layer, int(r)))


class LayerSymbols(NamedTuple):
    r"""The symbol matrices of layer l: A^(l-1) (m, n_in), W^(l) (n_in, n_out), b^(l) (n_out, 1),
    Z^(l) and ∂L/∂Z^(l) (m, n_out), every entry a free symbol named as in the notes."""

    A_prev: sp.Matrix
    W: sp.Matrix
    b: sp.Matrix
    Z: sp.Matrix
    dZ: sp.Matrix


def layer_symbols(l: int, m: int, n_in: int, n_out: int) -> LayerSymbols:
    r"""The symbol matrices of layer l (see LayerSymbols).

    >>> layer_symbols(1, 2, 3, 1).W.T
    Matrix([[w_{11}^{(1)}, w_{21}^{(1)}, w_{31}^{(1)}]])
    """
    return LayerSymbols(
        symbol_matrix("a", l - 1, m, n_in),
        symbol_matrix("w", l, n_in, n_out),
        vector("b", l, n_out),
        symbol_matrix("z", l, m, n_out),
        symbol_matrix("dz", l, m, n_out),
    )


def z_entry(l: int, s: int, t: int, n_in: int, a_layer: int | None = None) -> sp.Expr:
    r"""The actual z_st^(l) = Σ_k a_sk^(l-1) w_kt^(l) + b_t^(l): entry (s, t) of A W + 1 bᵀ.

    Built for one entry only, so a 64 x 64 layer never builds all m·n_l entries.
    """
    a_layer = l - 1 if a_layer is None else a_layer
    products = [symbol("a", a_layer, s, k) * symbol("w", l, k, t) for k in range(n_in)]
    return sp.Add(*products, symbol("b", l, t))


def relabel(expr: sp.Expr, samples: dict[int, int], outs: dict[int, int]) -> sp.Expr:
    r"""expr with sample rows and output units renamed (maps given as {old: new}).

    Renaming rows of the batch and units of layer l is a symmetry of Z = A W + 1 bᵀ, so
    it carries ∂z_{s0 t0}/∂x to ∂z_{st}/∂x when it leaves x in place.
    """
    if not expr.free_symbols:
        return expr
    if isinstance(expr, sp.Symbol):
        return _relabel_symbol(expr, samples, outs)
    return expr.xreplace({s: _relabel_symbol(s, samples, outs) for s in expr.free_symbols})


def _relabel_symbol(sym: sp.Symbol, samples: dict[int, int], outs: dict[int, int]) -> sp.Symbol:
    """One symbol with its sample and output-unit indices renamed."""
    kind, layer, index = _INFO[sym]
    roles = KINDS[kind][1]
    new = tuple(
        samples.get(i, i) if role == "sample" else outs.get(i, i) if role == "out" else i
        for i, role in zip(index, roles)
    )
    return sym if new == index else symbol(kind, layer, *new)
