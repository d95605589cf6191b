r"""What the notes leave out, filled in and checked like their own steps.

- the activation step ∂L/∂Z = ∂L/∂A ⊙ g'(Z) (softmax: each sample's Jacobian), in activation_step.py;
- where the chain starts: ∂L/∂A^(L) from the loss, and the shortcut ∂L/∂Z^(L) = A - Y
  of softmax + cross-entropy (and sigmoid + binary cross-entropy);
- how layers chain: ∂L/∂A^(l-1) of layer l is the upstream gradient of layer l-1.

>>> from backprop import NetworkSpec, run
>>> from backprop.teaching.notes_walk.checks import focus
>>> trace = run(NetworkSpec(sizes=(2, 3, 3), activations=("tanh", "softmax"), loss="softmax_ce"))
>>> [step.verdict for step in omitted_steps(trace, focus(trace))]
['verified', 'verified', 'verified', 'verified']
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from backprop.core.activations import activation
from backprop.core.gradcheck import TOLERANCE, numeric_entry, rel_error
from backprop.core.losses import LOSSES
from backprop.core.network import Params, Trace
from backprop.derivation import notation as nt
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk import probe
from backprop.teaching.notes_walk.activation_step import (
    SYMPY_ENTRIES,
    activation_step,
    mean_factor,
    unsaturated,
)
from backprop.teaching.notes_walk.checks import (
    FD_BUDGET,
    Focus,
    finite_differences,
    numbers,
    same,
)
from backprop.teaching.notes_walk.model import Check, Evidence, Step, fmt_index, fmt_number

CHAINING = (
    nt.dA_prev_formula("l", bold_symbol=True)
    + r" \;\Longrightarrow\; "
    + nt.dZ_formula("l-1", bold_symbol=True)
    + r" \;\Longrightarrow\; \cdots \;\Longrightarrow\; "
    + f"{nt.grad('W', 1, True)}, {nt.grad('b', 1, True)}"
)

_a, _y = sp.symbols("a y")
# each loss per entry as a function of a (SymPy, written apart from losses.py), and its derivative on screen
LOSS_SYMPY = {
    "mse": sp.Rational(1, 2) * (_a - _y) ** 2,
    "bce": -(_y * sp.log(_a) + (1 - _y) * sp.log(1 - _a)),
    "softmax_ce": -_y * sp.log(_a),
}
LOSS_LATEX = {
    "mse": (r"l_i = \tfrac12 \sum_j (a_{ij}^{(L)} - y_{ij})^2", r"a_{ij}^{(L)} - y_{ij}"),
    "bce": (
        r"l_i = -\sum_j \left[y_{ij} \log a_{ij}^{(L)} + (1 - y_{ij}) \log(1 - a_{ij}^{(L)})\right]",
        r"\cfrac{a_{ij}^{(L)} - y_{ij}}{a_{ij}^{(L)}(1 - a_{ij}^{(L)})}",
    ),
    "softmax_ce": (r"l_i = -\sum_j y_{ij} \log a_{ij}^{(L)}", r"-\cfrac{y_{ij}}{a_{ij}^{(L)}}"),
}


def loss_start(trace: Trace, f: Focus) -> Step:
    r"""∂L/∂A^(L), where the chain starts: the loss's derivative by SymPy, by formula, by differences."""
    spec, top = trace.spec, trace.layers[-1]
    scale, m_latex = mean_factor(trace)
    A, Y = top.A, trace.Y
    with np.errstate(divide="ignore", invalid="ignore"):  # a saturated output shows as inf, never a warning
        formula = {
            "mse": lambda: A - Y,
            "bce": lambda: (A - Y) / (A * (1 - A)),
            "softmax_ce": lambda: -Y / A,
        }[spec.loss]() * scale
    definition, derivative = LOSS_LATEX[spec.loss]
    statement = (
        rf"{definition}, \quad L = {m_latex}\sum_{{i=1}}^m l_i \;\Longrightarrow\;"
        rf" {nt.partial(nt.indexed('a', 'ij', 'L'))} = {m_latex}{derivative}"
    )
    d_sym = sp.diff(LOSS_SYMPY[spec.loss], _a)
    fair = unsaturated(A) if spec.loss != "mse" else np.ones(A.shape, dtype=bool)
    cells = list(itertools.islice((c for c in np.ndindex(*A.shape) if fair[c]), SYMPY_ENTRIES))
    by_sympy = (
        np.array(
            [
                float(d_sym.subs({_a: sp.Float(float(A[c]), 30), _y: sp.Float(float(Y[c]), 30)}).evalf(20))
                for c in cells
            ]
        )
        * scale
    )
    ok, ev = same(
        nt.partial("a", of="l") + r"\ (\mathrm{SymPy})",
        derivative,
        by_sympy,
        np.array([formula[c] for c in cells]),
    )
    sym_check = Check(
        "sympy",
        ok if cells else None,
        (
            Evidence(
                ev.key,
                ev.fmt,
                f"{nt.partial('a', of='l')} = {sympy_latex(d_sym)}",
                ev.data,
            ),
        ),
    )
    return Step(
        "omit.loss_start",
        statement,
        (
            sym_check,
            numbers([(derivative, nt.grad("A", "L", True), formula, top.dA, fair)]),
            finite_differences(
                trace,
                "A",
                spec.L,
                np.where(fair, formula, np.nan),
                nt.grad("A", "L", True),
            ),
        ),
        origin="omitted",
    )


