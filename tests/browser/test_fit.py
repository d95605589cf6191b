r"""Every page fits its screen: nothing wider than its box, no sideways scroll of the page.

Each page of the registry is opened once per (language, network) in one browser page and
measured in three screen states without reloading: 1280×720 with the sidebar open, the
same with it closed, and 1400×900 (sidebar open). A state fails, naming the page, the state
and the element with its width and its box's, when

* the document, the main area or the sidebar scrolls sideways (scrollWidth > clientWidth);
* an element's content is wider than its box (``stElementContainer``: scrollWidth >
  clientWidth), or the box itself sticks out of the block that holds it;
* a typeset display (``.katex-display``) is wider than its box, i.e. the formula is cut off
  behind a scroll bar. A wide matrix must wrap, shrink, or be shown as a window / table
  with its shape said instead.

Tables (``st.dataframe``) and code blocks scroll inside their own frame by design and are
not counted. Screenshots of every failing state, and of the forward and backward pages
at 1280×720 in both languages and networks, land in artifacts/screenshots/fit-*.png.
"""

from __future__ import annotations

import json

import pytest
from browser_support import SCREENSHOTS, WATCH_SCRIPT, AppPage, page_files, page_name, page_path

pytestmark = pytest.mark.browser

NETWORKS = {"default": "", "5-8-8-3": "sizes=5,8,8,3"}
LANGS = ("en", "zh")
SLACK_PX = 2  # sub-pixel rounding
# Known misfits on pages owned elsewhere: (page, network) -> what is too wide. xfail(strict):
# the test fails once the page fits, and the entry is removed then.
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}
LOOKED_AT = {"forward", "backward"}  # pages whose whole length is saved at 1280×720 (the matrices' pages)
# (name, viewport, sidebar open)
STATES = (
    ("1280x720 sidebar open", {"width": 1280, "height": 720}, True),
    ("1280x720 sidebar closed", {"width": 1280, "height": 720}, False),
    ("1400x900", {"width": 1400, "height": 900}, True),
)

_MEASURE = """
(slack) => {
  const out = [];
  const name = e => {
    const key = [...e.classList].find(c => c.startsWith('st-key-'));
    const id = e.getAttribute('data-testid');
    const tex = e.querySelector && e.querySelector('annotation');
    const text = (tex ? tex.textContent : e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 70);
    return (key || id || e.tagName.toLowerCase()) + (text ? ` "${text}"` : '');
  };
  const wide = (what, e) => out.push(`${what} ${name(e)}: ${e.scrollWidth} px in ${e.clientWidth} px`);
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + slack) wide('the page scrolls sideways:', root);
  for (const id of ['stMain', 'stSidebarContent']) {
    const e = document.querySelector(`[data-testid="${id}"]`);
    if (e && e.checkVisibility() && e.getBoundingClientRect().right > 0
        && e.scrollWidth > e.clientWidth + slack) wide(`${id} scrolls sideways:`, e);
  }
  const skip = '[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stCode"], pre';
  for (const e of document.querySelectorAll('[data-testid="stElementContainer"]')) {
    if (!e.checkVisibility() || e.closest('[data-testid="stSidebar"][data-collapsed="true"]')) continue;
    if (e.querySelector(skip)) continue;
    if (e.scrollWidth > e.clientWidth + slack) wide('wider than its box:', e);
    const box = e.parentElement.getBoundingClientRect(), r = e.getBoundingClientRect();
    if (r.width && (r.right > box.right + slack || r.left < box.left - slack))
      out.push(`sticks out of its block: ${name(e)}: ${Math.round(r.left)}..${Math.round(r.right)} px`
               + ` in ${Math.round(box.left)}..${Math.round(box.right)} px`);
  }
  for (const e of document.querySelectorAll('.katex-display')) {
    if (e.checkVisibility() && e.scrollWidth > e.clientWidth + slack) wide('formula cut off:', e);
  }
  return out;
}
"""


def _set_sidebar(app: AppPage, open_: bool) -> None:
    """Open or close the sidebar as a student does (its arrow buttons); a layout change, no rerun."""
    page = app.page
    sidebar = page.locator('[data-testid="stSidebar"]')
    if (sidebar.get_attribute("data-collapsed") == "false") == open_:
        return
    if open_:
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    else:
        sidebar.hover()
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    want = "false" if open_ else "true"
    page.locator(f'[data-testid="stSidebar"][data-collapsed="{want}"]').wait_for(state="attached")
    # the sidebar slides: wait until the main area has its final width
    page.wait_for_function(
        """(open_) => {
             const s = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
             return open_ ? s.left >= 0 : s.right <= 0;
           }""",
        arg=open_,
    )


def _layout_settled(app: AppPage) -> None:
    """After a resize: fonts loaded and two animation frames drawn, so widths are the final ones."""
    app.page.evaluate(
        "() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() =>"
        " requestAnimationFrame(r))))"
    )


@pytest.fixture(scope="module")
def fit_page(browser, server):
    """One browser page for the whole module (pages are reloaded in it, never reopened)."""
    context = browser.new_context(viewport=dict(STATES[0][1]))
    context.add_init_script(WATCH_SCRIPT)
    yield AppPage(context.new_page(), server.url)
    context.close()


def _measure_states(app: AppPage, label: str) -> list[str]:
    """Every screen state of the loaded page; the problems, each prefixed with its state."""
    problems = []
    for state, viewport, sidebar_open in STATES:
        app.page.set_viewport_size(viewport)
        _set_sidebar(app, sidebar_open)
        _layout_settled(app)
        found = app.page.evaluate(_MEASURE, SLACK_PX)
        if found:
            shot = SCREENSHOTS / f"fit-{label}-{state.replace(' ', '-')}.png"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            app.page.screenshot(path=str(shot))
            problems += [f"[{state}] {problem}" for problem in found] + [f"[{state}] screenshot: {shot}"]
    return problems


def _cases() -> list:
    """(page, language, network), with the known misfits marked xfail(strict)."""
    return [
        pytest.param(
            page_file,
            lang,
            network,
            id=f"{page_name(page_file)}-{lang}-{network}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[page_name(page_file), network])]
            if (page_name(page_file), network) in KNOWN_DEFECTS
            else [],
        )
        for page_file in page_files()
        for lang in LANGS
        for network in NETWORKS
    ]


@pytest.mark.parametrize("page_file, lang, network", _cases())
def test_page_fits(fit_page: AppPage, page_file: str, lang: str, network: str) -> None:
    """The page, in this language and network, fits every screen state (see the module docstring)."""
    name = page_name(page_file)
    query = "&".join(q for q in (f"lang={lang}", NETWORKS[network]) if q)
    fit_page.page.set_viewport_size(STATES[0][1])
    fit_page.page.goto(f"{fit_page.base_url}{page_path(page_file)}?{query}")
    fit_page.settle()
    fit_page.wait_for_charts()
    label = f"{name}-{lang}-{network}"
    problems = _measure_states(fit_page, label)
    if name in LOOKED_AT:  # whole-page screenshots at a projector's size, to be looked at
        fit_page.page.set_viewport_size(STATES[0][1])
        _set_sidebar(fit_page, True)
        _layout_settled(fit_page)
        fit_page.screenshot(f"fit-{label}-1280x720")
    assert not problems, f"{name} ({lang}, {network}): " + json.dumps(problems, ensure_ascii=False, indent=1)
