r"""A chart's numbers "as a table" are made when their expander is opened, and reachable by keyboard.

backprop/ui/alternatives.py fills the expander beneath each chart and drawing only while it
is open (a closed one costs a rerun nothing): opening it reruns the page, or the fragment
it is in, and the tables appear; closing it takes them away again. A screen reader user
opens it from the keyboard (its summary is a tab stop: Enter), as checked here on the
heatmaps page (a Plotly chart in a fragment) and the graph page (a Graphviz drawing).
"""

from __future__ import annotations

import pytest
from browser_support import AppPage

from backprop.locales import translate

pytestmark = pytest.mark.browser

_TABLES = ':is([data-testid="stTable"], [data-testid="stDataFrame"])'


def _expander(app: AppPage, key: str):
    """The expander "as a table" of the chart keyed ``key``: its details element."""
    return app.page.locator(f".st-key-tables_{key} details")


def _tables(app: AppPage, key: str) -> int:
    return _expander(app, key).locator(f'[data-testid="stExpanderDetails"] {_TABLES}').count()


def test_a_heatmaps_tables_appear_when_its_expander_is_opened_from_the_keyboard(app: AppPage) -> None:
    app.open("/heatmaps")
    details = _expander(app, "hm_grads")
    summary = details.locator("summary")
    label = summary.locator('[data-testid="stMarkdownContainer"]').inner_text().strip()
    assert label == translate("en", "common.alt_table")
    assert details.get_attribute("open") is None and _tables(app, "hm_grads") == 0

    summary.focus()
    app.act(lambda: app.page.keyboard.press("Enter"))
    assert details.get_attribute("open") is not None
    assert _tables(app, "hm_grads") > 0  # one per panel: every layer's gradients
    assert _tables(app, "hm_norms") == 0  # the other chart's expander is still closed

    app.act(summary.click)  # closed again: its tables are not sent
    app.page.locator(".st-key-tables_hm_grads details:not([open])").wait_for(state="attached")  # it folds up
    assert _tables(app, "hm_grads") == 0


def test_a_drawings_matrices_appear_when_its_expander_is_opened(app: AppPage) -> None:
    app.open("/graph")
    app.wait_for_charts()
    assert _tables(app, "gr_full") == 0
    app.act(_expander(app, "gr_full").locator("summary").click)
    assert _tables(app, "gr_full") > 0
    assert app.page.locator('[data-testid="stGraphVizChart"]').count() == 1  # the drawing is still there
