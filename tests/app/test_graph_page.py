"""The graph page: a node for every layer quantity, the neuron and layer drawings, safe URLs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backprop import NetworkSpec
from backprop.ui.diagrams import quantity_nodes
from backprop.ui.dot import FONT_PT

from .chart_elements import dot_nodes, graphviz_dots
from .conftest import assert_clean, run_page

PAGE = "pages/6_graph.py"
NETWORKS = {
    "default": ({}, NetworkSpec()),
    "softmax-ce-m1": (
        {"sizes": "3,4,3", "act1": "tanh", "act2": "softmax", "loss": "softmax_ce", "m": "1"},
        NetworkSpec(sizes=(3, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce", batch=1),
    ),
    "four-layers": (
        {"sizes": "2,3,3,3,2", "act1": "relu", "act2": "tanh", "act3": "sigmoid", "act4": "identity"},
        NetworkSpec(sizes=(2, 3, 3, 3, 2), activations=("relu", "tanh", "sigmoid", "identity")),
    ),
    "wide": ({"sizes": "30,20,2", "act1": "sigmoid", "act2": "identity"}, NetworkSpec(sizes=(30, 20, 2))),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_full_graph_has_a_node_for_every_layer_quantity(name):
    query, spec = NETWORKS[name]
    at = run_page(PAGE, query)
    assert_clean(at)
    (dot,) = graphviz_dots(at)
    nodes = dot_nodes(dot)
    missing = {q: n for q, n in quantity_nodes(spec).items() if n not in nodes}
    assert not missing, missing
    assert {"X", "Y", "loss"} <= nodes


def test_neuron_view_has_every_neuron():
    at = run_page(PAGE, {"gr_view": "neurons", "gr_sample": "2"})
    assert_clean(at)
    (dot,) = graphviz_dots(at)
    assert {f"n{l}_{i}" for l, n in enumerate((3, 4, 2)) for i in range(n)} <= dot_nodes(dot)
    assert "sample 2" in dot


def test_neuron_view_is_refused_for_wide_networks():
    query = {**NETWORKS["wide"][0], "gr_view": "neurons"}
    at = run_page(PAGE, query)
    assert not at.exception
    assert any("gr_view" in w.value for w in at.warning)
    assert len(graphviz_dots(at)) == 1


def test_layer_view_draws_forward_and_backward():
    at = run_page(PAGE, {"gr_view": "layer", "gr_layer": "2", "gr_sample": "4"})
    assert_clean(at)
    forward, backward = graphviz_dots(at)
    assert {"in0", "in3", "sum0", "sum1", "out1"} <= dot_nodes(forward)
    assert {"dA", "dZ", "dW", "db", "dA_prev"} <= dot_nodes(backward)
    assert at.query_params["gr_layer"] == "2"


@pytest.mark.parametrize(
    "query, param",
    [
        ({"gr_view": "everything"}, "gr_view"),
        ({"gr_view": "layer", "gr_layer": "3"}, "gr_layer"),
        ({"gr_view": "layer", "gr_layer": "0x1"}, "gr_layer"),
        ({"gr_view": "neurons", "gr_sample": "5"}, "gr_sample"),
        ({"gr_view": "neurons", "gr_sample": ["1", "2"]}, "gr_sample"),
    ],
)
def test_bad_page_parameters_warn_by_name(query, param):
    at = run_page(PAGE, query)
    assert not at.exception
    assert any(param in w.value for w in at.warning), [w.value for w in at.warning]


def test_chinese_labels():
    at = run_page(PAGE, {"lang": "zh"})
    assert_clean(at)
    assert "损失" in graphviz_dots(at)[0]


def test_wide_networks_are_drawn_at_layer_level_with_a_note_and_zoom_is_in_the_url():
    at = run_page(PAGE, {**NETWORKS["wide"][0], "gr_zoom": "150"})
    assert_clean(at)
    assert any("layer level" in i.value for i in at.info)
    assert "fontsize=16.5" in graphviz_dots(at)[0]
    at = run_page(PAGE, {"lang": "zh"})
    assert not at.info and "fontsize=11" in graphviz_dots(at)[0]


def test_each_zoom_s_style_gives_the_labels_the_size_graphviz_laid_them_out_for():
    source = Path(PAGE).read_text()
    for zoom in ("100", "150", "200"):
        size = f"{FONT_PT * int(zoom) / 100:g}px"
        assert re.search(
            rf"\.st-key-gr_at_{zoom} svg text[^{{]*{{ font-size: {re.escape(size)}; }}", source
        ), zoom


@pytest.mark.parametrize("view", ["neurons", "layer"])
def test_every_view_in_chinese_has_typeset_math_and_no_english(view):
    # test_zh_complete renders the default view; the other views' titles and notes are checked here
    from shown_text import caret_math, latin_words, shown_texts

    at = run_page(PAGE, {"lang": "zh", "gr_view": view, "gr_layer": "2"})
    assert_clean(at)
    shown = [text for _, text in shown_texts(at)]
    assert not [found for text in shown if (found := caret_math(text) + latin_words(text))], shown
    if view == "layer":
        assert any("第 2 层反向" in text and "A^{(1)}" in text for text in shown), shown
