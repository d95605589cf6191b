r"""The session's network and view: session_state <-> URL query parameters (shareable links).

One canonical copy lives in ``st.session_state`` under keys no widget owns, so it
survives page switches (Streamlit forgets a widget's value when a page without it
runs). On a session's first run it is read from the URL (``urlparams.parse_config``);
afterwards the sidebar's widgets change it and every run writes it back to the URL.

For pages:

- ``url_choice(label, options, key=..., param=..., default=...)``: a selectbox (or
  radio, segmented_control, select_slider) whose choice lives in the URL as ``param``.
- ``url_int(label, low, high, key=..., param=..., default=...)``: the same with a
  number_input.
- ``entry(spec)`` / ``set_entry(...)``: the one chosen gradient entry (layer, variable,
  i, j), shared by the backward and symbolic pages' pickers and by clicks on the
  network diagram and the gradient heatmaps (``take_click``); in the URL as
  ``layer``, ``var``, ``i``, ``j`` (1-based).
- ``set_network(spec, params=None, X=None, Y=None)``: replace the session's network
  and arrays (the upload page), then ``st.rerun()``; raises InvalidInput if they
  do not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import streamlit as st

from backprop.core.errors import InvalidInput
from backprop.core.network import Params, checked_inputs
from backprop.core.spec import NetworkSpec, check_targets
from backprop.ui import i18n, show, urlparams
from backprop.ui.i18n import t

SPEC = "_spec"  # the current valid NetworkSpec
ARRAYS = "_arrays"  # arrays that replace the seeded ones: {"X": ndarray, "W1": ndarray, ...}
NOTICES = "_notices"  # (kind, message) pairs shown once on the next run
PAGE_VALUES = "_page_values"  # {widget key: value} of pages' URL-backed widgets
ENTRY = "_entry"  # the chosen gradient entry (an Entry), whichever page or chart chose it
VARIABLES = ("W", "b", "A_prev")  # what an entry can be a derivative by, in layer l


def query() -> dict[str, list[str]]:
    """The URL's parameters, each with every value given (a repeated key has several)."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def warning_text(warning: urlparams.ParamWarning) -> str:
    """A refused URL parameter as a sentence in the session's language."""
    error = warning.fmt.get("error")
    if isinstance(error, InvalidInput) and error.code:  # the core's refusal, written from its code and fields
        return t("common.bad_param_refused", param=warning.param, message=i18n.message(error, show.plain))
    if warning.allowed == "common.allowed_core":  # the core's sentence may quote the value
        allowed = show.plain(warning.fmt["allowed"])
    else:
        allowed = t(warning.allowed, **warning.fmt)
    return t(
        "common.bad_param",
        param=warning.param,  # one of the app's own names
        value=show.plain(warning.shown_value()),
        allowed=allowed,
    )


def init_session() -> None:
    """On a session's first run, take the network and the language from the URL."""
    if SPEC in st.session_state:
        return
    spec, arrays, lang, warnings = urlparams.parse_config(query())
    st.session_state[SPEC] = spec
    st.session_state[ARRAYS] = arrays
    st.session_state.setdefault(PAGE_VALUES, {})
    if lang is not None:
        i18n.set_language(lang)
    notify(*(("warning", warning_text(w)) for w in warnings))


def notify(*notices: tuple[str, str]) -> None:
    """Queue ("warning" | "error" | "info", message) pairs for the next ``show_notices``."""
    st.session_state.setdefault(NOTICES, []).extend(notices)


def show_notices() -> None:
    """Show, once, every queued notice (bad URL parameters, refused edits)."""
    for kind, message in st.session_state.pop(NOTICES, []):
        getattr(st, kind)(message)


def spec() -> NetworkSpec:
    """The session's current network configuration."""
    init_session()
    return st.session_state[SPEC]


def arrays() -> dict[str, np.ndarray]:
    """The arrays the user edited or uploaded, by name (X, Y, W1, b1, ...)."""
    init_session()
    return st.session_state[ARRAYS]


def set_spec(new: NetworkSpec, keep_arrays: bool = False) -> None:
    """Make ``new`` the session's network; edited arrays are kept only if asked and they still fit."""
    old = st.session_state.get(SPEC)
    kept = {}
    if keep_arrays and old is not None:
        for name, array in st.session_state.get(ARRAYS, {}).items():
            if name in urlparams.array_names(new) and array.shape == urlparams.array_shape(new, name):
                kept[name] = array
        if "Y" in kept and not _targets_fit(new, kept["Y"]):
            del kept["Y"]  # e.g. real targets under a new cross-entropy loss
    st.session_state[SPEC] = new
    st.session_state[ARRAYS] = kept


def _targets_fit(spec: NetworkSpec, Y: np.ndarray) -> bool:
    """Whether the loss of ``spec`` accepts the targets Y."""
    try:
        check_targets(spec, Y)
    except InvalidInput:
        return False
    return True


