"""Presenter mode: the backward pass one slide per step, in large type, answers hidden until revealed.

A slide fits one 1280 × 720 screen at every stage: the question and the shape share a row,
each revealed part has its label beside it (not a heading above), and the slide controls
open in a popover over the slide. The slide is a fragment: reveal and next rerun it alone.
"""

import streamlit as st

from backprop.core.errors import InvalidInput
from backprop.derivation.exact import exact_problem, with_values
from backprop.derivation.steps import large, sign_counts, sign_tex
from backprop.ui import page, results, state
from backprop.ui.i18n import t

STAGES = ("shape", "formula", "numbers", "result")  # revealed in this order
LABEL, BODY = 1, 6  # widths of a revealed row's label and content

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
# Streamlit's top padding clears its header bar with room to spare, and displayed math has a
# line of margin above and below: a slide needs that room (this style leaves with the page)
st.html(
    "<style>.stMainBlockContainer { padding-top: 3.5rem; padding-bottom: 1rem; }"
    ".stMainBlockContainer .katex-display { margin: 0.1em 0; padding: 0 0 0.9rem; }"
    ".st-key-ps_question { padding-bottom: 1.25rem; }"
    # big fractions reach past their line box, and a display clips what overflows it
    ".st-key-ps_question .katex-display { padding: 0.4rem 0 1.2rem; }"
    ".st-key-ps_question h1 { font-size: 1.75rem; padding: 0; }</style>"
)


def reveal(slide: int, stage: int) -> None:
    revealed[slide] = stage


def row(label: str, tex: str, size: str = "Large") -> None:
    """A revealed part: its label at the left, its LaTeX beside it."""
    name, body = st.columns([LABEL, BODY], vertical_alignment="center")
    name.markdown(f"#### {label}")
    body.latex(large(tex, size))


def buttons(number: int, stage: int, back, show, forward) -> None:
    """Previous, reveal (or hide) and next in their columns, bound to ←, space and →."""
    back.button(
        t("presenter.previous"), on_click=move, args=(-1,), disabled=number == 1, key="ps_back",
        shortcut="Left", width="stretch",
    )  # fmt: skip
    if stage < len(STAGES):
        show.button(
            t(f"presenter.reveal_{STAGES[stage]}"), on_click=reveal, args=(number, stage + 1),
            key="ps_reveal", type="primary", shortcut="Space", width="stretch",
        )  # fmt: skip
    else:
        show.button(t("presenter.hide"), on_click=reveal, args=(number, 0), key="ps_hide", width="stretch")
    forward.button(
        t("presenter.next"), on_click=move, args=(1,), disabled=number == total, key="ps_next",
        shortcut="Right", width="stretch",
    )  # fmt: skip


SIZES = ("large", "normalsize", "small", "footnotesize")  # a slide's matrices, largest first


def matrix_sizes(spec) -> tuple[str, str]:
    """The LaTeX sizes of a slide's result and of its numbers line (two matrices side by side).

    Large while every matrix has at most 4 rows and columns, smaller past that; the numbers
    line one size smaller again when a layer is wider than 4 (two wide matrices on a line).
    """
    side = max(spec.m, *spec.sizes)
    k = 0 if side <= 4 else 1 if side <= 6 else 2
    return SIZES[k], SIZES[k + (max(spec.sizes) > 4)]


@st.fragment
def slide() -> None:
    """The slide: the question (the shape beside it once revealed), the buttons, the answers revealed."""
    question, aside = st.columns([1, 1], vertical_alignment="center")
    back, show, forward, controls = st.columns([2, 4, 2, 2])
    with controls.popover(t("presenter.controls"), width="stretch"):
        number = state.url_int(t("presenter.slide_number"), 1, total, key="ps_slide", param="slide")
        st.caption(t("presenter.keys"))
    step = steps[number - 1]
    stage = revealed.get(number, 0)
    buttons(number, stage, back, show, forward)
    with question.container(key="ps_question"):  # room beneath the fraction, above the buttons
        st.title(t("presenter.slide", number=number, total=total, l=step.l))  # the page's one h1
        st.latex(large(step.lhs + r" = \;?", "Huge"))
    if stage == 0:
        aside.markdown(f"### {t('presenter.predict')}")
    else:
        aside.markdown(f"#### {t('presenter.shape')}")
        aside.latex(large(step.shape_line(), "huge"))
    size, numbers = matrix_sizes(view.spec)
    if stage >= 2:
        row(t("presenter.formula"), step.formula_line(), "LARGE")
    if stage >= 3:
        row(t("presenter.numbers"), step.numbers_line(), numbers)
    if stage >= 4:
        name, result, signs = st.columns([LABEL, 5, 3], vertical_alignment="center")
        name.markdown(f"#### {t('presenter.result')}")
        result.latex(large(step.result_line(), size))
        signs.latex(large(r"\operatorname{sgn} = " + sign_tex(step.result), size))
        positive, negative, zero = sign_counts(step.result)
        signs.markdown("##### " + t("presenter.signs", positive=positive, negative=negative, zero=zero))


slide()
