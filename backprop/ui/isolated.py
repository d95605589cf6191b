r"""Heavy work of a page in an isolated child process (``backprop.core.isolate``), from a script run.

``run`` gives the value or raises ``Failed`` (shown to the user, never cached); while it
waits, it polls whether the session's browser is still connected, and kills the child
once it has left: its memory is freed then, not at the end of the budget.
"""

from __future__ import annotations

import streamlit as st


class Failed(Exception):
    """An isolated call that did not succeed: shown to the user, never cached."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def run(function, *args, seconds: float, **kwargs):
    """function(*args, **kwargs) in a child with a time budget (backprop.core.isolate); Failed if not ok.

    The child is killed once the session's browser has left (``session_left``); the run then stops.
    """
    from backprop.core.isolate import run_isolated  # noqa: PLC0415 (multiprocessing only when asked)

    outcome = run_isolated(function, *args, seconds=seconds, cancelled=session_left(), **kwargs)
    if outcome.status == "cancelled":
        st.stop()
    if not outcome.ok:
        raise Failed(outcome.status, outcome.message)
    return outcome.value


def session_left():
    """A cheap test of whether this run's session has disconnected (None outside a running server)."""
    from streamlit import runtime  # noqa: PLC0415
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not runtime.exists():
        return None
    server, session = runtime.get_instance(), ctx.session_id
    return lambda: not server.is_active_session(session)
