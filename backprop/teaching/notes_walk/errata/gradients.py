r"""Mistakes 3, 4 and 5: what the notes set out to find, and their derivatives of z and of l."""

from __future__ import annotations

import numpy as np
import sympy as sp

from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk import symbolic
from backprop.teaching.notes_walk.checks import Focus, counterexample, finite_differences, numbers
from backprop.teaching.notes_walk.model import Check, Evidence, Mistake, fmt_shape, matrix_latex
from backprop.teaching.notes_walk.statements import DL, DL_FIXED, DZ, DZ_FIXED, FIND, FIND_FIXED


def _scale(trace: Trace) -> float:
    """l_s = scale · (row s of ∂L/∂·): m under the mean reduction, else 1."""
    return trace.spec.m if trace.spec.reduction == "mean" else 1.0


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
            + sympy_latex(literal),
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
                latex=nt.partial(nt.bold("a"), of=nt.bold("z")) + " = " + sympy_latex(jac_a),
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
            + sympy_latex(by_sympy)
            + r" \neq "
            + sympy_latex(s.W[:, :1] if n_out == 1 else s.W),
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
