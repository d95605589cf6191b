"""Pointing at an entry: a click on the diagram or a heatmap cell chooses it for every page and the URL.

AppTest cannot click inside a Plotly chart, so a click is simulated the way the browser
reports one: the chart's widget state becomes Plotly's selection event (a JSON string
holding the clicked point and its ``customdata``), and the page reruns, calling the
chart's on_select callback. tests/browser/test_pointing.py clicks for real.
"""

from __future__ import annotations

import json

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Block, UnknownElement, Widget

from backprop import NetworkSpec, run
from backprop.ui import entry_choice

from .conftest import assert_clean, run_page


class _Clicked(Widget):
    """A Plotly chart whose selection is one clicked point carrying ``customdata``."""

    def __init__(self, chart: UnknownElement, customdata: list) -> None:
        self.proto, self.root, self.type = chart.proto, chart.root, "plotly_chart"
        self.id, self.key, self.disabled, self._value = chart.proto.id, chart.key, False, None
        self._customdata = customdata

    @property
    def value(self):
        return None

    @property
    def _widget_state(self) -> WidgetState:
        point = {"curve_number": 1, "point_number": 0, "point_index": 0, "customdata": self._customdata}
        event = {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}
        return WidgetState(id=self.id, string_value=json.dumps(event))


def click(at, key: str, customdata: list):
    """Click the point carrying ``customdata`` in the chart keyed ``key``, and rerun."""

    def replace(block: Block) -> bool:
        for index, node in block.children.items():
            if isinstance(node, UnknownElement) and node.type == "plotly_chart" and node.key == key:
                block.children[index] = _Clicked(node, customdata)
                return True
            if isinstance(node, Block) and replace(node):
                return True
        return False

    assert replace(at._tree), f"no chart keyed {key}"
    return at.run()


def explorer_value(at) -> float:
    """The backward page's backprop value of the chosen entry (the first row of its comparison table)."""
    return float(at.main.table[-1].value.iloc[0, 0])


def test_a_click_on_a_heatmap_cell_chooses_it_for_the_url_and_the_backward_page():
    at = run_page("pages/5_heatmaps.py")
    click(at, "hm_grads", ["W", 2, 3, 1])
    assert_clean(at)
    assert {p: at.query_params[p] for p in ("layer", "var", "i", "j")} == {
        "layer": "2",
        "var": "W",
        "i": "3",
        "j": "1",
    }
    dW = run(NetworkSpec()).layers[1].dW
    assert any("w_{31}^{(2)}" in m.value and str(round(dW[2, 0], 2))[:4] in m.value for m in at.markdown)
    at.switch_page("pages/2_backward.py").run()
    assert_clean(at)
    assert at.radio(key="bw_layer").value == 2 and at.radio(key="bw_var").value == "W"
    assert (at.selectbox(key="bw_i_W").value, at.selectbox(key="bw_j_W").value) == (3, 1)
    assert explorer_value(at) == dW[2, 0]


def test_a_click_on_a_diagram_unit_chooses_its_bias_and_the_symbolic_page_follows():
    at = run_page("pages/2_backward.py")
    click(at, "bw_diagram", ["b", 2, 0, 2])
    assert_clean(at)
    assert at.radio(key="bw_layer").value == 2 and at.radio(key="bw_var").value == "b"
    assert at.selectbox(key="bw_j_b").value == 2 and "i" not in at.query_params
    assert explorer_value(at) == run(NetworkSpec()).layers[1].db[1]
    at.switch_page("pages/3_symbolic.py").run()
    assert_clean(at)
    assert (at.radio(key="sy_layer").value, at.radio(key="sy_var").value) == (2, "b")
    assert at.selectbox(key="sy_j_b").value == 2


def test_an_input_unit_keeps_the_chosen_sample_and_an_edge_names_its_weight():
    at = run_page("pages/2_backward.py", {"layer": "1", "var": "A_prev", "i": "3", "j": "1"})
    click(at, "bw_diagram", ["A_prev", 1, 0, 2])
    assert (at.selectbox(key="bw_i_A_prev").value, at.selectbox(key="bw_j_A_prev").value) == (3, 2)
    click(at, "bw_diagram", ["W", 1, 2, 4])
    assert_clean(at)
    assert (at.selectbox(key="bw_i_W").value, at.selectbox(key="bw_j_W").value) == (2, 4)
    assert explorer_value(at) == run(NetworkSpec()).layers[0].dW[1, 3]


def test_a_pick_on_one_page_is_the_pick_on_the_other():
    at = run_page("pages/3_symbolic.py", {"lang": "zh"})
    at.radio(key="sy_var").set_value("A_prev").run()
    at.selectbox(key="sy_i_A_prev").set_value(4).run()
    assert_clean(at)
    at.switch_page("pages/2_backward.py").run()
    assert_clean(at)
    assert at.radio(key="bw_var").value == "A_prev" and at.selectbox(key="bw_i_A_prev").value == 4
    assert explorer_value(at) == run(NetworkSpec()).layers[0].dA_prev[3, 0]


@pytest.mark.parametrize(
    "chosen, fits",
    [
        (entry_choice.Entry(2, "W", 4, 2), entry_choice.Entry(2, "W", 4, 2)),
        (entry_choice.Entry(3, "W", 1, 1), entry_choice.Entry(1, "W", 1, 1)),  # no layer 3: layer 1
        (entry_choice.Entry(1, "W", 4, 5), entry_choice.Entry(1, "W", 1, 1)),  # W^(1) is 3 × 4
        (entry_choice.Entry(2, "b", 9, 2), entry_choice.Entry(2, "b", 1, 2)),  # b has no row
        (entry_choice.Entry(2, "A_prev", 4, 4), entry_choice.Entry(2, "A_prev", 4, 4)),  # A^(1) is 4 × 4
    ],
)
def test_an_entry_is_fitted_to_the_network(chosen, fits):
    assert entry_choice.fitted(NetworkSpec(), chosen) == fits
    assert fits.array_index == ((fits.j - 1,) if fits.var == "b" else (fits.i - 1, fits.j - 1))
