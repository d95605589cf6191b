r"""The backward pass one equation at a time: formula, numbers put in, result, and the ledger.

Each step is one line of the derivation, in the order backprop computes it, from the loss
down to layer 1:

    ∂L/∂A^(L)   = A^(L) - Y                     (or ∂L/∂Z^(L) = A^(L) - Y: the CE shortcuts)
    ∂L/∂Z^(l)   = ∂L/∂A^(l) ⊙ g'(Z^(l))
    ∂L/∂W^(l)   = A^(l-1)ᵀ ∂L/∂Z^(l)
    ∂L/∂b^(l)   = (1_{m×1}ᵀ ∂L/∂Z^(l))ᵀ
    ∂L/∂A^(l-1) = ∂L/∂Z^(l) W^(l)ᵀ              (the upstream gradient of layer l-1)

The steps are the backward engine's (``backprop.core.backward_engine``), run again over
the trace's stored forward values, so they reproduce the trace's gradients to the last
bit (a test checks it); this module writes their LaTeX, every symbol printed by
``backprop.derivation.notation``. ``uses`` is the step's ledger:
the values stored by the forward pass (Z, A, W, X, Y) and the earlier steps it reads.
A trace from ``backprop.derivation.exact`` gives exact steps.

>>> from backprop import NetworkSpec, run
>>> steps = backward_steps(run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"))))
>>> [(s.name, s.l) for s in steps][:5]
[('dA', 2), ('dZ', 2), ('dW', 2), ('db', 2), ('dA_prev', 2)]
>>> [u.label for u in steps[2].uses]
['A⁽¹⁾', '∂L/∂Z⁽²⁾']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.activations import activation
from backprop.core.arithmetic import FLOAT
from backprop.core.backward_engine import (
    DB,
    DW,
    G_PRIME,
    LOSS_START,
    SHORTCUT,
    SOFTMAX_JACOBIAN,
    backward_pass,
)
from backprop.core.backward_records import Step as EngineStep
from backprop.derivation import notation as nt
from backprop.derivation.exact import EXACT, is_exact

# the number and matrix printers are re-exported (``as`` names): backprop.derivation.latex
# is the one place LaTeX is made from numbers; every symbol comes from the notation module
from backprop.derivation.latex import large as large
from backprop.derivation.latex import matrix_tex as matrix_tex
from backprop.derivation.latex import number_tex as number_tex
from backprop.derivation.latex import number_text as number_text
from backprop.derivation.latex import sign_tex as sign_tex

# Where a value in a step's ledger comes from.
FORWARD, PARAMETER, DATA, BACKWARD = "forward", "parameter", "data", "backward"


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
        """The symbol as Unicode text (a table's cell, no LaTeX), e.g. "A⁽¹⁾" or "∂L/∂Z⁽²⁾"."""
        if self.name in ("X", "Y"):
            return self.name
        if self.name.startswith("d"):
            return nt.grad_text(self.name[1:], self.l)
        return self.name + nt.layer_text(self.l)


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
        r"""``lhs ∈ ℝ^{m × n}``: the variable's shape (denominator layout), in symbols any language reads."""
        return self.lhs + r" \in \mathbb{R}^{" + r" \times ".join(map(str, self.shape)) + "}"

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

    The engine (``backprop.core.backward_engine``) runs again over the trace's stored
    forward values, recording each step, in the trace's arithmetic (floats or exact);
    each engine step becomes one Step, its LaTeX written here. Under the softmax+CE and
    sigmoid+BCE shortcuts the loss-start step ∂L/∂A^(L) is not shown: ∂L/∂Z^(L) = A - Y.
    """
    engine_steps = recorded_steps(trace)
    steps: list[Step] = []
    for i, step in enumerate(engine_steps):
        if step.kind == LOSS_START and i + 1 < len(engine_steps) and engine_steps[i + 1].kind == SHORTCUT:
            continue
        formula, substituted = _tex(trace, step, digits)
        steps.append(_step(steps, step, formula, substituted, digits))
    return tuple(steps)


def recorded_steps(trace) -> tuple[EngineStep, ...]:
    """The engine's steps over the trace's own W, b, X, Y and forward values (Z, A)."""
    layers = trace.layers
    return backward_pass(
        trace.spec,
        [layer.W for layer in layers],
        [layer.b for layer in layers],
        trace.X,
        trace.Y,
        [(layer.Z, layer.A) for layer in layers],
        arithmetic_of(trace),
        record=True,
    ).steps


def arithmetic_of(trace):
    """The arithmetic the trace was computed in: exact for an ExactTrace, else NumPy floats."""
    return EXACT if is_exact(trace.X) else FLOAT


def _tex(trace, step: EngineStep, digits: int) -> tuple[str, str]:
    """The step's formula in symbols and with the numbers put in, as LaTeX."""
    spec, l = trace.spec, step.l
    mean = spec.reduction == "mean"
    scale = rf"\frac{{1}}{{{spec.m}}}" if mean else ""
    if step.kind in (LOSS_START, SHORTCUT):
        A, Y = step.value("A", l), step.value("Y", l)
        if step.kind == SHORTCUT:
            formula, substituted = (
                nt.sup("A", l) + " - Y",
                matrix_tex(A, digits) + " - " + matrix_tex(Y, digits),
            )
        else:
            formula, substituted = _start_tex(spec.loss, l, A, Y, digits)
        return scale + _paren(formula, mean), scale + _paren(substituted, mean)
    if step.kind in (G_PRIME, SOFTMAX_JACOBIAN):
        return _activation_tex(trace, step, digits)
    dZ_num = matrix_tex(step.value("dZ", l), digits)
    if step.kind == DW:  # ∂L/∂W = A^(l-1)ᵀ ∂L/∂Z
        A_prev = step.inputs[0][1]
        return nt.dW_product(l), nt.transpose(matrix_tex(A_prev, digits)) + r"\, " + dZ_num
    if step.kind == DB:  # ∂L/∂b = (1_{m×1}ᵀ ∂L/∂Z)ᵀ: the column sums
        ones_t = nt.transpose(nt.ones(spec.m)) + r"\, "
        return nt.db_product(l, rows=spec.m), nt.paren_transpose(ones_t + dZ_num)
    # ∂L/∂A^(l-1) = ∂L/∂Z W^(l)ᵀ
    W = step.value("W", l)
    return nt.dA_prev_product(l), dZ_num + r"\, " + nt.transpose(matrix_tex(W, digits))


def ledger(trace) -> tuple[Use, ...]:
    """Everything the forward pass stores for the backward one: X, Y, then W, b, Z, A of each layer."""
    out = [Use("X", 0, DATA, trace.X, "X"), Use("Y", trace.spec.L, DATA, trace.Y, "Y")]
    for layer in trace.layers:
        l = layer.l
        out += [
            Use("W", l, PARAMETER, layer.W, nt.sup("W", l)),
            Use("b", l, PARAMETER, layer.b, nt.sup("b", l)),
            Use("Z", l, FORWARD, layer.Z, nt.sup("Z", l)),
            Use("A", l, FORWARD, layer.A, nt.sup("A", l)),
        ]
    return tuple(out)


def gradient_of_step(trace, step: Step) -> np.ndarray:
    """The trace's own value of what a step computes (dA_prev of layer 1 is ∂L/∂X)."""
    return getattr(trace.layers[step.l - 1], step.name)


# ---- LaTeX of symbols (numbers and matrices: backprop.derivation.latex) ------------------------


def lhs_of(name: str, l: int) -> str:
    """The left side of a step: ∂L/∂A^(l), ∂L/∂Z^(l), ∂L/∂W^(l), ∂L/∂b^(l) or ∂L/∂A^(l-1)."""
    if name == "dA_prev":
        return nt.grad("A", l - 1)
    return nt.grad(name[1:], l)


def sign_counts(values) -> tuple[int, int, int]:
    """How many entries are positive, negative and zero."""
    signs = np.sign(np.asarray(values, dtype=np.float64))
    return int((signs > 0).sum()), int((signs < 0).sum()), int((signs == 0).sum())


def _paren(tex: str, on: bool) -> str:
    return r"\left(" + tex + r"\right)" if on else tex


def _step(steps, step: EngineStep, formula: str, substituted: str, digits: int) -> Step:
    return Step(
        len(steps) + 1,
        step.name,
        step.l,
        lhs_of(step.name, step.l),
        formula,
        substituted,
        step.result,
        matrix_tex(step.result, digits),
        tuple(_use(symbol, l, value) for (symbol, l), value in step.inputs),
        step.kind == SHORTCUT,
    )


def _use(symbol: str, l: int, value) -> Use:
    """An engine step's input as a ledger entry: where it was stored and its LaTeX."""
    if symbol in ("X", "Y"):
        return Use(symbol, l, DATA, value, symbol)
    if symbol.startswith("d"):
        return Use(symbol, l, BACKWARD, value, nt.grad(symbol[1:], l))
    return Use(symbol, l, PARAMETER if symbol == "W" else FORWARD, value, nt.sup(symbol, l))


def _start_tex(loss: str, L: int, A, Y, digits: int) -> tuple[str, str]:
    r"""The first step's formula and numbers: ∂(Σ l_i)/∂A^(L) for the loss."""
    L_A = nt.sup("A", L)
    a, y = matrix_tex(A, digits), matrix_tex(Y, digits)
    if loss == "mse":
        return L_A + " - Y", a + " - " + y
    if loss == "bce":
        return (
            r"\left("
            + L_A
            + r" - Y\right) \oslash \left("
            + nt.hadamard(L_A, "(1 - " + L_A + ")")
            + r"\right)",
            r"\left("
            + a
            + " - "
            + y
            + r"\right) \oslash \left("
            + nt.hadamard(a, "(1 - " + a + ")")
            + r"\right)",
        )
    return r"-Y \oslash " + L_A, "-" + y + r" \oslash " + a


def _activation_tex(trace, step: EngineStep, digits: int) -> tuple[str, str]:
    """∂L/∂Z = ∂L/∂A ⊙ g'(Z) (softmax: each row's Jacobian), in symbols and in numbers."""
    l = step.l
    layer = trace.layers[l - 1]
    name = trace.spec.activations[l - 1]
    dA, dA_tex = step.value("dA", l), nt.grad("A", l)
    if step.kind == SOFTMAX_JACOBIAN:  # a_k (∂L/∂a_k - Σ_j ∂L/∂a_j a_j), row by row
        return _softmax_tex(nt.sup("A", l), dA_tex), _softmax_tex(
            matrix_tex(layer.A, digits), matrix_tex(dA, digits)
        )
    gprime = arithmetic_of(trace).g_prime(activation(name), layer.Z, layer.A)
    substituted = nt.hadamard(matrix_tex(dA, digits), matrix_tex(gprime, digits))
    return nt.hadamard(dA_tex, _gprime_tex(name, l)), substituted


def _softmax_tex(A: str, dA: str) -> str:
    r"""Softmax backward, row by row: A ⊙ (∂L/∂A - rowsum(∂L/∂A ⊙ A))."""
    rowsum = r"\operatorname{rowsum}\left(" + nt.hadamard(dA, A) + r"\right)"
    return nt.hadamard(A, r"\left(" + dA + " - " + rowsum + r"\right)")


def _gprime_tex(name: str, l: int) -> str:
    """g'(Z^(l)) written with the stored values it reads (``backward_engine.G_PRIME_READS``)."""
    Z, A = nt.sup("Z", l), nt.sup("A", l)
    table = {
        "identity": "1",
        "sigmoid": nt.hadamard(A, "(1 - " + A + ")"),
        "tanh": "(1 - " + nt.hadamard(A, A) + ")",
        "relu": r"\mathbf{1}[" + Z + " > 0]",
        "leaky_relu": r"\left(\mathbf{1}[" + Z + r" > 0] + 0.01\,\mathbf{1}[" + Z + r" \le 0]\right)",
        "softplus": r"\sigma(" + Z + ")",
    }
    return table.get(name, "g'(" + Z + ")")  # a custom g(z): its derivative, evaluated at Z
