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

import html

import streamlit as st

from backprop.derivation import notation as nt
from backprop.derivation.steps import Step
from backprop.ui import play_switch

PLAYING = "_st_playing"
FRAME = "_st_frame"  # (step number, frame) last drawn; a mismatched step starts at frame 1
SPEEDS = (0.5, 1.0, 2.0, 4.0)  # seconds per frame
DEFAULT_SPEED = 1.0
WHOLE_PASS = 15  # more steps than this (over three layers): play walks the shown layer only
STEP_KEY = "st_step"
RESULT, READ_VALUE, READ_GRADIENT = "#762a83", "#2166ac", "#b35806"


def playing() -> bool:
    return play_switch.playing(PLAYING)


def play_args() -> tuple[bool, int]:
    """on_click args of play / pause, before the steps (``play_switch.args``)."""
    return play_switch.args(PLAYING)


def in_step(timed: bool) -> bool:
    """Whether the fragment was drawn with the timer that play / pause now asks for."""
    return timed == playing()


def pause() -> None:
    """on_change / on_click of the controls inside the fragment: a hand on the controls stops the play.

    Only a play is stopped: a change counted while paused would make the play button, drawn
    outside the fragment before it, a click already taken (``play_switch.take``), and its
    first click after a step by hand would be ignored.
    """
    if playing():
        play_switch.put(PLAYING, False)


def set_playing(on: bool, drawn_after: int | None, steps: tuple[Step, ...]) -> None:
    r"""on_click of play / pause: set, not toggled; a click taken already is ignored (``play_switch``).

    Play goes on from the frame shown; from a step shown whole it starts that step at its
    first frame, and from the last step of the range, the range's first step.
    """
    if not play_switch.take(PLAYING, on, drawn_after) or not on:
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


def flow_svg(spec, step: Step, title: str) -> str:
    r"""The network's quantities as an SVG: values flowing forward on top, gradients back beneath.

    Columns A^(l-1), Z^(l), A^(l), ..., then the loss: W^(l), b^(l) above Z^(l), A^(l) and
    ∂L/∂W^(l), ∂L/∂b^(l) below the gradients. At most ``DRAWN_LAYERS`` layers around the
    step's are drawn. The step's layer is shaded, its result is purple, what it reads is
    outlined (values blue, gradients orange) with arrows into the result: the flowing
    quantity. Drawn as SVG, not Graphviz: a frame must redraw at once.
    """
    first, last = _drawn_layers(spec, step)
    nodes = _flow_nodes(spec, first, last)
    result = ("dZ" if step.shortcut else step.name, step.l)
    if step.name == "dA_prev":
        result = ("dA", step.l - 1)
    reads = {(use.name, 0 if use.name == "X" else use.l) for use in step.uses}
    width, height = flow_width(spec, step), 4 * ROW + 20
    x0 = 10 + (2 * (step.l - first) + 1) * COL - 4
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{html.escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="{FONT_PX}">',
        f"<title>{html.escape(title)}</title>",
        f'<rect x="{x0}" y="4" width="{2 * COL}" height="{height - 8}" rx="8" fill="#f3eef7"/>',
    ]
    for a, b, back in _flow_edges(spec):
        if a in nodes and b in nodes:
            parts.append(_arrow(nodes[a], nodes[b], "#bbbbbb", 1.2, back))
    for key in sorted(reads):
        if key in nodes and result in nodes:
            colour = READ_GRADIENT if key[0].startswith("d") else READ_VALUE
            parts.append(_arrow(nodes[key], nodes[result], colour, 3.5, False))
    for key, (x, y, label) in nodes.items():
        fill = "#fce5cd" if key[0].startswith("d") else "#cfe2f3"
        stroke, thick = "#888888", 1
        if key in reads:
            stroke, thick = (READ_GRADIENT if key[0].startswith("d") else READ_VALUE), 3
        if key == result:
            fill, stroke, thick = "#e4d4ec", RESULT, 4
        parts.append(
            f'<rect x="{x - BOX_W / 2}" y="{y - 15}" width="{BOX_W}" height="30" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{thick}"/>'
            f'<text x="{x}" y="{y + 5}" text-anchor="middle">{html.escape(label)}</text>'
        )
    return "".join(parts) + "</svg>"


