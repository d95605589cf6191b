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
- the one chosen gradient entry (layer, variable, i, j) lives in ``entry_choice``.
- ``set_network(spec, params=None, X=None, Y=None)``: replace the session's network
  and arrays (the upload page), then ``st.rerun()``; raises InvalidInput if they
  do not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


def url_value(param: str, parse: Callable[[str], object]):
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
        given = url_value(param, lambda text: pick(text, options, texts))
        value = given if given is not None else (default if default in options else options[0])
    return _bound(getattr(where, widget), label, key, param, value, str, options=options, **kwargs)


def pick(text: str, options: list, texts: list[str]):
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
        given = url_value(param, lambda s: urlparams.parse_int(s, low, high))
        value = (
            given
            if given is not None
            else (default if default is not None and low <= default <= high else low)
        )
    return _bound(
        where.number_input, label, key, param, value, str, min_value=low, max_value=high, step=1, **kwargs
    )
