r"""Every page in a real browser: no exception, no error alert, math typeset by KaTeX, charts drawn,
a clean console, a navigation that reaches every other page, and a full-page screenshot.

The pages are the registry's (backprop/ui/registry.py), so a page is covered as soon as it is
registered. Screenshots land in artifacts/screenshots/<page>.png.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from browser_support import (
    REPO,
    SCREENSHOTS,
    SETTLE_TIMEOUT_MS,
    AppPage,
    choose,
    console_errors,
    open_sidebar,
    page_files,
    page_name,
    page_path,
    widget_values,
)

from backprop.ui import registry
from backprop.ui.i18n import translate

pytestmark = pytest.mark.browser

PAGE_FILES = page_files()
NAMES = {f: page_name(f) for f in PAGE_FILES}

# Pages that exist to show formulas (the derivations, the notes, practice, step-through and
# the presenter): these must hold typeset KaTeX. Every page, listed or not, must be free of
# raw LaTeX.
MATH_PAGES = {"home", "forward", "backward", "symbolic", "notes", "practice", "step_through", "presenter"}
# Pages that must draw at least one chart (Plotly, Graphviz or Vega-Lite): the layer drawings
# of the forward and backward pages, the error heatmaps of the check page, the gradient
# heatmaps, the computation graph, the plot of a student's own g and g'.
CHART_PAGES = {"forward", "backward", "check", "heatmaps", "graph", "your_own"}
CHARTS = (
    '[data-testid="stPlotlyChart"] .main-svg, [data-testid="stGraphVizChart"] svg, '
    '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'
)

# LaTeX left untypeset: a control sequence KaTeX would have consumed, display-math
# delimiters, an inline $...$ span holding TeX syntax, or TeX's braced sub/superscript
# (n_{l-1}) written into plain text.
RAW_LATEX = re.compile(
    r"\\(frac|begin|end|partial|sum|prod|left|right|math[a-z]+|cdot|odot|delta|sigma|top|times|text"
    r"|operatorname|displaystyle|quad|qquad|sqrt|exp|log|tanh|underset|textcolor|tr|nabla|in|le|ge)\b"
    r"|\$\$|\$[^$\n]*[\\^_{}][^$\n]*\$|\w[_^]\{[^}\n]*\}"
)


def _areas() -> list[str]:
    """i18n areas (the catalogue file names): a key shown as such means a missing translation."""
    return sorted({p.stem for p in (REPO / "backprop/locales").glob("*/*.json")} | set(NAMES.values()))


UNTRANSLATED = re.compile(r"\b(?:" + "|".join(map(re.escape, _areas())) + r")\.[a-z][a-z0-9_]*\b")


# A typeset formula wider than its box: KaTeX's display box scrolls sideways and the page
# shows it cut off at the column's edge (4 px of slack for sub-pixel rounding).
_CUT_OFF_FORMULAS = """
() => [...document.querySelectorAll('.katex-display')]
  .filter(e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 4)
  .map(e => `${e.scrollWidth} px in ${e.clientWidth} px: `
            + (e.querySelector('annotation') || {}).textContent.slice(0, 60))
"""


def _close_ups(app: AppPage, name: str, limit: int = 5) -> list[str]:
    """Screenshots of the first cut-off formulas' elements, beside the page's screenshot."""
    paths = []
    for formula in app.page.locator(".katex-display").all():
        if len(paths) == limit:
            break
        if formula.evaluate("e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 4"):
            path = SCREENSHOTS / f"{name}-cut-{len(paths) + 1}.png"
            formula.locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]").screenshot(
                path=str(path)
            )
            paths.append(str(path))
    return paths


def _problems(app: AppPage) -> dict[str, object]:
    """Everything a student should never see on a settled page."""
    page = app.page
    text = app.visible_text('[data-testid="stApp"]')
    return {
        "exception boxes": page.locator('[data-testid="stException"]').all_inner_texts(),
        "error alerts": page.locator('[data-testid="stAlertContentError"]').all_inner_texts(),
        "KaTeX parse errors": page.locator(".katex-error").evaluate_all(
            "els => els.map(e => e.getAttribute('title') || e.textContent)"
        ),
        "formulas cut off": sorted(set(page.evaluate(_CUT_OFF_FORMULAS))),
        "raw LaTeX": sorted({m.group(0) for m in RAW_LATEX.finditer(text)}),
        "untranslated keys": sorted({m.group(0) for m in UNTRANSLATED.finditer(text)}),
        "console errors": console_errors(app),
    }


def _links(app: AppPage) -> list[dict]:
    """The sidebar's page links: raw href, the href as the browser resolves it, disabled or not."""
    return app.page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]').evaluate_all(
        "els => els.map(e => ({raw: e.getAttribute('href'), resolved: e.href,"
        " disabled: e.hasAttribute('disabled')}))"
    )


