"""Step through the backward pass, by hand or played: diagram, formula, one entry's sum, numbers, ledger."""

import pandas as pd
import streamlit as st

from backprop.core.errors import InvalidInput
from backprop.derivation.exact import with_values
from backprop.derivation.latex import fits
from backprop.derivation.steps import ledger
from backprop.ui import animation, page, results, show, state
from backprop.ui.i18n import message, t
from backprop.ui.step_entry import Factor, entry_of, lit_blocks

BESIDE = 820  # px of the page's column at 1280×720 that a drawing and its note share
NOTE = 260  # px the note needs beside the drawing
GAP = 16  # px between two columns

view = page.start("step_through", area="steps")
# the entry's formula, its sum and what it reads (entry_part) are set from the left: one left
# edge for the entry's math, and a sum that grows rightwards as its terms arrive instead of
# moving left by half of each new term
st.html(
    "<style>"
    ":is(.st-key-st_formula, .st-key-st_sum, .st-key-st_reads) [data-testid='stMarkdown'] > div"
    " { margin-left: 0; margin-right: 0; }"
    ":is(.st-key-st_formula, .st-key-st_sum, .st-key-st_reads)"
    " :is(.katex-display, .katex-display > .katex) { text-align: left; }"
    "</style>"
)
exact = page.exact_choice(view.spec, "steps", key="st_numbers")
try:
    trace = with_values(view.trace, exact)
except InvalidInput as error:  # edited arrays that are not whole numbers
    st.warning(t("steps.exact_refused", message=message(error)))
    trace = view.trace
steps = results.backward_steps(*results.key_of(view), trace is not view.trace, 4, trace)
total = len(steps)

play_col, speed_col = st.columns([1, 3], vertical_alignment="bottom")
playing = animation.playing()
play_col.button(
    t("steps.pause" if playing else "steps.play"), key="st_play", type="primary", width="stretch",
    on_click=animation.set_playing, args=(*animation.play_args(), steps),
)  # fmt: skip
speed = state.url_choice(
    t("steps.speed"), animation.SPEEDS, key="st_speed", param="speed", default=animation.DEFAULT_SPEED,
    widget="select_slider", where=speed_col, format_func=lambda s: t("steps.seconds", s=s),
)  # fmt: skip


def entry_index(step) -> tuple[int, ...]:
    """The chosen entry (st_i, st_j, 1-based in the session) within this step's result, 0-based."""
    shape = step.result.shape
    j = min(st.session_state.get("st_j", 1) or 1, shape[-1]) - 1
    return (j,) if len(shape) == 1 else (min(st.session_state.get("st_i", 1) or 1, shape[0]) - 1, j)


def step_view(timed: bool) -> None:
    """One frame: the step (moved on by the timer while playing), its diagram, formula and entry."""
    if not animation.in_step(timed):
        st.rerun(scope="app")  # play or pause changed during this frame: redraw the page around it
    if animation.playing() and not animation.tick(steps, lambda s: entry_of(trace, s, entry_index(s)).frames):
        animation.pause()
        st.rerun(scope="app")  # the end of the range: the timer stops
    number = page.stepper(
        t("steps.step"), total, key=animation.STEP_KEY, param="step", back=(t("steps.back"), "st_back"),
        forward=(t("steps.forward"), "st_forward"), arrow_keys=True, on_change=animation.still,
    )  # fmt: skip
    step = steps[number - 1]
    st.container(key="st_progress").progress(
        number / total, text=t("steps.progress", number=number, total=total, l=step.l)
    )
    if not animation.whole_pass(steps):
        st.caption(t("steps.layer_only", total=total, l=step.l))
    what = "what_dX" if step.name == "dA_prev" and step.l == 1 else f"what_{step.name}"
    # Each part whose length varies with the step sits in one container, so every element keeps
    # its place from step to step: the browser updates it rather than rebuilding all after it.
    with st.container():
        st.subheader(t(f"steps.{what}", l=step.l, p=step.l - 1))
        if step.shortcut:
            st.info(t("steps.shortcut", formula=step.formula_line()))  # with a mean, its 1/m
    title = t("steps.diagram_title", l=step.l)
    width = animation.flow_width(view.spec, step)
    # the colours' note beside a narrow drawing: the step's formula and sum move up into a
    # projector's first screen (1280×720) with the drawing
    beside = width + GAP <= BESIDE - NOTE
    drawing, note = st.columns([width + GAP, BESIDE - width - GAP]) if beside else (st, st)
    # at its own size, not stretched or squeezed into half the page: labels of FONT_PX on a projector
    drawing.image(animation.flow_svg(view.spec, step, title), alt=title, width=width)
    note.caption(t("steps.diagram_note"))
    entry_part(step, number, timed)
    # closed until opened, and empty while closed: its matrices and ledger were half of what a
    # step's click redrew in the browser (tests/browser/bench_clicks.py), even hidden. Opening
    # it reruns this fragment, which fills it; once opened it stays open from step to step.
    box = st.expander(t("steps.whole_step"), key="st_whole", on_change="rerun")
    if box.open:
        with box:
            whole_step(step, entry_of(trace, step, entry_index(step)))


