r"""The training page's live run in ``st.session_state``: start, advance a frame, reset, adopt the weights.

The run (``train.Progress``) starts from the session's network (the sidebar's W, b, X, Y)
and remembers which network that was; when the sidebar's network changes, the run
starts again from it. ``adopt`` makes the trained W, b the session's network through
``state.set_network`` (the path the upload page takes), so every other page shows them.

The vanishing-gradients mode trains ``train.DEMOS`` side by side, in their own run.

``drawn`` builds what a frame shows once per run state and language: a paused page's
reruns (a widget touched elsewhere, a table's window moved) redraw the same figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from backprop.teaching.train import DEMOS, Progress, advance, max_steps, start
from backprop.ui import cache, play_switch, state
from backprop.ui.i18n import current_language, t

T = TypeVar("T")

RUN = "_tr_run"  # Progress of the session's network
ORIGIN = "_tr_origin"  # (spec key, arrays token) of the network the run started from
DEMO_RUNS = "_tr_demos"  # {demo name: Progress}
PLAYING = "_tr_playing"
DRAWN = "_tr_drawn"  # {what: (run, language, value)}: the last frame's figures, see ``drawn``
FRAME_SECONDS = 0.1  # a frame is asked for this often while playing (the fragment's run_every)
STEPS_PER_FRAME = (1, 2, 5, 10, 20, 50, 100)
RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def origin() -> tuple[str, str]:
    """(spec key, arrays token) of the session's network now."""
    return cache.spec_key(state.spec()), cache.arrays_token(state.arrays())


def current(view) -> Progress:
    """The live run of the session's network; a new one (step 0) when that network changed."""
    ss = st.session_state
    if RUN not in ss or ss.get(ORIGIN) != origin():
        reset(view)
    return ss[RUN]


def reset(view) -> None:
    """Back to step 0 from the session's network (``view``: the sidebar's View); paused."""
    st.session_state[RUN] = start(view.spec, view.params, view.X, view.Y)
    st.session_state[ORIGIN] = origin()
    _set_playing(False)


def frame_steps(spec, wanted: int) -> int:
    """The steps one frame takes: ``wanted``, at most ``max_steps(spec)`` (train.MAX_WORK per frame)."""
    return min(wanted, max_steps(spec))


def step_network(rate: float, k: int) -> Progress:
    """Advance the session's run by k steps (k within ``frame_steps``) and keep it."""
    st.session_state[RUN] = advance(st.session_state[RUN], rate, k)
    return st.session_state[RUN]


def drawn(run, what: str, build: Callable[[], T]) -> T:
    r"""``build()``, made once per ``run`` state and language and kept for the reruns that show it again.

    A run is immutable (every step makes a new one), so its identity names its state; the
    memo holds the run itself, so that identity is never reused by another. ``what`` names
    the value (the frame's figure, its tables, the surface), one kept for each.
    """
    memo = st.session_state.setdefault(DRAWN, {})
    lang = current_language()
    kept = memo.get(what)
    if kept is None or kept[0] is not run or kept[1] != lang:
        kept = memo[what] = (run, lang, build())
    return kept[2]


def demos() -> dict[str, Progress]:
    """The vanishing-gradients runs, one per ``DEMOS`` network (started on first use)."""
    if DEMO_RUNS not in st.session_state:
        reset_demos()
    return st.session_state[DEMO_RUNS]


def reset_demos() -> None:
    """Both demo networks back to step 0 from their seeded weights."""
    st.session_state[DEMO_RUNS] = {name: start(spec) for name, spec in DEMOS.items()}


def step_demos(rate: float, k: int) -> dict[str, Progress]:
    """Advance both demo runs by the same k steps at the same rate."""
    runs = {name: advance(run, rate, frame_steps(run.spec, k)) for name, run in demos().items()}
    st.session_state[DEMO_RUNS] = runs
    return runs


def playing() -> bool:
    return play_switch.playing(PLAYING)


def play_args() -> tuple[bool, int]:
    """on_click args of play / pause (``play_switch.args``)."""
    return play_switch.args(PLAYING)


def set_playing(on: bool, drawn_after: int | None = None) -> None:
    """on_click of play / pause: set, not toggled; a click taken already is ignored (``play_switch``)."""
    play_switch.take(PLAYING, on, drawn_after)


def _set_playing(on: bool) -> None:
    play_switch.put(PLAYING, on)


def in_step(timed: bool) -> bool:
    r"""Whether the page around a fragment drawn with (``timed``) or without a timer matches play / pause.

    A click on play or pause that arrives while a timed frame is being drawn is handled in
    that fragment's run, so the page around it (the button's label, the timer) still shows
    the old state; the fragment then asks for a whole-page run.
    """
    return timed == playing()


def pause() -> None:
    _set_playing(False)


def adopt() -> None:
    r"""on_click: make the run's W, b (with its X, Y) the session's network; the run goes on from them."""
    run = st.session_state[RUN]
    state.set_network(run.spec, run.params, run.X, run.Y)
    st.session_state[ORIGIN] = origin()
    _set_playing(False)
    state.notify(("success", t("training.used", steps=run.steps)))


def step_once(vanishing: bool, rate: float) -> None:
    """on_click: pause, then one step of gradient descent (of both demos in the vanishing mode)."""
    pause()
    if vanishing:
        step_demos(rate, 1)
    elif RUN in st.session_state:
        step_network(rate, 1)


def reset_run(view, vanishing: bool) -> None:
    """on_click: back to step 0 (the demos, or the session's network), paused."""
    pause()
    if vanishing:
        reset_demos()
    else:
        reset(view)
