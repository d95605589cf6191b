r"""Element sums: ∂L/∂x = Σ_{s,t} ∂L/∂z_st · ∂z_st/∂x for one entry x of A^(l-1), W^(l) or b^(l).

The notes' derivation, done by SymPy for the entry a student picks: every (s, t) term
with its local derivative ∂z_st/∂x (``sp.diff`` of the actual z_st = Σ_k a_sk w_kt + b_t),
the terms that vanish and why, the single sum left over, and the matrix-product entry
it equals, each with its value at the trace's numbers.

Small tables (m·n_l ≤ 64 terms, m·n_l·n_{l-1} ≤ 256 products) differentiate every
z_st. Larger ones differentiate one representative z_st per pattern (s = i or s ≠ i,
t = j or t ≠ j: which of the row and unit of x the term shares) and carry the result to
the other terms of the pattern by renaming rows and units, a symmetry of Z = A W + 1 bᵀ
that leaves x in place (``symbols.relabel``); the tests check both ways agree. Numbers
come from numpy.

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")))
>>> es = element_sum(trace, 2, "W", (0, 1))
>>> es.latex["collapsed_generic"]
'\\sum_{s=1}^{4} \\frac{\\partial L}{\\partial z_{s2}^{(2)}} a_{s1}^{(1)}'
>>> es.difference, bool(abs(es.value - trace.layers[1].dW[0, 1]) < 1e-12)
(0, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice, product
from typing import NamedTuple

import numpy as np
import sympy as sp

from backprop.derivation import notation as nt
from backprop.symbolic.element_latex import cached_latex, latex_factor, product_latex, step_strings
from backprop.symbolic.limits import ELEMENT_INPUTS_LIMIT, ELEMENT_TERMS_LIMIT, TooLarge, check_size
from backprop.symbolic.symbols import KINDS, entry_latex, index_text, info, relabel, symbol, z_entry

VARIABLES = ("A_prev", "W", "b")
# up to this many terms and products a_sk w_kt in all, every z_st is differentiated
DIRECT_TERMS = 64
DIRECT_PRODUCTS = 256

# variable -> (symbol kind, the notes' letters for its indices)
_KIND = {"A_prev": ("a", ("i", "j")), "W": ("w", ("i", "j")), "b": ("b", ("i",))}
# an index of x with this role must equal this summation index for x to occur in z_st
_TIES = {"sample": "s", "out": "t"}
NEQ = r"\neq"


class Term(NamedTuple):
    r"""One (s, t) term ∂L/∂z_st · ∂z_st/∂x of the double sum (s, t 0-based)."""

    s: int
    t: int
    upstream: str  # LaTeX of ∂L/∂z_st
    local: sp.Expr  # ∂z_st/∂x, from sp.diff
    local_latex: str
    upstream_value: float
    local_value: float
    value: float
    vanishes: bool
    reason: str | None  # LaTeX, e.g. "s \neq i", when the term vanishes


@dataclass(frozen=True)
class TermClass:
    r"""One pattern of terms: its condition, a representative z_st and sp.diff of it."""

    condition: str  # LaTeX, e.g. "t = j" or "t \neq j"
    representative: tuple[int, int]  # (s0, t0), 0-based
    free: str  # the summation index the pattern leaves free ("s" or "t")
    z: sp.Expr  # the actual z_{s0 t0}
    local: sp.Expr  # sp.diff(z, x)
    vanishes: bool


@dataclass(frozen=True, eq=False)
class ElementSum:
    r"""The whole derivation of one gradient entry; arrays are (m, n_l) over (s, t)."""

    l: int
    variable: str  # "A_prev", "W" or "b"
    index: tuple[int, ...]  # 0-based
    m: int
    n_in: int
    n_out: int
    target: sp.Symbol  # x
    method: str  # "every term" or "per pattern"
    classes: tuple[TermClass, ...]
    class_of: np.ndarray  # (m, n_l) index into classes
    local: np.ndarray  # (m, n_l) object: ∂z_st/∂x
    upstream_values: np.ndarray  # (m, n_l) ∂L/∂Z^(l)
    local_values: np.ndarray  # (m, n_l)
    term_values: np.ndarray  # (m, n_l)
    vanishes: np.ndarray  # (m, n_l) bool
    value: float  # Σ of every term
    collapsed: sp.Expr  # the single sum of the surviving terms
    collapsed_value: float
    identity: sp.Expr  # the matrix-product entry, built from a row and a column
    identity_value: float  # the same entry of the numeric product
    difference: sp.Expr  # collapsed - identity, simplified: 0
    latex: dict[str, str] = field(repr=False)
    symbolic_entry: object = None  # NetworkEntry | TooLarge | None: SymPy's whole-network derivative

    def term(self, s: int, t: int) -> Term:
        """The (s, t) term (0-based) as a record."""
        return self._term(s, t, entry_latex("dz", self.l, s, t))

    def _term(self, s: int, t: int, upstream: str) -> Term:
        cls = self.classes[self.class_of[s, t]]
        local = self.local[s, t]
        return Term(
            s,
            t,
            upstream,
            local,
            cached_latex(local),
            float(self.upstream_values[s, t]),
            float(self.local_values[s, t]),
            float(self.term_values[s, t]),
            bool(self.vanishes[s, t]),
            cls.condition if cls.vanishes else None,
        )

    @cached_property
    def terms(self) -> tuple[Term, ...]:
        """Every (s, t) term, row by row."""
        head, tail = entry_latex("dz", self.l, 0, 0).split("{11}")  # the name around its subscript
        reasons = [c.condition if c.vanishes else None for c in self.classes]
        columns = zip(
            self.local.ravel().tolist(),
            self.class_of.ravel().tolist(),
            self.upstream_values.ravel().tolist(),
            self.local_values.ravel().tolist(),
            self.term_values.ravel().tolist(),
            self.vanishes.ravel().tolist(),
        )
        pairs = product(range(self.m), range(self.n_out))
        return tuple(
            Term(s, t, f"{head}{{{index_text((s, t))}}}{tail}", d, cached_latex(d), g, v, x, z, reasons[k])
            for (s, t), (d, k, g, v, x, z) in zip(pairs, columns)
        )

    def expanded_latex(self, max_terms: int = 12) -> str:
        r"""The double sum written out term by term (the first ``max_terms``, then \cdots)."""
        pairs = product(range(self.m), range(self.n_out))
        shown = [
            rf"{entry_latex('dz', self.l, s, t)} \cdot {latex_factor(self.local[s, t])}"
            for s, t in islice(pairs, max_terms)
        ]
        if self.m * self.n_out > max_terms:
            shown.append(r"\cdots")
        return " + ".join(shown)


def element_sum(trace, l: int, variable: str, index, network: bool = True) -> ElementSum | TooLarge:
    r"""The element sum of ∂L/∂x for x = entry ``index`` (0-based) of A^(l-1), W^(l) or b^(l).

    ``trace`` is a ``backprop.Trace``; its layer l gives the numbers (A_prev, W, b and
    ∂L/∂Z^(l), the upstream gradient). With ``network`` the result also carries SymPy's
    whole-network derivative of the entry (``symbolic_entry``), or TooLarge past that
    engine's limit. Past ``ELEMENT_TERMS_LIMIT`` terms, returns TooLarge at once.
    """
    layer = trace.layers[l - 1]
    m, n_in = layer.A_prev.shape
    n_out = layer.W.shape[1]
    too_large = check_size(
        "element sum", "terms m·n_l", m * n_out, ELEMENT_TERMS_LIMIT,
        f"a layer and batch with m·n_l ≤ {ELEMENT_TERMS_LIMIT} (for example m ≤ 128, n_l ≤ 128), "
        "or the matrix identity alone",
    )  # fmt: skip
    too_large = too_large or check_size(
        "element sum", "inputs n_{l-1} (terms of each z_st)", n_in, ELEMENT_INPUTS_LIMIT,
        f"a layer with at most {ELEMENT_INPUTS_LIMIT} inputs, or the matrix identity alone",
    )  # fmt: skip
    if too_large:
        return too_large
    index = _checked_index(variable, index, {"A_prev": (m, n_in), "W": (n_in, n_out), "b": (n_out,)})
    kind, _letters = _KIND[variable]
    x = symbol(kind, l - 1 if kind == "a" else l, *index)
    direct = m * n_out <= DIRECT_TERMS and m * n_out * n_in <= DIRECT_PRODUCTS
    classes, class_of = _classes(x, l, m, n_in, n_out)
    local = np.empty((m, n_out), dtype=object)
    local_values = np.zeros((m, n_out))
    vanishes = np.zeros((m, n_out), dtype=bool)
    numbers = {"a": layer.A_prev, "w": layer.W, "b": layer.b}
    for k, cls in enumerate(classes):
        mask = class_of == k
        if not direct and not cls.local.free_symbols:  # a constant (0 or 1) for the whole pattern
            local[mask], local_values[mask], vanishes[mask] = cls.local, float(cls.local), cls.vanishes
            continue
        s0, t0 = cls.representative
        for s, t in zip(*np.nonzero(mask)):
            s, t = int(s), int(t)
            if direct:
                d = sp.diff(z_entry(l, s, t, n_in), x)
            else:
                d = relabel(cls.local, {s0: s, s: s0}, {t0: t, t: t0})
            local[s, t], local_values[s, t], vanishes[s, t] = d, _evaluate(d, numbers), d == 0
    upstream = layer.dZ
    term_values = upstream * local_values  # (m, n_l)
    surviving = [(s, t) for s, t in zip(*np.nonzero(~vanishes))]
    collapsed = sp.Add(*[symbol("dz", l, int(s), int(t)) * local[s, t] for s, t in surviving])
    collapsed_latex = (
        " + ".join(product_latex(symbol("dz", l, int(s), int(t)), local[s, t]) for s, t in surviving) or "0"
    )
    identity, identity_latex, identity_value, identity_name = _identity(variable, l, index, m, n_out, layer)
    return ElementSum(
        l, variable, index, m, n_in, n_out, x,
        "every term" if direct else "per pattern",
        classes, class_of, local, upstream, local_values, term_values, vanishes,
        float(term_values.sum()),
        collapsed,
        float(sum(term_values[s, t] for s, t in surviving)),
        identity,
        identity_value,
        sp.simplify(collapsed - identity),
        step_strings(l, m, n_out, x, classes, collapsed_latex, identity_latex, identity_name),
        _network_entry(trace, variable, l, index) if network else None,
    )  # fmt: skip


def _checked_index(variable: str, index, shapes: dict) -> tuple[int, ...]:
    """index as a tuple of ints inside the variable's shape (ValueError naming both otherwise)."""
    if variable not in shapes:
        raise ValueError(f"variable = {variable!r} is not allowed: use one of {', '.join(VARIABLES)}")
    shape = shapes[variable]
    index = (index,) if isinstance(index, (int, np.integer)) else tuple(int(i) for i in index)
    if len(index) != len(shape) or not all(0 <= i < n for i, n in zip(index, shape)):
        raise ValueError(f"index = {index} is not allowed for {variable} of shape {shape} (0-based)")
    return index


