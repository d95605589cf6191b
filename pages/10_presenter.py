"""Presenter mode: the backward pass one slide per step, in large type, answers hidden until revealed."""

import streamlit as st

from backprop.core.errors import InvalidInput
from backprop.derivation.exact import exact_problem, with_values
from backprop.derivation.steps import large, sign_counts, sign_tex
from backprop.ui import page, results, state
from backprop.ui.i18n import t

STAGES = ("shape", "formula", "numbers", "result")  # revealed in this order

view = page.start("presenter")
exact = exact_problem(view.spec) is None
try:
    trace = with_values(view.trace, exact)
except InvalidInput:  # edited arrays that are not whole numbers: decimals
    trace = view.trace
steps = results.backward_steps(*results.key_of(view), trace is not view.trace, 3, trace)
total = len(steps)
revealed = st.session_state.setdefault("ps_revealed", {})
move = page.mover("ps_slide", total)


def reveal(slide: int, stage: int) -> None:
    revealed[slide] = stage


with st.expander(t("presenter.controls")):
    number = state.url_int(t("presenter.slide_number"), 1, total, key="ps_slide", param="slide")
    st.caption(t("presenter.keys"))
step = steps[number - 1]
stage = revealed.get(number, 0)

st.title(t("presenter.slide", number=number, total=total, l=step.l))
st.latex(large(step.lhs + r" = \;?", "Huge"))
back, show, forward = st.columns([1, 2, 1])
back.button(
    t("presenter.previous"),
    on_click=move,
    args=(-1,),
    disabled=number == 1,
    key="ps_back",
    shortcut="Left",
    width="stretch",
)
if stage < len(STAGES):
    show.button(
        t(f"presenter.reveal_{STAGES[stage]}"),
        on_click=reveal,
        args=(number, stage + 1),
        key="ps_reveal",
        type="primary",
        shortcut="Space",
        width="stretch",
    )
else:
    show.button(t("presenter.hide"), on_click=reveal, args=(number, 0), key="ps_hide", width="stretch")
forward.button(
    t("presenter.next"),
    on_click=move,
    args=(1,),
    disabled=number == total,
    key="ps_next",
    shortcut="Right",
    width="stretch",
)

if stage == 0:
    st.header(t("presenter.predict"))
if stage >= 1:
    st.header(t("presenter.shape"))
    st.latex(large(step.shape_line(), "huge"))
if stage >= 2:
    st.header(t("presenter.formula"))
    st.latex(large(step.formula_line(), "huge"))
if stage >= 3:
    st.header(t("presenter.numbers"))
    st.latex(large(step.numbers_line()))
if stage >= 4:
    st.header(t("presenter.result"))
    st.latex(large(step.result_line()))
    positive, negative, zero = sign_counts(step.result)
    st.latex(large(r"\operatorname{sign} = " + sign_tex(step.result)))
    st.subheader(t("presenter.signs", positive=positive, negative=negative, zero=zero))
