r"""What the backward page shows, assembled from the core (no streamlit widgets here; cached calls).

- ``quantities(trace, l)``: the six backward panels of layer l (∂L/∂A, g'(Z), ∂L/∂Z,
  ∂L/∂W, ∂L/∂b, ∂L/∂A^(l-1)): formula, the name to print, the values, a note key.
- ``finite_difference(spec, arrays, var, l, index)``: the five-point estimate of
  ∂L/∂x for one entry of A^(l-1), W^(l) or b^(l), cached on (spec, arrays digest, entry).
  For A^(l-1) with l > 1 (not an input of the network) it is taken on the sub-network of
  layers l..L fed with A^(l-1) as its input, which has the same loss.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import streamlit as st

from backprop.core.activations import activation
from backprop.core.gradcheck import numeric_entry, rel_error
from backprop.core.losses import LOSSES
from backprop.core.network import Params, Trace, forward
from backprop.core.spec import NetworkSpec
from backprop.derivation import latex
from backprop.derivation import notation as nt
from backprop.ui import cache
from backprop.ui.i18n import t


class Panel(NamedTuple):
    """One backward quantity as shown: its formula, its name (LaTeX), its values (or None), a note key."""

    key: str  # dA, gprime, dZ, dW, db, dA_prev
    formula: str
    name: str
    values: np.ndarray | None
    note: str | None


def uses_shortcut(spec: NetworkSpec, l: int) -> bool:
    """Whether ∂L/∂Z^(l) comes straight from the loss (softmax + CE, sigmoid + BCE at the output)."""
    return l == spec.L and LOSSES[spec.loss].dZ_shortcut is not None


def quantities(trace: Trace, l: int) -> list[Panel]:
    r"""The six panels of layer l's backward step, in the order of the chain rule."""
    spec, layer = trace.spec, trace.layers[l - 1]
    name = spec.activations[l - 1]
    shortcut = uses_shortcut(spec, l)

    def formula(key: str) -> str:
        return latex.backward_formula(key, l, spec.L, name, spec.loss, spec.reduction == "mean", shortcut)

    act = activation(name)
    if shortcut:
        g_values, g_note = None, "backward.gprime_shortcut"
    elif act.dg is None:  # softmax: one Jacobian per sample
        g_values, g_note = act.jacobian(layer.A[0]), "backward.gprime_jacobian"
    else:
        g_values, g_note = act.dg(layer.Z, layer.A), None
    g_label = "J_1" if act.dg is None and not shortcut else latex.g_prime(name, l).split(" = ")[0]
    return [
        Panel("dA", formula("dA"), nt.grad("A", l), layer.dA, "backward.dA_start" if l == spec.L else None),
        Panel("gprime", formula("gprime"), g_label, g_values, g_note),
        Panel("dZ", formula("dZ"), nt.grad("Z", l), layer.dZ, None),
        Panel("dW", formula("dW"), nt.grad("W", l), layer.dW, None),
        Panel("db", formula("db"), nt.grad("b", l), layer.db, None),
        Panel(
            "dA_prev",
            formula("dA_prev"),
            nt.grad("A", l - 1),
            layer.dA_prev,
            "backward.dA_prev_next" if l > 1 else "backward.dA_prev_x",
        ),
    ]


@st.cache_data(max_entries=256, show_spinner=False)
def _finite_difference(
    key: str, token: str, var: str, l: int, index: tuple, _arrays: dict
) -> tuple[float, bool]:
    spec = cache.spec_from_key(key)
    params, X, Y = cache.inputs(spec, _arrays)
    if var in ("W", "b"):
        return numeric_entry(spec, params, X, Y, var, l, index)
    if l == 1:
        return numeric_entry(spec, params, X, Y, "X", 0, index)
    A_prev = forward(spec, params, X)[l - 2][1]  # the input of layer l
    tail = NetworkSpec(
        spec.sizes[l - 1 :],
        spec.activations[l - 1 :],
        spec.loss,
        spec.reduction,
        spec.batch,
        spec.seed,
        spec.init,
    )
    tail_params = Params(params.W[l - 1 :], params.b[l - 1 :])
    return numeric_entry(tail, tail_params, A_prev, Y, "X", 0, index)


def finite_difference(
    spec: NetworkSpec, arrays: dict, var: str, l: int, index: tuple[int, ...]
) -> tuple[float, bool]:
    r"""(five-point estimate of ∂L/∂x, whether a step crosses a kink of relu/leaky_relu)."""
    return _finite_difference(cache.spec_key(spec), cache.arrays_token(arrays), var, l, tuple(index), arrays)


def differences(values: dict[str, float | None], reference: float, loss: float) -> list[dict]:
    r"""Each value against the reference (finite differences): the difference and the relative error."""
    rows = []
    for label, value in values.items():
        if value is None:
            continue
        rows.append(
            {
                t("backward.col_method"): label,
                t("backward.col_value"): value,
                t("backward.col_minus_fd"): value - reference,
                t("backward.col_rel"): float(rel_error(value, reference, loss)),
            }
        )
    return rows


class Symbolic(NamedTuple):
    """SymPy's derivative of one entry as printable data, or why it is not shown."""

    latex: str | None  # ∂L/∂x = ... in the engine's step symbols
    expanded: str | None  # the same in inputs, targets and parameters alone, when short
    steps: tuple[str, ...]  # the steps it rests on, nearest first
    steps_total: int
    value: float | None
    message: str | None  # set when there is no derivative to show (too large, engine missing)


@st.cache_data(max_entries=128, show_spinner=False)
def _symbolic(key: str, token: str, var: str, l: int, index: tuple, _trace: Trace) -> Symbolic:
    try:
        from backprop.symbolic import TooLarge, network_entry  # noqa: PLC0415 (the symbolic engine, when used)
    except ImportError:
        return Symbolic(None, None, (), 0, None, t("backward.sympy_missing"))
    entry = network_entry(_trace, var, l, index)
    if isinstance(entry, TooLarge):  # what is too large and what is available instead
        return Symbolic(None, None, (), 0, None, entry.message())
    return Symbolic(
        entry.latex, entry.expanded_latex, entry.steps_latex, entry.steps_total, entry.value, None
    )


def symbolic(trace: Trace, arrays: dict, var: str, l: int, index: tuple[int, ...]) -> Symbolic:
    r"""SymPy's whole-network derivative ∂L/∂x (backprop.symbolic), cached on the configuration and entry."""
    return _symbolic(cache.spec_key(trace.spec), cache.arrays_token(arrays), var, l, tuple(index), trace)
