r"""Every page, in English and in Chinese, passes axe-core with no serious or critical violation.

axe-core (the npm package, pinned in tests/axe/package.json; ``npm ci --prefix tests/axe``)
is injected into each settled page, charts drawn, and run on the whole document. Its
"serious" and "critical" findings fail the test, listed with the rule, its help text and
the first elements it flagged; "moderate" and "minor" ones are reported by axe only.
Every typeset formula also carries KaTeX's MathML, which screen readers read. Every chart
and drawing (Plotly, Graphviz, Vega-Lite) has a text alternative: an accessible name
(``role="figure"`` with an ``aria-label``) and, in the same ``alt_<key>`` container
(backprop/ui/alternatives.py), an expander "as a table" holding its numbers once opened
(each is opened here, as a screen reader user would); checked on every page and on the
views that draw more (the graph's neurons and layer views, the heatmaps' training curves).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser_support import AppPage, page_files, page_name, page_path

from backprop.locales import translate

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")
PAGE_FILES = page_files()

# Known violations: (page, lang) -> reason, each marked xfail(strict), so the test fails once
# the defect is fixed and the entry is removed then. None at present.
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}
NO_ALTERNATIVE: dict[tuple[str, str], str] = {}
# Pages that draw at least one chart in their default view (a page whose charts vanish fails).
DRAWING_PAGES = {"forward", "backward", "check", "heatmaps", "graph", "notes", "your_own", "training"}
# More views with charts: the graph's other views and zooms (a drawing wider than its box
# scrolls there, so axe checks the box is a tab stop), the heatmaps' training curves, and
# the forward page's matrix windows.
MORE_VIEWS = (
    "graph?gr_view=neurons",
    "graph?gr_view=layer&gr_layer=2",
    "graph?gr_zoom=200",
    "graph?gr_view=layer&gr_layer=1&gr_zoom=150",
    "heatmaps?hm_steps=5",
    "forward?sizes=20,12,2&m=12",  # matrices too wide for LaTeX: tables (show.highlighted_table)
)
_CHARTS = """
() => [...document.querySelectorAll(
    '[data-testid="stPlotlyChart"], [data-testid="stGraphVizChart"], [data-testid="stVegaLiteChart"]')]
  .filter(c => c.checkVisibility())
  .map(c => {
    const box = c.closest('[class*="st-key-alt_"]');
    const summary = box && box.querySelector(
      '[data-testid="stExpander"] summary [data-testid="stMarkdownContainer"]');
    const inside = '[data-testid="stExpanderDetails"] '
      + ':is([data-testid="stTable"], [data-testid="stDataFrame"])';
    return {chart: c.getAttribute('data-testid'), role: c.getAttribute('role'),
            name: (c.getAttribute('aria-label') || '').trim(),
            table: summary ? summary.textContent.trim() : null,
            tables: box ? box.querySelectorAll(inside).length : 0};
  })
"""
# alternatives._show_tables keys each expander tables_<key> (Streamlit's class st-key-<key>)
TABLE_EXPANDERS = '[class*="st-key-tables_"]'
_NO_MATHML = """
() => [...document.querySelectorAll('.katex')].filter(k => !k.querySelector('.katex-mathml math')).length
"""

_RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    elements: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)})),
    count: v.nodes.length,
  }));
}
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, installed by npm into tests/axe."""
    if not AXE.is_file():
        reason = f"axe-core is not installed ({AXE} missing): run npm ci --prefix tests/axe"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def violations(app: AppPage, axe_source: str) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    app.page.add_script_tag(content=axe_source)
    return app.page.evaluate(_RUN_AXE)


def cases(defects: dict[tuple[str, str], str] = KNOWN_DEFECTS) -> list:
    """(page file, language) pairs, the known defects marked xfail(strict)."""
    return [
        pytest.param(
            f,
            lang,
            id=f"{page_name(f)}-{lang}",
            marks=[pytest.mark.xfail(strict=True, reason=defects[page_name(f), lang])]
            if (page_name(f), lang) in defects
            else [],
        )
        for f in PAGE_FILES
        for lang in ("en", "zh")
    ]


@pytest.mark.parametrize("page_file, lang", cases())
def test_page_has_no_serious_or_critical_accessibility_violation(page_file, lang, app, axe_source):
    app.open(page_path(page_file) + f"?lang={lang}")
    app.wait_for_charts()
    assert app.page.evaluate(_NO_MATHML) == 0, f"{page_name(page_file)}: a formula without MathML"
    found = [v for v in violations(app, axe_source) if v["impact"] in FAILING]
    assert not found, (
        f"{page_name(page_file)} ({lang}): " + json.dumps(found, ensure_ascii=False, indent=1)[:4000]
    )


def open_table_expanders(app: AppPage) -> int:
    """Open every closed expander "as a table" of a chart, one after the other; how many were opened.

    Each fills on opening (a rerun, waited for), so the page may change between them.
    """
    closed = app.page.locator(f"{TABLE_EXPANDERS} details:not([open]) > summary")
    for opened in range(closed.count() + 1):
        if not closed.count():
            return opened
        app.act(closed.first.click)
    raise AssertionError(f"an expander {TABLE_EXPANDERS} stayed closed once clicked at {app.page.url}")


def chart_alternatives(app: AppPage, lang: str) -> list[dict]:
    """Every visible chart on the page, its tables opened, with what its alternative lacks ("missing")."""
    table = translate(lang, "common.alt_table")
    open_table_expanders(app)
    charts = app.page.evaluate(_CHARTS)
    for chart in charts:
        chart["missing"] = [
            what
            for what, ok in (
                ("role=figure", chart["role"] == "figure"),
                ("aria-label", bool(chart["name"])),
                (f"expander {table!r}", chart["table"] == table),
                ("a table in it", chart["tables"] > 0),
            )
            if not ok
        ]
    return charts


def check_alternatives(app: AppPage, where: str, lang: str, must_draw: bool) -> None:
    app.wait_for_charts()
    charts = chart_alternatives(app, lang)
    if must_draw:
        assert charts, f"{where} ({lang}): no chart drawn"
    lacking = [c for c in charts if c["missing"]]
    assert not lacking, f"{where} ({lang}): charts without their text alternative: {lacking}"


@pytest.mark.parametrize("page_file, lang", cases(NO_ALTERNATIVE))
def test_every_chart_has_a_text_alternative(page_file, lang, app):
    app.open(page_path(page_file) + f"?lang={lang}")
    name = page_name(page_file)
    check_alternatives(app, name, lang, must_draw=name in DRAWING_PAGES)


@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("view", MORE_VIEWS)
def test_every_chart_of_more_views_has_a_text_alternative(view, lang, app, axe_source):
    app.open(f"/{view}&lang={lang}")
    check_alternatives(app, view, lang, must_draw=True)
    found = [v for v in violations(app, axe_source) if v["impact"] in FAILING]
    assert not found, f"{view} ({lang}): " + json.dumps(found, ensure_ascii=False, indent=1)[:4000]
