r"""Mistake 7: the loss summed over samples as m copies of one l(θ)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from backprop.core.losses import LOSSES
from backprop.core.network import Params, Trace, forward
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk.checks import EXACT, Focus, same
from backprop.teaching.notes_walk.model import Check, Evidence, Mistake, fmt_number
from backprop.teaching.notes_walk.statements import LOSS_SUM, LOSS_SUM_FIXED


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
            latex=sympy_latex(sp.Sum(l_const, (i, 1, m)))
            + " = "
            + sympy_latex(literal)
            + r" \neq "
            + sympy_latex(sp.Sum(l_i, (i, 1, m))),
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
