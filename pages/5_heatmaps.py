"""Heatmaps: every layer's gradients at a glance, their norms, and how gradient descent changes them."""

import streamlit as st

from backprop.network import Params
from backprop.spec import NetworkSpec
from backprop.train import DEMOS, MAX_RATE, max_steps, train
from backprop.ui import cache, plots, sidebar, state
from backprop.ui.i18n import t

RATES = tuple(r for r in (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0) if r <= MAX_RATE)


@st.cache_resource(max_entries=32, show_spinner=False)
def heatmaps(key: str, token: str, shared: bool, _trace):
    return plots.gradient_heatmaps(_trace, shared)


@st.cache_resource(max_entries=32, show_spinner=False)
def bars(key: str, token: str, _trace):
    return plots.norm_bars(_trace)


@st.cache_data(max_entries=16, show_spinner=False)
def trained(key: str, token: str, rate: float, steps: int, _spec: NetworkSpec, _params: Params, _X, _Y):
    return train(_spec, rate, steps, _params, _X, _Y)


st.set_page_config(page_title="Heatmaps", layout="wide")
view = sidebar.render("heatmaps")
st.title(t("heatmaps.title"))
st.caption(t("heatmaps.intro"))

key, token = cache.spec_key(view.spec), cache.arrays_token(state.arrays())
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
demo = st.columns(len(DEMOS))
for column, (name, spec) in zip(demo, DEMOS.items(), strict=True):
    if column.button(t(f"heatmaps.demo_{name}"), key=f"hm_demo_{name}"):
        state.set_network(spec)
        st.rerun()

trace = view.trace
if steps > 0:
    history = trained(key, token, rate, steps, view.spec, view.params, view.X, view.Y)
    trace, token = history.final, f"{token}-{rate}-{steps}"
    st.subheader(t("heatmaps.training"))
    if history.diverged:
        st.warning(t("heatmaps.diverged", step=history.steps_done, rate=rate))
    st.plotly_chart(plots.training_curves(history.loss, history.grad_norms), key="hm_curves")
    st.caption(t("heatmaps.after", steps=history.steps_done, rate=rate, loss=f"{history.loss[-1]:.4g}"))

st.subheader(t("heatmaps.gradients"))
scale = state.url_choice(
    t("heatmaps.scale"),
    ("shared", "panel"),
    key="hm_scale",
    param="hm_scale",
    widget="radio",
    horizontal=True,
    format_func=lambda s: t(f"heatmaps.scale_{s}"),
)
st.caption(t("heatmaps.layout_note"))
st.plotly_chart(heatmaps(key, token, scale == "shared", trace), key="hm_grads")
st.subheader(t("heatmaps.norms"))
st.plotly_chart(bars(key, token, trace), key="hm_norms")
st.caption(t("heatmaps.norms_note"))
