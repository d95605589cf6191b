r"""Pointing in the browser: a click on a gradient heatmap cell or on a unit of the network diagram
chooses that entry, and the backward page's explorer shows it.

The point to click is found from the drawn chart itself: every clickable point carries
``customdata`` = [var, l, i, j] (backprop/ui/plots.py, network_figure.py), and Plotly's
axes turn its data coordinates into pixels. The click lands off the point's centre, inside
the cell, as a student's would. The numbers read back are the core's (``backprop.run``).
"""

from __future__ import annotations

import pytest
from browser_support import AppPage, console_errors, widget_values

from backprop.core.network import run
from backprop.core.spec import NetworkSpec

pytestmark = pytest.mark.browser

# The screen position of the point whose customdata is `cd` in the Plotly chart keyed `key`.
_POINT = """
([key, cd]) => {
  const gd = document.querySelector(`.st-key-alt_${key} .js-plotly-plot`);
  const box = gd.getBoundingClientRect(), layout = gd._fullLayout;
  for (const trace of gd._fullData) {
    if (trace.meta !== 'pick' || !trace.customdata) continue;
    const want = JSON.stringify(cd.map(String));
    const k = trace.customdata.findIndex(d => JSON.stringify(d.map(String)) === want);
    if (k < 0) continue;
    const xa = layout[trace.xaxis.replace('x', 'xaxis')], ya = layout[trace.yaxis.replace('y', 'yaxis')];
    return [box.left + xa._offset + xa.l2p(trace.x[k]), box.top + ya._offset + ya.l2p(trace.y[k])];
  }
  return null;
}
"""


def click_point(app: AppPage, key: str, customdata: list, off: tuple[int, int] = (0, 0)) -> None:
    """Click the point of chart ``key`` carrying ``customdata``, ``off`` px off centre; wait for the run."""
    chart = app.page.locator(f".st-key-alt_{key}")
    chart.scroll_into_view_if_needed()
    app.wait_for_charts()
    where = app.page.evaluate(_POINT, [key, customdata])
    assert where is not None, f"no point {customdata} in chart {key}"
    x, y = where[0] + off[0], where[1] + off[1]
    app.page.mouse.move(x, y)  # Plotly picks the point under the pointer on hover, then on click
    app.act(lambda: app.page.mouse.click(x, y))


def test_a_heatmap_cell_and_a_diagram_unit_choose_the_backward_pages_entry(app: AppPage) -> None:
    trace = run(NetworkSpec())
    app.open("/heatmaps")
    click_point(app, "hm_grads", ["W", 1, 3, 2], off=(6, 5))  # ∂L/∂w_32^(1), inside its cell
    assert "layer=1" in app.page.url and "i=3" in app.page.url and "j=2" in app.page.url

    link = app.page.locator('[data-testid="stMain"] a[data-testid="stPageLink-NavLink"]')
    app.act(link.filter(has_text="Backward pass").click)
    values = widget_values(app)
    assert (values["bw_layer"], values["bw_i_W"], values["bw_j_W"]) == ("1", "3", "2"), values
    assert _explorer_value(app) == pytest.approx(trace.layers[0].dW[2, 1], rel=5e-3)

    click_point(app, "bw_diagram", ["b", 2, 0, 2])  # the second output unit: its bias b_2^(2)
    # another layer: the explorer's own rerun hands over to a rerun of the whole page (st.rerun)
    app.page.locator(".st-key-bw_j_b input").wait_for()
    app.settle()
    values = widget_values(app)
    assert (values["bw_layer"], values["bw_var"], values["bw_j_b"]) == ("2", "b⁽²⁾", "2"), values
    assert _explorer_value(app) == pytest.approx(trace.layers[1].db[1], rel=5e-3)
    assert "layer=2" in app.page.url and "var=b" in app.page.url
    assert not console_errors(app)


def _explorer_value(app: AppPage) -> float:
    """The value the explorer prints beside its pickers: ∂L/∂x = value (KaTeX's TeX source)."""
    source = app.page.locator(".st-key-bw_value annotation").first.text_content()
    return float(source.rsplit("=", 1)[1].replace(r"\times 10^{", "e").replace("}", "").replace(" ", ""))


_DIAGRAM = "document.querySelector('.st-key-alt_bw_diagram .js-plotly-plot')"

# The diagram's points drawn with the chosen entry's outline, as [customdata...] of each.
_OUTLINED = """
() => [...document.querySelectorAll('.st-key-alt_bw_diagram .point')]
  .filter(p => getComputedStyle(p).filter.includes('drop-shadow'))
  .map(p => {
    const gd = p.closest('.js-plotly-plot'), g = p.closest('g.trace');
    const trace = [...g.parentNode.children].indexOf(g), k = [...p.parentNode.children].indexOf(p);
    return gd._fullData[trace].customdata[k].map(String);
  })
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_pick_outlines_its_point_without_drawing_the_diagram_again(app: AppPage, lang: str) -> None:
    app.open(f"/backward?layer=1&var=W&i=2&j=3&lang={lang}")
    app.wait_for_charts()
    assert app.page.evaluate(_OUTLINED) == [["W", "1", "2", "3"]]
    # Plotly makes its full layout anew each time it draws: a mark on it lasts while nothing is redrawn
    app.page.evaluate(f"() => {{ {_DIAGRAM}._fullLayout.__kept = true; }}")
    field = app.page.locator(".st-key-bw_i_W input[role='combobox']")
    field.focus()
    field.press("ArrowDown")
    app.act(app.page.locator('[role="listbox"] [role="option"]').nth(2).click)  # row i = 3
    assert widget_values(app)["bw_i_W"] == "3"
    assert app.page.evaluate(_OUTLINED) == [["W", "1", "3", "3"]]
    assert app.page.evaluate(f"() => {_DIAGRAM}._fullLayout.__kept === true")  # the same figure, as drawn

    click_point(app, "bw_diagram", ["W", 1, 1, 2])  # a click on the diagram moves the outline too
    app.settle()
    assert app.page.evaluate(_OUTLINED) == [["W", "1", "1", "2"]]
    assert not console_errors(app)
