"""Computation graph: the notes' figure bp-full for the current network, and every neuron when it is small."""

import streamlit as st

from backprop.ui import cache, diagrams, sidebar, state
from backprop.ui.i18n import t

VIEWS = ("full", "neurons", "layer")


@st.cache_data(max_entries=64, show_spinner=False)
def drawings(view: str, key: str, token: str, lang: str, l: int, sample: int, _trace) -> tuple[str, ...]:
    if view == "full":
        return (diagrams.bp_full(_trace),)
    if view == "neurons":
        return (diagrams.neurons(_trace, sample),)
    return diagrams.fp_single_dense(_trace, l, sample), diagrams.bp_single_dense(_trace, l)


st.set_page_config(page_title="Computation graph", layout="wide")
view = sidebar.render("graph")
spec = view.spec
st.title(t("graph.title"))

options = VIEWS if diagrams.fits_neurons(spec) else ("full", "layer")
chosen = state.url_choice(
    t("graph.view"),
    options,
    key="gr_view",
    param="gr_view",
    widget="radio",
    horizontal=True,
    format_func=lambda v: t(f"graph.view_{v}"),
)
if not diagrams.fits_neurons(spec):
    st.caption(t("graph.neurons_too_wide", limit=diagrams.NEURON_LIMIT, layers=diagrams.NEURON_MAX_LAYERS))
key, token = cache.spec_key(spec), cache.arrays_token(state.arrays())
left, right = st.columns(2)
l = sample = 1
if chosen == "layer":
    l = state.url_int(t("graph.layer"), 1, spec.L, key="gr_layer", param="gr_layer", default=1, where=left)
if chosen != "full":
    sample = state.url_int(
        t("graph.sample"), 1, spec.m, key="gr_sample", param="gr_sample", default=1, where=right
    )

dots = drawings(chosen, key, token, view.lang, l, sample - 1, view.trace)
if chosen == "layer":
    st.subheader(t("graph.forward_title", l=l))
    st.graphviz_chart(dots[0])
    st.subheader(t("graph.backward_title", l=l))
    st.graphviz_chart(dots[1])
else:
    st.caption(t(f"graph.{chosen}_note"))
    st.graphviz_chart(dots[0])
