"""The symbolic page: SymPy's whole-network entry beside its value; past the limits, the per-layer view."""

from __future__ import annotations

import pytest

from backprop import NetworkSpec, run
from backprop.symbolic import generic_derivation, matrix_derivation, network_entry
from backprop.symbolic.network import limit_for

from .conftest import assert_clean, run_page

PAGE = "pages/3_symbolic.py"


def shown_values(at) -> dict[str, float]:
    table = at.table[0].value
    return dict(zip(table.index, table.iloc[:, 0], strict=True))


@pytest.mark.parametrize(
    "query, spec, var, l, index",
    [
        ({}, NetworkSpec(), "W", 1, (0, 0)),
        ({"layer": "2", "var": "A_prev", "i": "3", "j": "4"}, NetworkSpec(), "A_prev", 2, (2, 3)),
        # a link shared before one entry served every page, in the symbolic page's own names
        ({"sy_layer": "2", "sy_var": "A_prev", "sy_i": "3", "sy_j": "4"}, NetworkSpec(), "A_prev", 2, (2, 3)),
        (
            {"sizes": "3,4,3", "act1": "tanh", "act2": "softmax", "loss": "softmax_ce", "m": "1",
             "layer": "2", "var": "b", "j": "3"},
            NetworkSpec(sizes=(3, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce", batch=1),
            "b", 2, (2,),
        ),
    ],
)  # fmt: skip
def test_sympy_entry_beside_its_value(query, spec, var, l, index):
    at = run_page(PAGE, query)
    assert_clean(at)
    trace = run(spec)
    entry = network_entry(trace, var, l, index)
    assert entry.latex in [x.value.strip("$\n") for x in at.latex]
    values = shown_values(at)
    core = {"W": trace.layers[l - 1].dW, "b": trace.layers[l - 1].db, "A_prev": trace.layers[l - 1].dA_prev}[
        var
    ]
    assert values["backprop"] == core[index]
    assert values["SymPy (whole network)"] == pytest.approx(core[index], rel=1e-10, abs=1e-14)
    assert not any(name.startswith("sy_") for name in at.query_params)  # the URL names it the current way


def test_past_the_limit_it_names_the_limit_and_offers_the_layer():
    spec = NetworkSpec(sizes=(20, 20, 20), activations=("tanh", "identity"))
    limit = limit_for(spec)
    assert limit is not None
    at = run_page(PAGE, {"sizes": "20,20,20", "act1": "tanh", "act2": "identity"})
    assert_clean(at)
    message = at.info[-1].value
    assert f"= {limit.size}" in message and f"limit {limit.limit}" in message
    assert any(r"\sum_{s=1}^{4}" in x.value for x in at.latex)  # the per-layer element sum
    assert "SymPy (whole network)" not in shown_values(at)


@pytest.mark.parametrize("var", ["W", "b", "A_prev"])
def test_generic_and_matrix_derivations_are_the_engines(var):
    at = run_page(PAGE, {"var": var})
    assert_clean(at)
    shown = [x.value.strip("$\n") for x in at.latex]
    for step in generic_derivation().steps[var] + matrix_derivation().steps:
        assert step in shown
    assert any(r"\delta" in x for x in shown)


def test_softmax_layer_shows_the_jacobian_and_the_shortcut():
    query = {"sizes": "3,4,3", "act1": "tanh", "act2": "softmax", "loss": "softmax_ce", "layer": "2"}
    at = run_page(PAGE, query)
    assert_clean(at)
    shown = [x.value.strip("$\n") for x in at.latex]
    assert r"\frac{\partial p_{i}}{\partial z_{j}} = p_{i}\left(\delta_{ij} - p_{j}\right)" in shown
    assert any("A^{(L)} - Y" in x for x in shown)


@pytest.mark.parametrize(
    "query, param",
    [
        ({"layer": "3"}, "layer"),
        ({"var": "Z"}, "var"),
        ({"i": "0"}, "i"),
        ({"j": "２"}, "j"),
        ({"var": "b", "j": ["1", "2"]}, "j"),
    ],
)
def test_bad_page_parameters_warn_by_name(query, param):
    at = run_page(PAGE, query)
    assert not at.exception
    assert any(param in w.value for w in at.warning), [w.value for w in at.warning]


def test_chinese():
    at = run_page(PAGE, {"lang": "zh"})
    assert_clean(at)
    assert "SymPy（整个网络）" in shown_values(at)


def test_a_derivation_past_its_time_budget_is_stopped_and_not_cached(monkeypatch):
    from backprop.ui import results

    monkeypatch.setattr(results, "NETWORK_SECONDS", 0.01)
    query = {"seed": "987", "var": "b", "j": "2"}
    at = run_page(PAGE, query)
    assert_clean(at)
    assert any("did not finish" in x.value for x in at.info)
    assert any(r"\sum_{s=1}^{4}" in x.value for x in at.latex)  # the per-layer view instead
    monkeypatch.setattr(results, "NETWORK_SECONDS", 30.0)
    at = run_page(PAGE, query)
    assert_clean(at)
    assert "SymPy (whole network)" in shown_values(at)


def test_sympys_steps_open_at_first_when_short_and_are_drawn_only_while_open():
    # 40 steps: closed at first, and empty while closed (a pick does not redraw hidden LaTeX)
    at = run_page(PAGE)
    box = at.expander(key="sy_steps")
    assert not box.proto.expanded and not box.children
    at.session_state["sy_steps"] = True  # as a click on its summary does (its rerun fills it)
    at.run()
    assert_clean(at)
    steps = network_entry(run(NetworkSpec()), "W", 1, (0, 0)).steps_latex
    shown = [x.value.strip("$\n ") for x in at.expander(key="sy_steps").latex]
    assert shown == list(steps) and len(steps) == 40
    # another entry with as many steps: the box stays open and shows that entry's
    at.selectbox(key="sy_i_W").set_value("2").run()
    assert_clean(at)
    other = network_entry(run(NetworkSpec()), "W", 1, (1, 0))
    assert at.query_params["i"] == "2" and at.expander(key="sy_steps").proto.expanded
    assert [x.value.strip("$\n ") for x in at.expander(key="sy_steps").latex] == list(other.steps_latex)
    # 4 steps (a 2-1 network): open at first, and filled
    at = run_page(PAGE, {"sizes": "2,1", "act1": "identity", "m": "1"})
    assert_clean(at)
    box = at.expander(key="sy_steps")
    short = network_entry(run(NetworkSpec(sizes=(2, 1), activations=("identity",), batch=1)), "W", 1, (0, 0))
    assert box.proto.expanded and [x.value.strip("$\n ") for x in box.latex] == list(short.steps_latex)
