r"""The step-through page in a real browser: press play once and the step moves on by itself.

The fragment's ``run_every`` timer lives in the browser (AppTest cannot fire it), so only
here is "frames arrive with no further input" seen, in English and in 中文. Every wait is
on the DOM: the step's number input and the URL's ``step`` change with no other input.
"""

from __future__ import annotations

import pytest
from browser_support import AppPage, console_errors

from backprop.ui import animation

pytestmark = pytest.mark.browser

STEP = ".st-key-st_step input"
FRAMES_TIMEOUT_MS = 60_000  # generous: the machine is shared; the wait ends at the second step


@pytest.mark.parametrize("lang, play_label", [("en", "Play"), ("zh", "播放")])
def test_play_moves_the_step_without_further_input(app: AppPage, lang: str, play_label: str) -> None:
    app.open(f"/step_through?step=1&speed=0.5&lang={lang}")
    app.wait_for_charts()
    assert app.page.locator(STEP).input_value() == "1"
    play = app.page.locator(".st-key-st_play button")
    assert play_label in play.inner_text()
    # the click's own run (a lost click is clicked again); frames follow on a timer: never at rest
    app.act(play.click, quiet=False)
    # frames with nothing else pressed: ∂L/∂A^(2) fills in, collapses, and step 2 follows
    app.page.wait_for_function(
        "(selector) => Number(document.querySelector(selector)?.value) >= 2",
        arg=STEP,
        timeout=FRAMES_TIMEOUT_MS,
    )
    app.page.wait_for_function(
        "() => /[?&]step=[2-9]/.test(window.location.search)", timeout=FRAMES_TIMEOUT_MS
    )
    assert app.page.locator('[data-testid="stException"]').count() == 0
    assert not console_errors(app), console_errors(app)
    # Pause and the end of the pass are tested through AppTest (tests/app/test_step_through_page.py),
    # as on the training page: a pause clicked while frames arrive can be lost on a loaded machine.


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_paused_step_fits_a_projector(app: AppPage, lang: str) -> None:
    """At 1280×720 a shared paused step (∂L/∂W^(2), entry (2, 1)) draws whole: screenshots to look at."""
    app.page.set_viewport_size({"width": 1280, "height": 720})
    app.open(f"/step_through?step=3&i=2&j=1&lang={lang}")
    app.wait_for_charts()
    assert app.page.locator(STEP).input_value() == "3"
    assert app.page.locator('[data-testid="stException"]').count() == 0
    wide = app.page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth"
        " - document.querySelector('[data-testid=\"stMain\"]').clientWidth"
    )
    assert wide <= 0, f"the page scrolls sideways by {wide} px"
    # the network figure's labels are FONT_PX at the drawing's own size: as drawn, at least 14 px
    drawn, own = app.page.evaluate(
        "() => { const i = document.querySelector('[data-testid=\"stImage\"] img');"
        " return [i.getBoundingClientRect().width, i.naturalWidth]; }"
    )
    label_px = animation.FONT_PX * drawn / own
    assert label_px >= 14, f"the figure's labels are {label_px:.1f} px ({drawn} px wide, drawn for {own} px)"
    app.screenshot(f"step_through-animated-1280-{lang}")


def test_the_whole_step_is_filled_when_opened_and_stays_open_on_the_next_step(app: AppPage) -> None:
    """Closed, the expander is empty; a click on its summary fills it, and the next step keeps it open."""
    app.open("/step_through?step=3")
    box = app.page.locator(".st-key-st_whole")
    assert box.locator('[data-testid="stTable"]').count() == 0
    app.act(box.locator("summary").click)  # opening it reruns the fragment, which fills it
    box.locator('[data-testid="stTable"]').wait_for()
    assert "∂L/∂Z⁽²⁾" in box.inner_text()  # the ledger names what the step reads
    app.act(app.page.locator(".st-key-st_forward button").click)
    app.page.wait_for_function("() => /[?&]step=4/.test(window.location.search)")
    box.locator('[data-testid="stTable"]').wait_for()
    assert app.page.locator('[data-testid="stException"]').count() == 0