def shortcut(trace: Trace, f: Focus) -> Step:
    r"""∂L/∂Z^(L): A - Y for softmax + CE (and sigmoid + BCE); for squared error (A - Y) ⊙ g'(Z),
    or J_sᵀ (a_s - y_s) per sample after softmax; each times 1/m under the mean reduction."""
    spec, top = trace.spec, trace.layers[-1]
    scale, m_latex = mean_factor(trace)
    act = activation(spec.activations[-1])
    general = act.backward(top.Z, top.A, top.dA)  # through g' or the Jacobian, without any shortcut
    lhs = nt.grad("Z", "L", True)
    if LOSSES[spec.loss].dZ_shortcut is None and act.dg is not None:  # elementwise g'
        g_prime = nt.g_prime("L", nt.sup("Z", "L", True))
        statement = f"{lhs} = " + nt.hadamard(rf"{m_latex}(\mathbf{{A}}^{{(L)}} - \mathbf{{Y}})", g_prime)
        predicted = general
        explicit = (top.A - trace.Y) * scale * act.dg(top.Z, top.A)
        checks: tuple[Check, ...] = (
            numbers(
                [
                    (
                        m_latex + nt.hadamard(r"(\mathbf{A} - \mathbf{Y})", f"g'({nt.bold('Z')})"),
                        lhs,
                        explicit,
                        top.dZ,
                    )
                ]
            ),
        )
    elif LOSSES[spec.loss].dZ_shortcut is None:  # squared error after softmax: no ⊙, each row's Jacobian
        row = nt.partial(r"\boldsymbol{z}_s^{(L)}")
        statement = (
            rf"{row} = {m_latex}"
            + nt.transpose(r"\mathbf{J}_s")
            + r" (\boldsymbol{a}_s^{(L)} - \boldsymbol{y}_s),"
            r" \quad (\mathbf{J}_s)_{jk} = a_{sj}^{(L)}(\delta_{jk} - a_{sk}^{(L)})"
        )
        predicted = general
        explicit = np.vstack(
            [(np.diag(a) - np.outer(a, a)).T @ (a - y) * scale for a, y in zip(top.A, trace.Y, strict=True)]
        )
        jacobian = m_latex + nt.transpose(r"\mathbf{J}_s") + r" (\boldsymbol{a}_s - \boldsymbol{y}_s)"
        checks = (numbers([(jacobian, lhs, explicit, top.dZ)]),)
    else:
        statement = rf"{lhs} = {m_latex}(\mathbf{{A}}^{{(L)}} - \mathbf{{Y}})"
        predicted = (top.A - trace.Y) * scale
        fair = unsaturated(top.A)
        if not act.elementwise:  # softmax: one saturated output spoils its whole row's Jacobian path
            fair = np.repeat(fair.all(axis=1, keepdims=True), fair.shape[1], axis=1)
        long_path = (
            f"{nt.transpose(nt.bold('J'))} {nt.grad('A', bold_symbol=True)}"
            if not act.elementwise
            else nt.hadamard(nt.grad("A", bold_symbol=True), f"g'({nt.bold('Z')})")
        )
        checks = (
            _sympy_shortcut(spec.loss),
            numbers([(r"\mathbf{A} - \mathbf{Y}", long_path, predicted, general, fair)]),
        )
    fd = finite_differences(trace, "Z", spec.L, predicted, lhs)
    return Step("omit.output_dz", statement, checks + (fd,), origin="omitted")


