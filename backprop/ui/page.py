r"""What several pages draw alike: the page's start, the decimal / exact choice, a numbered stepper.

Each helper keeps the widget keys, URL parameters and i18n keys the page gives it, so
links and session state are the same as when every page drew these itself.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from backprop.core.spec import NetworkSpec
from backprop.derivation.exact import exact_problem
from backprop.ui import sidebar, state
from backprop.ui.i18n import message, t


def start(page: str, area: str | None = None) -> sidebar.View:
    """The shared sidebar, then (``area`` given) the translated title and intro; app.py set the config."""
    view = sidebar.render(page)
    if area is not None:
        st.title(t(f"{area}.title"))
        st.caption(t(f"{area}.intro"))
    return view


def exact_choice(spec: NetworkSpec, area: str, key: str) -> bool:
    """The decimal / exact radio (``numbers`` in the URL), drawn only where the network allows exact.

    Where it does not, there is no choice to make: no radio, and one caption says why.
    """
    problem = exact_problem(spec)
    if problem is not None:
        st.caption(t(f"{area}.exact_unavailable", reason=message(problem)))
        return False
    numbers = state.url_choice(
        t(f"{area}.numbers"),
        ("decimal", "exact"),
        key=key,
        param="numbers",
        default="exact",
        widget="radio",
        horizontal=True,
        format_func=lambda n: t(f"{area}.numbers_{n}"),
    )
    return numbers == "exact"


def mover(key: str, total: int, then: Callable[[], None] | None = None) -> Callable[[int], None]:
    """An on_click callback moving the number input ``key`` by ``delta`` within 1..total (then ``then()``)."""

    def move(delta: int) -> None:
        if then is not None:
            then()
        # the next run draws the number input with the new value (and puts it in the URL)
        current = st.session_state.get(key)
        current = current if isinstance(current, int) else 1
        st.session_state[key] = min(max(current + delta, 1), total)

    return move


def stepper(
    label: str,
    total: int,
    *,
    key: str,
    param: str,
    back: tuple[str, str],
    forward: tuple[str, str],
    arrow_keys: bool = False,
    on_change: Callable[[], None] | None = None,
) -> int:
    """Back, the number (1..total, kept in the URL as ``param``) and forward, in one row; the number.

    ``back`` and ``forward`` are (label, widget key); ``arrow_keys`` binds them to ← and →;
    ``on_change`` is called when any of the three moves the number.
    """
    move = mover(key, total, on_change)
    back_col, pick, forward_col = st.columns([1, 2, 1], vertical_alignment="bottom")
    with pick:
        number = state.url_int(label, 1, total, key=key, param=param, on_change=on_change)
    back_col.button(
        back[0],
        on_click=move,
        args=(-1,),
        disabled=number == 1,
        key=back[1],
        shortcut="Left" if arrow_keys else None,
        width="stretch",
    )
    forward_col.button(
        forward[0],
        on_click=move,
        args=(1,),
        disabled=number == total,
        key=forward[1],
        shortcut="Right" if arrow_keys else None,
        width="stretch",
    )
    return number
