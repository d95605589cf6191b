r"""At a classroom projector's 1280 × 720: the presenter's slides fit the screen, the graph's text is legible.

Presenter: every slide of the default network (and the widest of a 5-8-8-3 one) is walked
with the keyboard alone (space reveals, → moves on); after each key the page must have
answered (the slide number or the stage moved) and the content's lowest visible pixel must
lie within the 720 px viewport, with no scrolling (and, on the default network, no formula
wider than its box), and
the question's fraction must end at least ``QUESTION_GAP_PX`` above
the buttons. Graph: the rendered size of every visible label of the drawings (Graphviz
lays a drawing out in its own units, and Streamlit's style may override the size the DOT
asked for: the computed font size times the SVG's on-screen width over its viewBox width
is the size on screen) must be at least ``MIN_TEXT_PX``, at 100 % and, scaled, at
150 %, and the page itself must not scroll sideways (a wide drawing scrolls in its box).
"""

from __future__ import annotations

import pytest
from browser_support import SCREENSHOTS, AppPage

from backprop import NetworkSpec, run
from backprop.derivation.steps import backward_steps
from backprop.locales import translate

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
MIN_TEXT_PX = 14
PAGE_DRAWING_MIN_PX = 12  # a drawing in a page's column, which has no zoom (measured 13–15 px)
QUESTION_GAP_PX = 8
CUT_PX = 4  # KaTeX's matrices overhang their box by a pixel or two, which shows nothing
CHANGE_MS = 60_000  # a slide's rerun on a loaded machine ends well within this

# The lowest visible pixel of the page's content and the main container's scroll overflow.
_BOTTOM = """
() => {
  const CUT_PX = CUT_PX_VALUE;
  const root = document.querySelector('[data-testid="stMainBlockContainer"]');
  const bottoms = [...root.querySelectorAll('*')].filter(e => e.checkVisibility())
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0).map(r => r.bottom);
  const main = document.querySelector('[data-testid="stMain"]');
  const cut = [...root.querySelectorAll('.katex-display')].filter(e => e.scrollWidth > e.clientWidth + CUT_PX)
    .map(e => e.textContent.slice(0, 40));
  return {bottom: Math.max(...bottoms), overflow: main.scrollHeight - main.clientHeight,
          viewport: window.innerHeight, cut};
}
""".replace("CUT_PX_VALUE", str(CUT_PX))

# The space between the question's typeset fraction and the top of the buttons' row.
_QUESTION_GAP = """
() => {
  const question = document.querySelector('.st-key-ps_question .katex-html');
  const button = document.querySelector('.st-key-ps_back button');
  return button.getBoundingClientRect().top - question.getBoundingClientRect().bottom;
}
"""

# Rendered pixel size of every visible text of every Graphviz drawing, and the page's sideways overflow.
_TEXT_PX = """
() => {
  const sizes = [];
  for (const svg of document.querySelectorAll('[data-testid="stGraphVizChart"] svg')) {
    if (!svg.checkVisibility()) continue;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text'))
      sizes.push(parseFloat(getComputedStyle(text).fontSize) * scale);
  }
  const main = document.querySelector('[data-testid="stMain"]');
  return {sizes, sideways: main.scrollWidth - main.clientWidth};
}
"""


# What a key press on a slide changes: the URL (the slide), the typeset parts, the middle button.
_SLIDE = """
() => [location.search, document.querySelectorAll('.katex').length,
       (document.querySelector('.st-key-ps_reveal button, .st-key-ps_hide button') || {}).innerText].join('|')
"""


def _change(app: AppPage, action, probe: str, what: str) -> None:
    """Do ``action`` and wait until the page's ``probe`` (a JS function) reads differently, then settle.

    Reveal, next and zoom rerun only a fragment, a run so short that the page may never
    show the script state "running" (the app-wide run counters of ``AppPage.act`` need
    not move); what the action changes is waited for instead. An action lost on a busy
    machine is done once more.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = app.page.evaluate(probe)
    for attempt in range(2):
        action()
        try:
            app.page.wait_for_function(f"(before) => ({probe})() !== before", arg=before, timeout=CHANGE_MS)
            break
        except PlaywrightTimeout:
            if attempt:
                raise AssertionError(f"{what} changed nothing: {before}") from None
    app.settle()


def _press(app: AppPage, key: str) -> None:
    _change(app, lambda: app.page.keyboard.press(key), _SLIDE, f"the key {key}")


_FIRST_TEXT_SIZE = """
() => { const text = document.querySelector('[data-testid="stGraphVizChart"] svg text');
        return text ? getComputedStyle(text).fontSize : null; }
"""


# Displayed math whose top or bottom its own box clips (a display scrolls sideways, so it
# hides what overflows it vertically): how many pixels each one loses.
_CLIPPED = """
() => [...document.querySelectorAll('[data-testid="stMain"] .katex-display')]
  .filter(d => d.checkVisibility())
  .map(d => d.scrollHeight - d.clientHeight)
  .filter(lost => lost > 1)
"""


def _fits(app: AppPage, where: str, whole: bool) -> None:
    """The content within the viewport, no formula clipped top or bottom; ``whole``: nor at its side."""
    app.page.evaluate("() => document.fonts.ready")
    box = app.page.evaluate(_BOTTOM)
    assert box["bottom"] <= box["viewport"] and box["overflow"] <= 1, f"{where}: {box}"
    assert not (whole and box["cut"]), f"{where}: {box}"
    assert not app.page.evaluate(_CLIPPED), f"{where}: formulas clipped by {app.page.evaluate(_CLIPPED)} px"


def _shot(app: AppPage, name: str) -> None:
    """What the projector shows (the viewport, not the whole page) in artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    app.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


WIDE = "&sizes=5,8,8,3&act1=relu&act2=tanh&act3=identity"  # 8-column matrices