def set_network(new: NetworkSpec, params: Params | None = None, X=None, Y=None) -> None:
    r"""Make (spec, W, b, X, Y) the session's network, checked by the core first.

    Raises InvalidInput (naming the array) if an array does not fit; call
    ``st.rerun()`` afterwards so the sidebar shows the new configuration.
    """
    checked, X_, Y_ = checked_inputs(new, params, X, Y)
    given = {name: array for name, array, passed in (("X", X_, X), ("Y", Y_, Y)) if passed is not None}
    if params is not None:  # the seeded W, b are not stored: they follow the seed
        for l in range(1, new.L + 1):
            given[f"W{l}"], given[f"b{l}"] = checked.W[l - 1], checked.b[l - 1]
    st.session_state[SPEC] = new
    st.session_state[ARRAYS] = given


def set_array(name: str, array: np.ndarray) -> None:
    """Replace one array (X, Y, W<l>, b<l>) of the session's network."""
    st.session_state[ARRAYS] = {**arrays(), name: array}


def config_query() -> dict[str, str]:
    """The URL parameters of the session's configuration and language (for links)."""
    return urlparams.config_query(spec(), arrays(), i18n.current_language())


def write_url() -> dict[str, str]:
    """Put the configuration in the URL; drop configuration parameters that no longer apply; its parameters.

    One message to the browser for all the changes (each ``st.query_params`` assignment
    sends one); none when the URL already holds the configuration. Parameters keep their
    places, new ones come last.
    """
    wanted = config_query()
    now = query()
    new = {
        name: ([wanted[name]] if name in wanted else values)
        for name, values in now.items()
        if name in wanted or not urlparams.is_config_param(name)
    }
    new.update((name, [value]) for name, value in wanted.items() if name not in new)
    if new != now:
        st.query_params.from_dict(new)
    return wanted


def _url_value(param: str, parse: Callable[[str], object]):
    """The URL's value of a page parameter, parsed; None if absent; a warning if refused."""
    warnings: list[urlparams.ParamWarning] = []
    value = urlparams.read(query(), param, parse, None, warnings)
    for warning in warnings:
        st.warning(warning_text(warning))
    return value


def _bound(widget, label: str, key: str, param: str, value, to_text: Callable, **kwargs):
    """Seed the widget ``key`` with ``value``, draw it, remember and publish its choice."""
    st.session_state[key] = value
    chosen = widget(label, key=key, **kwargs)
    st.session_state[PAGE_VALUES][key] = chosen
    if st.query_params.get_all(param) != [to_text(chosen)]:
        st.query_params[param] = to_text(chosen)
    return chosen


def url_choice(
    label: str,
    options: Sequence,
    *,
    key: str,
    param: str,
    default=None,
    widget: str = "selectbox",
    where=st,
    **kwargs,
):
    r"""A choice among ``options`` kept in the URL as ``param`` (its text is ``str(option)``).

    The value is, in order: the widget's own (if still among the options), what this
    session chose on an earlier visit, the URL's ``param`` (a warning names it if it is not an option),
    ``default``, the first option. ``widget`` is st.selectbox unless given.
    """
    init_session()
    options = list(options)
    texts = [str(o) for o in options]
    live, remembered = st.session_state.get(key), st.session_state[PAGE_VALUES].get(key)
    if live in options:  # the widget's value, just changed or kept since the last run
        value = live
    elif remembered in options:  # chosen on an earlier visit to this page
        value = remembered
    elif key in st.session_state[PAGE_VALUES]:  # chosen before, now out of range (the network changed)
        value = default if default in options else options[0]
    else:  # first sight in this session: the URL's choice
        given = _url_value(param, lambda text: _pick(text, options, texts))
        value = given if given is not None else (default if default in options else options[0])
    return _bound(getattr(where, widget), label, key, param, value, str, options=options, **kwargs)


def _pick(text: str, options: list, texts: list[str]):
    """The option whose text is ``text``, or Refused listing (a few of) the options."""
    if text in texts:
        return options[texts.index(text)]
    shown = texts if len(texts) <= 12 else texts[:5] + ["...", texts[-1]]
    raise urlparams.Refused("common.allowed_choice", options=", ".join(shown))


def url_int(
    label: str, low: int, high: int, *, key: str, param: str, default: int | None = None, where=st, **kwargs
) -> int:
    """A whole number from low to high (a number_input) kept in the URL as ``param``."""
    init_session()
    live, remembered = st.session_state.get(key), st.session_state[PAGE_VALUES].get(key)
    if isinstance(live, int) and low <= live <= high:
        value = live
    elif isinstance(remembered, int) and low <= remembered <= high:
        value = remembered
    elif key in st.session_state[PAGE_VALUES]:  # chosen before, now out of range
        value = min(max(remembered, low), high) if isinstance(remembered, int) else low
    else:
        given = _url_value(param, lambda s: urlparams.parse_int(s, low, high))
        value = (
            given
            if given is not None
            else (default if default is not None and low <= default <= high else low)
        )
    return _bound(
        where.number_input, label, key, param, value, str, min_value=low, max_value=high, step=1, **kwargs
    )