def _path(url: str) -> str:
    return urlparse(url).path.rstrip("/") or "/"


def _navigation_problems(app: AppPage, page_file: str) -> list[str]:
    """Links missing, extra, or without the configuration. Streamlit's router resolves a page
    link against the app's root (not the current page), so the raw href is resolved that way."""
    links = _links(app)
    active = {
        _path(urljoin(app.base_url + "/", link["raw"])): link["raw"] for link in links if not link["disabled"]
    }
    disabled = [_path(urljoin(app.base_url + "/", link["raw"])) for link in links if link["disabled"]]
    expected = {page_path(f) for f in PAGE_FILES if f != page_file}
    problems = []
    if set(active) != expected:
        problems.append(f"links go to {sorted(active)}, expected {sorted(expected)}")
    if disabled != [page_path(page_file)]:
        problems.append(f"the current page's link should be the one disabled, disabled: {disabled}")
    problems += [f"{raw} drops the configuration" for raw in active.values() if "sizes=" not in raw]
    return problems


@dataclass(frozen=True)
class Visit:
    """What one settled page showed: its screenshot and everything the checks below read."""

    name: str
    screenshot: Path
    problems: dict[str, list]
    formulas: int  # typeset KaTeX elements
    charts: int  # drawn Plotly, Graphviz and Vega-Lite charts


_VISITS: dict[str, Visit] = {}


def visit(page_file: str, app: AppPage) -> Visit:
    """Load a page once per session (charts drawn, screenshot taken); later checks reuse it."""
    if page_file not in _VISITS:
        name = NAMES[page_file]
        app.open(page_path(page_file))
        app.wait_for_charts()
        screenshot = app.screenshot(name)
        problems = {**_problems(app), "navigation": _navigation_problems(app, page_file)}
        if problems["formulas cut off"]:
            problems["close-ups of the cut formulas"] = _close_ups(app, name)
        formulas, charts = app.page.locator(".katex").count(), app.page.locator(CHARTS).count()
        _VISITS[page_file] = Visit(name, screenshot, problems, formulas, charts)
    return _VISITS[page_file]


def assert_none(found: Visit, *kinds: str) -> None:
    """None of the given kinds of problem on the page (the message names the screenshot)."""
    shown = {kind: found.problems[kind] for kind in kinds if found.problems.get(kind)}
    if "formulas cut off" in shown:
        shown["close-ups"] = found.problems["close-ups of the cut formulas"]
    assert not shown, (
        f"{found.name} ({found.screenshot}): " + json.dumps(shown, ensure_ascii=False, indent=1)[:3000]
    )


# Checks that still fail on a page, each a known defect: (check, page) -> reason. strict:
# the test fails as soon as the defect is fixed, so the entry is removed then.
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}


def pages_for(check: str) -> list:
    """Every page file, as parameters, with the known defects of this check marked xfail(strict)."""
    return [
        pytest.param(
            f,
            id=NAMES[f],
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[check, NAMES[f]])]
            if (check, NAMES[f]) in KNOWN_DEFECTS
            else [],
        )
        for f in PAGE_FILES
    ]


@pytest.mark.parametrize("page_file", pages_for("errors"))
def test_page_loads_without_errors(page_file: str, app: AppPage) -> None:
    """No exception box, no error alert, no KaTeX parse error, nothing in the console."""
    assert_none(
        visit(page_file, app), "exception boxes", "error alerts", "KaTeX parse errors", "console errors"
    )


@pytest.mark.parametrize("page_file", pages_for("text"))
def test_page_text_has_no_raw_latex_or_untranslated_key(page_file: str, app: AppPage) -> None:
    assert_none(visit(page_file, app), "raw LaTeX", "untranslated keys")


@pytest.mark.parametrize("page_file", pages_for("fit"))
def test_page_formulas_fit_their_boxes(page_file: str, app: AppPage) -> None:
    """No typeset formula is cut off at the edge of its column (close-ups saved beside the screenshot)."""
    assert_none(visit(page_file, app), "formulas cut off")


@pytest.mark.parametrize("page_file", pages_for("content"))
def test_page_shows_its_math_and_charts(page_file: str, app: AppPage) -> None:
    """KaTeX formulas on the pages that show math, drawn charts on the pages that have them."""
    found = visit(page_file, app)
    if found.name in MATH_PAGES:
        assert found.formulas > 0, f"{found.name} shows no typeset formula ({found.screenshot})"
    if found.name in CHART_PAGES:
        assert found.charts > 0, f"{found.name} draws no chart ({found.screenshot})"


@pytest.mark.parametrize("page_file", pages_for("navigation"))
def test_page_links_every_other_page(page_file: str, app: AppPage) -> None:
    """A link to every other page file that exists, carrying the configuration; its own disabled."""
    assert_none(visit(page_file, app), "navigation")


CJK = re.compile(r"[\u4e00-\u9fff]")

