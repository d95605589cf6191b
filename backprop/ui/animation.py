r"""The backward pass, animated: play / pause / speed, and the frame a step shows.

A frame is (step, frame of the chosen entry): the entry's sum fills in term by term
(``step_entry.EntrySum.frames`` - 1 frames), then collapses to the matrix product; the
next frame is the next step's first. While playing, the page's fragment runs every
``speed`` seconds (``st.fragment(run_every=...)``) and each run is one frame: a run of
the fragment while playing is what the timer does, so AppTest can drive it with plain
runs. Paused, a step shows its last frame (the whole sum and its product).

Pitfalls (as on the training page): the timer is fixed when the page draws the
fragment, so play, pause and speed live outside it and take a whole-page run; a control
inside the fragment pauses the animation and the fragment asks for that run
(``in_step``). Networks with more than ``WHOLE_PASS`` steps animate only the steps of
the shown step's layer (``play_range``).
"""

from __future__ import annotations

import streamlit as st

from backprop.derivation.steps import Step
from backprop.ui import diagrams

PLAYING = "_st_playing"
FRAME = "_st_frame"  # (step number, frame) last drawn; a mismatched step starts at frame 1
SPEEDS = (0.5, 1.0, 2.0, 4.0)  # seconds per frame
DEFAULT_SPEED = 1.0
WHOLE_PASS = 15  # more steps than this (over three layers): play walks the shown layer only
STEP_KEY = "st_step"
RESULT, READ_VALUE, READ_GRADIENT = "#762a83", "#2166ac", "#b35806"


def playing() -> bool:
    return bool(st.session_state.get(PLAYING, False))


def in_step(timed: bool) -> bool:
    """Whether the fragment was drawn with the timer that play / pause now asks for."""
    return timed == playing()


def pause() -> None:
    """on_change / on_click of the controls inside the fragment: a hand on the controls stops the play."""
    st.session_state[PLAYING] = False


def set_playing(on: bool, steps: tuple[Step, ...]) -> None:
    r"""on_click of play / pause (set, not toggled: a click may reach the callbacks twice).

    Play goes on from the frame shown; from a step shown whole it starts that step at its
    first frame, and from the last step of the range, the range's first step.
    """
    st.session_state[PLAYING] = on
    if not on:
        return
    number = _current()
    at, frame = st.session_state.get(FRAME) or (None, None)
    if at == number and frame is not None:
        return  # paused inside this step: go on from there
    span = play_range(steps, number)
    if number == span[-1]:
        number = st.session_state[STEP_KEY] = span[0]
    st.session_state[FRAME] = (number, 0)  # the next frame drawn is this step's first


def play_range(steps: tuple[Step, ...], number: int) -> list[int]:
    """The step numbers play walks: all of them, or (a large network) those of step ``number``'s layer."""
    if len(steps) <= WHOLE_PASS:
        return [s.number for s in steps]
    layer = steps[number - 1].l
    return [s.number for s in steps if s.l == layer]


def whole_pass(steps: tuple[Step, ...]) -> bool:
    return len(steps) <= WHOLE_PASS


def _current() -> int:
    number = st.session_state.get(STEP_KEY)
    return number if isinstance(number, int) else 1


def frame_of(number: int, frames: int) -> int:
    """The frame to draw for step ``number``: the last one unless the animation is inside this step."""
    at, frame = st.session_state.get(FRAME) or (None, None)
    return frame if at == number and frame is not None and 1 <= frame <= frames else frames


def tick(steps: tuple[Step, ...], frames_of) -> bool:
    r"""One frame on: the next frame of this step, else the next step's first; False at the range's end.

    ``frames_of(step)`` is the number of frames of a step (its chosen entry's). Called
    before the stepper is drawn, so its number input shows the new step.
    """
    number = _current()
    at, frame = st.session_state.get(FRAME) or (None, None)
    frame = frame if at == number and frame is not None else 0
    if frame < frames_of(steps[number - 1]):
        st.session_state[FRAME] = (number, frame + 1)
        return True
    span = play_range(steps, number)
    if number not in span or number == span[-1]:
        st.session_state[FRAME] = (None, None)  # the end: the last step shown whole
        return False
    st.session_state[STEP_KEY] = span[span.index(number) + 1]
    st.session_state[FRAME] = (span[span.index(number) + 1], 1)
    return True


def still() -> None:
    """A hand moved the step or the entry: show the step whole, not mid-animation."""
    st.session_state[FRAME] = (None, None)
    pause()


def highlighted_diagram(trace, step: Step) -> str:
    r"""Figure bp-full, this step's result (purple) and what it reads bold: values blue, gradients orange.

    The current layer's nodes are outlined; attributes given after a node's first
    statement add to it in DOT, so the figure is ``diagrams.bp_full`` with lines appended.
    """
    ids = diagrams.quantity_nodes(trace.spec)
    layer_ids = {ids[(field, step.l)] for field in ("W", "b", "Z", "A", "dA", "dZ", "dW", "db", "dA_prev")}
    result = ids[(step.name, step.l)] if step.name != "dA_prev" else ids[("dA_prev", step.l)]
    if step.shortcut:
        result = ids[("dZ", step.l)]
    lines = [f'  "{node}" [penwidth=2, color="#555555"];' for node in sorted(layer_ids)]
    for use in step.uses:
        node = use.name if use.name in ("X", "Y") else ids[(use.name, use.l)]
        colour = READ_GRADIENT if use.name.startswith("d") else READ_VALUE
        lines.append(f'  "{node}" [penwidth=4, color="{colour}"];')
    lines.append(f'  "{result}" [penwidth=5, color="{RESULT}", style="rounded,filled,bold"];')
    dot = diagrams.bp_full(trace)
    return dot[: dot.rstrip().rfind("}")] + "\n".join(lines) + "\n}"