@st.fragment
def entry_part(step, number: int, timed: bool) -> None:
    """The step's formula with the entry's pickers, the entry's sum (filling in while playing), what it reads.

    A pick reruns this alone.
    """
    if not animation.in_step(timed):
        st.rerun(scope="app")  # a pick paused the animation: the play button and the timer change
    shape = step.result.shape
    formula, pickers = st.columns([3, 2], vertical_alignment="center")  # one row: the sum moves up
    formula.container(key="st_formula").latex(step.formula_line())
    pick = pickers.columns(len(shape))
    for where, (name, size) in zip(pick, zip(("st_i", "st_j")[-len(shape) :], shape, strict=True)):
        state.url_int(
            t(f"steps.entry_{name[-1]}", n=size), 1, size, key=name, param=name[-1],
            where=where, on_change=animation.still,
        )  # fmt: skip
    entry = entry_of(trace, step, entry_index(step))
    frame = animation.frame_of(number, entry.frames)
    with st.container(key="st_sum"):  # set from the left, as the formula and what it reads (the page's style)
        st.latex(entry.filling(frame))
        if frame == entry.frames:
            st.latex(entry.collapsed())
        else:
            st.caption(t("steps.entry_filling", shown=entry.shown_terms(frame), total=len(entry.terms)))
    with st.container(key="st_reads"):
        st.markdown(f"**{t('steps.entry_reads')}**")
        for k, factor in enumerate(entry.factors):
            blocks(factor, f"st_reads{k}")


def blocks(factor: Factor, key: str, where=st, narrow: bool = False) -> None:
    """A matrix in blocks of columns that wrap, their type shrinking in a narrow column (the mxblk style).

    In the page's full width a matrix of one block is one LaTeX element, without the box that
    wraps and shrinks: the entry's two such boxes, redrawn on every step, cost about half a
    bare click's time (tests/browser/bench_clicks.py). A ``narrow`` column keeps the box.
    """
    width, texts = lit_blocks(factor)
    if len(texts) == 1 and not narrow:
        where.latex(texts[0])
        return
    row = where.container(horizontal=True, key=f"mxblk{width}_{key}")
    for tex in texts:
        row.latex(tex, width="content")


def whole_step(step, entry) -> None:
    """The step's result and shape, the ledger of what it reads, and matrices too big to show whole above."""
    with st.container():  # one element of the expander, however many matrices it holds
        # a matrix that fits is shown whole above, in what the entry reads; one that does not
        # is cut there to the entry's rows or columns, and is here whole, as a table
        cut = [(k, factor) for k, factor in enumerate(entry.factors) if not fits(factor.value)]
        if cut:
            st.markdown(f"**{t('steps.numbers_in')}**")
        for k, factor in cut:
            show.matrix_or_table(factor.tex, factor.value, key=f"st_in{k}")
    left, right = st.columns([3, 2])
    left.markdown(f"**{t('steps.result')}**")
    if fits(step.result):
        blocks(Factor(step.lhs, step.result), "st_result", left, narrow=True)
    else:
        show.matrix_or_table(step.lhs, step.result, left, key="st_result")
    left.caption(t("steps.shape", shape=" × ".join(map(str, step.shape))))
    right.markdown(f"**{t('steps.ledger')}**")
    right.caption(t("steps.ledger_note"))
    used = {(use.name, use.l) for use in step.uses}
    rows = [use for use in ledger(trace)] + [use for use in step.uses if use.source == "backward"]
    # a static table: every row shown, and a step's change redraws it at once (the interactive
    # grid took most of a click's time in the browser: tests/browser/bench_clicks.py)
    right.table(
        pd.DataFrame(
            {
                t("steps.col_value"): [use.label for use in rows],
                t("steps.col_source"): [t(f"steps.source_{use.source}") for use in rows],
                t("steps.col_shape"): [" × ".join(map(str, use.value.shape)) for use in rows],
                t("steps.col_used"): [
                    t("steps.used_yes") if (use.name, use.l) in used else "" for use in rows
                ],
            }
        ),
        hide_index=True,
    )


interval = speed if playing else None
st.fragment(step_view, run_every=interval)(interval is not None)
if playing:  # drawn when play starts: the page scrolls to the step (← → still step), which the frames change
    st.html(
        "<script>(() => { const bar = document.querySelector('.st-key-st_progress');"
        " if (bar) { bar.style.scrollMarginTop = '4rem'; bar.scrollIntoView({block: 'start'}); } })();"
        "</script>",
        unsafe_allow_javascript=True,
    )