# The page's path and its tab's title (a page's title from the registry, set by the run's
# st.navigation) once the switch has reached the browser.
_ARRIVED = """([path, title]) => (location.pathname.replace(/\\/$/, '') || '/') === path
  && document.title === title"""


def follow(app: AppPage, link, target: str, title: str) -> None:
    """Click a page link; wait for the run it asked for, then for ``target`` with its tab ``title``."""
    app.act(link.click)
    app.page.wait_for_function(_ARRIVED, arg=[target, title], timeout=SETTLE_TIMEOUT_MS)


def test_clicking_through_every_page_in_chinese(app: AppPage) -> None:
    """Switch the language to Chinese in the sidebar, then follow the links home -> 1 -> ... -> home.

    Each page must arrive with the configuration in its URL, a Chinese title, and none of:
    exception box, error alert, KaTeX error, untranslated key. (The English pages get the
    full set of checks above; CJK glyphs are not installed here, so no screenshots.)
    """
    app.open("/?sizes=2%2C3%2C2&m=3")
    choose(app, "sb_lang", "中文")
    for page_file in [*PAGE_FILES[1:], PAGE_FILES[0]]:
        target = page_path(page_file)
        open_sidebar(app)
        paths = [_path(urljoin(app.base_url + "/", link["raw"])) for link in _links(app)]
        assert target in paths, f"no link to {target} on {app.page.url}: {paths}"
        link = app.page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')
        tab_title = translate("zh", registry.by_name(NAMES[page_file]).title_key)
        follow(app, link.nth(paths.index(target)), target, tab_title)
        assert _path(app.page.url) == target, f"clicking the link to {target} led to {app.page.url}"
        assert "sizes=2%2C3%2C2" in app.page.url, f"the configuration was lost on {target}: {app.page.url}"
        assert "lang=zh" in app.page.url, f"the language was lost on {target}: {app.page.url}"
        title = app.page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert CJK.search(title), f"{target}: the title {title!r} is not in Chinese"
        problems = _problems(app)
        problems = {
            k: problems[k]
            for k in ("exception boxes", "error alerts", "KaTeX parse errors", "untranslated keys")
        }
        assert not any(problems.values()), f"{target} in Chinese: {problems}"
    assert not console_errors(app), console_errors(app)


def _streamlit_version() -> tuple[int, int]:
    major, minor = version("streamlit").split(".")[:2]
    return int(major), int(minor)


# Known in Streamlit up to 1.67 (the version constraints.txt pins); from a later release on,
# the test runs for real, and says whether that release fixed it.
@pytest.mark.xfail(
    _streamlit_version() <= (1, 67),
    strict=True,
    reason="Streamlit 1.67 writes the st.navigation default page's st.page_link as a bare '?query' "
    "href, which a browser resolves against the current page: Home opened in a new tab from /forward "
    "shows /forward",
)
def test_home_link_opens_home_in_a_new_tab(app: AppPage) -> None:
    """What 'open link in new tab' (or a copied link) does: the href as the browser resolves it."""
    app.open("/forward")
    home = [link for link in _links(app) if _path(urljoin(app.base_url + "/", link["raw"])) == "/"]
    assert home and _path(home[0]["resolved"]) == "/", home


# Links shared before the pages were registered with st.navigation (the URL paths Streamlit
# derived from pages/'s file names): (link, page, language, {widget key: value it must show}).
SHARED_LINKS = [
    ("/backward?sizes=2%2C5%2C3&m=3&layer=2&var=b&j=3", "backward", "en", {"sb_n1": "5", "bw_layer": "2"}),
    ("/check", "check", "en", {"sb_n0": "3"}),
    ("/?lang=zh&seed=7", "home", "zh", {"sb_seed": "7"}),
]


@pytest.mark.parametrize("link, name, lang, shown", SHARED_LINKS, ids=[s[1] for s in SHARED_LINKS])
def test_a_link_shared_before_the_registry_opens_its_page(
    link: str, name: str, lang: str, shown: dict, app: AppPage
) -> None:
    """The page, its title in the tab and on the page, and the link's configuration applied."""
    entry = registry.by_name(name)
    app.open(link)
    assert _path(app.page.url) == "/" + entry.url_path, app.page.url
    assert app.page.title() == translate(lang, entry.title_key)
    heading = "common.app_title" if name == "home" else f"{name}.title"
    assert app.page.locator('[data-testid="stMain"] h1').first.inner_text() == translate(lang, heading)
    values = widget_values(app)
    assert {key: values.get(key) for key in shown} == shown
    query = parse_qs(urlparse(app.page.url).query)
    for param, value in parse_qs(urlparse(link).query).items():
        assert query.get(param) == value, f"{param} lost: {app.page.url}"
    assert_none(
        Visit(name, Path(), {**_problems(app), "navigation": []}, 0, 0),
        "exception boxes",
        "error alerts",
        "untranslated keys",
    )
