r"""Cached core results and figures for the symbolic, check, heatmaps and graph pages.

Every cached function is keyed on hashable text: the spec as JSON (``cache.spec_key``)
and a digest of the user's edited arrays (``cache.arrays_token``), plus the page's own
choices. Arrays, traces and specs ride along as ``_``-prefixed arguments, which
Streamlit does not hash. The functions live here, not in the pages, so Streamlit builds
each cache wrapper once per process instead of on every rerun, and the pages stay thin.

``key_of(view)`` gives (key, token) for a ``sidebar.View``; pass them to the rest.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from backprop.core import gradcheck
from backprop.core.gradcheck import Report, rel_error
from backprop.derivation import steps as derivation_steps
from backprop.derivation.classic_mistakes import MistakeCheck, check_mistake, sample_size
from backprop.derivation.three_way import ThreeWay, three_way
from backprop.teaching.train import History, train
from backprop.ui import cache, diagrams, limits, plots, state
from backprop.ui.i18n import t
from backprop.ui.isolated import Failed
from backprop.ui.isolated import run as _isolated


def key_of(view) -> tuple[str, str]:
    """(spec key, arrays token) of the session's network: what every cache below is keyed on."""
    return cache.spec_key(view.spec), cache.arrays_token(state.arrays())


# --- step-through and presenter pages ----------------------------------------------------


@st.cache_resource(max_entries=cache.TRACE_ENTRIES, ttl=cache.TRACE_TTL, show_spinner=False)
def backward_steps(
    key: str, token: str, exact: bool, digits: int, _trace
) -> tuple[derivation_steps.Step, ...]:
    """The backward pass of ``_trace`` (exact or not) as Steps, shared read-only like the trace."""
    steps = derivation_steps.backward_steps(_trace, digits)
    for step in steps:
        step.result.setflags(write=False)
    return steps


# --- check page ---------------------------------------------------------------------------

CHECK_SECONDS = 60.0  # budget of the three-way check (symbolic build + finite differences) in its child
REFERENCE_SECONDS = 30.0  # budget of backprop vs finite differences alone, in its child, if that failed


class FullCheck(NamedTuple):
    """The three-way check if it ran, the backprop-vs-finite-differences report, and why not if not.

    ``reference`` is None when neither check finished within its budget; ``fallback``
    then holds what became of the second one (status, message).
    """

    three: ThreeWay | None
    reference: Report | None
    status: str  # "ok" or the isolate Outcome's status
    message: str | None  # why the symbolic leg is missing (too large, timeout, ...), else None
    fallback: tuple[str, str] | None = None


@st.cache_data(max_entries=32, show_spinner=False)
def _three_way(key: str, token: str, _view) -> ThreeWay:
    v = _view
    return _isolated(three_way, v.spec, v.params, v.X, v.Y, sample_size(v.spec), seconds=CHECK_SECONDS)


@st.cache_data(max_entries=32, show_spinner=False)
def reference(key: str, token: str, _view) -> Report:
    r"""Backprop against finite differences on ``sample_size`` entries per variable.

    In this process only when its cost (``limits.finite_difference_cost``) is at most
    ``limits.IN_PROCESS_MULTIPLY_ADDS``; otherwise in a child with REFERENCE_SECONDS.
    Raises Failed if the child does not finish.
    """
    v = _view
    entries = sample_size(v.spec)
    if limits.finite_difference_cost(v.spec, entries) <= limits.IN_PROCESS_MULTIPLY_ADDS:
        return gradcheck.check(v.spec, v.params, v.X, v.Y, max_entries=entries)
    return _isolated(
        gradcheck.check, v.spec, v.params, v.X, v.Y, max_entries=entries, seconds=REFERENCE_SECONDS
    )


def full_check(key: str, token: str, view) -> FullCheck:
    """SymPy, backprop and finite differences in a child with a time budget; backprop vs FD if that fails."""
    try:
        three = _three_way(key, token, view)
    except Failed as failed:
        try:
            return FullCheck(None, reference(key, token, view), failed.status, failed.message)
        except Failed as second:
            return FullCheck(None, None, failed.status, failed.message, (second.status, second.message))
    return FullCheck(three, three.report, "ok", three.symbolic_skipped)


