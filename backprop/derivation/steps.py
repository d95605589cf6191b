r"""The backward pass one equation at a time: formula, numbers put in, result, and the ledger.

Each step is one line of the derivation, in the order backprop computes it, from the loss
down to layer 1:

    ∂L/∂A^(L)   = A^(L) - Y                     (or ∂L/∂Z^(L) = A^(L) - Y: the CE shortcuts)
    ∂L/∂Z^(l)   = ∂L/∂A^(l) ⊙ g'(Z^(l))
    ∂L/∂W^(l)   = A^(l-1)T ∂L/∂Z^(l)
    ∂L/∂b^(l)   = (1T ∂L/∂Z^(l))T
    ∂L/∂A^(l-1) = ∂L/∂Z^(l) W^(l)T              (the upstream gradient of layer l-1)

Every result is recomputed here from the step's own inputs with the core's own
operations, so the steps reproduce the trace's gradients to the last bit (a test checks
it). ``uses`` is the step's ledger: the values stored by the forward pass (Z, A, W, X, Y)
and the earlier steps it reads. A trace from ``backprop.derivation.exact`` gives exact steps.

>>> from backprop import NetworkSpec, run
>>> steps = backward_steps(run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"))))
>>> [(s.name, s.l) for s in steps][:5]
[('dA', 2), ('dZ', 2), ('dW', 2), ('db', 2), ('dA_prev', 2)]
>>> [u.label for u in steps[2].uses]
['A^(1)', 'dZ^(2)']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.activations import activation
from backprop.core.losses import LOSSES
from backprop.derivation.exact import column_sums, exact_backward, exact_dg, exact_start, is_exact

# sym and grad_sym are latex.sup and latex.grad; the number and matrix printers are
# re-exported (``as`` names): backprop.derivation.latex is the one place LaTeX is made from numbers
from backprop.derivation.latex import grad as grad_sym
from backprop.derivation.latex import large as large
from backprop.derivation.latex import matrix_tex as matrix_tex
from backprop.derivation.latex import number_tex as number_tex
from backprop.derivation.latex import number_text as number_text
from backprop.derivation.latex import sign_tex as sign_tex
from backprop.derivation.latex import sup as sym

# Where a value in a step's ledger comes from.
FORWARD, PARAMETER, DATA, BACKWARD = "forward", "parameter", "data", "backward"
STEP_NAMES = ("dA", "dZ", "dW", "db", "dA_prev")


@dataclass(frozen=True, eq=False)
class Use:
    """One value a step reads: its symbol, where it was stored, and the value itself."""

    name: str  # "Z", "A", "W", "X", "Y", "dA", "dZ"
    l: int  # its layer (0 for X)
    source: str  # FORWARD, PARAMETER, DATA or BACKWARD
    value: np.ndarray
    tex: str  # its symbol in LaTeX

    def value_line(self, digits: int = 4) -> str:
        """``symbol = [values]`` in LaTeX."""
        return self.tex + " = " + matrix_tex(self.value, digits)

    @property
    def label(self) -> str:
        """Plain-text symbol, e.g. "A^(1)" or "dZ^(2)"."""
        return self.name if self.name in ("X", "Y") else f"{self.name}^({self.l})"


@dataclass(frozen=True, eq=False)
class Step:
    r"""One equation of the backward pass: ``lhs = formula = substituted = result_tex``.

    ``name`` is "dA", "dZ", "dW", "db" or "dA_prev" of layer ``l``; ``result`` has the
    shape of its variable (denominator layout); ``uses`` is the ledger of what it reads.
    """

    number: int  # 1-based position in the pass
    name: str
    l: int
    lhs: str  # LaTeX, e.g. \frac{\partial L}{\partial W^{(2)}}
    formula: str  # LaTeX in symbols
    substituted: str  # LaTeX with the numbers put in
    result: np.ndarray
    result_tex: str
    uses: tuple[Use, ...]
    shortcut: bool = False  # ∂L/∂Z^(L) = A - Y straight from the loss (softmax+CE, sigmoid+BCE)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.result.shape

    def formula_line(self) -> str:
        """``lhs = formula``: the step in symbols."""
        return self.lhs + " = " + self.formula

    def numbers_line(self) -> str:
        """``= substituted``: the stored numbers put in."""
        return "= " + self.substituted

    def result_line(self) -> str:
        """``lhs = result``."""
        return self.lhs + " = " + self.result_tex

    def shape_line(self) -> str:
        r"""``shape of lhs = m \times n``, the shape of the variable (denominator layout)."""
        return r"\operatorname{shape} " + self.lhs + " = " + r" \times ".join(map(str, self.shape))

    def equation(self) -> str:
        """The whole step as one aligned LaTeX equation (for exports)."""
        return (
            r"\begin{aligned}"
            + self.lhs
            + " &= "
            + self.formula
            + r" \\ &= "
            + self.substituted
            + r" \\ &= "
            + self.result_tex
            + r"\end{aligned}"
        )


def backward_steps(trace, digits: int = 4) -> tuple[Step, ...]:
    r"""The backward pass of a Trace (or ExactTrace) as Steps, from the loss down to ∂L/∂X.

    Each result is computed from the previous steps' results and the stored forward
    values, by the same operations as ``backprop.core.network.backward``.
    """
    spec = trace.spec
    exact = is_exact(trace.X)
    loss = LOSSES[spec.loss]
    mean = spec.reduction == "mean"
    L = spec.L
    last = trace.layers[-1]
    steps: list[Step] = []
    use_A_L = Use("A", L, FORWARD, last.A, sym("A", L))
    use_Y = Use("Y", L, DATA, trace.Y, "Y")
    scale = rf"\frac{{1}}{{{spec.m}}}" if mean else ""
    if loss.dZ_shortcut is not None and not exact:
        dZ = loss.dZ_shortcut(last.A, trace.Y)  # softmax + CE or sigmoid + BCE: A - Y
        if mean:
            dZ = dZ / spec.m
        dA = None
        formula = scale + _paren(sym("A", L) + " - Y", mean)
        substituted = scale + _paren(matrix_tex(last.A, digits) + " - " + matrix_tex(trace.Y, digits), mean)
        steps.append(_step(steps, "dZ", L, formula, substituted, dZ, (use_A_L, use_Y), digits, shortcut=True))
    else:
        if exact:
            dA = exact_start(spec, last.A, trace.Y)
        else:
            dA = loss.dA(last.A, trace.Y)  # ∂(Σ l_i)/∂A^(L)
            if mean:
                dA = dA / spec.m
        formula, substituted = _start_tex(spec.loss, L, last.A, trace.Y, digits)
        steps.append(
            _step(
                steps,
                "dA",
                L,
                scale + _paren(formula, mean),
                scale + _paren(substituted, mean),
                dA,
                (use_A_L, use_Y),
                digits,
            )
        )
        dZ = None
    for layer in reversed(trace.layers):
        l = layer.l
        name = spec.activations[l - 1]
        if dZ is None:
            dZ = _activation_step(steps, spec, layer, name, dA, exact, digits)
        use_dZ = Use("dZ", l, BACKWARD, dZ, grad_sym("Z", l))
        # ∂L/∂W = A^(l-1)T ∂L/∂Z
        dW = layer.A_prev.T @ dZ  # (n_in, n_out)
        if l == 1:
            use_A_prev = Use("X", 0, DATA, layer.A_prev, "X")
        else:
            use_A_prev = Use("A", l - 1, FORWARD, layer.A_prev, sym("A", l - 1))
        steps.append(
            _step(
                steps,
                "dW",
                l,
                sym_t("A", l - 1) + " " + grad_sym("Z", l),
                matrix_tex(layer.A_prev, digits) + r"^{\top} " + matrix_tex(dZ, digits),
                dW,
                (use_A_prev, use_dZ),
                digits,
            )
        )
        # ∂L/∂b = (1T ∂L/∂Z)T: the column sums
        db = column_sums(dZ) if exact else dZ.sum(axis=0)  # (n_out,)
        ones = r"\mathbf{1}_{" + str(spec.m) + r"}^{\top} "
        steps.append(
            _step(
                steps,
                "db",
                l,
                r"\left(" + ones + grad_sym("Z", l) + r"\right)^{\top}",
                r"\left(" + ones + matrix_tex(dZ, digits) + r"\right)^{\top}",
                db,
                (use_dZ,),
                digits,
            )
        )
        # ∂L/∂A^(l-1) = ∂L/∂Z W^(l)T
        dA = dZ @ layer.W.T  # (m, n_in)
        use_W = Use("W", l, PARAMETER, layer.W, sym("W", l))
        steps.append(
            _step(
                steps,
                "dA_prev",
                l,
                grad_sym("Z", l) + " " + sym_t("W", l),
                matrix_tex(dZ, digits) + " " + matrix_tex(layer.W, digits) + r"^{\top}",
                dA,
                (use_dZ, use_W),
                digits,
            )
        )
        dZ = None
    return tuple(steps)


def ledger(trace) -> tuple[Use, ...]:
    """Everything the forward pass stores for the backward one: X, Y, then W, b, Z, A of each layer."""
    out = [Use("X", 0, DATA, trace.X, "X"), Use("Y", trace.spec.L, DATA, trace.Y, "Y")]
    for layer in trace.layers:
        l = layer.l
        out += [
            Use("W", l, PARAMETER, layer.W, sym("W", l)),
            Use("b", l, PARAMETER, layer.b, sym("b", l)),
            Use("Z", l, FORWARD, layer.Z, sym("Z", l)),
            Use("A", l, FORWARD, layer.A, sym("A", l)),
        ]
    return tuple(out)


def gradient_of_step(trace, step: Step) -> np.ndarray:
    """The trace's own value of what a step computes (dA_prev of layer 1 is ∂L/∂X)."""
    return getattr(trace.layers[step.l - 1], step.name)


