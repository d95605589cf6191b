r"""Controls that change part of a page rerun that part alone: their run is a fragment's.

Each click below must send Streamlit a rerun request naming a fragment, and be answered by
a fragment run: the sidebar's page links and network controls are neither rerun nor sent
again (tests/browser/bench_clicks.py measures what that saves). The request's fragment is
read from Streamlit's own WebSocket messages (watch.js: ``asked.fragment``). The page then
shows the click's effect, in English and in 中文.
"""

from __future__ import annotations

import pytest
from browser_support import AppPage, choose, console_errors

pytestmark = pytest.mark.browser

FORM = '[data-testid="stForm"]'


def answer(app: AppPage) -> None:
    """Pick the first choice or type a number (a form: no run yet)."""
    choices = app.page.locator(f'{FORM} [role="radiogroup"] label')
    if choices.count():
        choices.first.click()
    else:
        app.page.locator(f'{FORM} input[type="text"]').fill("0")


CHECK = f"{FORM} [data-testid='stFormSubmitButton'] button"
PICK_UP = '.st-key-st_i [data-testid="stNumberInputStepUp"]'

# (path, what to do first (no run), the control clicked, the number input it moves, its new value);
# without a number input, the page's text or alerts must change
CONTROLS = {
    "practice next": ("/practice?ex=1", None, ".st-key-pr_next button", ".st-key-pr_ex input", "2"),
    "practice hint": ("/practice?ex=1", None, ".st-key-pr_hint button", None, None),
    "practice check": ("/practice?ex=1", answer, CHECK, None, None),
    "step forward": ("/step_through?step=3", None, ".st-key-st_forward button", ".st-key-st_step input", "4"),
    "entry pick": ("/step_through?step=3&i=1", None, PICK_UP, ".st-key-st_i input", "2"),
    "presenter reveal": ("/presenter?slide=1", None, ".st-key-ps_reveal button", None, None),
    "presenter next": ("/presenter?slide=1", None, ".st-key-ps_next button", None, None),
}  # fmt: skip


def shown(app: AppPage) -> dict:
    """What the controls without a number change: alerts (a verdict) and hint captions."""
    return app.page.evaluate(
        """() => ({alerts: document.querySelectorAll('[data-testid="stMain"] [data-testid="stAlert"]').length,
                   text: document.querySelector('[data-testid="stMain"]').innerText})"""
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("control", list(CONTROLS))
def test_a_click_reruns_only_its_fragment(app: AppPage, control: str, lang: str) -> None:
    path, prepare, selector, result, expected = CONTROLS[control]
    app.open(f"{path}&lang={lang}")
    if prepare is not None:
        prepare(app)
    before = shown(app)
    button = app.page.locator(selector).first
    app.act(button.click)
    asked = app.page.evaluate("() => window.__stWatch.asked")
    assert asked["fragment"], f"{control}: the click asked for a whole-page run"
    if expected is not None:
        assert app.page.locator(result).first.input_value() == expected
    else:
        assert shown(app) != before, f"{control}: the click changed nothing on the page"
    assert app.page.locator('[data-testid="stException"]').count() == 0
    assert not console_errors(app), console_errors(app)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page, key", [("backward", "bw_i_W"), ("symbolic", "sy_i_W")])
def test_an_entry_pick_reruns_only_its_fragment(app: AppPage, page: str, key: str, lang: str) -> None:
    app.open(f"/{page}?layer=1&var=W&i=1&j=1&lang={lang}")
    choose(app, key, "2")
    asked = app.page.evaluate("() => window.__stWatch.asked")
    assert asked["fragment"], "the pick asked for a whole-page run"
    app.page.wait_for_function("() => /[?&]i=2/.test(window.location.search)")
    assert app.page.locator(f".st-key-{key} input").input_value() == "2"
    assert app.page.locator('[data-testid="stException"]').count() == 0
    assert not console_errors(app), console_errors(app)