@st.cache_data(max_entries=64, show_spinner=False)
def mistake_check(key: str, token: str, mistake: str, _view, _reference: Report) -> MistakeCheck:
    """The check with ``mistake`` injected, judged against the finite differences of ``_reference``.

    One forward and backward pass in this process, as every page runs: its cost is capped
    at the edge (``limits.MAX_MULTIPLY_ADDS``).
    """
    return check_mistake(_view.spec, mistake, _view.params, _view.X, _view.Y, reference=_reference)


HEATMAP_CELLS = 20_000  # error heatmaps are drawn up to this many cells in all (about 20 ms in-process)


def heatmap_cells(spec) -> int:
    r"""Cells of the error heatmaps: m n_0 + Σ_l (n_{l-1} + 1) n_l, one per entry of X, W^(l), b^(l)."""
    return spec.m * spec.sizes[0] + sum(
        (a + 1) * b for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True)
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def error_figure(key: str, token: str, mistake: str | None, lang: str, _report: Report, _spec):
    """Heatmaps of log10 relative error per variable (built in this process: call under HEATMAP_CELLS)."""
    return plots.rel_error_heatmaps(plots.error_grids(_report.entries, _spec), _report.tolerance)


@st.cache_data(max_entries=64, show_spinner=False)
def entry_table(
    key: str, token: str, mistake: str, lang: str, loss: float, _report: Report, _three
) -> list[dict]:
    """One row per checked entry (indices 1-based), columns in the session's language.

    With the three-way check (``_three``), SymPy's value and its relative error against
    backprop join the row; ``_report`` holds the backprop values shown (with the mistake, if any).
    """
    symbolic = {}
    if _three is not None and _three.symbolic_skipped is None:
        symbolic = {(e.variable, e.layer, e.index): e.symbolic for e in _three.entries}
    rows = []
    for e in _report.entries:
        row: dict[str, object] = {
            t("check.col_variable"): e.variable + (f"^({e.l})" if e.l else ""),
            t("check.col_index"): "(" + ", ".join(str(i + 1) for i in e.index) + ")",
        }
        if symbolic:
            row[t("check.col_symbolic")] = symbolic[(e.variable, e.l, e.index)]
        row[t("check.col_backprop")] = e.backprop
        row[t("check.col_numeric")] = e.numeric
        row[t("check.col_error")] = e.rel_error
        if symbolic:
            row[t("check.col_error_symbolic")] = float(
                rel_error(symbolic[(e.variable, e.l, e.index)], e.backprop)
            )
        row[t("check.col_judged")] = not e.at_kink
        row[t("check.col_pass")] = e.at_kink or e.rel_error <= _report.tolerance
        rows.append(row)
    return rows


# --- heatmaps page ------------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def trained(key: str, token: str, rate: float, steps: int, _view) -> History:
    """``steps`` steps of gradient descent from the session's network."""
    return train(_view.spec, rate, steps, _view.params, _view.X, _view.Y)


@st.cache_resource(max_entries=32, show_spinner=False)
def gradient_figure(key: str, token: str, shared: bool, lang: str, _trace):
    """Heatmaps of every layer's gradients."""
    return plots.gradient_heatmaps(_trace, shared)


@st.cache_resource(max_entries=32, show_spinner=False)
def norm_figure(key: str, token: str, lang: str, _trace):
    """Bars of each layer's gradient norms."""
    return plots.norm_bars(_trace)


@st.cache_resource(max_entries=16, show_spinner=False)
def curves_figure(key: str, token: str, rate: float, steps: int, lang: str, _history: History):
    """Loss and gradient norms over the training steps."""
    return plots.training_curves(_history.loss, _history.grad_norms)


