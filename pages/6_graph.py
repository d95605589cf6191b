"""Computation graph: the notes' figure bp-full for the current network, and every neuron when it is small."""

import streamlit as st

from backprop.ui import diagrams, results, sidebar, state
from backprop.ui.i18n import t

view = sidebar.render("graph")
spec = view.spec
st.title(t("graph.title"))

small = diagrams.fits_neurons(spec)
views = ("full", "neurons", "layer") if small else ("full", "layer")
chosen = state.url_choice(
    t("graph.view"), views, key="gr_view", param="gr_view",
    widget="radio", horizontal=True, format_func=lambda v: t(f"graph.view_{v}"),
)  # fmt: skip
if not small:
    st.caption(t("graph.neurons_too_wide", limit=diagrams.NEURON_LIMIT, layers=diagrams.NEURON_MAX_LAYERS))
left, right = st.columns(2)
l = sample = 1
if chosen == "layer":
    l = state.url_int(t("graph.layer"), 1, spec.L, key="gr_layer", param="gr_layer", default=1, where=left)
if chosen != "full":
    sample = state.url_int(
        t("graph.sample"), 1, spec.m, key="gr_sample", param="gr_sample", default=1, where=right
    )

key, token = results.key_of(view)
dots = results.drawings(chosen, key, token, view.lang, l, sample - 1, view.trace)
if chosen == "layer":
    st.subheader(t("graph.forward_title", l=l))
    st.graphviz_chart(dots[0], alt=t("graph.alt_forward", l=l))
    st.subheader(t("graph.backward_title", l=l))
    st.graphviz_chart(dots[1], alt=t("graph.alt_backward", l=l))
else:
    st.caption(t(f"graph.{chosen}_note"))
    st.graphviz_chart(
        dots[0], width="stretch" if chosen == "full" else "content", alt=t(f"graph.alt_{chosen}")
    )
