r"""The training page in a real browser: play, frames with no further input, pause and reset.

The fragment's ``run_every`` timer lives in the browser (AppTest cannot fire it), so only
here is "frames arrive with no further input" seen, and only here can pause and reset be
pressed while frames arrive. Every wait is on the page's runs (AppPage.act) and the DOM: a
frame's run is asked for by the timer, a click's by the student, and the wait is for the
click's own run.
"""

from __future__ import annotations

import pytest
from browser_support import AppPage, console_errors

pytestmark = pytest.mark.browser

STEP = '.st-key-tr_counter [data-testid="stMetricValue"]'
PLAY = ".st-key-tr_play button"
FRAMES_TIMEOUT_MS = 60_000  # generous: the machine is shared; the wait ends at the third frame
_LABEL = "([button, label]) => document.querySelector(button)?.textContent.includes(label)"
_STEP_PAST = "([selector, after]) => Number(document.querySelector(selector)?.textContent) > after"


def shown_step(app: AppPage) -> int:
    return int(app.page.locator(STEP).first.inner_text())


def press_play(app: AppPage, past: int) -> None:
    """Press play; wait for its run, then for the timer's frames to carry the count past ``past``."""
    app.act(app.page.locator(PLAY).click, quiet=False)  # frames follow on the timer: never at rest
    app.page.wait_for_function(_LABEL, arg=[PLAY, "Pause"])
    app.page.wait_for_function(_STEP_PAST, arg=[STEP, past], timeout=FRAMES_TIMEOUT_MS)


def test_play_moves_the_counter_pause_stops_it_reset_clears_it(app: AppPage) -> None:
    app.open("/training?tr_k=5")
    app.wait_for_charts()
    assert shown_step(app) == 0
    press_play(app, past=14)  # three frames of 5 steps, drawn with nothing else pressed
    app.act(app.page.locator(PLAY).click)  # pause, pressed while frames arrive
    app.page.wait_for_function(_LABEL, arg=[PLAY, "Play"])
    paused_at = shown_step(app)
    assert paused_at >= 15 and paused_at % 5 == 0  # whole frames of 5 steps
    press_play(app, past=paused_at)
    app.act(app.page.locator(".st-key-tr_reset button").click)  # reset, pressed while frames arrive
    app.page.wait_for_function(
        "([button, selector]) => document.querySelector(button)?.textContent.includes('Play')"
        " && document.querySelector(selector)?.textContent === '0'",
        arg=[PLAY, STEP],
    )
    app.wait_for_charts()
    assert app.page.locator('[data-testid="stException"]').count() == 0
    assert not console_errors(app), console_errors(app)
