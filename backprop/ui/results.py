r"""Cached core results and figures for the symbolic, check, heatmaps and graph pages.

Every cached function is keyed on hashable text: the spec as JSON (``cache.spec_key``)
and a digest of the user's edited arrays (``cache.arrays_token``), plus the page's own
choices. Arrays, traces and specs ride along as ``_``-prefixed arguments, which
Streamlit does not hash. The functions live here, not in the pages, so Streamlit builds
each cache wrapper once per process instead of on every rerun, and the pages stay thin.

``key_of(view)`` gives (key, token) for a ``sidebar.View``; pass them to the rest.
"""

from __future__ import annotations

import streamlit as st

from backprop.gradcheck import Report, check
from backprop.mistakes import MistakeCheck, check_mistake, sample_size
from backprop.train import History, train

from . import cache, diagrams, plots, state
from .i18n import t


def key_of(view) -> tuple[str, str]:
    """(spec key, arrays token) of the session's network: what every cache below is keyed on."""
    return cache.spec_key(view.spec), cache.arrays_token(state.arrays())


# --- check page ---------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def reference(key: str, token: str, _view) -> Report:
    """Backprop against finite differences on ``sample_size`` entries per variable."""
    return check(_view.spec, _view.params, _view.X, _view.Y, max_entries=sample_size(_view.spec))


@st.cache_data(max_entries=64, show_spinner=False)
def mistake_check(key: str, token: str, mistake: str | None, _view) -> MistakeCheck:
    """The check with ``mistake`` injected (None: the correct pass), sharing the finite differences."""
    ref = reference(key, token, _view)
    return check_mistake(_view.spec, mistake, _view.params, _view.X, _view.Y, reference=ref)


@st.cache_resource(max_entries=64, show_spinner=False)
def error_figure(key: str, token: str, mistake: str | None, lang: str, _report: Report, _spec):
    """Heatmaps of log10 relative error per variable."""
    return plots.rel_error_heatmaps(plots.error_grids(_report.entries, _spec), _report.tolerance)


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


@st.cache_data(max_entries=64, show_spinner=False)
def entry_table(key: str, token: str, mistake: str, lang: str, _report: Report) -> list[dict]:
    """One row per checked entry, columns named in the session's language (indices 1-based)."""
    rows = []
    for e in _report.entries:
        rows.append(
            {
                t("check.col_variable"): e.variable + (f"^({e.l})" if e.l else ""),
                t("check.col_index"): "(" + ", ".join(str(i + 1) for i in e.index) + ")",
                t("check.col_backprop"): e.backprop,
                t("check.col_numeric"): e.numeric,
                t("check.col_error"): e.rel_error,
                t("check.col_judged"): not e.at_kink,
                t("check.col_pass"): e.at_kink or e.rel_error <= _report.tolerance,
            }
        )
    return rows


# --- symbolic page ------------------------------------------------------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def element_sum(key: str, token: str, l: int, variable: str, index: tuple, _trace):
    """The layer's element sum of ∂L/∂x (no whole-network leg), or TooLarge past its limit."""
    from backprop.symbolic import element_sum as build  # noqa: PLC0415 (sympy only when asked)

    return build(_trace, l, variable, index, network=False)