@pytest.mark.parametrize(
    "lang, first, last, network", [("en", 1, None, ""), ("zh", 5, 7, ""), ("en", 9, 11, WIDE)]
)
def test_every_reveal_stage_fits_the_projector_and_the_keys_drive_it(lang, first, last, network, app):
    app.page.set_viewport_size(PROJECTOR)
    app.open(f"/presenter?lang={lang}&slide={first}{network}")
    last = last or len(backward_steps(run(NetworkSpec())))
    heading = translate(lang, "presenter.shape")
    for number in range(first, last + 1):
        assert f"slide={number}" in app.page.url and not app.page.get_by_role("heading", name=heading).count()
        gap = app.page.evaluate(_QUESTION_GAP)
        assert gap >= QUESTION_GAP_PX, f"slide {number}: the question ends {gap:.0f} px above the buttons"
        for stage in range(5):
            # two 8-column matrices on one line scroll sideways in their own box
            _fits(app, f"slide {number}, stage {stage}", whole=not network)
            if stage < 4:
                _press(app, "Space")
        assert app.page.get_by_role("heading", name=heading).count()
        _shot(app, f"projector-presenter-{lang}-{number}{'-wide' if network else ''}")
        if number == first:  # ← goes back a slide (and → comes back to this one, hidden again)
            there, back = ("ArrowLeft", "ArrowRight") if number > 1 else ("ArrowRight", "ArrowLeft")
            _press(app, there)
            _press(app, back)
            assert f"slide={number}" in app.page.url
            assert app.page.get_by_role("heading", name=heading).count()  # this slide's reveal is kept
        if number < last:
            _press(app, "ArrowRight")


@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("view", ("full", "layer", "neurons"))
def test_graph_text_is_projector_sized(lang, view, app):
    app.page.set_viewport_size(PROJECTOR)
    app.open(f"/graph?lang={lang}&gr_view={view}&gr_zoom=100")
    app.wait_for_charts()
    for zoom, smallest in (("100", MIN_TEXT_PX), ("150", 1.5 * MIN_TEXT_PX)):
        if zoom != "100":
            button = app.page.locator(".st-key-gr_zoom label", has_text=f"{zoom} %")
            _change(app, button.click, _FIRST_TEXT_SIZE, f"the zoom {zoom} %")
            app.wait_for_charts()
        found = app.page.evaluate(_TEXT_PX)
        assert found["sizes"], "no drawing"
        assert min(found["sizes"]) >= smallest, (zoom, sorted(found["sizes"])[:5])
        assert found["sideways"] <= 1, f"the page scrolls sideways by {found['sideways']} px"
    _shot(app, f"projector-graph-{view}-{lang}")


def test_a_width_eight_network_shows_its_values_legibly(app):
    app.page.set_viewport_size(PROJECTOR)
    app.open("/graph?sizes=8,8,2&act1=tanh&act2=identity&m=4&gr_zoom=100")
    app.wait_for_charts()
    found = app.page.evaluate(_TEXT_PX)
    assert len(found["sizes"]) > 8 * 8 * 2 and min(found["sizes"]) >= MIN_TEXT_PX  # W and ∂L/∂W entries
    assert not app.page.locator('[data-testid="stAlertContentInfo"]').count()  # not at layer level


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_a_zoomed_drawing_is_reached_by_tab_and_scrolled_by_the_arrow_keys(lang, app):
    app.page.set_viewport_size(PROJECTOR)
    app.open(f"/graph?lang={lang}&gr_zoom=200")
    app.wait_for_charts()
    box = app.page.locator('.st-key-gr_at_200 [data-testid="stGraphVizChart"]').first
    box.wait_for()
    width = box.evaluate("b => ({scroll: b.scrollWidth, client: b.clientWidth})")
    assert width["scroll"] > width["client"], f"at 200 % the drawing should overflow its box: {width}"
    # From the last zoom choice, Tab reaches the drawing after its toolbar's fullscreen button.
    app.page.locator(".st-key-gr_zoom input").last.focus()
    passed = []
    for _ in range(3):
        app.page.keyboard.press("Tab")
        if box.evaluate("b => document.activeElement === b"):
            break
        passed.append(app.page.evaluate("() => document.activeElement.getAttribute('data-testid')"))
    else:
        raise AssertionError(f"Tab did not reach the zoomed drawing; it went to {passed}")
    assert passed == ["stBaseButton-elementToolbar"], passed
    assert box.evaluate("b => b.scrollLeft") == 0
    for _ in range(5):
        app.page.keyboard.press("ArrowRight")
    app.page.wait_for_function(
        "() => document.querySelector('.st-key-gr_at_200 [data-testid=\"stGraphVizChart\"]').scrollLeft > 0"
    )


@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize(
    "path",
    (
        "/forward?layer=2",
        "/backward",
        "/forward?sizes=5,8,8,3&act1=sigmoid&act2=sigmoid&act3=identity&layer=2",
        "/backward?sizes=5,8,8,3&act1=sigmoid&act2=sigmoid&act3=identity",
    ),
)
def test_a_pages_layer_drawing_is_projector_sized(lang, path, app):
    """The forward and backward pages' drawings have no zoom: legible as drawn (the graph page zooms)."""
    app.page.set_viewport_size(PROJECTOR)
    app.open(f"{path}&lang={lang}" if "?" in path else f"{path}?lang={lang}")
    app.wait_for_charts()
    found = app.page.evaluate(_TEXT_PX)
    assert found["sizes"], "no drawing"
    assert min(found["sizes"]) >= PAGE_DRAWING_MIN_PX, sorted(found["sizes"])[:5]
    assert found["sideways"] <= 1, f"the page scrolls sideways by {found['sideways']} px"
