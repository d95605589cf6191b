"""Shareable links: a URL reproduces its configuration; hostile parameters warn by name, never raise."""

from __future__ import annotations

import pytest
from streamlit.runtime.state.query_params import QueryParams

from backprop import NetworkSpec
from backprop.core.spec import MAX_MULTIPLY_ADDS, multiply_adds
from backprop.ui import show, urlparams

from .conftest import assert_clean, run_page, texts

FULL = {
    "sizes": "2,5,3",
    "act1": "tanh",
    "act2": "softmax",
    "loss": "softmax_ce",
    "reduction": "mean",
    "m": "3",
    "seed": "7",
    "init": "xavier",
    "lang": "en",
}

HOSTILE = [
    ("m", {"m": "x"}),
    ("m", {"m": "-3"}),
    ("m", {"m": "99999999"}),
    ("m", {"m": "３"}),
    ("m", {"m": "٣"}),
    ("m", {"m": "NaN"}),
    ("m", {"m": ""}),
    ("m", {"m": ["1", "2"]}),
    ("seed", {"seed": "9" * 10_000}),
    ("seed", {"seed": "1e3"}),
    ("sizes", {"sizes": "3,abc,2"}),
    ("sizes", {"sizes": "3"}),
    ("sizes", {"sizes": "5000,4,2"}),
    ("sizes", {"sizes": ",".join(["2"] * 12)}),
    ("act1", {"act1": "swish"}),
    ("act1", {"act1": "softmax"}),
    ("act2", {"act2": "<script>alert(1)</script>"}),
    ("loss", {"loss": "hinge"}),
    ("loss", {"loss": "softmax_ce", "act2": "sigmoid"}),
    ("reduction", {"reduction": "median"}),
    ("init", {"init": "zeros"}),
    ("lang", {"lang": "fr"}),
    ("X", {"X": "1,2,3"}),
    ("W1", {"W1": ";".join([",".join(["nan"] * 4)] * 3)}),
    ("Y", {"loss": "bce", "act2": "sigmoid", "Y": "5,5;5,5;5,5;5,5"}),
]
PAGE_HOSTILE = [  # the pages' own parameters
    ("pages/1_forward.py", "layer", {"layer": "9"}),
    ("pages/1_forward.py", "i", {"i": "0"}),
    ("pages/1_forward.py", "sample", {"sample": "x" * 10_000}),
    ("pages/2_backward.py", "var", {"var": "Q"}),
    ("pages/2_backward.py", "j", {"j": "٣"}),
    ("pages/2_backward.py", "layer", {"layer": ["1", "2"]}),
]


def test_a_url_reproduces_its_configuration():
    at = run_page("pages/1_forward.py", FULL)
    assert_clean(at)
    assert not at.warning
    spec = NetworkSpec((2, 5, 3), ("tanh", "softmax"), "softmax_ce", "mean", 3, 7, "xavier")
    assert at.sidebar.number_input(key="sb_m").value == 3
    assert at.sidebar.selectbox(key="sb_act2").value == "softmax"
    assert {k: at.query_params[k] for k in FULL} == FULL
    assert at.session_state["_spec"] == spec


@pytest.mark.parametrize("param, given", HOSTILE, ids=[f"{p}-{i}" for i, (p, _) in enumerate(HOSTILE)])
def test_hostile_parameter_gives_a_warning_naming_it(param, given):
    at = run_page("app.py", given)
    assert not at.exception
    named = (f"URL parameter {param} = ", f"URL parameter {param} is refused")  # the core's refusals: by code
    assert any(w.value.startswith(named) for w in at.warning), [w.value for w in at.warning]
    assert len(at.warning[0].value) < 400
    assert "<script>" not in texts(at).replace("'<script>", "")  # echoed only quoted, inside a warning


@pytest.mark.parametrize(
    "page, param, given", PAGE_HOSTILE, ids=[f"{p}-{i}" for i, (_, p, _) in enumerate(PAGE_HOSTILE)]
)
def test_hostile_page_parameter_gives_a_warning_naming_it(page, param, given):
    at = run_page(page, given)
    assert_clean(at)
    assert any(f"URL parameter {param} = " in w.value for w in at.warning), [w.value for w in at.warning]


def test_language_survives_a_page_switch_and_the_link():
    at = run_page("pages/1_forward.py", {"lang": "zh", "sizes": "2,2"})
    assert at.title[0].value == "前向传播"
    at.switch_page("pages/2_backward.py").run()
    assert at.title[0].value == "反向传播" and at.query_params["lang"] == "zh"
    assert at.query_params["sizes"] == "2,2"  # the network survives too


