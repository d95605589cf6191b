"""The check page: the correct pass passes, every classic mistake is caught, the figures are the core's."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import NetworkSpec
from backprop.core.gradcheck import check
from backprop.derivation.classic_mistakes import MISTAKES, check_mistake, harmless_here
from backprop.derivation.three_way import SYMBOLIC_TOLERANCE, three_way

from .chart_elements import array, plotly_figures
from .conftest import assert_clean, run_page

PAGE = "pages/4_check.py"
NETWORKS = {
    "default": ({}, NetworkSpec()),
    "softmax-ce-m1": (
        {"sizes": "3,4,3", "act1": "tanh", "act2": "softmax", "loss": "softmax_ce", "m": "1"},
        NetworkSpec(sizes=(3, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce", batch=1),
    ),
    "square-m3": (
        {"sizes": "3,3,3", "act1": "relu", "act2": "identity", "m": "3", "seed": "4"},
        NetworkSpec(sizes=(3, 3, 3), activations=("relu", "identity"), batch=3, seed=4),
    ),
}


def verdict(at) -> str:
    return {m.label: m.value for m in at.metric}["Verdict"]


@pytest.mark.parametrize("name", NETWORKS)
def test_correct_backward_passes_and_every_mistake_is_caught(name):
    query, spec = NETWORKS[name]
    at = run_page(PAGE, query)
    assert_clean(at)
    assert verdict(at) == "PASS"
    for mistake in MISTAKES:
        at.selectbox(key="ck_mistake").set_value(mistake).run()
        assert not at.exception, mistake
        outcome = check_mistake(spec, mistake)
        shown = [w.value for w in at.warning]
        if outcome.refusal is not None:
            assert any("shapes refuse" in w and outcome.refusal.what in w for w in shown), (mistake, shown)
            assert not at.metric  # nothing compared
        elif harmless_here(spec, mistake):
            assert verdict(at) == "PASS" and at.info, mistake
        else:
            assert verdict(at) == "FAIL", mistake
            assert any("catches the mistake" in s.value for s in at.success), mistake
        assert at.query_params["ck_mistake"] == mistake


def test_error_heatmaps_and_table_are_the_cores_check():
    at = run_page(PAGE)
    assert_clean(at)
    report = check(NetworkSpec())
    figure = plotly_figures(at)[0]
    panels = {trace["name"]: array(trace["customdata"]) for trace in figure["data"]}
    by_entry = {(e.variable, e.l, e.index): e.rel_error for e in report.entries}
    assert panels["∂L/∂W⁽¹⁾"][2, 3] == pytest.approx(by_entry[("W", 1, (2, 3))], rel=1e-12, abs=0)
    assert panels["∂L/∂b⁽²⁾"].ravel()[1] == pytest.approx(by_entry[("b", 2, (1,))], rel=1e-12, abs=0)
    table = at.dataframe[0].value
    assert len(table) == len(report.entries)
    np.testing.assert_allclose(table["backprop"].to_numpy(), [e.backprop for e in report.entries])
    np.testing.assert_allclose(table["finite difference"].to_numpy(), [e.numeric for e in report.entries])
    assert table["entry"].iloc[0] == "(1, 1)"
    three = three_way(NetworkSpec())
    np.testing.assert_array_equal(table["SymPy"].to_numpy(), [e.symbolic for e in three.entries])
    assert (table["relative error SymPy vs backprop"] <= SYMBOLIC_TOLERANCE).all()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["SymPy ↔ backprop, worst"] == f"{three.worst('symbolic_backprop'):.2e}"


def test_past_the_symbolic_limit_the_check_still_runs_without_sympy():
    at = run_page(PAGE, {"sizes": "20,30,2", "act1": "tanh", "act2": "identity"})
    assert_clean(at)
    assert any("SymPy leg is skipped" in x.value for x in at.info)
    assert verdict(at) == "PASS"
    assert "SymPy" not in at.dataframe[0].value.columns


def test_mean_mistake_is_harmless_with_one_sample():
    at = run_page(PAGE, {"m": "1", "ck_mistake": "mean_not_sum"})
    assert_clean(at)
    assert verdict(at) == "PASS" and "m = 1" in at.info[0].value


@pytest.mark.parametrize(
    "query, param",
    [
        ({"ck_mistake": "W_not_transposed"}, "ck_mistake"),
        ({"ck_mistake": ["none", "forgot_g_prime"]}, "ck_mistake"),
        ({"ck_mistake": "<script>"}, "ck_mistake"),
    ],
)
def test_bad_page_parameters_warn_by_name(query, param):
    at = run_page(PAGE, query)
    assert not at.exception
    assert any(param in w.value for w in at.warning), [w.value for w in at.warning]
    assert verdict(at) == "PASS"


def test_chinese():
    at = run_page(PAGE, {"lang": "zh", "ck_mistake": "forgot_g_prime"})
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}["结论"] == "未通过"


def test_a_three_way_check_past_its_budget_falls_back_to_finite_differences(monkeypatch):
    from backprop.ui import results

    monkeypatch.setattr(results, "CHECK_SECONDS", 0.01)
    at = run_page(PAGE, {"seed": "321"})
    assert_clean(at)
    assert any("did not finish" in x.value for x in at.info)
    assert verdict(at) == "PASS" and "SymPy" not in at.dataframe[0].value.columns


def _counting_entries(monkeypatch) -> list:
    """Count the five-point estimates computed in this (the server's) process."""
    from backprop.core import gradcheck

    calls = []
    real = gradcheck._five_point

    def counted(*args, **kwargs):
        calls.append(args[4:7])
        return real(*args, **kwargs)

    monkeypatch.setattr(gradcheck, "_five_point", counted)
    return calls


def test_past_the_in_process_budget_the_fallback_runs_in_a_child(monkeypatch):
    from backprop.ui import limits, results

    monkeypatch.setattr(results, "CHECK_SECONDS", 0.01)
    monkeypatch.setattr(limits, "IN_PROCESS_MULTIPLY_ADDS", 0)
    in_process = _counting_entries(monkeypatch)
    at = run_page(PAGE, {"seed": "322"})
    assert in_process == [], "finite differences ran in the server's process"
    assert_clean(at)
    assert verdict(at) == "PASS" and len(at.dataframe[0].value) == len(check(NetworkSpec(seed=322)).entries)


def test_under_the_in_process_budget_the_fallback_costs_what_it_says(monkeypatch):
    from backprop.derivation.classic_mistakes import sample_size
    from backprop.ui import limits, results

    monkeypatch.setattr(results, "CHECK_SECONDS", 0.01)
    in_process = _counting_entries(monkeypatch)
    at = run_page(PAGE, {"seed": "323"})
    assert_clean(at)
    assert verdict(at) == "PASS"
    spec = NetworkSpec(seed=323)
    cost = len(in_process) * limits.FORWARDS_PER_ESTIMATE * limits.multiply_adds(spec)
    assert in_process and cost <= limits.finite_difference_cost(spec, sample_size(spec))
    assert cost <= limits.IN_PROCESS_MULTIPLY_ADDS


def test_when_no_check_finishes_in_its_budget_the_page_says_so(monkeypatch):
    from backprop.ui import limits, results

    monkeypatch.setattr(results, "CHECK_SECONDS", 0.01)
    monkeypatch.setattr(results, "REFERENCE_SECONDS", 0.01)
    monkeypatch.setattr(limits, "IN_PROCESS_MULTIPLY_ADDS", 0)
    at = run_page(PAGE, {"seed": "324"})
    assert not at.exception and not at.metric and not at.dataframe
    assert any("could not be checked" in w.value and "timeout" in w.value for w in at.warning), at.warning


def test_finite_difference_cost_counts_every_forward_pass(monkeypatch):
    from backprop.core import gradcheck
    from backprop.ui import limits

    passes = []
    real = gradcheck.forward
    monkeypatch.setattr(gradcheck, "forward", lambda *a, **k: passes.append(1) or real(*a, **k))
    spec = NetworkSpec(sizes=(5, 6, 4, 3), activations=("relu", "tanh", "identity"), batch=7)
    for max_entries in (None, 3):
        passes.clear()
        check(spec, max_entries=max_entries)
        assert (
            0 < len(passes) * limits.multiply_adds(spec) <= limits.finite_difference_cost(spec, max_entries)
        )


def test_past_the_heatmap_budget_the_table_stands_alone():
    from backprop.ui import results

    spec = NetworkSpec(sizes=(150, 150, 1), activations=("tanh", "identity"), batch=1)
    assert results.heatmap_cells(spec) == 150 + 151 * 150 + 151 > results.HEATMAP_CELLS
    at = run_page(PAGE, {"sizes": "150,150,1", "act1": "tanh", "m": "1"})
    assert_clean(at)
    assert not plotly_figures(at) and len(at.dataframe[0].value) > 0
    assert any("more than the 20,000 the heatmaps draw" in c.value for c in at.caption), at.caption