# ---- LaTeX of symbols (numbers and matrices: backprop.derivation.latex) ------------------------


def sym_t(name: str, l: int) -> str:
    r"""LaTeX of a transposed stored value: W^{(2)\top} (one superscript, as LaTeX requires)."""
    return f"{name}^{{({l})\\top}}"


def lhs_of(name: str, l: int) -> str:
    """The left side of a step: ∂L/∂A^(l), ∂L/∂Z^(l), ∂L/∂W^(l), ∂L/∂b^(l) or ∂L/∂A^(l-1)."""
    if name == "dA_prev":
        return grad_sym("A", l - 1)
    return grad_sym(name[1:], l)


def sign_counts(values) -> tuple[int, int, int]:
    """How many entries are positive, negative and zero."""
    signs = np.sign(np.asarray(values, dtype=np.float64))
    return int((signs > 0).sum()), int((signs < 0).sum()), int((signs == 0).sum())


def _paren(tex: str, on: bool) -> str:
    return r"\left(" + tex + r"\right)" if on else tex


def _step(steps, name, l, formula, substituted, result, uses, digits, shortcut=False) -> Step:
    return Step(
        len(steps) + 1,
        name,
        l,
        lhs_of(name, l),
        formula,
        substituted,
        result,
        matrix_tex(result, digits),
        tuple(uses),
        shortcut,
    )


