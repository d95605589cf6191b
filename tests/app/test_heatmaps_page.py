"""The heatmaps page: its figures carry exactly the core's gradients; training and bad URLs are safe."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import NetworkSpec, run
from backprop.teaching.train import train

from .chart_elements import array, plotly_figures
from .conftest import assert_clean, run_page

PAGE = "pages/5_heatmaps.py"
NETWORKS = {
    "default": ({}, NetworkSpec()),
    "softmax-ce-m1": (
        {"sizes": "3,4,3", "act1": "tanh", "act2": "softmax", "loss": "softmax_ce", "m": "1"},
        NetworkSpec(sizes=(3, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce", batch=1),
    ),
    "one-layer": (
        {"sizes": "2,3", "act1": "relu", "seed": "5"},
        NetworkSpec(sizes=(2, 3), activations=("relu",), seed=5),
    ),
}


def heatmap_arrays(figure: dict) -> list[np.ndarray]:
    return [array(trace["z"]) for trace in figure["data"] if trace["type"] == "heatmap"]


def expected(trace) -> list[np.ndarray]:
    out = []
    for layer in trace.layers:
        out += [layer.dW, layer.db.reshape(1, -1), layer.dZ, layer.dA_prev]
    return out


@pytest.mark.parametrize("name", NETWORKS)
def test_heatmaps_are_the_cores_gradients(name):
    query, spec = NETWORKS[name]
    at = run_page(PAGE, query)
    assert_clean(at)
    grads = plotly_figures(at)[0]
    got, want = heatmap_arrays(grads), expected(run(spec))
    assert len(got) == len(want) == 4 * spec.L
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        np.testing.assert_array_equal(g, w, err_msg=f"panel {k} ({grads['data'][k]['name']})")
    assert all(trace["yaxis"] for trace in grads["data"])
    assert grads["layout"]["yaxis"]["autorange"] == "reversed"  # row 1 on top
    bars = plotly_figures(at)[1]
    np.testing.assert_allclose(array(bars["data"][0]["y"]), [np.linalg.norm(x.dW) for x in run(spec).layers])


def test_one_scale_per_panel_is_centred_on_zero():
    at = run_page(PAGE, {"hm_scale": "panel"})
    assert_clean(at)
    for trace in (x for x in plotly_figures(at)[0]["data"] if x["type"] == "heatmap"):
        z = array(trace["z"])
        assert trace["zmin"] == -trace["zmax"] == -np.abs(z).max()


def test_training_shows_curves_and_the_trained_gradients():
    at = run_page(PAGE, {"hm_steps": "30", "hm_rate": "0.03"})
    assert_clean(at)
    curves, grads = plotly_figures(at)[:2]
    history = train(NetworkSpec(), 0.03, 30)
    np.testing.assert_allclose(array(curves["data"][0]["y"]), history.loss)
    np.testing.assert_array_equal(heatmap_arrays(grads)[0], history.final.layers[0].dW)


def test_demo_button_loads_the_deep_sigmoid_network():
    at = run_page(PAGE)
    at.button(key="hm_demo_deep_sigmoid").click().run()
    assert_clean(at)
    assert at.query_params["sizes"] == "4,8,8,8,8,8,8,2"
    assert len(heatmap_arrays(plotly_figures(at)[0])) == 4 * 7


@pytest.mark.parametrize(
    "query, param",
    [
        ({"hm_rate": "fast"}, "hm_rate"),
        ({"hm_rate": "0.5"}, "hm_rate"),
        ({"hm_steps": "-3"}, "hm_steps"),
        ({"hm_steps": "1e9"}, "hm_steps"),
        ({"hm_steps": "５"}, "hm_steps"),
        ({"hm_scale": ["shared", "panel"]}, "hm_scale"),
        ({"hm_scale": "x" * 10_000}, "hm_scale"),
    ],
)
def test_bad_page_parameters_warn_by_name(query, param):
    at = run_page(PAGE, query)
    assert not at.exception
    assert any(param in w.value for w in at.warning), [w.value for w in at.warning]
