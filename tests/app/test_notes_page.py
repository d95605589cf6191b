"""The notes page: English and Chinese with no raw key; the core's verdicts on screen; the language kept."""

from __future__ import annotations

import re

import pytest

from backprop import NetworkSpec, run
from backprop.teaching import notes
from backprop.ui.i18n import translate

from .conftest import assert_clean, run_page, texts

PAGE = "pages/7_notes.py"
RAW_KEY = re.compile(r"\bnotes\.[a-z_]+\.[a-zA-Z_.]+|\bnotes\.(?:title|intro|summary|layer|sample)\b")
NETWORKS = {
    "default": {},
    "softmax-ce-m1": {"sizes": "3,3,3", "m": "1", "act1": "relu", "act2": "softmax", "loss": "softmax_ce"},
    "one-layer": {"sizes": "3,2", "act1": "identity"},
    "bce-mean": {"sizes": "2,3,1", "act1": "tanh", "act2": "sigmoid", "loss": "bce", "reduction": "mean"},
    "wide": {"sizes": "20,12,2", "m": "12"},
}


def shown(at) -> str:
    labels = [w.label for kind in ("radio", "selectbox", "tabs", "expander") for w in getattr(at, kind)]
    return texts(at) + "\n" + "\n".join(str(label) for label in labels)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("network", NETWORKS, ids=list(NETWORKS))
def test_page_renders_without_raw_keys(network, lang):
    at = run_page(PAGE, {**NETWORKS[network], "lang": lang})
    assert_clean(at)
    text = shown(at)
    assert not RAW_KEY.search(text), RAW_KEY.search(text)
    assert at.title[0].value == translate(lang, "notes.title")
    if lang == "zh":
        assert "讲义" in text and "验证通过" in text


def test_summary_and_verdicts_are_the_cores():
    at = run_page(PAGE, {"layer": "1", "sample": "2"})
    assert_clean(at)
    tour = notes.walk(run(NetworkSpec()), 1, 1)
    verdicts = [step.verdict for step in tour.steps]
    summary = translate(
        "en",
        "notes.summary",
        verified=verdicts.count("verified"),
        total=len(verdicts),
        unjudged=verdicts.count("unjudged"),
        refuted=verdicts.count("refuted"),
        mistakes=13,
        corrected=13,
    )
    assert summary in texts(at)
    # a counterexample's numbers on screen are the core's
    five = next(m for m in tour.mistakes if m.number == 5)
    line = next(e for e in five.refutation.evidence if e.key == "counterexample")
    assert translate("en", "notes.evidence.counterexample", **line.params) in texts(at)


def test_the_figures_the_notes_lack_are_drawn():
    at = run_page(PAGE)
    assert len(at.get("graphviz_chart")) == 3


def test_language_survives_a_page_switch_and_a_shared_url():
    at = run_page(PAGE, {"lang": "zh", "sizes": "2,3,2", "layer": "1"})
    assert at.title[0].value == "讲义逐步验证" and at.query_params["lang"] == "zh"
    at.switch_page("pages/2_backward.py").run()
    assert at.title[0].value == translate("zh", "backward.title") and at.query_params["lang"] == "zh"
    at.switch_page(PAGE).run()
    assert at.title[0].value == "讲义逐步验证" and at.query_params["sizes"] == "2,3,2"
    shared = run_page(PAGE, dict(at.query_params))  # the link someone else opens
    assert_clean(shared)
    assert shared.title[0].value == "讲义逐步验证" and shared.radio(key="nt_layer").value == 1


def test_choices_go_into_the_url():
    at = run_page(PAGE)
    at.radio(key="nt_layer").set_value(1).run()
    at.selectbox(key="nt_sample").set_value(3).run()
    assert at.query_params["layer"] == "1" and at.query_params["sample"] == "3"
    assert_clean(at)


@pytest.mark.parametrize("param, given", [("layer", "9"), ("sample", "x" * 500), ("wj", "٣")])
def test_a_hostile_page_parameter_warns_by_name(param, given):
    at = run_page(PAGE, {param: given})
    assert_clean(at)
    assert any(f"URL parameter {param} = " in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_network_too_big_to_walk_says_so_and_why(monkeypatch):
    # links past the walk's limit are refused earlier (backprop.ui.limits): lower the limit
    from backprop.teaching import notes

    monkeypatch.setattr(notes, "MAX_MACS", 1000)
    at = run_page(PAGE, {"sizes": "30,30,2", "m": "4"})  # 3,840 multiply-adds per forward pass
    assert_clean(at)
    assert any("3.84e+03" in i.value and "1e+03" in i.value for i in at.info), [i.value for i in at.info]
    assert not at.tabs  # nothing half-checked is shown