class Entry(NamedTuple):
    r"""One gradient entry ∂L/∂x: x is entry (i, j) of W^(l) or A^(l-1), or entry j of b^(l); 1-based."""

    l: int
    var: str  # "W", "b" or "A_prev"
    i: int  # row (W: unit of layer l-1; A_prev: sample); kept but unused for b
    j: int  # column (W, b: unit of layer l; A_prev: unit of layer l-1)

    @property
    def array_index(self) -> tuple[int, ...]:
        """The 0-based index into the gradient array: (i-1, j-1), or (j-1,) for b."""
        return (self.j - 1,) if self.var == "b" else (self.i - 1, self.j - 1)


def entry_shape(spec: NetworkSpec, var: str, l: int) -> tuple[int, ...]:
    r"""The shape of x in layer l: W^(l) (n_{l-1}, n_l), b^(l) (n_l,), A^(l-1) (m, n_{l-1})."""
    return (spec.m, spec.sizes[l - 1]) if var == "A_prev" else spec.shape_of(var, l)


def _rows_cols(spec: NetworkSpec, var: str, l: int) -> tuple[int, int]:
    """How far i and j go for x in layer l (b has one row, its j is the unit)."""
    shape = entry_shape(spec, var, l)
    return (1, shape[0]) if var == "b" else (shape[0], shape[1])


def fitted(spec: NetworkSpec, chosen: Entry) -> Entry:
    """``chosen`` where it fits ``spec``; each part that does not fit falls back to 1 (or W)."""
    l = chosen.l if 1 <= chosen.l <= spec.L else 1
    var = chosen.var if chosen.var in VARIABLES else "W"
    rows, cols = _rows_cols(spec, var, l)
    return Entry(l, var, chosen.i if 1 <= chosen.i <= rows else 1, chosen.j if 1 <= chosen.j <= cols else 1)


# The symbolic page's own names for the entry before one entry served every page: a link
# shared then still opens the entry it named (the names are rewritten to the current ones).
OLD_ENTRY_PARAMS = {"sy_layer": "layer", "sy_var": "var", "sy_i": "i", "sy_j": "j"}


def _adopt_old_entry_params() -> None:
    """Rename the URL's old entry parameters to the current ones (unless those are given too)."""
    for old, new in OLD_ENTRY_PARAMS.items():
        if old in st.query_params:
            if new not in st.query_params:
                st.query_params[new] = st.query_params.get_all(old)
            del st.query_params[old]


def _entry_from_url(spec: NetworkSpec) -> Entry:
    """The entry the URL names (layer, var, i, j); a part it refuses gets a warning and its default."""
    _adopt_old_entry_params()
    l = _url_value("layer", lambda s: urlparams.parse_int(s, 1, spec.L)) or 1
    var = _url_value("var", lambda s: _pick(s, list(VARIABLES), list(VARIABLES))) or "W"
    rows, cols = _rows_cols(spec, var, l)
    i = _url_value("i", lambda s: urlparams.parse_int(s, 1, rows)) if var != "b" else None
    j = _url_value("j", lambda s: urlparams.parse_int(s, 1, cols))
    return Entry(l, var, i or 1, j or 1)


def entry(spec: NetworkSpec) -> Entry:
    """The chosen entry, fitted to ``spec`` (from the URL on first sight), and written to the URL."""
    init_session()
    chosen = st.session_state.get(ENTRY)
    chosen = _entry_from_url(spec) if chosen is None else fitted(spec, chosen)
    st.session_state[ENTRY] = chosen
    wanted = {"layer": chosen.l, "var": chosen.var, "i": chosen.i, "j": chosen.j}
    if chosen.var == "b":
        del wanted["i"]
        if "i" in st.query_params:
            del st.query_params["i"]
    for param, value in wanted.items():
        if st.query_params.get_all(param) != [str(value)]:
            st.query_params[param] = str(value)
    return chosen


def set_entry(
    l: int | None = None, var: str | None = None, i: int | None = None, j: int | None = None
) -> None:
    """Change parts of the chosen entry (a callback's work); ``entry(spec)`` fits it to the network."""
    old = st.session_state.get(ENTRY) or Entry(1, "W", 1, 1)
    st.session_state[ENTRY] = Entry(
        old.l if l is None else int(l),
        old.var if var is None else var,
        old.i if i is None else int(i),
        old.j if j is None else int(j),
    )


def take_click(chart_key: str) -> None:
    """on_select callback of a chart whose points carry ``customdata`` = [var, l, i, j]: choose that entry.

    i = 0 keeps the current row (a bias, or an input unit whose sample stays the one chosen).
    """
    event = st.session_state.get(chart_key)
    points = event["selection"]["points"] if event else []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) == 4 and data[0] in VARIABLES:
            var, l, i, j = data
            old = st.session_state.get(ENTRY)
            keep = old is not None and old.var == var  # an input unit keeps the chosen sample
            set_entry(l=int(l), var=var, i=int(i) or (None if keep else 1), j=int(j))
            return
