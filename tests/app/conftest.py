"""Shared AppTest helpers: run any page of the app with given query parameters.

    from .conftest import run_page   # in tests/app/test_*.py; or use the ``page`` fixture
    at = run_page("pages/1_forward.py", {"sizes": "2,3,1", "lang": "zh"})
    assert not at.exception

Pages are reached the way a browser does: the app starts at its entry point ``app.py``,
which registers every page of ``backprop/ui/registry.py`` with ``st.navigation``, and
switches to the page before the first run (its URL path is the file's name without the
number, the hash Streamlit gives a page before ``st.navigation`` has run).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import InitialValue, Selectbox

from backprop.ui import registry

ROOT = Path(__file__).resolve().parents[2]
ENTRY = "app.py"  # the entry point: routes to the page asked for, home by default
HOME = registry.HOME.script
TIMEOUT = 60  # seconds; the first run of a page imports sympy and fills caches


# Every new AppTest scans all installed distributions for component manifests (~0.3 s,
# most of a page test's time). The installed packages do not change during a test
# session, so the scan runs once.
_scan_once = functools.cache(manifest_scanner.scan_component_manifests)
manifest_scanner.scan_component_manifests = lambda max_workers=None: _scan_once()


# A server ignores the legacy pages/ folder from the first st.navigation call on (app.py
# makes it, or registry.take_over_from_legacy_router on a server's very first run);
# AppTest forgets that before every run, so each run would start in the legacy router and
# rerun, dropping that run's clicks. Every run here starts as on a server that has run
# app.py once.
# tests/app/test_navigation.py checks the very first run separately.
_init_pages_manager = PagesManager.__init__


def _pages_manager_after_navigation(self, *args, **kwargs) -> None:
    _init_pages_manager(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _pages_manager_after_navigation


# AppTest finds a select box's choice among its labels by str(value), not by the page's
# format_func: a choice whose label is translated (the sidebar's "identity" is "恒等函数" in
# Chinese) would not be found on the next run. Unchanged, the choice is the label the
# page drew (raw_value); a value set by a test is still looked up by str(value).
_selectbox_index = Selectbox.index.fget


def _selectbox_index_by_label(self) -> int | None:
    try:
        return _selectbox_index(self)
    except ValueError:
        if isinstance(self._value, InitialValue) and self.proto.raw_value in self.options:
            return self.options.index(self.proto.raw_value)
        if (
            isinstance(self._value, InitialValue)
            and not self.proto.raw_value
            and self.proto.HasField("default")
        ):
            return self.proto.default  # drawn without a set value: the page's default index
        raise


Selectbox.index = property(_selectbox_index_by_label)


def page_files() -> list[str]:
    """The script of every registered page, home first (paths relative to the repository)."""
    return [entry.script for entry in registry.PAGES]


def run_page(page: str = HOME, query: dict | None = None, timeout: float = TIMEOUT) -> AppTest:
    r"""A fresh session on ``page`` with the URL's ``query`` ({name: str or [str, ...]}), run once.

    ``page`` is a page script, or ``app.py`` for what the bare entry point shows (home).
    """
    at = AppTest.from_file(str(ROOT / ENTRY), default_timeout=timeout)
    if page not in (HOME, ENTRY):
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