# --- graph page ---------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def drawings(kind: str, key: str, token: str, lang: str, l: int, sample: int, _trace) -> tuple[str, ...]:
    """DOT of the bp-full figure, the neuron drawing, or layer l forward and backward."""
    if kind == "full":
        return (diagrams.bp_full(_trace),)
    if kind == "neurons":
        return (diagrams.neurons(_trace, sample),)
    return diagrams.fp_single_dense(_trace, l, sample), diagrams.bp_single_dense(_trace, l)


# --- symbolic page ------------------------------------------------------------------------

NETWORK_SECONDS = 30.0  # budget of one whole-network symbolic entry in its child process


class NetworkEntryView(NamedTuple):
    """SymPy's whole-network derivative of one entry, as printable data (or why it is missing)."""

    latex: str | None
    expanded: str | None
    steps: tuple[str, ...]
    steps_total: int
    value: float | None
    message: str | None  # the engine's limit, or what became of the isolated call
    status: str  # "ok", "too_large", or the isolate Outcome's status


@st.cache_resource(show_spinner=False)
def generic():
    """The generic-size derivation with Kronecker deltas (independent of the network)."""
    from backprop.symbolic import generic_derivation  # noqa: PLC0415 (sympy only when asked)

    return generic_derivation()


@st.cache_resource(show_spinner=False)
def matrix_calculus():
    """The matrix-calculus derivation from tr(Gᵀ(A W + 1 bᵀ)) (independent of the network)."""
    from backprop.symbolic import matrix_derivation  # noqa: PLC0415

    return matrix_derivation()


@st.cache_data(max_entries=64, show_spinner=False)
def activation_latex(name: str, n: int, shortcut: bool) -> tuple[tuple[str, ...], str | None]:
    """LaTeX of the activation step: g and g' by SymPy, softmax's Jacobian, the CE shortcut; or a limit."""
    import backprop.symbolic as symbolic  # noqa: PLC0415

    if name != "softmax":
        return symbolic.activation_derivation(name).latex, None
    derivations = [symbolic.softmax_jacobian(n)] + ([symbolic.softmax_ce_shortcut(n)] if shortcut else [])
    lines: list[str] = []
    message: str | None = None
    for derivation in derivations:
        if isinstance(derivation, symbolic.TooLarge):
            message = derivation.message()
        else:
            lines.extend(derivation.latex)
    return tuple(lines), message


def network_entry(key: str, token: str, variable: str, l: int, index: tuple, trace) -> NetworkEntryView:
    """The whole-network entry, derived in a child process with a time budget (backprop.core.isolate)."""
    try:
        return _network_entry(key, token, variable, l, index, trace)
    except Failed as failed:
        return NetworkEntryView(None, None, (), 0, None, failed.message, failed.status)


@st.cache_data(max_entries=256, show_spinner=False)
def _network_entry(key: str, token: str, variable: str, l: int, index: tuple, _trace) -> NetworkEntryView:
    from backprop.symbolic import network_entry as derive  # noqa: PLC0415
    from backprop.symbolic.limits import TooLarge  # noqa: PLC0415
    from backprop.symbolic.network import limit_for  # noqa: PLC0415

    too_large = limit_for(_trace.spec)
    if too_large is not None:
        return NetworkEntryView(None, None, (), 0, None, too_large.message(), "too_large")
    entry = _isolated(derive, _trace, variable, l, index, seconds=NETWORK_SECONDS)
    if isinstance(entry, TooLarge):
        return NetworkEntryView(None, None, (), 0, None, entry.message(), "too_large")
    return NetworkEntryView(
        entry.latex, entry.expanded_latex, entry.steps_latex, entry.steps_total, entry.value, None, "ok"
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def element_sum(key: str, token: str, l: int, variable: str, index: tuple, _trace):
    """The layer's element sum of ∂L/∂x (no whole-network leg), or TooLarge past its limit."""
    from backprop.symbolic import element_sum as build  # noqa: PLC0415 (sympy only when asked)

    return build(_trace, l, variable, index, network=False)
