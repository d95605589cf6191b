r"""Every control of every page is reachable with Tab, in document order, and shows where the focus is.

On each page (English and Chinese) the test lists the interactive controls a keyboard
user can reach (links, buttons, inputs, selects, sliders, the expanders' summaries, the
sidebar's widgets; not disabled, not inside a closed expander or an inert part), notes
how each looks, then presses Tab from the top of the page until the focus leaves the
last one. Every control must receive the focus (of a group of radio buttons, one: the
arrow keys move within the group), in document order (no positive tabindex jumps), and
must then look different from how it looked unfocused: an outline, a ring (box-shadow),
a border or background colour changes on it, on an ancestor up to ``RING_DEPTH`` levels
up, or on an element beside it (a hidden native input styles its visible neighbour).
The scroll containers Streamlit makes focusable (``main``: the arrow keys then scroll
it) must be reached in order too, but are not controls and need no ring.
Two main actions are then done with the keyboard alone: the presenter's reveal and the
practice page's check.
"""

from __future__ import annotations

import pytest
from browser_support import AppPage, page_files, page_name, page_path

from backprop.locales import translate

pytestmark = pytest.mark.browser

PAGE_FILES = page_files()
RING_DEPTH = 4  # ancestors whose look may carry a control's focus ring (baseweb draws it on wrappers)
FOCUS_STYLE_TIMEOUT_MS = 3_000  # the focus ring's CSS transition ends well within this
# presses before the walk gives up: Tab in a data grid (st.dataframe) first moves across its
# columns, so one control may hold the focus for several presses; the walk ends at the last control
TABS_PER_CONTROL, EXTRA_TABS = 3, 100

_FINGERPRINT = f"""
() => {{ window.__kbFingerprint = (el) => {{
  const looks = [];
  const add = (e) => {{
    const s = getComputedStyle(e);
    looks.push([s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderTopColor,
                s.borderBottomColor, s.backgroundColor, s.textDecorationLine].join('|'));
  }};
  let e = el;
  for (let i = 0; e && i <= {RING_DEPTH}; i++, e = e.parentElement) add(e);
  if (el.parentElement) [...el.parentElement.querySelectorAll('*')].slice(0, 40).forEach(add);
  return looks.join('//');
}}; }}
"""

# The controls Tab should reach, in document order, each tagged data-kb=<index>, with its look.
_CONTROLS = """
() => {
  const SCROLLERS = 'main, section, [data-testid="stMain"]';
  const selector = 'a[href], button, input, select, textarea, summary, [role="slider"], '
    + '[tabindex]:not([tabindex="-1"])';
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[inert]') || el.disabled || el.getAttribute('tabindex') === '-1') continue;
    if (el.type === 'hidden') continue;
    if (el.closest('details:not([open]) > :not(summary)')) continue;  // inside a closed expander
    // a native input drawn by its label (radio, checkbox) is hidden itself; its label must show
    const shown = (el.type === 'radio' || el.type === 'checkbox') ? el.parentElement : el;
    if (!shown.checkVisibility({visibilityProperty: true})) continue;
    const rect = shown.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    el.dataset.kb = String(found.length);
    found.push({index: found.length, tag: el.tagName, type: el.type || '', name: el.name || '',
                label: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60),
                container: el.matches(SCROLLERS), look: window.__kbFingerprint(el)});
  }
  return found;
}
"""

_ACTIVE = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {kb: el.dataset.kb === undefined ? null : Number(el.dataset.kb), tag: el.tagName,
          label: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60)};
}
"""

_LOOKS_FOCUSED = """
(before) => {
  const el = document.activeElement;
  return !!el && el !== document.body && window.__kbFingerprint(el) !== before;
}
"""


def controls(app: AppPage) -> list[dict]:
    """The page's keyboard-reachable controls in document order, tagged data-kb, with their unfocused look."""
    app.page.evaluate("() => document.activeElement && document.activeElement.blur()")
    app.page.evaluate(_FINGERPRINT)
    return app.page.evaluate(_CONTROLS)