COL, ROW, BOX_W = 84, 42, 76  # px of the drawing, shown at this size (a narrower column shrinks it)
FONT_PX = 15  # the labels' size at the drawing's own size: a projector needs at least 14 px
DRAWN_LAYERS = 3


def flow_width(spec, step: Step) -> int:
    """The drawing's own width in px: a column per quantity of the drawn layers, and the loss's."""
    first, last = _drawn_layers(spec, step)
    return (2 * (last - first + 1) + (2 if last == spec.L else 1)) * COL + 20


def _drawn_layers(spec, step: Step) -> tuple[int, int]:
    """The first and last layer drawn: at most DRAWN_LAYERS, from the one before the step's."""
    first = min(max(1, step.l - 1), max(1, spec.L - DRAWN_LAYERS + 1))
    return first, min(spec.L, first + DRAWN_LAYERS - 1)


def _flow_nodes(spec, first: int, last: int) -> dict[tuple[str, int], tuple[float, float, str]]:
    """(name, l) -> (x, y, label) for layers first..last: X is ("X", 0), ∂L/∂X ("dA", 0)."""
    col = lambda c: 10 + c * COL + COL / 2  # noqa: E731
    row = lambda r: 10 + r * ROW + ROW / 2  # noqa: E731
    L, p = spec.L, first - 1
    start = ("X", 0) if p == 0 else ("A", p)
    nodes = {start: (col(0), row(1), "X" if p == 0 else f"A{nt.layer_text(p)}")}
    nodes[("dA", p)] = (col(0), row(2), nt.grad_text("X" if p == 0 else "A", None if p == 0 else p))
    for l in range(first, last + 1):
        s = nt.layer_text(l)
        z, a = col(2 * (l - first) + 1), col(2 * (l - first) + 2)
        nodes |= {
            ("W", l): (z, row(0), f"W{s}"), ("b", l): (a, row(0), f"b{s}"),
            ("Z", l): (z, row(1), f"Z{s}"), ("A", l): (a, row(1), f"A{s}"),
            ("dZ", l): (z, row(2), nt.grad_text("Z", l)), ("dA", l): (a, row(2), nt.grad_text("A", l)),
            ("dW", l): (z, row(3), nt.grad_text("W", l)), ("db", l): (a, row(3), nt.grad_text("b", l)),
        }  # fmt: skip
    if last == L:
        end = col(2 * (last - first) + 3)
        nodes[("Y", L)] = (end, row(0), "Y")
        nodes[("loss", L)] = (end, row(1), "L")
    return nodes


def _flow_edges(spec) -> list[tuple[tuple[str, int], tuple[str, int], bool]]:
    """(from, to, backward): the forward chain, the parameters in, the backward chain, the gradients out."""
    edges, L = [], spec.L
    for l in range(1, L + 1):
        prev = ("X", 0) if l == 1 else ("A", l - 1)
        edges += [(prev, ("Z", l), False), (("W", l), ("Z", l), False), (("b", l), ("Z", l), False)]
        edges += [(("Z", l), ("A", l), False), (("dA", l), ("dZ", l), True), (("dZ", l), ("dA", l - 1), True)]
        edges += [(("dZ", l), ("dW", l), True), (("dZ", l), ("db", l), True)]
    return edges + [
        (("A", L), ("loss", L), False),
        (("Y", L), ("loss", L), False),
        (("loss", L), ("dA", L), True),
    ]


def _arrow(start, end, colour: str, width: float, dashed: bool) -> str:
    """A line from box to box with an arrowhead at ``end``."""
    (x1, y1, _), (x2, y2, _) = start, end
    length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1.0)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    pad = lambda ux, uy: min(BOX_W / 2 / max(abs(ux), 1e-9), 14 / max(abs(uy), 1e-9))  # noqa: E731
    sx, sy = x1 + ux * pad(ux, uy), y1 + uy * pad(ux, uy)
    ex, ey = x2 - ux * (pad(ux, uy) + 2), y2 - uy * (pad(ux, uy) + 2)
    side = lambda sign: f"{ex - 8 * ux + sign * 4 * uy:.1f},{ey - 8 * uy - sign * 4 * ux:.1f}"  # noqa: E731
    head = f"{ex:.1f},{ey:.1f} {side(1)} {side(-1)}"
    dash = ' stroke-dasharray="5,3"' if dashed else ""
    return (
        f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{colour}" '
        f'stroke-width="{width}"{dash}/><polygon points="{head}" fill="{colour}"/>'
    )
