r"""Streamlit-aware helpers for the browser tests; the fixtures live in conftest.py.

See conftest.py's docstring for the waiting strategy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backprop.ui import registry

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 60
# The longest one run may take before a test gives up on it: a page's first run on a loaded
# machine (both cores busy) imports SymPy and derives the generic formulas in the server's
# process, 30 to 60 s; the isolated children stop at 60 s. A settled run ends the wait at once.
SETTLE_TIMEOUT_MS = 120_000
# How long the page may take to send the rerun an action asks for: browser-side work (an
# event handler, a WebSocket send), not the server's run, so short even on a busy machine;
# long enough that a slow request is not taken for a lost one (the action is then repeated).
RUN_START_GRACE_MS = 10_000
CHART_TIMEOUT_MS = 60_000  # a chart draws in the browser after its run; slow under load, not stuck
QUIET_MS = 150
VIEWPORT = {"width": 1400, "height": 900}
MAX_SHOT_HEIGHT = 30_000  # px; the notes page is about 21,000 px tall

# Counts the student's rerun requests and the server's runs from Streamlit's own messages on
# the page's WebSocket (watch.js; conftest.py's docstring says how the waits use them).
WATCH_SCRIPT = (Path(__file__).parent / "watch.js").read_text()

# The page's counters (see WATCH_SCRIPT).
_COUNTERS = """
() => { const w = window.__stWatch || {};
  return {requested: w.requested || 0, auto: w.auto || 0, answered: w.answered || 0,
          started: w.started || 0, finished: w.finished || 0, document: w.document}; }
"""

# The student's action asked Streamlit for a run: a rerun request since `before` (or a new
# document, which asks for its first run: a link that reloaded the page).
_RUN_ASKED = """
(before) => { const w = window.__stWatch || {};
  return w.document !== before.document ? w.requested > 0 : w.requested > before.requested; }
"""

# Every run the student asked for since `before` answered, and the page at rest: connected, no
# run going, no placeholder or faded element of an earlier run left, nothing changed for `quiet` ms.
_SETTLED = """
({before, quiet}) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const w = window.__stWatch;
  if (!app || !w) return false;
  const since = w.document === before.document ? before.requested : 0;
  if (w.requested <= since || w.answered < w.requested) return false;
  if (quiet === null) return true;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return false;
  return performance.now() - w.last >= quiet;
}
"""

_APP_STATE = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const w = window.__stWatch || {};
  return {
    connection: app && app.getAttribute('data-test-connection-state'),
    script: app && app.getAttribute('data-test-script-state'),
    requested: w.requested, auto: w.auto, answered: w.answered, started: w.started, finished: w.finished,
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]').length,
    stale: document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]').length,
  };
}
"""

# Every visible Plotly chart drawn: an SVG layer, a graph div holding traces, and their marks
# (heatmaps draw one <image> per trace inside .hm; bars, lines and markers live in .trace).
_PLOTLY_DRAWN = """
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => c.checkVisibility())
  .every(c => {
    const gd = c.querySelector('.js-plotly-plot');
    return gd && gd.querySelector('.main-svg') && Array.isArray(gd._fullData) && gd._fullData.length > 0
      && gd.querySelector('.hm image, .trace');
  })
"""

# Every visible Graphviz chart drawn: an svg with at least one node.
_GRAPHVIZ_DRAWN = """
() => [...document.querySelectorAll('[data-testid="stGraphVizChart"]')]
  .filter(c => c.checkVisibility())
  .every(c => c.querySelector('svg g.node'))
"""

# Every visible Vega-Lite chart (st.line_chart and friends) drawn: a canvas or svg with a size.
_VEGA_DRAWN = """
() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
  .filter(c => c.checkVisibility())
  .every(c => [...c.querySelectorAll('canvas, svg.marks')].some(e => e.clientWidth > 0 && e.clientHeight > 0))
"""


