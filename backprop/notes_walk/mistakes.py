r"""The nine mistakes of the notes (NOTES.md), each refuted on the current network and corrected.

Each ``Mistake`` holds the notes' statement, the check that refutes it (why it fails:
the shapes, SymPy, a counterexample certified by finite differences, or the reading of
the text), the corrected statement and the checks that verify it. When the current
numbers happen to satisfy a wrong statement (m = 1, n_l = 1, a square layer) the
refutation says so and rests on the general argument, which the evidence names.

>>> from backprop import NetworkSpec, run
>>> from backprop.notes_walk.checks import focus
>>> trace = run(NetworkSpec())
>>> [(k.number, k.refutation.verdict, k.corrected_verdict) for k in all_mistakes(trace, focus(trace))][:2]
[(1, 'refuted', 'verified'), (2, 'refuted', 'verified')]
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..activations import activation
from ..losses import LOSSES
from ..network import Params, Trace, forward
from . import symbolic
from .checks import EXACT, Focus, counterexample, finite_differences, numbers, same
from .model import Check, Evidence, Mistake, fmt_index, fmt_number, fmt_shape, matrix_latex
from .statements import (
    DL,
    DL_FIXED,
    DZ,
    DZ_FIXED,
    FIGURE_FIXED,
    FIND,
    FIND_FIXED,
    LOSS_SUM,
    LOSS_SUM_FIXED,
    NO_LAYOUT,
    NO_LAYOUT_FIXED,
    NO_PARTIAL,
    NO_PARTIAL_FIXED,
    TYPOS,
    TYPOS_FIXED,
    W_COLUMN,
    W_COLUMN_FIXED,
)


def _scale(trace: Trace) -> float:
    """l_s = scale · (row s of ∂L/∂·): m under the mean reduction, else 1."""
    return trace.spec.m if trace.spec.reduction == "mean" else 1.0


def _layers_from(trace: Trace, l: int) -> list[int]:
    """Layer l first, then the others: where to look for a counterexample."""
    return [l] + [k for k in range(1, trace.spec.L + 1) if k != l]


def column_length(trace: Trace, f: Focus) -> Mistake:
    r"""1. Column i of W^(l) has n_{l-1} entries, not n_l."""
    sizes = trace.spec.sizes
    found = next((k for k in _layers_from(trace, f.l) if sizes[k - 1] != sizes[k]), None)
    evidence = []
    if sizes[f.l - 1] == sizes[f.l]:
        evidence.append(
            Evidence("square_layer", {"layer": str(f.l), "n": str(sizes[f.l])}, data={"layer": f.l})
        )
    if found is None:
        evidence.append(Evidence("all_square", {}, data={"layer": None}))
    else:
        W = trace.layers[found - 1].W
        fmt = {"layer": str(found), "rows": str(W.shape[0]), "n_out": str(sizes[found])}
        evidence.append(
            Evidence("column_length", fmt, data={"layer": found, "rows": W.shape[0], "n_out": sizes[found]})
        )
    refutation = Check("shapes", False, tuple(evidence))
    layer = trace.layers[f.l - 1]
    lengths = {k: trace.layers[k - 1].W[:, 0].shape[0] for k in range(1, trace.spec.L + 1)}
    ok_len = all(lengths[k] == sizes[k - 1] for k in lengths)
    fmt = {"layer": str(f.l), "rows": str(lengths[f.l])}
    fixed = Check("shapes", ok_len, (Evidence("column_is_input", fmt, data={"lengths": lengths}),))
    a = layer.A_prev[f.sample]
    z_cols = np.array([a @ layer.W[:, i] + layer.b[i] for i in range(layer.W.shape[1])])
    used = numbers(
        [
            (
                r"(\boldsymbol{a}^{(l-1)})^\mathrm{T} \boldsymbol{w_i}^{(l)} + b_i^{(l)}",
                r"z_i^{(l)}",
                z_cols,
                layer.Z[f.sample],
            )
        ]
    )
    return Mistake(1, "column_length", W_COLUMN, refutation, W_COLUMN_FIXED, (fixed, used))


def superscripts(trace: Trace, f: Focus) -> Mistake:
    r"""2. ^{l} and ^{l-1} without parentheses read as powers; the notes mean the layer index."""
    evidence = [Evidence("power_notation", {})]
    for k in _layers_from(trace, f.l):
        layer = trace.layers[k - 1]
        act = activation(trace.spec.activations[k - 1])
        # read literally: (a^{l-1})ᵀ w_i is Σ_j a_j^(l-1) w_ji with a raised to the power l-1
        Z_power = layer.A_prev ** (k - 1) @ layer.W + layer.b  # (m, n_out)
        ok, worst, where = _agree(Z_power, layer.Z)
        if not ok:
            fmt = {
                "layer": str(k),
                "power": str(k - 1),
                "entry": fmt_index(where),
                "literal": fmt_number(Z_power[where]),
                "actual": fmt_number(layer.Z[where]),
            }
            evidence.append(
                Evidence(
                    "power_reading",
                    fmt,
                    data={"layer": k, "index": where, "which": "a", "literal": float(Z_power[where])},
                )
            )
            break
        if layer.Z.shape[1] >= 2 and act.elementwise:
            g2_power = layer.A[:, 1] ** k  # g_2^{l} read as the l-th power of g_2
            ok, worst, where = _agree(g2_power, layer.A[:, 1])
            if not ok:
                index = (where[0], 1)
                fmt = {
                    "layer": str(k),
                    "power": str(k),
                    "entry": fmt_index(index),
                    "literal": fmt_number(g2_power[where]),
                    "actual": fmt_number(layer.A[index]),
                }
                evidence.append(
                    Evidence(
                        "power_reading_g",
                        fmt,
                        data={"layer": k, "index": index, "which": "g", "literal": float(g2_power[where])},
                    )
                )
                break
    refutation = Check("reading", False, tuple(evidence))
    layer = trace.layers[f.l - 1]
    act = activation(trace.spec.activations[f.l - 1])
    fixed = numbers(
        [
            (
                r"\mathbf{A}^{(l-1)} \mathbf{W}^{(l)} + \boldsymbol{1} {\boldsymbol{b}^{(l)}}^\mathrm{T}",
                r"\mathbf{Z}^{(l)}",
                layer.A_prev @ layer.W + layer.b,
                layer.Z,
            ),
            (r"g^{(l)}(\mathbf{Z}^{(l)})", r"\mathbf{A}^{(l)}", act.g(layer.Z), layer.A),
        ]
    )
    return Mistake(2, "superscripts", TYPOS, refutation, TYPOS_FIXED, (fixed,))


def _agree(X, Y):
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    diff = np.abs(X - Y)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
    scale = max(1.0, float(np.abs(X).max()), float(np.abs(Y).max()))
    return bool(diff[where] <= EXACT * scale), float(diff[where]), where


def what_to_find(trace: Trace, f: Focus) -> Mistake:
    r"""3. "先求出 a^(l-1) 和 b^(l)": both are known already; what is wanted is ∂l/∂a^(l-1) and ∂l/∂b^(l)."""
    layer, s = trace.layers[f.l - 1], f.sample
    known = Evidence(
        "already_known",
        {"sample": str(s + 1), "layer": str(f.l)},
        latex=rf"\boldsymbol{{a}}^{{(l-1)}} = {matrix_latex(layer.A_prev[s])},\quad"
        rf" \boldsymbol{{b}}^{{(l)}} = {matrix_latex(layer.b)}",
    )
    refutation = Check("reading", False, (known,))
    return Mistake(3, "what_to_find", FIND, refutation, FIND_FIXED, _per_sample_gradients(trace, f))


def _per_sample_gradients(trace: Trace, f: Focus) -> tuple[Check, Check]:
    r"""∂l/∂a^(l-1) = W ∂l/∂z and ∂l/∂b = ∂l/∂z for sample s, against finite differences of l_s."""
    layer, s = trace.layers[f.l - 1], f.sample
    dz = layer.dZ[s] * _scale(trace)  # ∂l_s/∂z_s (n_out,)
    return (
        finite_differences(
            trace,
            "A_prev",
            f.l,
            layer.W @ dz,
            r"\mathbf{W}^{(l)} \frac{\partial l}{\partial \boldsymbol{z}^{(l)}}",
            sample=s,
        ),
        finite_differences(
            trace, "b", f.l, dz, r"\frac{\partial l}{\partial \boldsymbol{z}^{(l)}}", sample=s
        ),
    )


def differential(trace: Trace, f: Focus) -> Mistake:
    r"""4. ∂(dz)/∂a is 0 (dz holds no a); ∂z/∂a = W and ∂z/∂b = I_{n_l}, not 1_{n_l×1}."""
    spec, layer = trace.spec, trace.layers[f.l - 1]
    _, n_in, n_out = symbolic.window(spec, f.l)
    s = symbolic.layer_symbols(1, n_in, n_out, f.l)
    a, b = s.A.T, s.b
    da = sp.Matrix(n_in, 1, lambda j, _: sp.Symbol(rf"\mathrm{{d}}a_{{{j + 1}}}"))
    db = sp.Matrix(n_out, 1, lambda t, _: sp.Symbol(rf"\mathrm{{d}}b_{{{t + 1}}}"))
    dz = s.W.T * da + db  # the notes' differential, right
    literal = dz.jacobian(a).T  # ∂(dz)/∂a read as written: dz holds no a
    evidence = [
        Evidence(
            "literal_d",
            {},
            latex=r"\frac{\partial\, \mathrm{d}\boldsymbol{z}}{\partial \boldsymbol{a}} = "
            + sp.latex(literal),
            data={"zero": literal.is_zero_matrix},
        )
    ]
    n_l = spec.sizes[f.l]
    if n_l == 1:
        evidence.append(Evidence("identity_is_one", {"layer": str(f.l)}))
    else:
        fmt = {"n": str(n_l), "got": fmt_shape((n_l, n_l)), "want": fmt_shape((n_l, 1))}
        evidence.append(Evidence("identity_not_ones", fmt, data={"n": n_l}))
    refutation = Check("sympy", symbolic.is_zero(literal - s.W), tuple(evidence))  # 0 = W fails
    # corrected: SymPy's Jacobians in denominator layout, and difference quotients of z on this sample
    jac_a, jac_b = (s.W.T * a + b).jacobian(a).T, (s.W.T * a + b).jacobian(b).T
    ok_sym = symbolic.is_zero(jac_a - s.W) and symbolic.is_zero(jac_b - sp.eye(n_out))
    sym_check = Check(
        "sympy",
        ok_sym,
        (
            Evidence(
                "sympy_jacobians",
                {"n_in": str(n_in), "n_out": str(n_out)},
                latex=r"\frac{\partial \boldsymbol{z}}{\partial \boldsymbol{a}} = " + sp.latex(jac_a),
            ),
        ),
    )
    a_num, count = layer.A_prev[f.sample], min(layer.W.shape[0], 8)
    h = 1e-3
    rows = [
        ((a_num + h * e) @ layer.W - (a_num - h * e) @ layer.W) / (2 * h) for e in np.eye(len(a_num))[:count]
    ]
    by_b = [((layer.b + h * e) - (layer.b - h * e)) / (2 * h) for e in np.eye(n_l)[: min(n_l, 8)]]
    nums = numbers(
        [
            (
                r"\frac{\Delta \boldsymbol{z}^{(l)}}{\Delta \boldsymbol{a}^{(l-1)}}",
                r"\mathbf{W}^{(l)}",
                np.array(rows),
                layer.W[:count],
            ),
            (
                r"\frac{\Delta \boldsymbol{z}^{(l)}}{\Delta \boldsymbol{b}^{(l)}}",
                r"\mathbf{I}_{n_l}",
                np.array(by_b),
                np.eye(n_l)[: min(n_l, 8)],
            ),
        ]
    )
    return Mistake(4, "differential", DZ, refutation, DZ_FIXED, (sym_check, nums))


def loss_gradients(trace: Trace, f: Focus) -> Mistake:
    r"""5. ∂l/∂a = W ∂l/∂z (not W) and ∂l/∂b = ∂l/∂z (not 1), by SymPy, shapes and a live counterexample."""
    spec, layer = trace.spec, trace.layers[f.l - 1]
    _, n_in, n_out = symbolic.window(spec, f.l)
    s = symbolic.layer_symbols(1, n_in, n_out, f.l)
    by_sympy = sp.Matrix([symbolic.chain_rule(s, x) for x in s.A])  # ∂l/∂a (n_in, 1)
    evidence = [
        Evidence(
            "sympy_not_w",
            {},
            latex=r"\frac{\partial l}{\partial \boldsymbol{a}} = "
            + sp.latex(by_sympy)
            + r" \neq "
            + sp.latex(s.W[:, :1] if n_out == 1 else s.W),
        )
    ]
    n_in_full, n_l = layer.W.shape
    if n_l != 1:
        fmt = {"got": fmt_shape(layer.W.shape), "want": fmt_shape((n_in_full,))}
        evidence.append(
            Evidence("shape_not_gradient", fmt, data={"got": layer.W.shape, "want": (n_in_full,)})
        )
    dz_all = layer.dZ * _scale(trace)  # ∂l_s/∂z_s for every sample (m, n_out)
    for sample in [f.sample] + [k for k in range(spec.m) if k != f.sample]:
        if n_l == 1:
            found = counterexample(
                trace,
                "A_prev",
                f.l,
                layer.W[:, 0],
                layer.W[:, 0] * dz_all[sample, 0],
                r"\mathbf{W}^{(l)}",
                sample=sample,
            )
            if found:
                evidence.append(found)
                break
        found = counterexample(
            trace, "b", f.l, np.ones(n_l), dz_all[sample], r"\boldsymbol{1}_{n_l \times 1}", sample=sample
        )
        if found:
            evidence.append(found)
            break
    else:
        evidence.append(Evidence("dz_is_one", {}))
    refutation = Check("sympy", False, tuple(evidence))
    return Mistake(5, "loss_gradients", DL, refutation, DL_FIXED, _per_sample_gradients(trace, f))


def missing_partial(trace: Trace, f: Focus) -> Mistake:
    r"""6. ∂L/a_ij divides by the number a_ij; the derivative is ∂L/∂a_ij."""
    layer, (i, j) = trace.layers[f.l - 1], f.a_entry
    value = float(layer.A_prev[i, j])
    fmt = {"entry": fmt_index((i, j)), "value": fmt_number(value)}
    refutation = Check("reading", False, (Evidence("missing_partial", fmt, data={"value": value}),))

    def double_sum(index) -> float:
        r, c = index
        local = np.zeros_like(layer.Z)
        local[r, :] = layer.W[c, :]  # ∂z_st/∂a_rc: w_ct on row r
        return float((layer.dZ * local).sum())

    fixed = finite_differences(
        trace,
        "A_prev",
        f.l,
        double_sum,
        r"\sum_{s,t} \frac{\partial L}{\partial z_{st}} \frac{\partial z_{st}}{\partial a_{ij}}",
        first=(i, j),
    )
    return Mistake(6, "missing_partial", NO_PARTIAL, refutation, NO_PARTIAL_FIXED, (fixed,))


def loss_per_sample(trace: Trace, f: Focus) -> Mistake:
    r"""7. Σ_i^m l(θ) is m · l(θ) (its summand holds no i); L = Σ_{i=1}^m l_i(θ)."""
    spec = trace.spec
    i, m = sp.symbols("i m", integer=True, positive=True)
    l_const, l_i = sp.Function("l")(sp.Symbol(r"\theta")), sp.IndexedBase("l")[i]
    literal = sp.Sum(l_const, (i, 1, m)).doit()
    evidence = [
        Evidence(
            "sum_constant",
            {},
            latex=sp.latex(sp.Sum(l_const, (i, 1, m)))
            + " = "
            + sp.latex(literal)
            + r" \neq "
            + sp.latex(sp.Sum(l_i, (i, 1, m))),
        )
    ]
    losses, total = trace.losses, float(trace.losses.sum())
    spread = float(np.abs(spec.m * losses - total).max())
    if spread > EXACT * max(1.0, abs(total)):
        s = int(np.argmax(np.abs(spec.m * losses - total)))
        fmt = {
            "m": str(spec.m),
            "sample": str(s + 1),
            "literal": fmt_number(spec.m * losses[s], 10),
            "actual": fmt_number(total, 10),
        }
        evidence.append(
            Evidence(
                "m_times_l", fmt, data={"sample": s, "literal": float(spec.m * losses[s]), "total": total}
            )
        )
    else:
        evidence.append(Evidence("one_sample" if spec.m == 1 else "equal_losses", {"m": str(spec.m)}))
    refutation = Check("sympy", False, tuple(evidence))
    # corrected: each l_i from sample i alone, summed (÷ m under the mean)
    params = Params(tuple(x.W for x in trace.layers), tuple(x.b for x in trace.layers))
    alone = []
    for s in range(spec.m):
        Z, A = forward(spec, params, trace.X[s : s + 1])[-1]
        alone.append(float(LOSSES[spec.loss].per_sample(Z, A, trace.Y[s : s + 1])[0]))
    rebuilt = sum(alone) / (spec.m if spec.reduction == "mean" else 1)
    sum_alone = r"\sum_{i=1}^m l_i" if spec.reduction == "sum" else r"\frac{1}{m}\sum_{i=1}^m l_i"
    ok, ev = same(sum_alone, r"L", rebuilt, trace.loss)
    return Mistake(
        7,
        "loss_per_sample",
        LOSS_SUM,
        refutation,
        LOSS_SUM_FIXED[spec.reduction],
        (Check("numbers", ok, (ev,)),),
    )


def broken_sentence(trace: Trace, f: Focus, shared: dict | None = None) -> Mistake:
    r"""8. "由图可以看出" stops mid-sentence; what the figure shows: ∂L/∂Z in, three gradients out.

    ``shared`` may hold the chain steps' finite-difference checks of the same products
    ("W", "b", "A_prev"), so they are not run twice.
    """
    layer, shared = trace.layers[f.l - 1], shared or {}
    refutation = Check("reading", False, (Evidence("breaks_off", {}),))
    products = {
        "W": (
            layer.A_prev.T @ layer.dZ,
            r"{\mathbf{A}^{(l-1)}}^\mathrm{T} \frac{\partial L}{\partial \mathbf{Z}^{(l)}}",
        ),
        "b": (
            layer.dZ.sum(axis=0),
            r"(\boldsymbol{1}^\mathrm{T} \frac{\partial L}{\partial \mathbf{Z}^{(l)}})^\mathrm{T}",
        ),
        "A_prev": (
            layer.dZ @ layer.W.T,
            r"\frac{\partial L}{\partial \mathbf{Z}^{(l)}} {\mathbf{W}^{(l)}}^\mathrm{T}",
        ),
    }
    checks = [shared.get(name) or finite_differences(trace, name, f.l, *products[name]) for name in products]
    if f.l > 1:  # what goes down is the layer below's upstream gradient, ∂L/∂A^(l-1)
        checks.append(
            finite_differences(
                trace, "A", f.l - 1, layer.dZ @ layer.W.T, r"\frac{\partial L}{\partial \mathbf{A}^{(l-1)}}"
            )
        )
    return Mistake(8, "broken_sentence", "", refutation, FIGURE_FIXED, tuple(checks))


def layout_unstated(trace: Trace, f: Focus, shared: dict | None = None) -> Mistake:
    r"""9. Without a layout A_prevᵀ ∂L/∂Z is ambiguous: numerator layout holds its transpose."""
    from .. import layout  # noqa: PLC0415 (layout imports this package's checks)

    refutation = layout.numerator_refutes(trace, f.l)
    layer = trace.layers[f.l - 1]
    fd = (shared or {}).get("W") or finite_differences(
        trace,
        "W",
        f.l,
        layer.A_prev.T @ layer.dZ,
        r"{\mathbf{A}^{(l-1)}}^\mathrm{T} \frac{\partial L}{\partial \mathbf{Z}^{(l)}}",
        first=f.w_entry,
    )
    fixed = (layout.shapes_match_variables(trace), fd)
    return Mistake(9, "layout_unstated", NO_LAYOUT, refutation, NO_LAYOUT_FIXED, fixed)


BUILDERS = (
    column_length,
    superscripts,
    what_to_find,
    differential,
    loss_gradients,
    missing_partial,
    loss_per_sample,
    broken_sentence,
    layout_unstated,
)


def all_mistakes(trace: Trace, f: Focus, shared: dict | None = None) -> list[Mistake]:
    """The nine mistakes of NOTES.md in its order, checked on the trace (``shared``: see broken_sentence)."""
    return [
        build(trace, f, shared) if build in (broken_sentence, layout_unstated) else build(trace, f)
        for build in BUILDERS
    ]
