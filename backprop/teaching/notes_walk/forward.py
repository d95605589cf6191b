r"""The notes' forward pass, one sample then the batch, each statement checked on the network.

Statements are the notes' LaTeX (quoted in ``statements``, typos kept; ``Step.typos`` names
them). SymPy checks the algebra on a window of the layer (``symbolic.window``); numbers check the whole layer.

>>> from backprop import NetworkSpec, run
>>> from backprop.teaching.notes_walk.checks import focus
>>> trace = run(NetworkSpec())
>>> [step.verdict for step in single_sample(trace, focus(trace))]
['verified', 'verified', 'verified', 'verified']
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from backprop.core.activations import activation
from backprop.core.network import Params, Trace, forward
from backprop.derivation import notation as nt
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk import symbolic
from backprop.teaching.notes_walk.checks import Focus, numbers, same
from backprop.teaching.notes_walk.model import Check, Evidence, Step, fmt_index, fmt_number, fmt_shape
from backprop.teaching.notes_walk.statements import BATCH_DEF, BATCH_Z, NOTATION, W_MATRIX, Z_I, Z_VECTOR

A_T = nt.transpose(nt.sup("a", "l-1", True))  # one sample's row of A^(l-1), as the notes' column
SINGLE_RUNS = 16  # samples rerun one at a time to show that rows do not mix


def single_sample(trace: Trace, f: Focus) -> list[Step]:
    r"""The notation, z_i and a = g(z), the matrix W, and z = (aᵀW)ᵀ + b, for sample ``f.sample``."""
    layer, s = trace.layers[f.l - 1], f.sample
    a, z, out = layer.A_prev[s], layer.Z[s], layer.A[s]  # (n_in,), (n_out,), (n_out,)
    W, b = layer.W, layer.b
    n_in, n_out = W.shape
    # z_i = aᵀ w_i + b_i, one unit (column w_i) at a time, as the notes write it
    z_units = np.array([np.dot(a, W[:, i]) + b[i] for i in range(n_out)])
    act = activation(trace.spec.activations[f.l - 1])
    return [
        Step("fwd.notation", NOTATION, (_shapes(a, W, b, z, out), _elementwise(act, z)), typos=(1, 2)),
        Step(
            "fwd.z_i",
            Z_I,
            (
                _sympy_z_i(trace, f.l),
                _sympy_g(act, z, out),
                _z_numbers(z_units, z, out, act.g(z[None])[0]),
            ),
            typos=(2,),
        ),
        Step("fwd.W", W_MATRIX, (_columns(W, a, b, z),)),
        Step(
            "fwd.z_vector",
            Z_VECTOR,
            (
                _sympy_z_vector(trace, f.l),
                numbers(
                    [
                        (
                            nt.paren_transpose(f"{A_T} {nt.sup('W', 'l', True)}", "")
                            + f" + {nt.sup('b', 'l', True)}",
                            r"\boldsymbol{z}^{(l)}",
                            (a[None] @ W).T[:, 0] + b,
                            z,
                        )
                    ]
                ),
            ),
        ),
    ]


def batch(trace: Trace, f: Focus) -> list[Step]:
    r"""A^(l-1), Z^(l), G^(l) with rows as samples; Z = A W + 1 bᵀ; A = G(Z)."""
    spec, layer = trace.spec, trace.layers[f.l - 1]
    A_prev, W, b, Z, A = layer.A_prev, layer.W, layer.b, layer.Z, layer.A
    m = spec.m
    ones = np.ones((m, 1))  # 1_{m×1}
    act = activation(spec.activations[f.l - 1])
    return [
        Step("batch.rows", BATCH_DEF, (_rows_are_samples(trace, f.l),), typos=(12, 13)),
        Step(
            "batch.Z",
            BATCH_Z,
            (
                _sympy_batch(trace, f.l),
                numbers(
                    [
                        (
                            nt.forward_sum("l", bold_symbol=True),
                            r"\mathbf{Z}^{(l)}",
                            A_prev @ W + ones @ b[None],
                            Z,
                        ),
                        (
                            r"\mathbf{G}^{(l)}(\mathbf{Z}^{(l)})",
                            r"\mathbf{A}^{(l)}",
                            np.vstack([act.g(Z[s : s + 1]) for s in range(m)]),
                            A,
                        ),
                    ]
                ),
            ),
        ),
    ]


def _shapes(a, W, b, z, out) -> Check:
    """The notation's shapes on the network: a^(l-1) n_{l-1}, W n_{l-1}×n_l, b, z, a n_l."""
    n_in, n_out = W.shape
    expected = {"a_prev": (n_in,), "W": (n_in, n_out), "b": (n_out,), "z": (n_out,), "a": (n_out,)}
    actual = {"a_prev": a.shape, "W": W.shape, "b": b.shape, "z": z.shape, "a": out.shape}
    holds = expected == actual
    fmt = {"n_in": str(n_in), "n_out": str(n_out), **{k: fmt_shape(v) for k, v in actual.items()}}
    return Check("shapes", holds, (Evidence("notation_shapes", fmt, data={"actual": actual}),))


