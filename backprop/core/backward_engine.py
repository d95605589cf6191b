r"""The backward pass, written once, as a sequence of named steps in the derivation's order.

From the loss down to layer 1 (rows are samples; shapes in the notes' orientation):

    loss_start     ∂L/∂A^(L)   = ∂(Σ l_i)/∂A^(L)  (÷ m under the mean)    (m, n_L)
    then for l = L..1:
    g_prime        ∂L/∂Z^(l)   = ∂L/∂A^(l) ⊙ g'(Z^(l))                   (m, n_l)
      or softmax_jacobian         each row times its Jacobian diag(a) - a aᵀ
      or shortcut  ∂L/∂Z^(L)   = A^(L) - Y  (softmax+CE, sigmoid+BCE; ÷ m under the mean)
    dW             ∂L/∂W^(l)   = A^(l-1)ᵀ ∂L/∂Z^(l)                       (n_{l-1}, n_l)
    db             ∂L/∂b^(l)   = (1_{m×1}ᵀ ∂L/∂Z^(l))ᵀ, the column sums      (n_l,)
    dA_prev        ∂L/∂A^(l-1) = ∂L/∂Z^(l) W^(l)ᵀ                          (m, n_{l-1})

Each formula is written with an ``Arithmetic`` (``backprop.core.arithmetic``): NumPy floats
or exact fractions run the very same steps. ``swaps`` replaces the formula of named steps
(the classic mistakes of ``backprop.derivation.classic_mistakes``); a swapped pass checks
every gradient's shape, and a swapped formula's products (``arithmetic.product``), and
reports a ``Refusal`` instead of raising.
``record=True`` keeps each step as a ``Step`` (its inputs, result and the forward-pass
values it reads); ``record=False`` is the bare arithmetic. Each built-in formula is one
line of Python (``Formula.line``): ``compute`` is compiled from it here, and
``backprop.core.flat_pass`` writes the same lines, one after another, into the flat pass
``network.run`` takes in floating point.

>>> from backprop.core.network import forward, init_params, make_data
>>> from backprop.core.spec import NetworkSpec
>>> spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"))
>>> params = init_params(spec); X, Y = make_data(spec)
>>> out = backward_pass(spec, params.W, params.b, X, Y, forward(spec, params, X), record=True)
>>> [(s.kind, s.l) for s in out.steps][:5]
[('loss_start', 2), ('g_prime', 2), ('dW', 2), ('db', 2), ('dA_prev', 2)]
>>> out.steps[2].reads
('A^(1)',)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from backprop.core.activation_type import Activation, dot, ignoring_underflow
from backprop.core.activations import ACTIVATIONS, activation
from backprop.core.arithmetic import FLOAT, Arithmetic, ShapeMismatch
from backprop.core.backward_records import BackwardPass, LayerTrace, Refusal, Step, input_label
from backprop.core.losses import LOSSES

Array = np.ndarray
new_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (a frame less)

# Step kinds (the formula) and names (the variable computed: "dA" is ∂L/∂A^(L)).
LOSS_START, SHORTCUT, G_PRIME, SOFTMAX_JACOBIAN = "loss_start", "shortcut", "g_prime", "softmax_jacobian"
DW, DB, DA_PREV = "dW", "db", "dA_prev"

# Which stored forward values g'(Z^(l)) reads: sigmoid' = A(1 - A) reuses A, ReLU' reads Z.
G_PRIME_READS: dict[str, tuple[str, ...]] = {
    "identity": (),
    "sigmoid": ("A",),
    "tanh": ("A",),
    "relu": ("Z",),
    "leaky_relu": ("Z",),
    "softplus": ("Z",),
    "softmax": ("A",),
}
CUSTOM_READS = ("Z", "A")  # a student's g(z): its derivative evaluated at Z (and A given)


class Context:
    """What a step formula may read besides the layer's arrays: the layer, loss, activation, m, Y.

    ``act`` is layer l's Activation, ``loss`` the loss's name, ``m`` the divisor of the
    mean reduction (None under the sum) and ``batch`` the number of samples.
    """

    __slots__ = ("l", "L", "m", "batch", "loss", "act", "Y")
    l: int
    L: int
    m: int | None
    batch: int
    loss: str
    act: Activation
    Y: Array


# A step formula: compute(arithmetic, context, A_prev, W, Z, A, dA, dZ) -> its result.
# Every formula takes the layer's six arrays by position (locals, no lookups: the tiny
# networks' whole pass takes microseconds); each reads the ones its ``inputs`` name.
# A step that does not read an array is given None in its place.
Compute = Callable[..., Array]
ARRAYS = ("A_prev", "W", "Z", "A", "dA", "dZ")


@dataclass(frozen=True)
class Formula:
    r"""How one step computes its variable, and what it reads.

    ``inputs`` names what it reads (of ARRAYS, and "Y"), in the order shown; ``text`` is
    the step in plain text with {l} and {p} = l - 1 (a Refusal names the product with
    it); ``code`` is the NumPy line, with the inputs' names as fields.
    ``line`` is the step as one Python expression over ``ar``, ``c`` and ARRAYS, which
    ``compute`` is compiled from (``step``) and ``backprop.core.flat_pass`` writes into
    its generated passes; ``mean``: the result is divided by m under the mean reduction
    (``MEAN``). A formula given as a function (a classic mistake) has no line.
    """

    name: str  # the variable: "dA", "dZ", "dW", "db", "dA_prev"
    kind: str
    inputs: tuple[str, ...]
    compute: Compute
    text: str
    code: str = ""
    mistake: str | None = None  # the classic mistake's key, when this formula replaces the right one
    line: str = ""
    mean: bool = False


# L = (1/m) Σ l_i: a step marked ``mean`` divides its result by m under the mean reduction
# (c.m is None under the sum).
MEAN = "ar.scale({result}, c.m)"
# The names a step's line may call besides ``ar`` and ``c``. The products are np.dot's C
# function (``dot``): the same BLAS call as ``@`` for these 2-D arrays (and the same loop for
# exact object arrays), without the ufunc dispatch that costs ``@`` ~0.4 µs a call nor
# np.dot's own Python-level dispatch (~0.2 µs).
LINE_NAMES = {"dot": dot}


def step(name: str, kind: str, inputs: tuple[str, ...], line: str, text: str, code: str = "", mean=False):
    r"""The Formula whose ``compute`` runs ``line`` (÷ m under the mean if ``mean``), compiled once.

    compute(ar, c, A_prev, W, Z, A, dA, dZ) -> the step's result; the arrays are locals.
    """
    if mean:
        body = f"    result = {line}\n    return result if c.m is None else {MEAN.format(result='result')}\n"
    else:
        body = f"    return {line}\n"
    source = f"def compute(ar, c, {', '.join(ARRAYS)}):\n{body}"
    namespace: dict = {}
    exec(compile(source, f"<step {kind}>", "exec"), dict(LINE_NAMES), namespace)  # noqa: S102 (our own line)
    return Formula(name, kind, inputs, namespace["compute"], text, code, None, line, mean)


FORMULAS: dict[str, Formula] = {
    f.kind: f
    for f in (
        step(
            "dA", LOSS_START, ("A", "Y"), "ar.loss_dA(c.loss, A, c.Y)", "∂L/∂A^({l}) = ∂l/∂A^({l})", mean=True
        ),
        step(
            "dZ",
            SHORTCUT,
            ("A", "Y"),
            "ar.loss_dZ(c.loss, A, c.Y)",
            "∂L/∂Z^({l}) = A^({l}) - Y",
            "{A} - {Y}",
            True,
        ),
        step(
            "dZ",
            G_PRIME,
            ("dA",),
            "ar.activation_backward(c.act, Z, A, dA)",
            "∂L/∂Z^({l}) = ∂L/∂A^({l}) ⊙ g'(Z^({l}))",
        ),
        step(
            "dZ",
            SOFTMAX_JACOBIAN,
            ("dA", "A"),
            "ar.activation_backward(c.act, Z, A, dA)",
            "∂L/∂Z^({l}) = softmax Jacobian of ∂L/∂A^({l})",
        ),
        step(
            "dW",
            DW,
            ("A_prev", "dZ"),
            "dot(A_prev.T, dZ)",
            "∂L/∂W^({l}) = A^({p})ᵀ @ ∂L/∂Z^({l})",
            "{A_prev}.T @ {dZ}",
        ),
        step(
            "db",
            DB,
            ("dZ",),
            "ar.column_sum(dZ)",
            "∂L/∂b^({l}) = column sums of ∂L/∂Z^({l})",
            "{dZ}.sum(axis=0)",
        ),
        step(
            "dA_prev",
            DA_PREV,
            ("dZ", "W"),
            "dot(dZ, W.T)",
            "∂L/∂A^({p}) = ∂L/∂Z^({l}) @ W^({l})ᵀ",
            "{dZ} @ {W}.T",
        ),
    )
}


def _inputs_of(formula: Formula, c: Context) -> tuple[str, ...]:
    if formula.kind == G_PRIME and formula.mistake is None:
        return formula.inputs + G_PRIME_READS.get(c.act.name, CUSTOM_READS)
    return formula.inputs


def backward_pass(
    spec,
    Ws,
    bs,
    X,
    Y,
    fwd,
    arithmetic: Arithmetic = FLOAT,
    swaps: Mapping[str, Formula] | None = None,
    record: bool = False,
    guarded: bool = True,
) -> BackwardPass:
    r"""Every step from ∂L/∂A^(L) down to ∂L/∂X over a forward pass ``fwd`` = [(Z^(l), A^(l))].

    ``Ws``, ``bs``: W^(l) (n_{l-1}, n_l) and b^(l) (n_l,) for l = 1..L; X (m, n_0), Y (m, n_L).
    ``swaps`` maps a step name ("dZ", "dW", "db", "dA_prev") to the formula used instead.
    Unrecorded and unswapped (``network.run``), each step is its formula's ``compute`` called
    directly; recorded or swapped, each call also builds its Step (``_recorded``).
    The whole pass runs under one np.errstate(under="ignore") (the steps flush what falls
    below the normal range to 0); ``guarded=False``: the caller holds it already.
    """
    if guarded:
        return _guarded_pass(spec, Ws, bs, X, Y, fwd, arithmetic, swaps, record, guarded=False)
    ar = arithmetic
    steps: list[Step] | None = [] if (record or swaps) else None
    L = len(fwd)
    c = Context()
    c.L, c.loss, c.Y, c.batch = L, spec.loss, Y, spec.batch
    c.m = spec.batch if spec.reduction == "mean" else None  # divide by m only under the mean
    if steps is None:  # the formulas themselves: no Step built, no frame around each call
        dA_of, dW_of, db_of, dA_prev_of = _LOSS_START.compute, _DW.compute, _DB.compute, _DA_PREV.compute
    else:
        recorded = (_recorded(f, steps, swaps).compute for f in (_LOSS_START, _DW, _DB, _DA_PREV))
        dA_of, dW_of, db_of, dA_prev_of = recorded
    activations, layers = spec.activations, []
    Z, A = fwd[-1]
    try:
        c.l = L
        dA = dA_of(ar, c, None, None, Z, A, None, None)  # (m, n_L)
        for l in range(L, 0, -1):
            c.l = l
            name = activations[l - 1]
            c.act = act = ACTIVATIONS.get(name) or activation(name)  # a built-in without a call
            Z, A = fwd[l - 1]
            A_prev = fwd[l - 2][1] if l > 1 else X  # (m, n_in)
            W = Ws[l - 1]  # (n_in, n_out)
            f_dZ = dz_formula(spec.loss, act, l, L)
            dZ_of = f_dZ.compute if steps is None else _recorded(f_dZ, steps, swaps).compute
            dZ = dZ_of(ar, c, A_prev, W, Z, A, dA, None)  # (m, n_out)
            dW = dW_of(ar, c, A_prev, W, Z, A, dA, dZ)  # (n_in, n_out)
            db = db_of(ar, c, A_prev, W, Z, A, dA, dZ)  # (n_out,)
            dA_prev = dA_prev_of(ar, c, A_prev, W, Z, A, dA, dZ)  # (m, n_in)
            if swaps:  # denominator layout: each gradient has its variable's shape
                _same_shape(f"∂L/∂W^({l})", dW, W)
                _same_shape(f"∂L/∂b^({l})", db, bs[l - 1])
                _same_shape(f"∂L/∂A^({l - 1})", dA_prev, A_prev)
            layers.append(new_tuple(LayerTrace, (l, A_prev, W, bs[l - 1], Z, A, dA, dZ, dW, db, dA_prev)))
            dA = dA_prev  # the upstream gradient of the layer below
    except _Refused as refused:
        return BackwardPass(tuple(reversed(layers)), tuple(steps or ()), refused.refusal)
    layers.reverse()
    return new_tuple(BackwardPass, (tuple(layers), () if steps is None else tuple(steps), None))


_guarded_pass = ignoring_underflow(backward_pass)


def dz_formula(loss: str, act: Activation, l: int, L: int) -> Formula:
    r"""Layer l's ∂L/∂Z step: the loss's shortcut A - Y on the output layer if it has one, else through g.

    Through g: ∂L/∂A ⊙ g'(Z) for an elementwise g, each row's Jacobian for softmax.
    """
    if l == L and LOSSES[loss].dZ_shortcut is not None:
        return _SHORTCUT
    return _THROUGH_G if act.dg else _JACOBIAN


# Each layer's steps after its ∂L/∂Z, in the order the pass takes them.
LAYER_STEPS = (DW, DB, DA_PREV)
# The unswapped formulas of each step, looked up once.
_LOSS_START, _SHORTCUT, _THROUGH_G, _JACOBIAN, _DW, _DB, _DA_PREV = (
    FORMULAS[k] for k in (LOSS_START, SHORTCUT, G_PRIME, SOFTMAX_JACOBIAN, DW, DB, DA_PREV)
)


class _Refused(Exception):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal


class _Recorded(NamedTuple):
    """A formula whose ``compute`` also appends its Step (and turns a ShapeMismatch into a Refusal)."""

    compute: Compute


def _recorded(formula: Formula, steps: list[Step], swaps) -> _Recorded:
    """The formula of its step (the swapped one if ``swaps`` names the step), recording each run."""
    formula = swaps.get(formula.name, formula) if swaps else formula

    def compute(ar, c, *arrays):
        try:
            result = formula.compute(ar, c, *arrays)
        except ShapeMismatch as mismatch:
            what = formula.text.format(l=c.l, p=c.l - 1)
            raise _Refused(Refusal("matmul", what, mismatch.left, mismatch.right)) from None
        named = dict(zip(ARRAYS, arrays), Y=c.Y)
        inputs = tuple((input_label(n, c.l, c.L), named[n]) for n in _inputs_of(formula, c))
        steps.append(Step(formula.name, formula.kind, c.l, inputs, result, formula.mistake))
        return result

    return _Recorded(compute)


def _same_shape(what: str, gradient: Array, variable: Array) -> None:
    if gradient.shape != variable.shape:
        raise _Refused(Refusal("shape", what, gradient.shape, variable.shape))