def test_changed_controls_go_into_the_url():
    at = run_page()
    at.sidebar.number_input(key="sb_seed").set_value(5).run()
    at.sidebar.selectbox(key="sb_loss").set_value("bce").run()
    assert at.query_params["seed"] == "5" and at.query_params["loss"] == "bce"
    assert at.query_params["act2"] == "sigmoid"  # bce needs a sigmoid output, set with a note
    assert any("sigmoid" in i.value for i in at.info)


INERT = {  # values a Markdown renderer would turn into links, math, HTML or formatting
    "init": "https://evil.example",
    "loss": "www.evil.example/x",
    "reduction": "mallory@evil.example",
    "seed": "[click](https://evil.example)",
    "m": "<b>x</b> $x^2$ `y`",
    "X": "a\n\n# heading",
}


def test_url_values_are_shown_in_code_spans_naming_the_parameter():
    at = run_page("app.py", INERT)
    shown = [w.value for w in at.warning]
    for param, value in INERT.items():
        quoted = show.plain(urlparams.ParamWarning(param, value, "", {}).shown_value())
        assert quoted.startswith("`") and "\n" not in quoted
        assert any(f"URL parameter {param} = {quoted} is not allowed" in w for w in shown), (param, shown)


def test_a_refusal_by_the_core_quotes_its_reason_inert():
    at = run_page("app.py", {"act1": "custom:www.evil.example"})
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith(
        "URL parameter act1 is refused, the default is used: The formula `'www.evil.example'`"
    )


MNIST = {"sizes": "784,512,256,10", "act1": "relu", "act2": "relu", "act3": "identity"}


def test_a_link_past_the_work_limit_warns_with_the_limit_and_uses_the_default():
    heavy = {"sizes": ",".join(["1024"] * 9), "m": "1024"}
    at = run_page("pages/4_check.py", heavy)
    assert not at.exception
    (warning,) = [w.value for w in at.warning if "URL parameter sizes" in w.value]
    assert f"at most {MAX_MULTIPLY_ADDS:,}" in warning
    assert "8,589,934,592 multiply-adds" in warning and "the default is used" in warning
    assert at.session_state["_spec"] == NetworkSpec()


MNIST_EDGE = MAX_MULTIPLY_ADDS // (784 * 512 + 512 * 256 + 256 * 10)  # the largest batch m within the limit


@pytest.mark.parametrize("m, accepted", [(MNIST_EDGE, True), (MNIST_EDGE + 1, False)])
def test_the_work_limit_is_exact_at_the_edge(m, accepted):
    spec, _, _, warnings = urlparams.parse_config({**{k: [v] for k, v in MNIST.items()}, "m": [str(m)]})
    assert (spec.batch == m) is accepted and (not warnings) is accepted
    work = multiply_adds((784, 512, 256, 10), m)
    assert (work <= MAX_MULTIPLY_ADDS) is accepted


def test_the_sidebar_refuses_a_batch_past_the_work_limit_and_keeps_the_network():
    at = run_page("app.py", {**MNIST, "m": str(MNIST_EDGE)})
    before = at.session_state["_spec"]
    at.sidebar.number_input(key="sb_m").set_value(1024).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "previous network is kept" in error and f"at most {MAX_MULTIPLY_ADDS:,}" in error
    assert at.session_state["_spec"] == before and at.query_params["m"] == str(MNIST_EDGE)
    at.sidebar.number_input(key="sb_m").set_value(8).run()  # a batch within the limit is taken
    assert at.session_state["_spec"].batch == 8 and not at.error


@pytest.fixture
def url_messages(monkeypatch) -> list[dict[str, list[str]]]:
    """The URL of each message the script sends to the browser's address bar (st.query_params)."""
    sent: list[dict[str, list[str]]] = []
    send = QueryParams._send_query_param_msg

    def recording(self) -> None:
        sent.append({name: self.get_all(name) for name in self})
        send(self)

    monkeypatch.setattr(QueryParams, "_send_query_param_msg", recording)
    return sent


def test_a_rerun_sends_the_url_once_when_it_changed_and_never_when_it_did_not(url_messages):
    at = run_page("pages/1_forward.py", {"sizes": "2,3,2", "layer": "2", "lang": "en"})
    assert_clean(at)
    url_messages.clear()
    at.run()
    assert url_messages == []  # the URL already holds the configuration
    at.sidebar.number_input(key="sb_seed").set_value(5).run()
    assert [url["seed"] for url in url_messages] == [["5"]]
    assert list(url_messages[0])[:3] == ["sizes", "layer", "lang"]  # the parameters keep their places
    url_messages.clear()
    at.sidebar.number_input(key="sb_L").set_value(1).run()
    assert_clean(at)
    # the configuration in one message (sizes changed, act2 gone), then the page's layer
    assert [(url["sizes"], "act2" in url, url["layer"]) for url in url_messages] == [
        (["2,2"], False, ["2"]),
        (["2,2"], False, ["1"]),
    ]