def _elementwise(act, z) -> Check:
    r"""Whether g acts entry by entry: ∂a_i/∂z_j = 0 for i ≠ j, by differences on this sample's z."""
    n = min(len(z), 8)
    h = 1e-6
    J = np.empty((n, n))  # J[i, j] ≈ ∂a_i/∂z_j
    for j in range(n):
        up, down = z.copy(), z.copy()
        up[j] += h
        down[j] -= h
        J[:, j] = (act.g(up[None])[0, :n] - act.g(down[None])[0, :n]) / (2 * h)
    off = np.abs(J - np.diag(np.diag(J)))
    if n < 2 or off.max() <= 1e-9:
        return Check("numbers", True, (Evidence("elementwise", {"count": str(n)}, data={"J": J}),))
    i, j = (int(k) for k in np.unravel_index(int(np.argmax(off)), off.shape))
    fmt = {"entry": fmt_index((i, j)), "value": fmt_number(J[i, j], 4), "name": act.name}
    return Check("numbers", False, (Evidence("not_elementwise", fmt, data={"J": J, "index": (i, j)}),))


def _z_numbers(z_units, z, out, g_of_z) -> Check:
    return numbers(
        [
            (
                f"{A_T} {nt.sup(nt.bold('w_i'), 'l')} + {nt.indexed('b', 'i', 'l')}",
                r"z_i^{(l)}",
                z_units,
                z,
            ),
            (r"\boldsymbol{g}^{(l)}(\boldsymbol{z}^{(l)})", r"\boldsymbol{a}^{(l)}", g_of_z, out),
        ]
    )


def _columns(W, a, b, z) -> Check:
    r"""W is n_{l-1} × n_l and its column i is the w_i of z_i = aᵀ w_i + b_i."""
    n_in, n_out = W.shape
    ok_cols, ev = same(
        f"{A_T}\\,{nt.sup('W', 'l', True)}_{{:,i}} + {nt.indexed('b', 'i', 'l')}",
        r"z_i^{(l)}",
        np.array([a @ W[:, i] + b[i] for i in range(n_out)]),
        z,
    )
    fmt = {"rows": str(n_in), "cols": str(n_out)}
    shape = Evidence("w_shape", fmt, data={"shape": W.shape})
    return Check("shapes", ok_cols, (shape, ev))


def _window_evidence(trace: Trace, l: int) -> dict[str, str]:
    m, n_in, n_out = symbolic.window(trace.spec, l)
    return {"m": str(m), "n_in": str(n_in), "n_out": str(n_out)}


def _sympy_z_i(trace: Trace, l: int) -> Check:
    r"""SymPy: aᵀ w_i + b_i = Σ_j a_j w_ji + b_i = entry i of (aᵀ W)ᵀ + b, for every i of the window."""
    _, n_in, n_out = symbolic.window(trace.spec, l)
    s = symbolic.layer_symbols(1, n_in, n_out, l)
    a = s.A.T  # the sample as a column
    ok = all(
        symbolic.is_zero((a.T * s.W[:, i])[0] + s.b[i] - ((a.T * s.W).T + s.b)[i])
        and symbolic.is_zero((a.T * s.W[:, i])[0] - sum(s.A[0, j] * s.W[j, i] for j in range(n_in)))
        for i in range(n_out)
    )
    latex = rf"z_1 = {sympy_latex((a.T * s.W[:, 0])[0] + s.b[0])}"
    return Check("sympy", ok, (Evidence("sympy_identity", _window_evidence(trace, l), latex=latex),))


