r"""Mistakes 10 to 13: slips of the notes beyond NOTES.md's nine, each refuted and corrected.

10. dz = Wᵀ da + db is the differential with W held fixed: the full one adds (dW)ᵀ a.
11. The ∂ missing from the chain rule's denominators (mistake 6) is missing again in the
    display after it, ∂L/a_ij = Σ_{s=i,t} ∂L/z_st ∂z_st/a_ij = ...
12. Bold a_i is a sample, row i of A (i = 1..m), while bold w_i is a column of W
    (i = 1..n_l): one notation, two readings.
13. G^(l) = (g, ..., g)ᵀ ∈ R^{m×n_l}: its entries are functions, not real numbers, and
    G(Z) applies them entry by entry (row by row for softmax); it is no matrix product.

>>> from backprop import NetworkSpec, run
>>> from backprop.teaching.notes_walk.checks import focus
>>> trace = run(NetworkSpec())
>>> found = further_mistakes(trace, focus(trace))
>>> [k.number for k in found], {(k.refutation.verdict, k.corrected_verdict) for k in found}
([10, 11, 12, 13], {('refuted', 'verified')})
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from backprop.core.activations import activation
from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.teaching.notes_walk import symbolic
from backprop.teaching.notes_walk.checks import Focus, finite_differences, numbers
from backprop.teaching.notes_walk.model import Check, Evidence, Mistake, fmt_index, fmt_number, fmt_shape
from backprop.teaching.notes_walk.statements import (
    BOLD_ROLES,
    BOLD_ROLES_FIXED,
    DIFFERENTIAL,
    DIFFERENTIAL_FIXED,
    G_MATRIX,
    G_MATRIX_FIXED,
    G_MATRIX_FIXED_ROWS,
    PARTIAL_AGAIN,
    PARTIAL_AGAIN_FIXED,
)

_EPS = sp.Symbol("epsilon")


def _full_differential(n_in: int, n_out: int, l: int):
    r"""(dz, the notes' Wᵀ da + db, dW) in symbols: dz = d/dε z(W + ε dW, a + ε da, b + ε db) at ε = 0."""
    s = symbolic.layer_symbols(1, n_in, n_out, l)
    a, b, W = s.A.T, s.b, s.W
    da = sp.Matrix(n_in, 1, lambda j, _: sp.Symbol(rf"\mathrm{{d}}a_{{{j + 1}}}"))
    db = sp.Matrix(n_out, 1, lambda t, _: sp.Symbol(rf"\mathrm{{d}}b_{{{t + 1}}}"))
    dW = sp.Matrix(n_in, n_out, lambda j, t: sp.Symbol(rf"\mathrm{{d}}w_{{{j + 1}{t + 1}}}"))
    moved = (W + _EPS * dW).T * (a + _EPS * da) + b + _EPS * db
    dz = moved.diff(_EPS).subs(_EPS, 0).expand()
    return dz, (W.T * da + db).expand(), dW.T * a


def differential_w_fixed(trace: Trace, f: Focus) -> Mistake:
    r"""10. dz = Wᵀ da + db leaves out (dW)ᵀ a: it holds only with W fixed."""
    layer = trace.layers[f.l - 1]
    _, n_in, n_out = symbolic.window(trace.spec, f.l)
    dz, notes, dw_term = _full_differential(n_in, n_out, f.l)
    missing = (dz - notes).expand()
    evidence = [
        Evidence(
            "full_differential",
            {},
            latex=r"\mathrm{d}\boldsymbol{z} - (\mathbf{W}^\mathrm{T}\mathrm{d}\boldsymbol{a}"
            r" + \mathrm{d}\boldsymbol{b}) = " + sp.latex(missing),
            data={"zero": bool(missing.is_zero_matrix)},
        )
    ]
    # on the numbers: moving W alone (da = db = 0) moves z by (dW)ᵀ a, which the notes' line calls 0
    rng = np.random.default_rng([trace.spec.seed, 10])
    d_W = rng.standard_normal(layer.W.shape)
    a_num, h = layer.A_prev[f.sample], 1e-3
    moved = (a_num @ (layer.W + h * d_W) - a_num @ (layer.W - h * d_W)) / (2 * h)  # exact: z is linear in W
    size = float(np.abs(moved).max())
    if size > 0:
        fmt = {"sample": str(f.sample + 1), "size": fmt_number(size)}
        evidence.append(Evidence("w_moves_z", fmt, data={"sample": f.sample, "size": size, "dW": d_W}))
    refutation = Check("sympy", bool(missing.is_zero_matrix), tuple(evidence))
    full = dw_term + notes
    sym = Check(
        "sympy",
        bool((dz - full).expand().is_zero_matrix),
        (Evidence("sympy_full_differential", {}, latex=r"\mathrm{d}\boldsymbol{z} = " + sp.latex(dz)),),
    )
    d_a, d_b = rng.standard_normal(layer.W.shape[0]), rng.standard_normal(layer.W.shape[1])

    def z(t: float) -> np.ndarray:
        return (a_num + t * d_a) @ (layer.W + t * d_W) + layer.b + t * d_b

    quotient = (z(h) - z(-h)) / (2 * h)  # exact up to rounding: z is quadratic in t, its t² term cancels
    nums = numbers(
        [
            (
                r"\frac{\boldsymbol{z}(t) - \boldsymbol{z}(-t)}{2t}",
                r"(\mathrm{d}\mathbf{W})^\mathrm{T}\boldsymbol{a}"
                r" + \mathbf{W}^\mathrm{T}\mathrm{d}\boldsymbol{a} + \mathrm{d}\boldsymbol{b}",
                quotient,
                a_num @ d_W + d_a @ layer.W + d_b,
            )
        ]
    )
    return Mistake(10, "differential_w_fixed", DIFFERENTIAL, refutation, DIFFERENTIAL_FIXED, (sym, nums))


def partial_again(trace: Trace, f: Focus) -> Mistake:
    r"""11. The display after mistake 6's line drops the ∂ of ∂L/∂a_ij, ∂L/∂z_st and ∂z_st/∂a_ij again."""
    layer, (i, j) = trace.layers[f.l - 1], f.a_entry
    value = float(layer.A_prev[i, j])
    fmt = {"entry": fmt_index((i, j)), "value": fmt_number(value)}
    refutation = Check("reading", False, (Evidence("partial_again", fmt, data={"value": value}),))
    fixed = finite_differences(
        trace,
        "A_prev",
        f.l,
        layer.dA_prev,  # Σ_t ∂L/∂z_it w_jt for every (i, j): the engine's ∂L/∂A^(l-1)
        r"\sum_t " + nt.partial("z_{it}") + " w_{jt}",
        first=(i, j),
    )
    return Mistake(11, "partial_again", PARTIAL_AGAIN, refutation, PARTIAL_AGAIN_FIXED, (fixed,))


def bold_roles(trace: Trace, f: Focus) -> Mistake:
    r"""12. Bold a_s is row s of A (a sample), bold w_i column i of W (a unit): one notation, two readings."""
    layer, s = trace.layers[f.l - 1], f.sample
    m, n_in = layer.A_prev.shape
    n_out = layer.W.shape[1]
    sizes = {"m": str(m), "n_in": str(n_in), "n_out": str(n_out)}
    evidence = [Evidence("bold_two_readings", sizes, data={"m": m, "n_in": n_in, "n_out": n_out})]
    column = min(s, n_in - 1)  # a_i read the way w_i is: column i of A
    if m != n_in:
        fmt = {"i": str(column + 1), "got": str(m), "want": str(n_in)}
        evidence.append(Evidence("bold_column_length", fmt, data={"got": m, "want": n_in}))
    elif not np.allclose(layer.A_prev[:, column], layer.A_prev[column, :]):
        fmt = {"i": str(column + 1)}
        data = {"i": column, "column": layer.A_prev[:, column], "row": layer.A_prev[column, :]}
        evidence.append(Evidence("bold_column_numbers", fmt, data=data))
    refutation = Check("reading", False, tuple(evidence))
    i = f.b_entry
    nums = numbers(
        [
            (
                r"{\mathbf{W}^{(l)}}^\mathrm{T} \boldsymbol{a}_s^{(l-1)} + \boldsymbol{b}^{(l)}",
                rf"(\mathbf{{Z}}^{{(l)}}_{{{s + 1},:}})^\mathrm{{T}}",
                layer.W.T @ layer.A_prev[s] + layer.b,
                layer.Z[s],
            ),
            (
                r"{\boldsymbol{a}_s^{(l-1)}}^\mathrm{T} \boldsymbol{w}_i^{(l)} + b_i^{(l)}",
                rf"z_{{{s + 1},{i + 1}}}^{{(l)}}",
                layer.A_prev[s] @ layer.W[:, i] + layer.b[i],
                layer.Z[s, i],
            ),
        ]
    )
    return Mistake(12, "bold_roles", BOLD_ROLES, refutation, BOLD_ROLES_FIXED, (nums,))


def g_functions(trace: Trace, f: Focus) -> Mistake:
    r"""13. G^(l) holds functions, not reals; G(Z) applies g to each entry (each row for softmax)."""
    layer = trace.layers[f.l - 1]
    act = activation(trace.spec.activations[f.l - 1])
    m, n = layer.Z.shape
    evidence = [Evidence("functions_not_reals", {"m": str(m), "n": str(n)})]
    if m != n:  # read as a real matrix, G(Z) would be a product G Z: (m × n)(m × n) does not multiply
        fmt = {"left": fmt_shape((m, n)), "right": fmt_shape((m, n))}
        evidence.append(Evidence("g_product_shapes", fmt, data={"m": m, "n": n}))
    refutation = Check("reading", False, tuple(evidence))
    if act.elementwise:
        applied = np.array([[act.g(np.array([[z]]))[0, 0] for z in row] for row in layer.Z])
        lhs, fixed = r"\left[g^{(l)}(z_{st}^{(l)})\right]_{st}", G_MATRIX_FIXED
    else:
        applied = np.vstack([act.g(layer.Z[r : r + 1]) for r in range(m)])
        lhs, fixed = r"\left[g^{(l)}(\boldsymbol{z}_s^{(l)})^\mathrm{T}\right]_s", G_MATRIX_FIXED_ROWS
    nums = numbers([(lhs, r"\mathbf{A}^{(l)}", applied, layer.A)])
    return Mistake(13, "g_functions", G_MATRIX, refutation, fixed, (nums,))


def further_mistakes(trace: Trace, f: Focus) -> list[Mistake]:
    """Mistakes 10 to 13, in order."""
    return [build(trace, f) for build in (differential_w_fixed, partial_again, bold_roles, g_functions)]
