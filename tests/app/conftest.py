"""Shared AppTest helpers: run any page of the app with given query parameters.

    from .conftest import run_page   # in tests/app/test_*.py; or use the ``page`` fixture
    at = run_page("pages/1_forward.py", {"sizes": "2,3,1", "lang": "zh"})
    assert not at.exception

Pages are reached the way a browser does: the app starts at ``app.py`` (so
``st.page_link`` finds every page) and switches to the page before the first run.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
HOME = "app.py"
TIMEOUT = 60  # seconds; the first run of a page imports sympy and fills caches


# Every new AppTest scans all installed distributions for component manifests (~0.3 s,
# most of a page test's time). The installed packages do not change during a test
# session, so the scan runs once.
_scan_once = functools.cache(manifest_scanner.scan_component_manifests)
manifest_scanner.scan_component_manifests = lambda max_workers=None: _scan_once()


def page_files() -> list[str]:
    """Every page of the app that exists, home first (paths relative to the repository)."""
    pages = sorted((ROOT / "pages").glob("*.py"), key=lambda p: int(p.name.split("_")[0]))
    return [HOME] + [f"pages/{p.name}" for p in pages]


def run_page(page: str = HOME, query: dict | None = None, timeout: float = TIMEOUT) -> AppTest:
    r"""A fresh session on ``page`` with the URL's ``query`` ({name: str or [str, ...]}), run once."""
    at = AppTest.from_file(str(ROOT / HOME), default_timeout=timeout)
    if page != HOME:
        at.switch_page(page)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Everything written on the page (markdown, LaTeX, captions, titles, alerts) as one string."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "latex",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(element.value) for element in getattr(at, kind))
    return "\n".join(parts)


def assert_clean(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def page():
    """The ``run_page`` function, as a fixture."""
    return run_page