def _sympy_z_vector(trace: Trace, l: int) -> Check:
    r"""SymPy: (aᵀ W)ᵀ + b = Wᵀ a + b."""
    _, n_in, n_out = symbolic.window(trace.spec, l)
    s = symbolic.layer_symbols(1, n_in, n_out, l)
    a = s.A.T
    ok = symbolic.is_zero((a.T * s.W).T + s.b - (s.W.T * a + s.b))
    a_t = nt.transpose(nt.bold("a"))
    latex = (
        nt.paren_transpose(a_t + nt.bold("W"), "") + f" + {nt.bold('b')} = " + sympy_latex(s.W.T * a + s.b)
    )
    return Check("sympy", ok, (Evidence("sympy_identity", _window_evidence(trace, l), latex=latex),))


def _sympy_g(act, z, out) -> Check:
    r"""SymPy's g (the activation's twin) at this sample's z against the numeric a = g(z)."""
    n = min(len(z), 6)
    if act.elementwise:
        zsym = sp.Symbol("z")
        expr = act.sym(zsym)
        got = np.array([float(expr.subs(zsym, sp.Float(float(v), 30)).evalf(20)) for v in z[:n]])
        latex = rf"g(z) = {sympy_latex(expr)}"
    else:  # softmax: its twin maps the whole row
        zs = [sp.Float(float(v), 30) for v in z]
        got = np.array([float(e.evalf(20)) for e in act.sym(zs)[:n]])
        latex = r"g(\boldsymbol{z})_j = \frac{e^{z_j}}{\sum_k e^{z_k}}"
    ok, ev = same(r"g^{(l)}(z_i^{(l)})\ \text{(SymPy)}", r"a_i^{(l)}", got, out[:n])
    return Check("sympy", ok, (Evidence(ev.key, ev.fmt, latex=latex, data=ev.data),))


def _rows_are_samples(trace: Trace, l: int) -> Check:
    r"""Row s of A^(l-1) and Z^(l) is what sample s alone gives: rows are samples and do not mix."""
    spec, layer = trace.spec, trace.layers[l - 1]
    params = Params(tuple(la.W for la in trace.layers), tuple(la.b for la in trace.layers))
    count = min(spec.m, SINGLE_RUNS)
    rows_A, rows_Z = [], []
    for s in range(count):
        alone = [(trace.X[s : s + 1], trace.X[s : s + 1])] + forward(
            spec, params, trace.X[s : s + 1]
        )  # sample s by itself
        rows_A.append(alone[l - 1][1][0])
        rows_Z.append(alone[l][0][0])
    shape_ok = layer.A_prev.shape == (spec.m, spec.sizes[l - 1]) and layer.Z.shape == (spec.m, spec.sizes[l])
    ok_A, ev_A = same(
        r"\boldsymbol{a_s}^{(l-1)}", r"\mathbf{A}^{(l-1)}_{s,:}", np.array(rows_A), layer.A_prev[:count]
    )
    ok_Z, ev_Z = same(r"\boldsymbol{z_s}^{(l)}", r"\mathbf{Z}^{(l)}_{s,:}", np.array(rows_Z), layer.Z[:count])
    fmt = {
        "m": str(spec.m),
        "count": str(count),
        "A": fmt_shape(layer.A_prev.shape),
        "Z": fmt_shape(layer.Z.shape),
    }
    return Check("numbers", shape_ok and ok_A and ok_Z, (Evidence("rows_samples", fmt), ev_A, ev_Z))


def _sympy_batch(trace: Trace, l: int) -> Check:
    r"""SymPy: entry (s, t) of A W + 1 bᵀ is Σ_j a_sj w_jt + b_t, sample s's own z_t."""
    m, n_in, n_out = symbolic.window(trace.spec, l)
    s = symbolic.layer_symbols(m, n_in, n_out, l)
    ok = all(
        symbolic.is_zero(s.Z[r, t] - (sum(s.A[r, j] * s.W[j, t] for j in range(n_in)) + s.b[t]))
        and symbolic.is_zero(s.Z[r, :].T - ((s.A[r, :] * s.W).T + s.b))
        for r in range(m)
        for t in range(n_out)
    )
    if n_out <= 2:
        latex = rf"\mathbf{{Z}} = {sympy_latex(s.Z)}"
    else:  # three columns of three-term sums are wider than the page: one column a line
        lines = (rf"\mathbf{{Z}}_{{:,{t + 1}}} &= {sympy_latex(s.Z[:, t])}" for t in range(n_out))
        latex = r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"
    return Check("sympy", ok, (Evidence("sympy_identity", _window_evidence(trace, l), latex=latex),))
