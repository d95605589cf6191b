r"""Layouts and transposes: one gradient in two layouts, two batch conventions, and why only Aᵀ ∂L/∂Z.

Three panels' worth of checked facts about one layer l of a trace:

- ``layouts``: each derivative in denominator layout (the notes': the shape of the
  variable, ∂L/∂W is n_{l-1} × n_l) and numerator layout (the shape of its transpose,
  the Jacobian's), equal up to a transpose on the current numbers;
- ``conventions``: the notes' rows-are-samples form Z = A W + 1 bᵀ beside the column
  form of most textbooks (and PyTorch's ``nn.Linear``) Z_c = W_c X + b 1ᵀ with
  W_c = Wᵀ stored transposed and X = Aᵀ; every quantity and gradient agrees, transposed;
- ``candidates``: the products a student might write for ∂L/∂W, ∂L/∂A^(l-1), ∂L/∂b,
  each judged: the shapes do not multiply, the result has the wrong shape, or finite
  differences refute it at a named entry (or, on a special network such as a 1 × 1
  layer, it honestly coincides).

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")))
>>> [(c.key, c.check.verdict) for c in candidates(trace, 2) if c.target == "W"]
[('AT_dZ', 'verified'), ('dZ_AT', 'refuted'), ('dZT_A', 'refuted'), ('A_dZ', 'refuted')]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk import symbolic
from backprop.teaching.notes_walk.checks import counterexample, finite_differences, numbers, oracle
from backprop.teaching.notes_walk.model import Check, Evidence, fmt_shape

T, PT = nt.transpose, nt.paren_transpose
A_PREV, W_, Z, X_ = nt.sup("A", "l-1", True), nt.bold("W"), nt.bold("Z"), nt.bold("X")
DZ = nt.grad("Z", bold_symbol=True)
DZ_C = nt.partial(Z + "_c")  # the column convention's ∂L/∂Z_c
DL_DZ = nt.partial(nt.bold("z"), of="l")  # one sample's ∂l/∂z
TARGET_LATEX = {
    "W": nt.grad("W", bold_symbol=True),
    "A_prev": nt.grad("A", "l-1", bold_symbol=True),
    "b": nt.grad("b", bold_symbol=True),
}


@dataclass(frozen=True)
class Candidate:
    r"""One product offered for a gradient, its value if it exists, and the check that judges it."""

    key: str
    target: str  # "W", "A_prev" or "b"
    latex: str
    correct: bool  # the notes' formula (denominator layout)
    value: np.ndarray | None  # None when the shapes do not multiply
    check: Check


@dataclass(frozen=True)
class Pair:
    r"""One quantity two ways (two layouts, or two conventions), and the check that they agree."""

    key: str
    left_latex: str
    right_latex: str
    left: np.ndarray
    right: np.ndarray
    check: Check


def _products(trace: Trace, l: int) -> list[tuple[str, str, str, bool, list[np.ndarray]]]:
    """(key, target, LaTeX, correct, factors) of every candidate for layer l."""
    layer = trace.layers[l - 1]
    A, W, D = layer.A_prev, layer.W, layer.dZ  # (m, n_in), (n_in, n_out), (m, n_out)
    ones_m, ones_n = np.ones((1, A.shape[0])), np.ones((W.shape[1], 1))
    return [
        ("AT_dZ", "W", f"{T(A_PREV)} {DZ}", True, [A.T, D]),
        ("dZ_AT", "W", f"{DZ} {T(A_PREV)}", False, [D, A.T]),
        ("dZT_A", "W", f"{T(DZ)} {A_PREV}", False, [D.T, A]),
        ("A_dZ", "W", f"{A_PREV} {DZ}", False, [A, D]),
        ("dZ_WT", "A_prev", f"{DZ} {T(W_)}", True, [D, W.T]),
        ("dZ_W", "A_prev", f"{DZ} {W_}", False, [D, W]),
        ("WT_dZ", "A_prev", f"{T(W_)} {DZ}", False, [W.T, D]),
        ("W_dZT", "A_prev", f"{W_} {T(DZ)}", False, [W, D.T]),
        ("1T_dZ", "b", PT(f"{T(nt.ones())} {DZ}", "\\big"), True, [ones_m, D]),
        ("dZ_1", "b", f"{DZ} {nt.ones('n_l')}", False, [D, ones_n]),
    ]


def candidates(trace: Trace, l: int) -> tuple[Candidate, ...]:
    r"""Every candidate product for ∂L/∂W^(l), ∂L/∂A^(l-1), ∂L/∂b^(l), judged on the trace."""
    layer = trace.layers[l - 1]
    actual = {"W": layer.dW, "A_prev": layer.dA_prev, "b": layer.db}
    out = []
    for key, target, latex, correct, (left, right) in _products(trace, l):
        want = actual[target].shape
        if left.shape[1] != right.shape[0]:
            fmt = {
                "lhs": f"${latex}$",
                "left": fmt_shape(left.shape),
                "right": fmt_shape(right.shape),
                "k1": str(left.shape[1]),
                "k2": str(right.shape[0]),
            }
            check = Check(
                "shapes",
                False,
                (Evidence("no_product", fmt, data={"left": left.shape, "right": right.shape}),),
            )
            out.append(Candidate(key, target, latex, correct, None, check))
            continue
        # the notes' product is the backward engine's result; a wrong one is multiplied here
        value = actual[target] if correct else left @ right
        if target == "b":
            value = value.reshape(-1) if 1 in value.shape else value  # a column or row of n entries
        if value.shape != want:
            fmt = {"lhs": f"${latex}$", "got": fmt_shape(value.shape), "want": fmt_shape(want)}
            check = Check(
                "shapes", False, (Evidence("shape_mismatch", fmt, data={"got": value.shape, "want": want}),)
            )
        elif correct:
            check = finite_differences(trace, target, l, value, latex)
        else:
            found = counterexample(trace, target, l, value, actual[target], latex)
            if found is not None:
                check = Check("finite_differences", False, (found,))
            else:  # a special network where the wrong product happens to be right
                coincide = finite_differences(trace, target, l, value, latex)
                check = Check(
                    "finite_differences",
                    coincide.holds,
                    (Evidence("coincides", {"lhs": f"${latex}$"}),) + coincide.evidence,
                )
        out.append(Candidate(key, target, latex, correct, value, check))
    return tuple(out)


def layouts(trace: Trace, l: int, sample: int = 0) -> tuple[Pair, ...]:
    r"""∂L/∂W, ∂L/∂b, ∂L/∂A^(l-1) and one sample's ∂z/∂a in denominator and numerator layout.

    Denominator layout (the notes'): ∂L/∂W ∈ R^{n_{l-1}×n_l}, ∂z/∂a = W. Numerator layout
    (the Jacobian's): ∂L/∂W ∈ R^{n_l×n_{l-1}}, ∂z/∂a = Wᵀ. The chain rule runs in opposite
    orders: ∂l/∂a = (∂z/∂a)(∂l/∂z) = W δ against (∂l/∂z)(∂z/∂a) = δᵀ Wᵀ.
    """
    layer = trace.layers[l - 1]
    A, W, D = layer.A_prev, layer.W, layer.dZ
    a = A[sample]
    h = 1e-3
    steps = h * np.eye(len(a))  # row j moves a_j alone
    jacobian = (((a + steps) @ W - (a - steps) @ W) / (2 * h)).T  # ∂z_t/∂a_j, (n_out, n_in)
    delta = D[sample] * (trace.spec.m if trace.spec.reduction == "mean" else 1)  # ∂l/∂z for the sample
    dW, db, dA = layer.dW, layer.db, layer.dA_prev  # the backward engine's results
    # numerator layout holds the transposes; finite differences read them back transposed
    rows = [
        ("dW", f"{T(A_PREV)} {DZ}", f"{T(DZ)} {A_PREV}", dW, dW.T),
        ("db", PT(f"{T(nt.ONE)} {DZ}", "\\big"), f"{T(nt.ONE)} {DZ}", db[:, None], db[None, :]),
        ("dA", f"{DZ} {T(W_)}", f"{W_} {T(DZ)}", dA, dA.T),
        ("dz_da", W_, r"\left[\frac{\Delta z_t}{\Delta a_j}\right]_{tj}", W, jacobian),
        (
            "chain",
            f"{W_} {DL_DZ}",
            f"{T(DL_DZ)} {T(W_)}",
            (W @ delta)[:, None],
            (delta @ jacobian)[None, :],  # δᵀ times the measured Wᵀ (the dz_da row)
        ),
    ]
    return tuple(
        Pair(key, den, num, left, right, _layout_check(trace, l, key, den, num, left, right))
        for key, den, num, left, right in rows
    )


# the variable whose derivative a layouts row holds (finite differences perturb it)
LAYOUT_VARIABLE = {"dW": "W", "db": "b", "dA": "A_prev"}


def _layout_check(trace: Trace, l: int, key: str, den: str, num: str, left, right) -> Check:
    r"""The numerator form read back transposed is the derivative (finite differences), or equals (den)ᵀ.

    dW, db, dA: the numerator value is the engine's gradient transposed, so comparing it
    with (den)ᵀ would prove nothing; finite differences of L judge (num)ᵀ entry by entry
    instead: entry (i, j) of ∂L/∂W in numerator layout is ∂L/∂w_ji. dz_da and the chain
    rule compare two computations: W with the measured Jacobian ∂z/∂a, and W δ with δᵀ
    times that measured Jacobian.
    """
    if key in LAYOUT_VARIABLE:
        variable = LAYOUT_VARIABLE[key]
        shape = getattr(trace.layers[l - 1], variable).shape
        return finite_differences(trace, variable, l, np.reshape(right.T, shape), PT(num))
    return numbers([(PT(den), num, left.T, right)])


def conventions(trace: Trace, l: int) -> tuple[Pair, ...]:
    r"""The notes' rows-are-samples layer beside the column convention Z_c = W_c X + b 1ᵀ, W_c = Wᵀ.

    Column convention (samples are columns, W_c is n_l × n_{l-1}): X = A^(l-1)ᵀ,
    Z_c = W_c X + b 1ᵀ, ∂L/∂W_c = ∂L/∂Z_c Xᵀ, ∂L/∂b = ∂L/∂Z_c 1, ∂L/∂X = W_cᵀ ∂L/∂Z_c.
    Each equals the notes' quantity transposed, except ∂L/∂b: b is a column in both.
    """
    layer = trace.layers[l - 1]
    W_c, X, b = layer.W.T.copy(), layer.A_prev.T.copy(), layer.b  # stored the textbook way
    m = X.shape[1]
    Z_c = W_c @ X + b[:, None] @ np.ones((1, m))  # (n_out, m)
    dZ_c = layer.dZ.T  # the same upstream gradient, samples as columns
    rows = [
        (
            "Z",
            f"{Z} = {nt.bold('A')}{W_} + {nt.ONE}{T(nt.bold('b'))}",
            f"{Z}_c = {W_}_c {X_} + {nt.bold('b')}{T(nt.ONE)}",
            layer.Z,
            Z_c,
        ),
        (
            "dW",
            f"{T(nt.bold('A'))} {DZ}",
            f"{DZ_C} {T(X_)}",
            layer.dW,
            dZ_c @ X.T,
        ),
        (
            "db",
            PT(f"{T(nt.ONE)} {DZ}", "\\big"),
            f"{DZ_C} {nt.ONE}",
            layer.db[:, None],
            dZ_c @ np.ones((m, 1)),
        ),
        (
            "dA",
            f"{DZ} {T(W_)}",
            f"{T(W_ + '_c')} {DZ_C}",
            layer.dA_prev,
            W_c.T @ dZ_c,
        ),
    ]
    out = []
    for key, row, column, left, right in rows:
        row_side, column_side = row.split("=")[-1], column.split("=")[-1]
        if key == "db":
            same_check = numbers([(row_side, column_side, left, right)])
        else:
            same_check = numbers([(PT(row_side), column_side, left.T, right)])
        if (
            key == "dW"
        ):  # the column form's entry (t, j) is ∂L/∂(W_c)_tj = ∂L/∂w_jt: finite differences say so
            fd = finite_differences(trace, "W", l, right.T, PT(nt.partial(W_ + "_c")))
            same_check = Check(
                "numbers", same_check.holds and fd.holds is not False, same_check.evidence + fd.evidence
            )
        out.append(Pair(key, row, column, left, right, same_check))
    return tuple(out)


def numerator_refutes(trace: Trace, l: int) -> Check:
    r"""The notes' ∂L/∂W = A^(l-1)ᵀ ∂L/∂Z read in numerator layout (entry (i, j) = ∂L/∂w_ji) fails.

    By shapes when n_{l-1} ≠ n_l; by a counterexample from finite differences when W is
    square; on a 1 × 1 layer (or a symmetric ∂L/∂W) the two layouts coincide and only
    the general argument (SymPy, on symbols) refutes.
    """
    layer = trace.layers[l - 1]
    notes = layer.dW  # A^(l-1)ᵀ ∂L/∂Z^(l), the engine's (n_in, n_out)
    m, n_in, n_out = symbolic.window(trace.spec, l)
    s = symbolic.layer_symbols(m, max(n_in, 2), max(n_out, 2), l)
    general = s.A.T * s.D
    evidence = [
        Evidence(
            "layout_general",
            {},
            # two lines: side by side the two symbolic matrices are wider than the page
            latex=rf"\begin{{aligned}} {PT(T(nt.bold('A')) + ' ' + DZ)} &= {sympy_latex(general.T)} \\ "
            rf"&\neq {sympy_latex(general)} \end{{aligned}}",
        )
    ]
    if notes.shape[0] != notes.shape[1]:
        fmt = {"num": fmt_shape(notes.T.shape), "den": fmt_shape(notes.shape)}
        evidence.append(
            Evidence("layout_shapes", fmt, data={"numerator": notes.T.shape, "denominator": notes.shape})
        )
    else:
        # read in numerator layout, entry (i, j) of A^T ∂L/∂Z would be ∂L/∂w_ji: compare with w_ji's own
        found = counterexample(trace, "W", l, notes.T, layer.dW, PT(f"{T(nt.bold('A'))} {DZ}"))
        evidence.append(
            found if found is not None else Evidence("layout_coincide", {"n": str(notes.shape[0])})
        )
    return Check("shapes", False, tuple(evidence))


def shapes_match_variables(trace: Trace) -> Check:
    r"""Denominator layout, whole trace: ∂L/∂W, ∂L/∂b, ∂L/∂Z, ∂L/∂A^(l-1) have their variable's shape."""
    pairs = [(la.dW.shape, la.W.shape) for la in trace.layers] + [
        (la.db.shape, la.b.shape) for la in trace.layers
    ]
    pairs += [(la.dZ.shape, la.Z.shape) for la in trace.layers] + [
        (la.dA_prev.shape, la.A_prev.shape) for la in trace.layers
    ]
    holds = all(g == v for g, v in pairs)
    return Check(
        "shapes", holds, (Evidence("all_shapes", {"count": str(len(pairs))}, data={"pairs": pairs}),)
    )


__all__ = [
    "Candidate",
    "Pair",
    "candidates",
    "conventions",
    "layouts",
    "numerator_refutes",
    "oracle",
    "shapes_match_variables",
]
