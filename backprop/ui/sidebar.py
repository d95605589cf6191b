r"""The sidebar every page shares: language, translated navigation, the network's controls.

``app.py`` routes to a page (``registry.route``: the pages, the page config); every page
script in pages/ then starts with::

    import streamlit as st
    from backprop.ui import sidebar
    from backprop.ui.i18n import t

    view = sidebar.render("forward")     # the page's name, as in registry.PAGES
    st.title(t("forward.title"))
    # view.spec: NetworkSpec; view.trace: Trace (cached); view.params: Params;
    # view.X, view.Y: the inputs and targets (seeded, edited or uploaded); view.lang.

``render`` draws the language picker, a link to every page of ``registry.PAGES`` (titles
from ``common.nav_<name>``; each link carries the configuration in its query
parameters), the shared controls (layers, widths, batch m, activation per layer with a
"custom formula" choice, loss, reduction, init, seed, and for small networks X, Y, W,
b in data editors), writes the configuration into the URL, shows any warning about
bad URL parameters or refused edits, and returns the ``View``.

Page-specific state that belongs in the URL (chosen layer, variable, entry): use
``state.url_choice`` / ``state.url_int`` with a key prefixed by the page, e.g.
``layer = state.url_choice(t("forward.layer"), range(1, view.spec.L + 1), key="fw_layer",
param="layer")``. To replace the network (uploads): ``state.set_network(spec, params,
X, Y)`` then ``st.rerun()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st

from backprop.core.activations import CUSTOM_PREFIX, NAMES
from backprop.core.errors import InvalidInput
from backprop.core.losses import LOSSES, REDUCTIONS
from backprop.core.network import Params, Trace
from backprop.core.spec import INITS, MAX_LAYERS, MAX_SEED, NetworkSpec
from backprop.ui import cache, changes, editing, i18n, registry, show, state, urlparams
from backprop.ui.i18n import t

CUSTOM = "custom"  # the activation choice that opens a formula box
DRAFTS = "_formula_drafts"  # {layer: formula text} typed but not (yet) valid
EDIT_ON = "_edit_on"  # whether the data editors are shown (kept across pages)


@dataclass(frozen=True)
class View:
    """What a page shows: the configuration, its arrays, the cached trace, the language."""

    spec: NetworkSpec
    params: Params
    X: np.ndarray  # (m, n_0)
    Y: np.ndarray  # (m, n_L)
    trace: Trace
    lang: str
    page: str


def render(page: str) -> View:
    r"""Draw the shared sidebar for ``page`` and return the session's network and trace."""
    registry.take_over_from_legacy_router()
    state.init_session()
    side = st.sidebar
    _language_picker(side)
    nav = side.container()
    _controls(side)
    spec = state.spec()
    trace = _trace(spec)
    st.session_state["sb_edit_on"] = st.session_state.get(EDIT_ON, False)
    if side.toggle(t("common.edit_arrays"), key="sb_edit_on", on_change=_remember_toggle):
        with side.container():
            editing.editors(spec, _current_arrays(trace))  # drawn only when asked for: 6 editors cost ~20 ms
    _navigation(nav, page, state.write_url())
    state.show_notices()
    return View(spec, cache.params_of(trace), trace.X, trace.Y, trace, i18n.current_language(), page)


def _trace(spec: NetworkSpec) -> Trace:
    """The cached trace; arrays that no longer fit are dropped with a message."""
    try:
        return cache.trace(spec, state.arrays())
    except InvalidInput as error:
        st.error(t("common.arrays_dropped", reason=i18n.message(error, show.plain)))
        state.set_spec(spec)
        return cache.trace(spec, {})


def _current_arrays(trace: Trace) -> dict[str, np.ndarray]:
    arrays = {"X": trace.X, "Y": trace.Y}
    for layer in trace.layers:
        arrays[f"W{layer.l}"], arrays[f"b{layer.l}"] = layer.W, layer.b
    return arrays


def _remember_toggle() -> None:
    st.session_state[EDIT_ON] = st.session_state["sb_edit_on"]


def _language_picker(side) -> None:
    st.session_state["sb_lang"] = i18n.current_language()
    side.selectbox(
        t("common.language"),
        i18n.LANGUAGES,
        format_func=i18n.NAMES.get,
        key="sb_lang",
        on_change=lambda: i18n.set_language(st.session_state["sb_lang"]),
    )


def links(
    where, page: str, pages: Iterable[registry.Entry] = registry.PAGES, query: dict[str, str] | None = None
) -> None:
    """A translated ``st.page_link`` to each of ``pages`` (default: all), carrying the configuration.

    ``query``: the configuration's URL parameters, if the caller has them already.
    """
    query = state.config_query() if query is None else query
    for entry in pages:
        try:
            where.page_link(
                registry.page(entry),  # a kept st.Page: no path resolved on disk per link and run
                label=registry.title(entry),
                icon=entry.icon,
                query_params=query,
                disabled=entry.name == page,
            )
        except st.errors.StreamlitAPIException:  # run as a lone script (no st.navigation)
            return


