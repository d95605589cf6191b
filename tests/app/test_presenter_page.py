"""Presenter mode: one step per slide, answers hidden until revealed, the slide in the URL."""

from __future__ import annotations

from backprop import NetworkSpec, run
from backprop.derivation.steps import backward_steps, large

from .conftest import assert_clean, run_page, texts

PAGE = "pages/10_presenter.py"


def test_answers_stay_hidden_until_revealed_one_at_a_time():
    step = backward_steps(run(NetworkSpec()), digits=3)[2]
    at = run_page(PAGE, {"slide": "3"})
    assert_clean(at)
    assert "Predict the sign and the shape first" in texts(at)
    assert [x.value.strip("$\n ") for x in at.latex] == [large(step.lhs + r" = \;?", "Huge")]
    expected = [
        large(step.shape_line(), "huge"),
        large(step.formula_line(), "LARGE"),
        large(step.numbers_line(), "large"),
        large(step.result_line(), "large"),
    ]
    for stage in range(1, 5):
        at.button(key="ps_reveal").click().run()
        latex = [x.value.strip("$\n ") for x in at.latex]
        assert latex[1 : 1 + stage] == expected[:stage]
    assert r"\operatorname{sgn}" in at.latex[-1].value and "positive" in texts(at)
    at.button(key="ps_hide").click().run()
    assert len(at.latex) == 1


def test_next_and_previous_slides_and_the_url():
    at = run_page(PAGE, {"slide": "1"})
    at.button(key="ps_next").click().run()
    assert at.query_params["slide"] == "2" and len(at.latex) == 1  # a new slide starts hidden
    at.button(key="ps_back").click().run()
    assert at.query_params["slide"] == "1" and at.button(key="ps_back").disabled


def test_presenter_in_chinese_with_exact_numbers():
    query = {
        "lang": "zh",
        "sizes": "2,2,1",
        "act1": "relu",
        "act2": "identity",
        "init": "integers",
        "slide": "2",
    }
    at = run_page(PAGE, query)
    assert_clean(at)
    assert "先预测符号和形状" in texts(at)
