"""Computation graph: the notes' figure bp-full for the current network, and every neuron when it is small.

The drawings are shown at natural size (text 14.7 px, legible on a projector) in a box that
scrolls sideways, or zoomed in and out; the zoom and the drawing rerun alone (a fragment).
"""

import streamlit as st

from backprop.ui import alternatives, diagrams, dot, results, sidebar, state
from backprop.ui.i18n import t

ZOOMS = ("fit", "100", "150", "200")  # "fit": the whole drawing in the page's width, an overview

view = sidebar.render("graph")
spec = view.spec
st.title(t("graph.title"))
# Streamlit sets every Graphviz label to 0.6rem whatever the DOT says: each zoom's box gives
# the labels back the size Graphviz laid the drawing out for (FONT_PT × zoom, in the
# drawing's own units). At a zoom, a drawing keeps its natural width and scrolls sideways;
# Streamlit gives that box no tab stop, so the script gives it one (its role and name, the
# drawing's alt text, are Streamlit's): keyboard users focus it and scroll with the arrows.
st.html(
    "<style>"
    ".st-key-gr_at_fit svg text, .st-key-gr_at_100 svg text { font-size: 11px; }"
    ".st-key-gr_at_150 svg text { font-size: 16.5px; }"
    ".st-key-gr_at_200 svg text { font-size: 22px; }"
    ":is(.st-key-gr_at_100, .st-key-gr_at_150, .st-key-gr_at_200) [data-testid='stGraphVizChart']"
    " { overflow-x: auto; }"
    ":is(.st-key-gr_at_100, .st-key-gr_at_150, .st-key-gr_at_200) [data-testid='stGraphVizChart'] svg"
    " { max-width: none; }"
    "[data-testid='stGraphVizChart']:focus-visible { outline: 2px solid #1c62b9; outline-offset: 2px; }"
    "</style>"
    "<script>"
    "(() => {"
    " if (window.graphScrollStops) return;"
    " window.graphScrollStops = true;"
    " const zoomed = ':is(.st-key-gr_at_100, .st-key-gr_at_150, .st-key-gr_at_200)"
    ' [data-testid="stGraphVizChart"]:not([tabindex])\';'
    " const mark = () => document.querySelectorAll(zoomed).forEach((box) => { box.tabIndex = 0; });"
    " mark();"
    " new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});"
    "})();"
    "</script>",
    unsafe_allow_javascript=True,
)

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


@st.fragment
def drawing() -> None:
    """The zoom, then the chosen drawing at that zoom."""
    zoom = state.url_choice(
        t("graph.zoom"), ZOOMS, key="gr_zoom", param="gr_zoom", default="fit",
        widget="radio", horizontal=True,
        format_func=lambda z: t("graph.zoom_fit") if z == "fit" else f"{z} %",
    )  # fmt: skip
    width = "stretch" if zoom == "fit" else "content"
    scale = 1.0 if zoom == "fit" else int(zoom) / 100
    scaled = [dot.zoomed(source, scale) for source in dots]
    with st.container(key=f"gr_at_{zoom}"):  # the box whose style sets this zoom's label size
        if chosen == "layer":
            st.subheader(t("graph.forward_title", l=l))
            alternatives.drawing(
                scaled[0],
                "fp-single-dense",
                view.trace,
                key="gr_forward",
                l=l,
                sample=sample - 1,
                width=width,
            )
            st.subheader(t("graph.backward_title", l=l, k=l - 1))
            alternatives.drawing(
                scaled[1], "bp-single-dense", view.trace, key="gr_backward", l=l, width=width
            )
        else:
            kind = "bp-full" if chosen == "full" else "neurons"
            alternatives.drawing(
                scaled[0], kind, view.trace, key=f"gr_{chosen}", sample=sample - 1, width=width
            )


if chosen != "layer":
    st.caption(t(f"graph.{chosen}_note", cells=dot.MAX_CELLS))
if chosen == "full" and max(spec.sizes) > dot.MAX_CELLS:
    st.info(t("graph.layer_level", cells=dot.MAX_CELLS))
drawing()
