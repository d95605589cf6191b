r"""What the backward page shows, assembled from the core (no streamlit widgets here; cached calls).

- ``quantities(trace, l)``: the six backward panels of layer l (∂L/∂A, g'(Z), ∂L/∂Z,
  ∂L/∂W, ∂L/∂b, ∂L/∂A^(l-1)): formula, the name to print, the values, a note key.
- ``pick_layer``, ``pick_variable``, ``pick_index``: the entry pickers of every page (radios
  for the layer and the variable, select boxes for i and j), all reading and writing the
  one chosen entry (``entry_choice.entry``), so a pick on one page or a click on a chart is the
  pick everywhere.
- ``differences`` and ``comparison``: each method's value against finite differences.
- ``finite_difference(spec, arrays, var, l, index)``: the five-point estimate of
  ∂L/∂x for one entry of A^(l-1), W^(l) or b^(l), cached on (spec, arrays digest, entry).
  For A^(l-1) with l > 1 (not an input of the network) it is taken on the sub-network of
  layers l..L fed with A^(l-1) as its input, which has the same loss.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from backprop.core.activations import activation
from backprop.core.gradcheck import numeric_entry, rel_error
from backprop.core.losses import LOSSES
from backprop.core.network import Params, Trace, forward
from backprop.core.spec import NetworkSpec
from backprop.derivation import latex
from backprop.derivation import notation as nt
from backprop.ui import cache, entry_choice, show
from backprop.ui.i18n import t


def variable_name(var: str, l: int) -> str:
    """The variable as the pickers name it: W⁽ˡ⁾, b⁽ˡ⁾, A⁽ˡ⁻¹⁾ (X = A⁽⁰⁾ for layer 1)."""
    if var == "A_prev":
        return "X = A⁽⁰⁾" if l == 1 else "A" + nt.layer_text(l - 1)
    return var + nt.layer_text(l)


def _take(key: str, part: str) -> None:
    """A picker's on_change: its value becomes that part of the chosen entry."""
    entry_choice.set_entry(**{part: st.session_state[key]})


def _picker(widget, label: str, options, key: str, part: str, value, where, **kwargs):
    """``widget`` showing ``value`` (the chosen entry's part), writing a change back to the entry."""
    st.session_state[key] = value
    return getattr(where, widget)(label, options, key=key, on_change=_take, args=(key, part), **kwargs)


def pick_layer(spec: NetworkSpec, prefix: str, where=st) -> int:
    """The chosen entry's layer l, as a row of radio buttons 1..L (key ``<prefix>_layer``)."""
    chosen = entry_choice.entry(spec)
    options = show.one_based(spec.L)
    return _picker(
        "radio", t("backward.layer"), options, f"{prefix}_layer", "l", chosen.l, where, horizontal=True
    )


def pick_variable(spec: NetworkSpec, prefix: str, where=st) -> str:
    """The chosen entry's variable W, b or A^(l-1), as radio buttons (key ``<prefix>_var``)."""
    chosen = entry_choice.entry(spec)
    return _picker(
        "radio", t("backward.var"), entry_choice.VARIABLES, f"{prefix}_var", "var", chosen.var, where,
        horizontal=True, format_func=lambda var: variable_name(var, chosen.l),
    )  # fmt: skip


def pick_index(spec: NetworkSpec, prefix: str, where=st) -> entry_choice.Entry:
    """The chosen entry's i and j, as select boxes 1..n side by side (keys ``<prefix>_i_<var>``, ...)."""
    chosen = entry_choice.entry(spec)
    shape = entry_choice.entry_shape(spec, chosen.var, chosen.l)
    axes = (("j", shape[0]),) if chosen.var == "b" else (("i", shape[0]), ("j", shape[1]))
    for (axis, n), column in zip(axes, where.columns(len(axes)), strict=True):
        label = t(f"backward.pick_{axis}_{chosen.var}", n=n, l=chosen.l, p=chosen.l - 1)
        key = f"{prefix}_{axis}_{chosen.var}"
        _picker("selectbox", label, show.one_based(n), key, axis, getattr(chosen, axis), column)
    return entry_choice.entry(spec)


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


def comparison(values: dict[str, float | None], reference: float, loss: float):
    r"""``differences`` as a table to print (``st.table``): the method names each row, numbers formatted.

    An HTML table: a few rows need no data grid, and on every pick it drew in about half the
    browser's time (tests/browser/bench_clicks.py).
    """
    rows = pd.DataFrame(differences(values, reference, loss))
    rows = rows.set_index(rows.columns[0])
    return rows.style.format(dict(zip(rows.columns, ("{:.12g}", "{:.3e}", "{:.3e}"))))


WRITTEN_CHARS = 1200  # the SymPy line substitutes chain-rule steps while its LaTeX stays this short


class Symbolic(NamedTuple):
    """SymPy's derivative of one entry as printable data, or why it is not shown."""

    latex: str | None  # ∂L/∂x = ... in the engine's step symbols
    expanded: str | None  # the same in inputs, targets and parameters alone, when short
    written: str | None  # ∂L/∂x as SymPy writes it with its gradient steps substituted while short
    steps: tuple[str, ...]  # the steps it rests on, nearest first
    steps_total: int
    value: float | None
    message: str | None  # set when there is no derivative to show (too large, engine missing)


def _written(grads, entry, lhs: str) -> str:
    r"""∂L/∂x = SymPy's expression with its ∂L/∂z, ∂L/∂a steps substituted, level by level, while short.

    One level turns Σ ∂L/∂z a into Σ ∂L/∂a · g'(z) · a with g' as SymPy differentiated it.
    """
    from backprop.symbolic import latex as sym_latex  # noqa: PLC0415 (SymPy's engine, when used)

    gradient = nt.partial("@").split("@")[0]  # a step symbol's name is its LaTeX: ∂L/∂z, ∂L/∂a are gradients
    expr, shown = entry.expr, entry.latex
    for _ in range(4):
        steps = {
            s: grads.steps[s] for s in expr.free_symbols if s in grads.steps and s.name.startswith(gradient)
        }
        if not steps:
            break
        expr = expr.xreplace(steps)
        text = f"{lhs} = {sym_latex(expr)}"
        if len(text) > WRITTEN_CHARS:
            break
        shown = text
    return shown


@st.cache_data(max_entries=128, show_spinner=False)
def _symbolic(key: str, token: str, var: str, l: int, index: tuple, _trace: Trace) -> Symbolic:
    try:
        from backprop.symbolic import (  # noqa: PLC0415 (the symbolic engine, when used)
            TooLarge,
            network_entry,
            network_gradients,
        )
    except ImportError:
        return Symbolic(None, None, None, (), 0, None, t("backward.sympy_missing"))
    entry = network_entry(_trace, var, l, index)
    if isinstance(entry, TooLarge):  # what is too large and what is available instead
        return Symbolic(None, None, None, (), 0, None, entry.message())
    lhs = entry.latex.split(" = ", 1)[0]
    written = _written(network_gradients(_trace.spec), entry, lhs)
    return Symbolic(
        entry.latex, entry.expanded_latex, written, entry.steps_latex, entry.steps_total, entry.value, None
    )


def symbolic(trace: Trace, arrays: dict, var: str, l: int, index: tuple[int, ...]) -> Symbolic:
    r"""SymPy's whole-network derivative ∂L/∂x (backprop.symbolic), cached on the configuration and entry."""
    return _symbolic(cache.spec_key(trace.spec), cache.arrays_token(arrays), var, l, tuple(index), trace)