def _navigation(nav, page: str, query: dict[str, str]) -> None:
    # Contrast (WCAG AA, tests/browser/test_accessibility.py): Streamlit fades the current page's
    # link and the keyboard hints on buttons to 40% of the text colour, below 4.5:1; they are
    # shown at full contrast instead (the current page stays marked: bold, and not a link).
    # Fit (tests/browser/test_fit.py): a matrix set in blocks of c columns (show.matrix_or_table,
    # class st-key-mxblk<c>) shrinks its type with its box's width once the box is narrower than
    # a block at full size: about (5.5 c + 4) em wide with its name (mxblk<c>), (5.5 c + 1) em
    # without (mxblkn<c>); 1.21em is KaTeX's own size.
    nav.html(
        """<style>
        a[data-testid="stPageLink-NavLink"][disabled], a[data-testid="stPageLink-NavLink"][disabled] * {
          color: inherit !important; font-weight: 600;
        }
        button kbd { color: inherit !important; opacity: 1 !important; }
        [class*="st-key-mxblk"] { container-type: inline-size; }
        [class*="st-key-mxblk1"] .katex-display > .katex { font-size: min(1.21em, 10.5cqi); }
        [class*="st-key-mxblk2"] .katex-display > .katex { font-size: min(1.21em, 6.7cqi); }
        [class*="st-key-mxblk3"] .katex-display > .katex { font-size: min(1.21em, 4.9cqi); }
        [class*="st-key-mxblk4"] .katex-display > .katex { font-size: min(1.21em, 3.8cqi); }
        [class*="st-key-mxblkn1"] .katex-display > .katex { font-size: min(1.21em, 15.4cqi); }
        [class*="st-key-mxblkn2"] .katex-display > .katex { font-size: min(1.21em, 8.3cqi); }
        [class*="st-key-mxblkn3"] .katex-display > .katex { font-size: min(1.21em, 5.7cqi); }
        [class*="st-key-mxblkn4"] .katex-display > .katex { font-size: min(1.21em, 4.3cqi); }
        </style>"""
    )
    links(nav, page, query=query)


def _sync_widgets(spec: NetworkSpec) -> None:
    """Put the canonical configuration into the widgets (their values are lost on page switches)."""
    ss = st.session_state
    drafts = ss.setdefault(DRAFTS, {})
    ss["sb_L"] = spec.L
    for k, n in enumerate(spec.sizes):
        ss[f"sb_n{k}"] = n
    for l, name in enumerate(spec.activations, 1):
        if name.startswith(CUSTOM_PREFIX):
            ss[f"sb_act{l}"], ss[f"sb_formula{l}"] = CUSTOM, name[len(CUSTOM_PREFIX) :]
        elif l in drafts:
            ss[f"sb_act{l}"], ss[f"sb_formula{l}"] = CUSTOM, drafts[l]
        else:
            ss[f"sb_act{l}"] = name
    ss["sb_loss"], ss["sb_reduction"], ss["sb_init"] = spec.loss, spec.reduction, spec.init
    ss["sb_m"], ss["sb_seed"] = spec.batch, spec.seed


def _controls(side) -> None:
    """The network's widgets; each change goes through ``_changed``, which validates it."""
    spec = state.spec()
    _sync_widgets(spec)
    side.subheader(t("common.network"))

    def on(field: str) -> dict:
        return {"on_change": _changed, "args": (field,)}

    side.number_input(t("common.layers"), 1, MAX_LAYERS, key="sb_L", **on("L"))
    columns = side.columns(2)
    for k in range(spec.L + 1):
        columns[k % 2].number_input(
            t("common.width", k=k), 1, urlparams.UI_MAX_WIDTH, key=f"sb_n{k}", **on(f"n{k}")
        )
    for l in range(1, spec.L + 1):
        choice = side.selectbox(
            t("common.activation", l=l),
            (*NAMES, CUSTOM),
            key=f"sb_act{l}",
            format_func=lambda a: t("common.custom") if a == CUSTOM else i18n.option("act", a),
            **on(f"act{l}"),
        )
        if choice == CUSTOM:
            side.text_input(
                t("common.formula", l=l), key=f"sb_formula{l}", placeholder="z**2/2", **on(f"formula{l}")
            )
    side.selectbox(
        t("common.loss"), tuple(LOSSES), key="sb_loss", format_func=partial(i18n.option, "loss"), **on("loss")
    )
    side.selectbox(
        t("common.reduction"),
        REDUCTIONS,
        key="sb_reduction",
        format_func=partial(i18n.option, "reduction"),
        **on("reduction"),
    )
    side.number_input(t("common.batch"), 1, urlparams.UI_MAX_BATCH, key="sb_m", **on("m"))
    side.selectbox(
        t("common.init"), INITS, key="sb_init", format_func=partial(i18n.option, "init"), **on("init")
    )
    side.number_input(t("common.seed"), 0, MAX_SEED, key="sb_seed", **on("seed"))


def _changed(field: str) -> None:
    """on_change of a control: validate the new configuration; on refusal keep the old one and say why."""
    ss = st.session_state
    spec = state.spec()
    drafts = ss.setdefault(DRAFTS, {})
    value = ss.get(f"sb_{field}")
    if field.startswith("act") or field.startswith("formula"):
        l = int(field.removeprefix("act").removeprefix("formula"))
        field = f"act{l}"
        if ss.get(f"sb_act{l}") != CUSTOM:
            drafts.pop(l, None)
            value = ss[f"sb_act{l}"]
        else:
            drafts[l] = ss.get(f"sb_formula{l}", drafts.get(l, "")).strip()
            if not drafts[l]:
                return  # the formula box opens; nothing to check yet
            value = CUSTOM_PREFIX + drafts[l]
    try:
        new, note = changes.apply_change(spec, field, value)
    except InvalidInput as error:
        state.notify(("error", t("common.refused", message=i18n.message(error, show.plain))))
        return
    except ImportError:
        state.notify(("error", t("common.no_formulas")))
        return
    if field.startswith("act"):
        drafts.pop(int(field[3:]), None)
    if note:
        state.notify(("info", t(note, loss=new.loss, output=new.activations[-1])))
    state.set_spec(new, keep_arrays=field not in ("seed", "init"))
