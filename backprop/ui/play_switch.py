r"""Play / pause buttons that a click flips once: the state in ``st.session_state`` and a change count.

A click on a play or pause button that arrives while a timed fragment is being drawn is
handled in that fragment's run; the fragment then asks for a whole-page run (its timer must
start or stop), and Streamlit calls the button's callback once more, sometimes with the
arguments of the button drawn after the first call. So the button's arguments carry the
number of changes it was drawn after (``args``), and a call whose count has moved since
(``take``) is that click's second call, ignored. The training page and step-through share it.
"""

from __future__ import annotations

import streamlit as st


def playing(key: str) -> bool:
    return bool(st.session_state.get(key, False))


def args(key: str) -> tuple[bool, int]:
    """on_click args of the button drawn now: the state it asks for, and the change it is drawn after."""
    return not playing(key), int(st.session_state.get(key + "_changes", 0))


def take(key: str, on: bool, drawn_after: int | None = None) -> bool:
    """Set playing to ``on`` unless this call is a click already taken; whether it was set."""
    if drawn_after is not None and drawn_after != st.session_state.get(key + "_changes", 0):
        return False
    put(key, on)
    return True


def put(key: str, on: bool) -> None:
    """Set playing to ``on`` (a reset, a pause from the code): a new change, so older buttons are stale."""
    st.session_state[key] = on
    st.session_state[key + "_changes"] = st.session_state.get(key + "_changes", 0) + 1
