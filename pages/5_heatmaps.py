"""Heatmaps: every layer's gradients at a glance, their norms, and how gradient descent changes them."""

import streamlit as st

from backprop.derivation import entry_latex, latex
from backprop.teaching.train import DEMOS, MAX_RATE, max_steps
from backprop.ui import alternatives, entry_choice, plots, registry, results, sidebar, state
from backprop.ui.i18n import sentences, t

RATES = tuple(r for r in (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0) if r <= MAX_RATE)

view = sidebar.render("heatmaps")
st.title(t("heatmaps.title"))
st.caption(t("heatmaps.intro"))

key, token = results.key_of(view)
steps_limit = max_steps(view.spec)
left, right = st.columns(2)
rate = state.url_choice(
    t("heatmaps.rate"),
    RATES,
    key="hm_rate",
    param="hm_rate",
    default=0.01,
    widget="select_slider",
    where=left,
)
steps = state.url_int(
    t("heatmaps.steps", limit=steps_limit),
    0,
    steps_limit,
    key="hm_steps",
    param="hm_steps",
    default=0,
    where=right,
)
for column, name in zip(st.columns(len(DEMOS)), DEMOS, strict=True):
    if column.button(t(f"heatmaps.demo_{name}"), key=f"hm_demo_{name}"):
        state.set_network(DEMOS[name])
        st.rerun()

trace = view.trace
if steps > 0:
    with st.spinner(t("heatmaps.training_now")):
        history = results.trained(key, token, rate, steps, view)
    st.subheader(t("heatmaps.training"))
    if history.diverged:
        st.warning(t("heatmaps.diverged", step=history.steps_done, rate=rate))
    curves = results.curves_figure(key, token, rate, steps, view.lang, history)
    alternatives.figure(curves, t("heatmaps.alt_curves"), key="hm_curves")
    st.caption(t("heatmaps.after", steps=history.steps_done, rate=rate, loss=f"{history.loss[-1]:.4g}"))
    trace, token = history.final, f"{token}-{rate}-{steps}"


@st.fragment
def gradients(token: str, trace, trained: bool) -> None:
    """Every layer's gradients; a click on a cell chooses that entry for the backward and symbolic pages."""
    st.subheader(t("heatmaps.gradients"))
    scale = state.url_choice(
        t("heatmaps.scale"), ("shared", "panel"), key="hm_scale", param="hm_scale",
        widget="radio", horizontal=True, format_func=lambda s: t(f"heatmaps.scale_{s}"),
    )  # fmt: skip
    st.caption(t("heatmaps.layout_note"))
    grads = results.gradient_figure(key, token, scale == "shared", view.lang, trace)
    alternatives.figure(
        grads, t("heatmaps.alt_grads"), key="hm_grads",
        on_select=lambda: entry_choice.take_click("hm_grads"), selection_mode="points",
    )  # fmt: skip
    chosen = entry_choice.entry(view.spec)
    value = float(getattr(trace.layers[chosen.l - 1], "d" + chosen.var)[chosen.array_index])
    name = entry_latex.entry_partial(chosen.var, chosen.l, chosen.array_index)
    st.markdown(t("heatmaps.chosen", entry=f"${name} = {latex.num(value)}$"))
    if trained:
        st.caption(t("heatmaps.chosen_trained"))
    sidebar.links(
        st.container(horizontal=True), "heatmaps", [registry.by_name(n) for n in ("backward", "symbolic")]
    )


gradients(token, trace, steps > 0)
st.subheader(t("heatmaps.norms"))
norms = results.norm_figure(key, token, view.lang, trace)
alternatives.figure(norms, t("heatmaps.alt_norms"), key="hm_norms")
st.caption(
    sentences(
        t(f"heatmaps.norms_note_{plots.drawn_scale(norms)}", span=plots.LINEAR_SPAN), t("heatmaps.norms_note")
    )
)
