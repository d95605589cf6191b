"""The training page: play advances the run by itself, pause, step, reset, the weights go everywhere, 中文.

AppTest runs the whole script, fragment included, but does not fire a fragment's
``run_every`` timer. A run of the page while playing is what a timer tick does to the
fragment: it advances the run by one frame. So "play advances without a click" is
checked as: click play once, then run the page again with no widget touched.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from backprop import NetworkSpec, run
from backprop.derivation import latex
from backprop.locales import translate
from backprop.teaching.train import DEMOS, advance, start
from backprop.ui import training

from .chart_elements import array, plotly_figures
from .conftest import assert_clean, run_page, texts

PAGE = "pages/13_training.py"
RAW_KEY = re.compile(r"\btraining\.[a-z_]+\b")


def shown_step(at) -> int:
    return int(at.metric[0].value)


def frame(at) -> dict:
    """The frame figure: the loss curve, the weight diagram and the ∂L/∂W^(l) heatmaps."""
    return plotly_figures(at)[0]


def heatmaps(figure: dict) -> list[np.ndarray]:
    return [array(trace["z"]) for trace in figure["data"] if trace["type"] == "heatmap"]


def trace_named(figure: dict, name: str) -> dict:
    return next(trace for trace in figure["data"] if trace.get("name") == name)


def test_the_frame_shows_the_cores_run_at_step_0():
    at = run_page(PAGE)
    assert_clean(at)
    assert shown_step(at) == 0
    expected = run(NetworkSpec())
    figure = frame(at)
    for l, (got, layer) in enumerate(zip(heatmaps(figure), expected.layers, strict=True), 1):
        np.testing.assert_array_equal(got, layer.dW, err_msg=f"∂L/∂W^({l})")
    weights = array(trace_named(figure, "w")["marker"]["color"])
    np.testing.assert_array_equal(weights, np.concatenate([layer.W.ravel() for layer in expected.layers]))
    assert array(trace_named(figure, "L")["y"]).tolist() == [expected.loss]
    assert figure["layout"]["yaxis"]["type"] == "log"
    assert "$n_0$ = 3" in texts(at)  # no boundary or curve for 3 inputs, and the page says why


@pytest.mark.parametrize(
    "query, kind",
    [({}, None), ({"sizes": "1,3,1", "act2": "identity"}, "curve"),
     ({"sizes": "2,3,1", "act2": "sigmoid", "loss": "bce"}, "probability")],
)  # fmt: skip
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_chart_has_a_caption_saying_what_to_see(query, kind, lang):
    at = run_page(PAGE, {**query, "lang": lang})
    assert_clean(at)
    captions = [c.value for c in at.caption]
    assert translate(lang, "training.see_frame") in captions
    assert kind is None or translate(lang, f"training.see_{kind}") in captions


def test_play_advances_without_a_click_and_pause_stops():
    at = run_page(PAGE, {"tr_rate": "0.03", "tr_k": "5"})
    at.button(key="tr_play").click().run()
    assert_clean(at)
    assert shown_step(at) == 5 and at.button(key="tr_play").label.endswith("Pause")
    at.run()  # no widget touched: what a tick of the fragment's timer does
    at.run()
    assert shown_step(at) == 15
    expected = advance(advance(advance(start(NetworkSpec()), 0.03, 5), 0.03, 5), 0.03, 5)
    np.testing.assert_allclose(array(trace_named(frame(at), "L")["y"]), expected.loss, rtol=1e-12)
    np.testing.assert_array_equal(heatmaps(frame(at))[0], expected.trace.layers[0].dW)
    at.button(key="tr_play").click().run()  # pause
    assert shown_step(at) == 15 and at.button(key="tr_play").label.endswith("Play")
    at.run()
    assert shown_step(at) == 15


def test_step_once_takes_one_step_and_reset_goes_back_to_0():
    at = run_page(PAGE, {"tr_rate": "0.1"})
    at.button(key="tr_once").click().run()
    at.button(key="tr_once").click().run()
    assert_clean(at)
    assert shown_step(at) == 2
    at.button(key="tr_reset").click().run()
    assert shown_step(at) == 0
    assert array(trace_named(frame(at), "L")["y"]).tolist() == [run(NetworkSpec()).loss]


def test_a_new_network_in_the_sidebar_starts_a_new_run():
    at = run_page(PAGE)
    at.button(key="tr_once").click().run()
    at.sidebar.number_input(key="sb_seed").set_value(4).run()
    assert_clean(at)
    assert shown_step(at) == 0
    assert array(trace_named(frame(at), "L")["y"]).tolist() == [run(NetworkSpec(seed=4)).loss]


def test_use_these_weights_makes_them_the_networks_on_other_pages():
    at = run_page(PAGE, {"tr_rate": "0.3", "tr_k": "10"})
    at.button(key="tr_play").click().run()
    at.button(key="tr_play").click().run()  # paused at step 10
    trained = at.session_state[training.RUN]
    assert trained.steps == 10
    at.button(key="tr_use").click().run()
    assert_clean(at)
    assert any("10" in s.value for s in at.success)  # says which weights were taken
    assert shown_step(at) == 10  # the run goes on from where it was
    np.testing.assert_array_equal(at.session_state["_arrays"]["W1"], trained.params.W[0])
    at.switch_page("pages/1_forward.py")
    at.query_params.update({"layer": "2", "i": "3", "j": "2"})
    at.run()
    assert_clean(at)
    Z = run(NetworkSpec(), trained.params, trained.X, trained.Y).layers[1].Z
    untrained = run(NetworkSpec()).layers[1].Z
    sum_shown = next(x.value for x in at.latex if re.match(r"\$\$\s*z_\{", x.value)).strip("$\n ")
    assert sum_shown.endswith(f"= {latex.num(Z[2, 1])}") and Z[2, 1] != untrained[2, 1]


def test_vanishing_mode_trains_both_demos_on_a_log_axis():
    at = run_page(PAGE)
    at.toggle(key="tr_vanishing").set_value(True).run()
    at.button(key="tr_play").click().run()
    at.run()
    assert_clean(at)
    assert [int(m.value) for m in at.metric] == [10, 10]  # default 5 steps a frame, two frames
    figure = plotly_figures(at)[0]
    assert figure["layout"]["yaxis"]["type"] == "log" and "log" in figure["layout"]["yaxis"]["title"]["text"]
    sigmoid = advance(advance(start(DEMOS["deep_sigmoid"]), 0.01, 5), 0.01, 5)
    lines = [trace for trace in figure["data"] if trace["xaxis"] == "x"]
    assert len(lines) == DEMOS["deep_sigmoid"].L
    for l, line in enumerate(lines):
        np.testing.assert_allclose(array(line["y"]), sigmoid.grad_norms[:, l], rtol=1e-12)
    assert "use" not in {b.key.removeprefix("tr_") for b in at.button}  # the demos are not the network


def test_a_large_network_trains_fewer_steps_a_frame_and_says_so():
    at = run_page(PAGE, {"sizes": "1024,1024,10", "act1": "relu", "m": "64", "tr_k": "20"})
    assert_clean(at)
    assert any("1 step(s) per frame" in i.value for i in at.info)
    at.button(key="tr_play").click().run()
    assert shown_step(at) == 1


def test_a_diverging_run_stops_playing_and_says_why():
    at = run_page(PAGE, {"tr_rate": "3.0", "tr_k": "100"})
    at.button(key="tr_play").click().run()
    assert not at.exception
    assert any("3.0" in w.value for w in at.warning)
    assert at.button(key="tr_play").label.endswith("Play")


@pytest.mark.parametrize("vanishing", [False, True])
def test_chinese(vanishing):
    at = run_page(PAGE, {"lang": "zh"})
    if vanishing:
        at.toggle(key="tr_vanishing").set_value(True).run()
    at.button(key="tr_play").click().run()
    assert_clean(at)
    assert at.button(key="tr_play").label == "⏸ 暂停"
    assert re.search(r"[\u4e00-\u9fff]", at.title[0].value)
    assert not RAW_KEY.search(texts(at) + " ".join(b.label for b in at.button))
    annotations = " ".join(a["text"] for a in plotly_figures(at)[0]["layout"].get("annotations", []))
    assert vanishing or "损失" in annotations


def test_the_fitted_curve_page_in_chinese_has_typeset_math_and_no_english():
    from shown_text import caret_math, latin_words, shown_texts

    at = run_page(PAGE, {"lang": "zh", "sizes": "1,3,1"})
    assert_clean(at)
    shown = [text for _, text in shown_texts(at)]
    assert any("$a_j(x)$" in text for text in shown), shown  # the fitted curve's caption
    assert not [found for text in shown if (found := caret_math(text) + latin_words(text))], shown


def test_a_paused_frame_is_built_once_and_again_for_a_new_step_or_language():
    at = run_page(PAGE)
    first = at.session_state[training.DRAWN]["frame"][2]
    at.run()  # a rerun with nothing changed draws the kept figure
    assert at.session_state[training.DRAWN]["frame"][2] is first
    at.button(key="tr_once").click().run()
    stepped = at.session_state[training.DRAWN]["frame"][2]
    assert stepped is not first and shown_step(at) == 1
    np.testing.assert_array_equal(heatmaps(frame(at))[0], at.session_state[training.RUN].trace.layers[0].dW)
    at.sidebar.selectbox(key="sb_lang").set_value("zh").run()
    chinese = at.session_state[training.DRAWN]["frame"][2]
    assert chinese is not stepped and shown_step(at) == 1
    assert "损失" in " ".join(a["text"] for a in frame(at)["layout"]["annotations"])


def test_a_second_callback_for_the_same_click_is_ignored(monkeypatch):
    """Streamlit may call play / pause's callback twice for one click (a click handled in a timed
    frame's run, then in the whole-page run it asks for): the second call must not undo the first."""
    from backprop.ui import training

    session: dict = {}
    monkeypatch.setattr(training.st, "session_state", session)
    training.set_playing(*training.play_args())  # Play, drawn while paused
    assert training.playing()
    pause = training.play_args()  # the Pause button drawn after that
    stale_play = (True, 0)  # the Play button's arguments, drawn before the first click
    training.set_playing(*pause)
    assert not training.playing()
    training.set_playing(*pause)  # the same click's second call
    training.set_playing(*stale_play)  # or a call with the arguments of an earlier drawing
    assert not training.playing()
    training.set_playing(*training.play_args())  # a new click on the button drawn now
    assert training.playing()