def _classes(x: sp.Symbol, l: int, m: int, n_in: int, n_out: int) -> tuple[tuple[TermClass, ...], np.ndarray]:
    r"""The term patterns for x: one per (equal / unequal) choice of each tied index, with sp.diff."""
    kind, layer, index = info(x)
    roles = KINDS[kind][1]
    letters = _KIND[{"a": "A_prev", "w": "W", "b": "b"}[kind]][1]
    ties = [(_TIES[role], pos) for pos, role in enumerate(roles) if role in _TIES]
    S, T = np.meshgrid(np.arange(m), np.arange(n_out), indexing="ij")
    grid = {"s": S, "t": T}
    classes: list[TermClass] = []
    class_of = np.full((m, n_out), -1)
    for equal in product((True, False), repeat=len(ties)):
        mask = np.ones((m, n_out), dtype=bool)
        for (letter, pos), eq in zip(ties, equal):
            mask &= (grid[letter] == index[pos]) if eq else (grid[letter] != index[pos])
        if not mask.any():
            continue  # e.g. m = 1: no row s ≠ i
        s0, t0 = (int(v) for v in np.argwhere(mask)[0])
        z = z_entry(l, s0, t0, n_in)
        local = sp.diff(z, x)  # the local derivative, from the actual z_st
        condition = r",\ ".join(
            f"{letter} {'=' if eq else NEQ} {letters[pos]}" for (letter, pos), eq in zip(ties, equal)
        )
        free = "".join(letter for letter in "st" if letter not in {tie for tie, _ in ties})
        class_of[mask] = len(classes)
        classes.append(TermClass(condition, (s0, t0), free, z, local, local == 0))
    return tuple(classes), class_of


