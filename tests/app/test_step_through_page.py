"""The step-through page: the step in the URL, back and forward, the core's numbers, the ledger."""

from __future__ import annotations

import re

from backprop import NetworkSpec, run
from backprop.derivation.exact import exact_run
from backprop.derivation.steps import backward_steps

from .conftest import assert_clean, run_page, texts

PAGE = "pages/9_step_through.py"
RAW_KEY = re.compile(r"\bsteps\.[a-z_]+\b")


def shown(at) -> list[str]:
    return [x.value.strip("$\n ") for x in at.latex]


def test_the_url_step_is_shown_with_the_cores_numbers_and_ledger():
    steps = backward_steps(run(NetworkSpec()))
    at = run_page(PAGE, {"step": "3"})
    assert_clean(at)
    assert not RAW_KEY.search(texts(at))
    step = steps[2]
    assert shown(at)[:3] == [step.formula_line(), step.numbers_line(), step.result_line()]
    table = at.dataframe[0].value
    used = table[table.iloc[:, 3] == "✓"].iloc[:, 0].tolist()
    assert used == ["A^(1)", "dZ^(2)"]


def test_back_and_forward_move_the_step_and_the_url():
    steps = backward_steps(run(NetworkSpec()))
    at = run_page(PAGE, {"step": "1"})
    assert at.button(key="st_back").disabled
    at.button(key="st_forward").click().run()
    assert at.query_params["step"] == "2" and shown(at)[0] == steps[1].formula_line()
    at.button(key="st_forward").click().run().button(key="st_back").click().run()
    assert at.query_params["step"] == "2"
    at = run_page(PAGE, {"step": str(len(steps))})
    assert at.button(key="st_forward").disabled


def test_hand_calculation_mode_shows_exact_fractions():
    query = {
        "sizes": "2,3,1",
        "act1": "relu",
        "act2": "identity",
        "init": "integers",
        "reduction": "mean",
        "m": "3",
    }
    spec = NetworkSpec((2, 3, 1), ("relu", "identity"), reduction="mean", batch=3, init="integers")
    exact = backward_steps(exact_run(spec))
    at = run_page(PAGE, query | {"step": "1"})
    assert_clean(at)
    assert at.radio(key="st_numbers").value == "exact"
    assert shown(at)[2] == exact[0].result_line() and r"\frac" in shown(at)[2]
    at.radio(key="st_numbers").set_value("decimal").run()
    assert shown(at)[2] == backward_steps(run(spec))[0].result_line()


def test_a_bad_step_in_the_url_is_named_and_a_network_without_exact_mode_says_why():
    at = run_page(PAGE, {"step": "99", "numbers": "exact"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "step" in warnings and "numbers" in warnings
    assert "hand-calculation mode" in texts(at)