def _start_tex(loss: str, L: int, A, Y, digits: int) -> tuple[str, str]:
    r"""The first step's formula and numbers: ∂(Σ l_i)/∂A^(L) for the loss."""
    L_A = sym("A", L)
    a, y = matrix_tex(A, digits), matrix_tex(Y, digits)
    if loss == "mse":
        return L_A + " - Y", a + " - " + y
    if loss == "bce":
        return (
            r"\left(" + L_A + r" - Y\right) \oslash \left(" + L_A + r" \odot (1 - " + L_A + r")\right)",
            r"\left(" + a + " - " + y + r"\right) \oslash \left(" + a + r" \odot (1 - " + a + r")\right)",
        )
    return r"-Y \oslash " + L_A, "-" + y + r" \oslash " + a


def _activation_step(steps, spec, layer, name, dA, exact: bool, digits: int):
    """Append the step ∂L/∂Z = ∂L/∂A ⊙ g'(Z) (softmax: each row's Jacobian); return ∂L/∂Z."""
    l = layer.l
    act = activation(name)
    use_dA = Use("dA", l, BACKWARD, dA, grad_sym("A", l))
    use_Z = Use("Z", l, FORWARD, layer.Z, sym("Z", l))
    use_A = Use("A", l, FORWARD, layer.A, sym("A", l))
    dA_tex = grad_sym("A", l)
    if exact:
        dZ = exact_backward(name, layer.Z, dA)
        gprime = exact_dg(name, layer.Z)
    else:
        dZ = act.backward(layer.Z, layer.A, dA)  # (m, n_out), exactly as the core
        gprime = None if act.dg is None else act.dg(layer.Z, layer.A)
    formula, reads = _gprime_tex(name, l)
    uses = (use_dA,) + tuple(u for u in (use_Z, use_A) if u.name in reads)
    if gprime is None:  # softmax: a_k (∂L/∂a_k - Σ_j ∂L/∂a_j a_j), row by row
        formula = _softmax_tex(sym("A", l), dA_tex)
        substituted = _softmax_tex(matrix_tex(layer.A, digits), matrix_tex(dA, digits))
    else:
        substituted = matrix_tex(dA, digits) + r" \odot " + matrix_tex(gprime, digits)
        formula = dA_tex + r" \odot " + formula
    steps.append(_step(steps, "dZ", l, formula, substituted, dZ, uses, digits))
    return dZ


def _softmax_tex(A: str, dA: str) -> str:
    r"""Softmax backward, row by row: A ⊙ (∂L/∂A - rowsum(∂L/∂A ⊙ A))."""
    rowsum = r"\operatorname{rowsum}\left(" + dA + r" \odot " + A + r"\right)"
    return A + r" \odot \left(" + dA + " - " + rowsum + r"\right)"


def _gprime_tex(name: str, l: int) -> tuple[str, tuple[str, ...]]:
    """g'(Z^(l)) written with the stored values it reads, and their names."""
    Z, A = sym("Z", l), sym("A", l)
    table = {
        "identity": ("1", ()),
        "sigmoid": (A + r" \odot (1 - " + A + ")", ("A",)),
        "tanh": ("(1 - " + A + r" \odot " + A + ")", ("A",)),
        "relu": (r"\mathbf{1}[" + Z + " > 0]", ("Z",)),
        "leaky_relu": (
            r"\left(\mathbf{1}[" + Z + r" > 0] + 0.01\,\mathbf{1}[" + Z + r" \le 0]\right)",
            ("Z",),
        ),
        "softplus": (r"\sigma(" + Z + ")", ("Z",)),
        "softmax": ("", ("A",)),
    }
    if name in table:
        return table[name]
    return "g'(" + Z + ")", ("Z", "A")  # a custom g(z): its derivative, evaluated at Z