def _evaluate(expr: sp.Expr, numbers: dict[str, np.ndarray]) -> float:
    """The value of a local derivative at the layer's numbers."""
    if not expr.free_symbols:
        return float(expr)
    values = {s: numbers[info(s).kind][info(s).indices] for s in expr.free_symbols}
    if isinstance(expr, sp.Symbol):
        return float(values[expr])
    return float(expr.xreplace(values))


def _identity(variable: str, l: int, index, m: int, n_out: int, layer):
    r"""The identity's entry (∂L/∂Z Wᵀ)_ij, (A_prevᵀ ∂L/∂Z)_ij or (1ᵀ ∂L/∂Z)_i, symbolic and numeric."""
    dZ = nt.grad("Z", l)
    if variable == "A_prev":
        i, j = index
        row = sp.Matrix([[symbol("dz", l, i, t) for t in range(n_out)]])  # row i of ∂L/∂Z
        col = sp.Matrix([symbol("w", l, j, t) for t in range(n_out)])  # column j of Wᵀ
        value = float(layer.dZ[i, :] @ layer.W[j, :])
        name = rf"\left({dZ} {nt.transpose(nt.sup('W', l))}\right)_{{{index_text(index)}}}"
    elif variable == "W":
        i, j = index
        row = sp.Matrix([[symbol("a", l - 1, s, i) for s in range(m)]])  # row i of A_prevᵀ
        col = sp.Matrix([symbol("dz", l, s, j) for s in range(m)])  # column j of ∂L/∂Z
        value = float(layer.A_prev[:, i] @ layer.dZ[:, j])
        name = rf"\left({nt.transpose(nt.sup('A', l - 1))} {dZ}\right)_{{{index_text(index)}}}"
    else:
        (i,) = index
        row = sp.ones(1, m)  # 1_{m×1}ᵀ
        col = sp.Matrix([symbol("dz", l, s, i) for s in range(m)])  # column i of ∂L/∂Z
        value = float(layer.dZ[:, i].sum())
        name = rf"\left({nt.transpose(nt.ones(m))} {dZ}\right)_{{{index_text(index)}}}"
    written = " + ".join(product_latex(r, c) for r, c in zip(row, col))  # row · column, in order
    return (row * col)[0, 0], written, value, name


def _network_entry(trace, variable: str, l: int, index):
    """SymPy's whole-network derivative of the entry, or TooLarge past that engine's limit."""
    from backprop.symbolic.network import network_entry  # noqa: PLC0415 (network imports this module's peers)

    return network_entry(trace, variable, l, index)
