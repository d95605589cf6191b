"""Heatmaps: every layer's gradients at a glance, their norms, and how gradient descent changes them."""

import streamlit as st

from backprop.teaching.train import DEMOS, MAX_RATE, max_steps
from backprop.ui import results, sidebar, state
from backprop.ui.i18n import t

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
    st.plotly_chart(curves, key="hm_curves", alt=t("heatmaps.alt_curves"))
    st.caption(t("heatmaps.after", steps=history.steps_done, rate=rate, loss=f"{history.loss[-1]:.4g}"))
    trace, token = history.final, f"{token}-{rate}-{steps}"

st.subheader(t("heatmaps.gradients"))
scale = state.url_choice(
    t("heatmaps.scale"), ("shared", "panel"), key="hm_scale", param="hm_scale",
    widget="radio", horizontal=True, format_func=lambda s: t(f"heatmaps.scale_{s}"),
)  # fmt: skip
st.caption(t("heatmaps.layout_note"))
grads = results.gradient_figure(key, token, scale == "shared", view.lang, trace)
st.plotly_chart(grads, key="hm_grads", alt=t("heatmaps.alt_grads"))
st.subheader(t("heatmaps.norms"))
st.plotly_chart(
    results.norm_figure(key, token, view.lang, trace), key="hm_norms", alt=t("heatmaps.alt_norms")
)
st.caption(t("heatmaps.norms_note"))
