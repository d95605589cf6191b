r"""The two statements of the notes' backward section that stand between its mistakes.

- the figure's node values come from the forward pass;
- the differential dz = Wᵀ da + db: right with W held fixed (dW = 0), which is all ∂z/∂a
  and ∂z/∂b need; moving W too adds (dW)ᵀ a (mistake 10). What the notes conclude from
  it is not right.

>>> from backprop import NetworkSpec, run
>>> from backprop.teaching.notes_walk.checks import focus
>>> trace = run(NetworkSpec())
>>> differential(trace, focus(trace)).verdict
'verified'
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from backprop.core.network import Params, Trace, forward
from backprop.derivation import notation as nt
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk import symbolic
from backprop.teaching.notes_walk.checks import Focus, numbers
from backprop.teaching.notes_walk.model import Check, Evidence, Step
from backprop.teaching.notes_walk.statements import DIFFERENTIAL

FORWARD_VALUES = (
    r"\mathbf{Z}^{(1)}, \mathbf{A}^{(1)}, \dots, \mathbf{Z}^{(L)}, \mathbf{A}^{(L)}, L(\boldsymbol{\theta})"
)


def forward_values(trace: Trace, f: Focus) -> Step:
    r"""Every node value the backward pass reads is what a fresh forward pass computes."""
    spec = trace.spec
    params = Params(tuple(x.W for x in trace.layers), tuple(x.b for x in trace.layers))
    fresh = forward(spec, params, trace.X)
    pairs = []
    for layer, (Z, A) in zip(trace.layers, fresh, strict=True):
        Z_l, A_l = nt.sup("Z", layer.l, True), nt.sup("A", layer.l, True)
        pairs.append((Z_l, Z_l, Z, layer.Z))
        pairs.append((A_l, A_l, A, layer.A))
    return Step("bwd.forward_values", FORWARD_VALUES, (numbers(pairs),))


def differential(trace: Trace, f: Focus) -> Step:
    r"""dz = Wᵀ da + db with W fixed: SymPy (z(a + da, b + db) - z(a, b) is exactly that) and numbers."""
    layer = trace.layers[f.l - 1]
    _, n_in, n_out = symbolic.window(trace.spec, f.l)
    s = symbolic.layer_symbols(1, n_in, n_out, f.l)
    a, b = s.A.T, s.b
    da = sp.Matrix(n_in, 1, lambda j, _: sp.Symbol(rf"\mathrm{{d}}a_{{{j + 1}}}"))
    db = sp.Matrix(n_out, 1, lambda t, _: sp.Symbol(rf"\mathrm{{d}}b_{{{t + 1}}}"))

    def z(a_, b_):
        return s.W.T * a_ + b_

    change = z(a + da, b + db) - z(a, b)
    ok = symbolic.is_zero(change - (s.W.T * da + db))
    fmt = {"m": "1", "n_in": str(n_in), "n_out": str(n_out)}
    sym_check = Check(
        "sympy",
        ok,
        (
            Evidence(
                "sympy_identity", fmt, latex=r"\mathrm{d}\boldsymbol{z} = " + sympy_latex(sp.expand(change))
            ),
        ),
    )
    rng = np.random.default_rng([trace.spec.seed, 3])
    d_a, d_b = rng.standard_normal(layer.W.shape[0]) * 1e-3, rng.standard_normal(layer.W.shape[1]) * 1e-3
    a_num = layer.A_prev[f.sample]
    moved = (
        (a_num + d_a) @ layer.W + layer.b + d_b - (a_num @ layer.W + layer.b)
    )  # z(a + da, b + db) - z(a, b)
    nums = numbers(
        [
            (
                r"\boldsymbol{z}(\boldsymbol{a} + \mathrm{d}\boldsymbol{a},"
                r" \boldsymbol{b} + \mathrm{d}\boldsymbol{b})"
                r" - \boldsymbol{z}(\boldsymbol{a}, \boldsymbol{b})",
                nt.transpose(nt.bold("W")) + r" \mathrm{d}\boldsymbol{a} + \mathrm{d}\boldsymbol{b}",
                moved,
                layer.W.T @ d_a + d_b,
            )
        ]
    )
    return Step("bwd.differential_w_fixed", DIFFERENTIAL, (sym_check, nums), typos=(10,))