def _sympy_shortcut(loss: str) -> Check:
    r"""SymPy: ∂/∂z_k of -Σ_j y_j log softmax_j(z) = a_k Σ_j y_j - y_k; BCE: σ(z) - y."""
    if loss == "bce":
        z, y = sp.symbols("z y")
        sig = 1 / (1 + sp.exp(-z))
        d = sp.diff(-(y * sp.log(sig) + (1 - y) * sp.log(1 - sig)), z)
        ok = sp.simplify(d - (sig - y)) == 0
        latex = f"{nt.partial('z', of='l')} = {sympy_latex(sp.simplify(d))} = \\sigma(z) - y"
    else:
        zs, ys = sp.symbols("z1:4"), sp.symbols("y1:4")
        total = sp.Add(*[sp.exp(z) for z in zs])
        l = -sp.Add(*[y * sp.log(sp.exp(z) / total) for y, z in zip(ys, zs, strict=True)])
        ok = all(
            sp.simplify(sp.diff(l, zs[k]) - (sp.exp(zs[k]) / total * sp.Add(*ys) - ys[k])) == 0
            for k in range(3)
        )
        latex = nt.partial("z_k", of="l") + r" = a_k \sum_j y_j - y_k = a_k - y_k"
    return Check("sympy", ok, (Evidence("sympy_shortcut", {}, latex=latex),))


def chaining(trace: Trace, f: Focus) -> Step:
    r"""Layer l hands ∂L/∂A^(l-1) down as layer l-1's upstream gradient; the chain reaches W^(1), b^(1), X."""
    spec = trace.spec
    checks = []
    for k in range(spec.L, 1, -1):  # layer k's ∂L/∂A^(k-1) is layer k-1's ∂L/∂A
        handed = trace.layers[k - 1].dA_prev
        checks.append(
            numbers(
                [
                    (
                        nt.grad("A", k - 1, True) + rf"\Big|_{{{k}}}",
                        nt.grad("A", k - 1, True) + rf"\Big|_{{{k - 1}}}",
                        handed,
                        trace.layers[k - 2].dA,
                    )
                ]
            )
        )
        checks.append(
            finite_differences(
                trace,
                "A",
                k - 1,
                handed,
                nt.dA_prev_product(k, bold_symbol=True),
                count=2,
            )
        )
    checks.append(_end_to_end(trace))
    return Step("omit.chaining", CHAINING, tuple(checks), origin="omitted")


def _end_to_end(trace: Trace) -> Check:
    r"""The gradients chained to the bottom (W^(1), b^(1), X) against gradcheck's differences."""
    spec, first = trace.spec, trace.layers[0]
    params = Params(tuple(x.W for x in trace.layers), tuple(x.b for x in trace.layers))
    judged = []
    whole = probe.cost(trace, "W", 1) * 2  # gradcheck reruns the network 8 times per entry (values and kinks)
    chosen = (("W", first.dW), ("b", first.db), ("X", first.dA_prev))[: max(1, FD_BUDGET // whole)]
    for variable, grad in chosen:
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(grad))), grad.shape))
        numeric, at_kink = numeric_entry(
            spec, params, trace.X, trace.Y, variable, 1 if variable != "X" else 0, index
        )
        if not at_kink:
            judged.append((variable, index, float(grad[index]), float(numeric)))
    errors = [float(rel_error(g, n, trace.loss)) for _, _, g, n in judged]
    if not judged:
        return Check("finite_differences", None, (Evidence("fd_none", {}),))
    worst = int(np.argmax(errors))
    variable, index, g, n = judged[worst]
    fmt = {
        "count": str(len(judged)),
        "variable": variable,
        "entry": fmt_index(index),
        "claimed": fmt_number(g, 10),
        "actual": fmt_number(n, 10),
        "err": fmt_number(errors[worst], 2),
        "tol": fmt_number(TOLERANCE),
    }
    holds = max(errors) <= TOLERANCE
    return Check(
        "finite_differences", holds, (Evidence("end_to_end", fmt, data={"judged": judged, "errors": errors}),)
    )


def omitted_steps(trace: Trace, f: Focus) -> list[Step]:
    """The activation step of layer l, the start of the chain, the output shortcut, the chaining of layers."""
    return [activation_step(trace, f), loss_start(trace, f), shortcut(trace, f), chaining(trace, f)]
