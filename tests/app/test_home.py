"""The home page: renders in both languages, keeps the configuration in the URL."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from backprop import NetworkSpec, run
from backprop.ui import registry
from backprop.ui.i18n import translate

from .conftest import assert_clean, run_page, texts


def test_home_renders_with_default_network():
    at = run_page()
    assert_clean(at)
    assert at.query_params["sizes"] == "3,4,2"


def test_home_in_chinese():
    at = run_page(query={"lang": "zh"})
    assert_clean(at)
    assert "反向传播" in texts(at)


def test_home_describes_every_existing_page():
    at = run_page()
    shown = texts(at)
    for entry in registry.PAGES[1:]:
        assert translate("en", f"home.about_{entry.name}") in shown, entry.name


def test_the_language_picker_switches_and_goes_into_the_url():
    at = run_page()
    at.sidebar.selectbox(key="sb_lang").set_value("zh").run()
    assert_clean(at)
    assert at.title[0].value == "反向传播推导浏览器" and at.query_params["lang"] == "zh"


def test_a_custom_formula_becomes_the_activation_and_a_bad_one_is_refused_by_name():
    at = run_page("pages/1_forward.py")
    at.sidebar.selectbox(key="sb_act1").set_value("custom").run()
    assert not at.exception and at.sidebar.text_input(key="sb_formula1")
    at.sidebar.text_input(key="sb_formula1").set_value("z**2/2").run()
    assert_clean(at)
    assert at.query_params["act1"] == "custom:z**2/2"
    at.sidebar.text_input(key="sb_formula1").set_value("__import__('os')").run()
    assert not at.exception
    # named by its formula, in the reader's language (beside layer 1's own formula box)
    assert any("The formula `\"__import__('os')\"` is refused" in e.value for e in at.error), at.error
    assert at.query_params["act1"] == "custom:z**2/2"  # the previous formula is kept


def test_the_number_of_layers_resizes_the_controls():
    at = run_page()
    at.sidebar.number_input(key="sb_L").set_value(4).run()
    assert_clean(at)
    assert at.query_params["sizes"] == "3,4,4,4,2" and at.sidebar.selectbox(key="sb_act4").value == "identity"


def test_the_array_editors_appear_when_asked_for():
    at = run_page()
    assert not at.sidebar.dataframe
    at.sidebar.toggle(key="sb_edit_on").set_value(True).run()
    assert_clean(at)
    keys = [d.key for d in at.sidebar.dataframe]
    assert keys == [f"sb_edit_{n}_0" for n in ("X", "Y", "W1", "b1", "W2", "b2")]
    assert at.sidebar.dataframe[2].value.to_numpy().tolist() == run(NetworkSpec()).layers[0].W.tolist()


def test_set_network_replaces_the_sessions_network_and_its_arrays():
    """What the upload page does: state.set_network(spec, X=..., Y=...), then the sidebar shows it."""

    def script():
        import numpy as np
        import streamlit as st

        from backprop import NetworkSpec
        from backprop.ui import sidebar, state

        if "uploaded" not in st.session_state:
            st.session_state.uploaded = True
            spec = NetworkSpec(sizes=(2, 1), activations=("identity",), batch=1)
            state.set_network(spec, X=np.array([[1.0, 2.0]]), Y=np.array([[3.0]]))
        view = sidebar.render("your_own")
        st.write(f"X = {view.X.tolist()}, L = {view.trace.loss:.6f}")

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    expected = run(NetworkSpec(sizes=(2, 1), activations=("identity",), batch=1), X=[[1.0, 2.0]], Y=[[3.0]])
    assert at.markdown[-1].value == f"X = [[1.0, 2.0]], L = {expected.loss:.6f}"
    assert at.query_params["X"] == "1.0,2.0" and at.query_params["sizes"] == "2,1"
    assert "W1" not in at.query_params  # W, b were not given: they follow the seed