@dataclass
class AppPage:
    """A Playwright page on the app, with Streamlit-aware waits and the console it logged."""

    page: object  # playwright.sync_api.Page
    base_url: str
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, url of its source)
    repeated: list[str] = field(default_factory=list)  # where an action asked for no run and was done again

    def state(self) -> dict:
        return self.page.evaluate(_APP_STATE)

    def counters(self) -> dict:
        """The watcher's counts so far in this page: reruns asked for and answered, runs started and ended."""
        return self.page.evaluate(_COUNTERS)

    def settle(
        self, before: dict | None = None, *, quiet: bool = True, timeout_ms: int = SETTLE_TIMEOUT_MS
    ) -> None:
        """Wait until every run asked for since ``before`` (a ``counters()``) has ended, the page at rest.

        ``before=None`` asks only that some run has been asked for and answered (a page just
        opened, or one waited on again). ``quiet=False`` waits for the runs only, not for the
        page to be at rest: a page whose fragment redraws on a timer never is.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        arg = {"before": before or {"requested": 0}, "quiet": QUIET_MS if quiet else None}
        try:
            self.page.wait_for_function(_SETTLED, arg=arg, timeout=timeout_ms)
        except PlaywrightTimeout:
            raise AssertionError(
                f"Streamlit did not settle within {timeout_ms} ms at {self.page.url}: {self.state()}"
            ) from None

    def run_asked(self, before: dict, timeout_ms: int = RUN_START_GRACE_MS) -> bool:
        """Whether the student's side asked for a rerun since ``before``, waiting up to ``timeout_ms``."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(_RUN_ASKED, arg=before, timeout=timeout_ms)
        except PlaywrightTimeout:
            return False
        return True

    def act(
        self,
        action: Callable[[], object],
        retry: Callable[[], object] | None = None,
        *,
        quiet: bool = True,
    ) -> None:
        """Do something that makes Streamlit rerun, then wait for the run it started to end.

        On a busy machine a click or key press is sometimes lost (it lands while the page
        re-lays out, or before the widget took the typed value) and no rerun is asked for;
        waiting for a run then waits for nothing. So the page's own rerun request is
        watched for (RUN_START_GRACE_MS); without one, the action is done once more
        (``retry``, by default the action itself), and if that asks for no run either,
        the test fails saying so. Then the wait is for a run that started after the
        request and the chain it began to end (``settle``; ``quiet`` as there).
        """
        before = self.counters()
        action()
        if not self.run_asked(before):
            self.repeated.append(self.page.url)
            (retry or action)()
            if not self.run_asked(before):
                raise AssertionError(
                    f"the action asked Streamlit for no rerun, twice, at {self.page.url}: {self.state()}"
                )
        self.settle(before, quiet=quiet)

    def open(self, path: str = "/") -> AppPage:
        """Load a path of the app in this page and wait for its first run to finish."""
        self.page.goto(self.base_url + path)
        self.settle()
        return self

    def wait_for_charts(self) -> None:
        """Wait until every visible Plotly, Graphviz and Vega-Lite chart has drawn."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for name, script in (
            ("Plotly", _PLOTLY_DRAWN),
            ("Graphviz", _GRAPHVIZ_DRAWN),
            ("Vega-Lite", _VEGA_DRAWN),
        ):
            try:
                self.page.wait_for_function(script, timeout=CHART_TIMEOUT_MS)
            except PlaywrightTimeout:
                raise AssertionError(f"a {name} chart stayed blank at {self.page.url}") from None

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot to artifacts/screenshots/<name>.png.

        Streamlit scrolls inside its main container, not the document, so the viewport is
        first made as tall as that content (a full_page screenshot would cut it off).
        """
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate(
            """() => Math.max(document.documentElement.scrollHeight,
                 ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
                   .filter(e => e.getBoundingClientRect().right > 0)  // a collapsed sidebar is off screen
                   .map(e => e.scrollHeight + e.getBoundingClientRect().top))"""
        )
        size = self.page.viewport_size
        self.page.set_viewport_size(
            {"width": size["width"], "height": min(int(height) + 40, MAX_SHOT_HEIGHT)}
        )
        self.page.evaluate("() => document.fonts.ready")
        self.settle()  # a resize may re-layout charts; make sure nothing is pending
        for stale in SCREENSHOTS.glob(f"{name}-cut-*.png"):  # close-ups of an earlier run
            stale.unlink()
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(size)
        return path

    def visible_text(self, root: str = "body") -> str:
        """The text a student reads: typeset math, code blocks and inputs left out."""
        return self.page.evaluate(
            """(root) => {
                 const clone = document.querySelector(root).cloneNode(true);
                 // KaTeX keeps its TeX source in a visually hidden MathML annotation; code
                 // blocks may show LaTeX source on purpose (a copyable snippet).
                 clone.querySelectorAll('.katex, [data-testid="stCode"], pre, code, script, style')
                      .forEach(e => e.remove());
                 return clone.textContent;
               }""",
            root,
        )


def page_files() -> list[str]:
    """Every registered page's script (backprop/ui/registry.py), home first."""
    return [entry.script for entry in registry.PAGES]


def _entry(page_file: str) -> registry.Entry:
    return next(entry for entry in registry.PAGES if entry.script == page_file)


