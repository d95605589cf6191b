"""Training: gradient descent you can watch, and the vanishing gradients of a deep sigmoid net."""

from functools import partial

import streamlit as st

from backprop.derivation import notation as nt
from backprop.teaching.train import MAX_WORK, early_to_late, surface, work
from backprop.ui import alternatives, page, state, training
from backprop.ui import train_figures as figures
from backprop.ui.i18n import t

view = page.start("training", area="training")
# a toggle, not a radio with translated labels: AppTest formats options outside the session's language
vanishing = st.toggle(t("training.mode_vanishing"), key="tr_vanishing")
left, right = st.columns(2)
rate = state.url_choice(
    t("training.rate"), training.RATES, key=f"tr_rate{'_v' if vanishing else ''}",
    param=f"tr_rate{'_v' if vanishing else ''}", default=0.01 if vanishing else 0.1,
    widget="select_slider", where=left,
)  # fmt: skip
wanted = state.url_choice(
    t("training.steps_per_frame"), training.STEPS_PER_FRAME, key="tr_k", param="tr_k", default=5,
    widget="select_slider", where=right,
)  # fmt: skip

run = training.current(view)
k = training.frame_steps(view.spec, wanted)
if not vanishing and k < wanted:
    st.info(t("training.limited", limit=k, work=f"{work(view.spec):.3g}", max_work=f"{MAX_WORK:.0e}"))

play, once, back, use = st.columns(4)
playing = training.playing()
play.button(
    t("training.pause" if playing else "training.play"), key="tr_play", on_click=training.set_playing,
    args=training.play_args(),
    type="primary", width="stretch",
)  # fmt: skip
# callbacks, not `if st.button(...)`: a click that lands during a timed frame is handled in
# that fragment's run, where code outside the fragment does not run
once.button(
    t("training.step_once"), key="tr_once", width="stretch", on_click=training.step_once,
    args=(vanishing, rate),
)  # fmt: skip
back.button(
    t("training.reset"), key="tr_reset", width="stretch", on_click=training.reset_run, args=(view, vanishing)
)
if not vanishing:
    use.button(t("training.use_weights"), key="tr_use", width="stretch", on_click=training.adopt)
if not vanishing:
    st.caption(t("training.use_note"))


LIVE = {"displayModeBar": False}  # the charts redraw several times a second: no toolbar to flicker


def _chart(run, what: str, build, description: str, *, key: str, **chart) -> None:
    """A frame's chart, built by ``build`` once per run state (``training.drawn``), its description as
    alt text; paused, also its numbers as a table beneath (kept on the figure).
    """
    fig = training.drawn(run, what, build)
    if training.playing():  # ten frames a second: the table is drawn once the run pauses
        st.plotly_chart(fig, key=key, alt=description, **chart)
    else:
        alternatives.figure(fig, description, key=key, **chart)


def network_frame(timed: bool) -> None:
    """One frame of the session's network: advance if playing, then draw."""
    if not training.in_step(timed):
        st.rerun(scope="app")  # play or pause was pressed during this frame: redraw the page around it
    run = training.step_network(rate, k) if training.playing() else training.current(view)
    if run.diverged and training.playing():
        training.pause()
        st.rerun(scope="app")  # the fragment stops asking for frames
    with st.container(key="tr_counter"):
        a, b = st.columns(2)
        a.metric(t("training.step"), run.steps)
        b.metric(t("training.loss"), f"{run.loss[-1]:.6g}")
    if run.diverged:
        st.warning(t("training.diverged", step=run.steps, rate=rate))
    _chart(
        run,
        "frame",
        partial(figures.frame_figure, run),
        t("training.alt_frame"),
        key="tr_frame",
        theme=None,
        config=LIVE,
    )
    st.caption(t("training.see_frame"))
    shape = training.drawn(run, "surface", partial(surface, run.spec, run.params, run.X))
    if shape is None:
        st.caption(t("training.no_surface", n0=run.spec.sizes[0]))
    else:
        drawing = partial(figures.surface_figure, shape, run.X, run.Y)
        _chart(run, "surface_figure", drawing, t("training.alt_surface"), key="tr_surface", config=LIVE)
        st.caption(t(f"training.see_{shape.kind}"))


def vanishing_frame(timed: bool) -> None:
    """One frame of the two demo networks, trained side by side."""
    if not training.in_step(timed):
        st.rerun(scope="app")
    runs = training.step_demos(rate, wanted) if training.playing() else training.demos()
    with st.container(key="tr_counter"):
        columns = st.columns(len(runs))
        for column, (name, demo) in zip(columns, runs.items(), strict=True):
            column.metric(t("training.demo_steps", net=t(f"training.demo_{name}")), demo.steps, border=True)
            column.caption(
                t(
                    "training.norms",
                    first=nt.grad_text("W", 1),
                    last=nt.grad_text("W", demo.spec.L),
                    a=f"{demo.grad_norms[-1, 0]:.2e}",
                    b=f"{demo.grad_norms[-1, -1]:.2e}",
                    ratio=f"{early_to_late(demo, -1):.2g}",
                    loss=f"{demo.loss[-1]:.4g}",
                )
            )
    drawing = partial(figures.vanishing_figure, runs)
    _chart(runs, "vanishing", drawing, t("training.alt_vanishing"), key="tr_vanishing_chart", config=LIVE)
    st.caption(t("training.vanishing_note"))


interval = training.FRAME_SECONDS if training.playing() else None
st.fragment(vanishing_frame if vanishing else network_frame, run_every=interval)(interval is not None)
