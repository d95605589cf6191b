r"""Every page, in English and in Chinese, passes axe-core with no serious or critical violation.

axe-core (the npm package, pinned in tests/axe/package.json; ``npm ci --prefix tests/axe``)
is injected into each settled page, charts drawn, and run on the whole document. Its
"serious" and "critical" findings fail the test, listed with the rule, its help text and
the first elements it flagged; "moderate" and "minor" ones are reported by axe only.
Every typeset formula also carries KaTeX's MathML, which screen readers read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser_support import AppPage, page_files, page_name, page_path

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")
PAGE_FILES = page_files()

# Violations in other people's pages that remain, each reported to its owner: (page, lang)
# -> reason. strict: the test fails once the defect is fixed, so the entry is removed then.
KNOWN_DEFECTS: dict[tuple[str, str], str] = {
    (name, lang): "svg-img-alt: st.line_chart's point layer (g role=graphics-symbol) has no text; "
    "the g(z) plot of pages/11_your_own.py needs a chart with a text alternative"
    for name in ("your_own",)
    for lang in ("en", "zh")
}
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


def cases() -> list:
    """(page file, language) pairs, the known defects marked xfail(strict)."""
    return [
        pytest.param(
            f,
            lang,
            id=f"{page_name(f)}-{lang}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[page_name(f), lang])]
            if (page_name(f), lang) in KNOWN_DEFECTS
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