def page_name(page_file: str) -> str:
    """'pages/0_home.py' -> 'home', 'pages/9_step_through.py' -> 'step_through' (the registry's name)."""
    return _entry(page_file).name


def page_path(page_file: str) -> str:
    """The page's URL path: 'pages/1_forward.py' -> '/forward', home -> '/'."""
    return "/" + _entry(page_file).url_path


def is_streamlit_noise(text: str, url: str, base: str) -> bool:
    """Console errors that are Streamlit's own, not the app's; each one justified here.

    Opening a page's URL directly (http://host/forward) makes Streamlit's frontend try that
    path as the server's base URL first: it asks <path>/_stcore/health and
    <path>/_stcore/host-config, gets 404, and falls back to the root, which answers. Chromium
    logs each 404 as "Failed to load resource". Only those two URLs under a page path are ignored.
    """
    if not text.startswith("Failed to load resource: the server responded with a status of 404"):
        return False
    paths = "|".join(re.escape(entry.url_path) for entry in registry.PAGES if entry.url_path)
    return re.fullmatch(rf"{re.escape(base)}/(?:{paths})/_stcore/(?:health|host-config)", url) is not None


def console_errors(app: AppPage) -> list[str]:
    """The page's console errors and uncaught exceptions, Streamlit's own base-path probes left out."""
    return [
        f"{text} ({url})"
        for text, url in app.console_errors
        if not is_streamlit_noise(text, url, app.base_url)
    ]


# ---- driving Streamlit's widgets as a student does -------------------------------------------


def open_sidebar(app: AppPage) -> None:
    """Expand the sidebar if the page collapsed it (the presenter page does), as a student would.

    Expanding runs nothing on the server, so the wait is for the sidebar itself; a click lost
    to a re-layout is clicked once more after RUN_START_GRACE_MS.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    expand = app.page.locator('[data-testid="stExpandSidebarButton"]')
    expanded = app.page.locator('[data-testid="stSidebar"][data-collapsed="false"]')
    if not (expand.count() and expand.is_visible()):
        return
    expand.click()
    try:
        expanded.wait_for(timeout=RUN_START_GRACE_MS)
    except PlaywrightTimeout:
        if expand.is_visible():
            expand.click()
        expanded.wait_for(timeout=SETTLE_TIMEOUT_MS)


def set_number(app: AppPage, key: str, value: int) -> None:
    """Type a value into the number_input with widget key ``key`` and press Enter; wait for the rerun."""
    field = app.page.locator(f".st-key-{key} input")

    def type_and_enter() -> None:
        field.fill(str(value))
        field.press("Enter")

    app.act(type_and_enter)


def choose(app: AppPage, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with widget key ``key``: focus it, open its list, click the option.

    The list is opened with the keyboard (ArrowDown): a click on the small "Open" button is
    sometimes swallowed when the page re-lays out (charts, fonts) right after a run, and the
    popover stays shut. Opening is tried three times before giving up; a pick that asks
    for no rerun is done again from the opening (AppPage.act).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = app.page.locator(f".st-key-{key} input[role='combobox']")
    listbox = app.page.get_by_role("listbox")

    def open_and_pick() -> None:
        for _ in range(3):
            field.focus()
            field.press("ArrowDown")
            try:
                listbox.wait_for(timeout=3000)
                break
            except PlaywrightTimeout:
                field.press("Escape")
        else:
            raise AssertionError(f"the list of selectbox {key} did not open at {app.page.url}")
        listbox.get_by_role("option", name=option, exact=True).click()

    app.act(open_and_pick)


def pick_radio(app: AppPage, key: str, option: str) -> None:
    """Click the radio option labelled ``option`` of the radio with widget key ``key``."""
    label = app.page.locator(f".st-key-{key} [data-testid='stRadioOption']").filter(
        has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")
    )
    app.act(label.click)


def widget_values(app: AppPage, prefixes: tuple[str, ...] = ("sb_", "bw_", "fw_")) -> dict[str, str]:
    """Every keyed input's shown value (number inputs, selectboxes, the checked radio option)."""
    return app.page.evaluate(
        """(prefixes) => {
             const out = {};
             for (const el of document.querySelectorAll('[class*="st-key-"]')) {
               const key = [...el.classList].find(c => c.startsWith('st-key-')).slice(7);
               if (!prefixes.some(p => key.startsWith(p))) continue;
               const checked = el.querySelector('[data-testid="stRadioOption"][data-selected="true"]');
               const input = el.querySelector('input[type="text"], input[type="number"]');
               if (checked) out[key] = checked.textContent.trim();
               else if (input) out[key] = input.value;
             }
             return out;
           }""",
        list(prefixes),
    )