def walk(app: AppPage, found: list[dict]) -> tuple[list[dict], list[dict]]:
    """Tab from the top until the focus leaves the last control: (focus sequence, controls without a ring)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    sequence, no_ring = [], []
    last = found[-1]["index"] if found else -1
    for _ in range(TABS_PER_CONTROL * len(found) + EXTRA_TABS):
        app.page.keyboard.press("Tab")
        active = app.page.evaluate(_ACTIVE)
        if active is None:  # back on the document: the walk went past the last control
            break
        sequence.append(active)
        repeated = bool(sequence[:-1]) and sequence[-2]["kb"] == active["kb"]
        if active["kb"] is not None and not found[active["kb"]]["container"] and not repeated:
            try:
                app.page.wait_for_function(
                    _LOOKS_FOCUSED, arg=found[active["kb"]]["look"], timeout=FOCUS_STYLE_TIMEOUT_MS
                )
            except PlaywrightTimeout:
                no_ring.append({k: v for k, v in found[active["kb"]].items() if k != "look"})
        if active["kb"] == last:
            break
    return sequence, no_ring


def unreached(found: list[dict], reached: set[int]) -> list[dict]:
    """Controls Tab never reached; a radio group counts as reached when one of its buttons was."""
    groups_reached = {found[i]["name"] for i in reached if found[i]["type"] == "radio"}
    return [
        c
        for c in found
        if c["index"] not in reached and not (c["type"] == "radio" and c["name"] in groups_reached)
    ]


@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("page_file", PAGE_FILES, ids=page_name)
def test_every_control_is_reached_by_tab_in_order_with_a_visible_focus(page_file, lang, app):
    app.open(page_path(page_file) + f"?lang={lang}")
    app.wait_for_charts()
    found = controls(app)
    assert found, f"{page_name(page_file)}: no control found"
    sequence, no_ring = walk(app, found)
    order = [step["kb"] for step in sequence if step["kb"] is not None]
    missing = [{k: v for k, v in c.items() if k != "look"} for c in unreached(found, set(order))]
    assert not missing, (
        f"{page_name(page_file)} ({lang}): Tab never reaches {missing}; the last steps: {sequence[-6:]}"
    )
    assert order == sorted(order), (
        f"{page_name(page_file)} ({lang}): focus order {order} is not document order"
    )
    assert not no_ring, f"{page_name(page_file)} ({lang}): no visible focus indicator on {no_ring}"


def tab_to(app: AppPage, selector: str, limit: int = 200) -> None:
    """Press Tab until the focused element matches ``selector`` (or is inside it)."""
    for _ in range(limit):
        app.page.keyboard.press("Tab")
        if app.page.evaluate(
            "(s) => !!document.activeElement && !!document.activeElement.closest(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector} at {app.page.url}")


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_presenter_reveals_with_the_keyboard_alone(lang, app):
    app.open(f"/presenter?lang={lang}")
    shape = translate(lang, "presenter.shape")
    assert not app.page.get_by_role("heading", name=shape).count()
    tab_to(app, ".st-key-ps_reveal button")
    app.act(lambda: app.page.keyboard.press("Enter"))
    app.page.get_by_role("heading", name=shape).wait_for()


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_practice_answer_is_checked_with_the_keyboard_alone(lang, app):
    app.open(f"/practice?lang={lang}")
    assert not app.page.locator('[data-testid="stAlert"]').count()
    tab_to(app, '[data-testid="stForm"] :is(input[type="text"], input[type="radio"])')
    if app.page.evaluate("() => document.activeElement.type") == "radio":
        app.page.keyboard.press("Space")  # picks the focused choice
    else:
        app.page.keyboard.type("1")
    tab_to(app, '[data-testid="stForm"] button')
    app.act(lambda: app.page.keyboard.press("Enter"))
    app.page.locator('[data-testid="stAlert"]').first.wait_for()