def test_play_after_a_step_by_hand_starts_at_the_first_click(app: AppPage) -> None:
    """A step moved by hand (its own fragment run) leaves the play button, drawn before it, valid."""
    app.open("/step_through?step=1&speed=0.5")
    app.wait_for_charts()
    app.act(app.page.locator(".st-key-st_forward button").click)
    assert app.page.locator(STEP).input_value() == "2"
    play = app.page.locator(".st-key-st_play button")
    app.act(play.click, quiet=False)  # frames follow on a timer: the page is never at rest
    # the first click plays: the button turns to Pause and the step moves on with no other input
    app.page.wait_for_function(
        "() => document.querySelector('.st-key-st_play button')?.innerText.includes('Pause')",
        timeout=FRAMES_TIMEOUT_MS,
    )
    app.page.wait_for_function(
        "(selector) => Number(document.querySelector(selector)?.value) >= 3",
        arg=STEP,
        timeout=FRAMES_TIMEOUT_MS,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_play_brings_the_drawing_the_formula_and_the_sum_into_one_projector_screen(
    app: AppPage, lang: str
) -> None:
    app.page.set_viewport_size({"width": 1280, "height": 720})
    app.open(f"/step_through?step=3&speed=2.0&lang={lang}")
    app.wait_for_charts()
    app.act(app.page.locator(".st-key-st_play button").click, quiet=False)
    # the page scrolls to the step's progress bar; beneath it the drawing, the formula and the sum
    app.page.wait_for_function(
        "() => { const b = document.querySelector('.st-key-st_progress').getBoundingClientRect();"
        " return b.top >= 0 && b.top < 200; }",
        timeout=FRAMES_TIMEOUT_MS,
    )
    seen = app.page.evaluate(
        """() => {
          const box = (e) => e && e.getBoundingClientRect();
          const tex = [...document.querySelectorAll('.katex')];
          const source = (e) => e.querySelector('annotation')?.textContent || '';
          const formula = tex.find((e) => source(e).includes('\\partial W^{(2)}'));
          const sum = tex.find((e) => source(e).includes('\\\\sum_{s=1}'));
          return [box(document.querySelector('[data-testid="stImage"] img')), box(formula), box(sum)]
            .map((b) => b && [Math.round(b.top), Math.round(b.bottom)]);
        }"""
    )
    drawing, formula, total = seen
    assert drawing and formula and total, seen
    assert drawing[1] <= 720 and formula[1] <= 720 and total[0] < 720 - 40, (
        seen
    )  # the sum's first line at least


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sum_grows_rightwards_from_a_fixed_left_edge_while_playing(app: AppPage, lang: str) -> None:
    """Terms arrive at the sum's right end: its left edge stays put (a centred sum moved left each frame)."""
    app.open(f"/step_through?step=3&speed=1.0&lang={lang}")
    app.wait_for_charts()
    app.act(app.page.locator(".st-key-st_play button").click, quiet=False)
    # each animation frame, the sum's left edge and width, until three widths were seen (the sum
    # filling in; the last may be the next step's); a timer ends the wait if no frame is drawn
    seen = app.page.evaluate(
        """(timeout) => new Promise((resolve) => {
          const boxes = [], end = performance.now() + timeout;
          setTimeout(() => resolve(boxes), timeout);
          const look = () => {
            const sum = document.querySelector('.st-key-st_sum .katex-html');
            if (sum) {
              const b = sum.getBoundingClientRect();
              const last = boxes[boxes.length - 1];
              const box = [Math.round(b.left), Math.round(b.width)];
              if (!last || last[1] !== box[1]) boxes.push(box);
            }
            if (boxes.length >= 3 || performance.now() > end) resolve(boxes);
            else requestAnimationFrame(look);
          };
          look();
        })""",
        FRAMES_TIMEOUT_MS,
    )
    assert len(seen) >= 3, f"the sum did not fill in: (left, width) {seen}"
    lefts = {left for left, _ in seen}
    assert len(lefts) == 1, f"the sum's left edge moved while it filled: (left, width) {seen}"
