"""The "your own network" page: a formula's g and g', its use in a layer, and uploads."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from backprop.core.formula import activation_from_formula, samples
from backprop.core.formula_functions import FUNCTIONS
from backprop.ui.i18n import translate
from tests.test_formula_printing import FROM_THE_ISSUE, family

from .conftest import assert_clean, run_page, texts

PAGE = "pages/11_your_own.py"


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_default_formula_shows_g_and_g_prime_from_the_core():
    at = run_page(PAGE)
    assert_clean(at)
    act = activation_from_formula("z*sigmoid(z)")
    shown = [latex.value.strip("$\n") for latex in at.latex]
    assert shown[:2] == list(act.equations)


def _array(field) -> np.ndarray:
    """A Plotly JSON array: a list, or {"dtype", "bdata"} (base64 of the raw bytes)."""
    if isinstance(field, dict):
        return np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
    return np.asarray(field, dtype=float)


def test_the_plot_is_one_plotly_chart_of_the_cores_g_and_g_prime():
    at = run_page(PAGE)
    at.text_input(key="yo_formula").set_value("tanh(z)").run()
    assert_clean(at)
    assert not at.get("arrow_vega_lite_chart")  # Altair revalidates its spec on every rerun
    (chart,) = at.get("plotly_chart")
    g, dg = json.loads(chart.proto.spec)["data"]
    z, g_core, dg_core = samples(activation_from_formula("tanh(z)"))
    np.testing.assert_allclose(_array(g["x"]), z)
    np.testing.assert_allclose(_array(g["y"]), g_core)
    np.testing.assert_allclose(_array(dg["y"]), dg_core)
    np.testing.assert_allclose(dg_core, 1 - np.tanh(z) ** 2, atol=1e-12)  # an oracle independent of SymPy


# one formula per allowed function holding it squared, nested and in a product, and the
# formulas that once crashed the page while printing
ON_THE_PAGE = [family(name)["all at once"] for name in FUNCTIONS] + FROM_THE_ISSUE


@pytest.mark.parametrize("text", ON_THE_PAGE)
def test_every_function_raised_nested_and_multiplied_is_shown_on_the_page(text):
    at = run_page(PAGE)
    at.text_input(key="yo_formula").set_value(text).run()
    assert_clean(at)
    shown = [latex.value.strip("$\n") for latex in at.latex]
    assert shown[:2] == list(activation_from_formula(text).equations)


def test_a_custom_layer_is_named_by_its_formula_on_the_page():
    at = run_page(PAGE, {"sizes": "2,3,1", "act1": "custom:z*sigmoid(z)", "act2": "identity"})
    assert_clean(at)
    options = at.selectbox(key="yo_layer").options
    assert any("z*sigmoid(z)" in option for option in options)
    assert not any("custom:" in option for option in options), options


def test_hostile_formula_is_refused_on_the_page():
    at = run_page(PAGE)
    at.text_input(key="yo_formula").set_value("__import__('os').system('id')").run()
    assert not at.exception
    assert len(at.error) == 1 and "The formula `" in at.error[0].value
    assert not at.latex


def test_a_formula_goes_into_the_chosen_layer():
    at = run_page(PAGE, {"sizes": "2,3,1"})
    at.text_input(key="yo_formula").set_value("log(1+exp(z))").run()
    at.selectbox(key="yo_layer").set_value(1).run()
    at.button(key="yo_use_formula").click().run()
    assert_clean(at)
    assert at.session_state["_spec"].activations == ("custom:log(1+exp(z))", "identity")
    assert "Layer 1 now uses your activation." in texts(at)


def test_an_uploaded_npz_becomes_the_network():
    at = run_page(PAGE)
    arrays = {
        "W1": np.full((2, 3), 0.5),
        "b1": np.zeros(3),
        "W2": np.ones((3, 1)),
        "b2": np.ones(1),
        "X": np.arange(4.0).reshape(2, 2),
        "Y": np.ones((2, 1)),
    }
    at.file_uploader(key="yo_files").set_value(("mine.npz", _npz(**arrays), "application/octet-stream")).run()
    assert_clean(at)
    assert "sizes 2, 3, 1" in texts(at) and "m = 2" in texts(at)
    at.button(key="yo_use_upload").click().run()
    assert_clean(at)
    spec = at.session_state["_spec"]
    assert spec.sizes == (2, 3, 1) and spec.batch == 2
    np.testing.assert_array_equal(at.session_state["_arrays"]["W1"], arrays["W1"])


def test_a_pickled_upload_is_refused_with_a_message():
    at = run_page(PAGE)
    evil = _npz(W1=np.array([[{"a": 1}]], dtype=object), b1=np.zeros(1))
    at.file_uploader(key="yo_files").set_value(("evil.npz", evil, "application/octet-stream")).run()
    assert not at.exception
    (error,) = at.error
    assert "`evil.npz › W1.npy`" in error.value and "no objects" in error.value


def test_page_in_chinese():
    at = run_page(PAGE, {"lang": "zh"})
    assert_clean(at)
    assert at.title[0].value == "你自己的网络"


def test_user_text_in_a_refusal_cannot_format_or_link():
    at = run_page(PAGE)
    name = "[click](http://example.com) __x__.npz"
    at.file_uploader(key="yo_files").set_value((name, b"", "text/plain")).run()
    assert not at.exception
    body = at.error[0].value
    assert f"The file `{name}` is empty" in body  # inside one code span
    outside = re.sub(r"`[^`]*`", "", body)
    assert "](" not in outside and "__" not in outside and "click" not in outside


def test_the_uploaders_chinese_button_is_the_catalogues_word():
    """The page's style names the 中文 button in a literal; it must say what the catalogue says."""
    source = (Path(__file__).resolve().parents[2] / PAGE).read_text()
    written = re.findall(r"content: '([^']*)'", source)
    assert written == [translate("zh", "your_own.upload_button")]
    assert translate("en", "your_own.upload_button") == "Upload"  # Streamlit's own word, left as it is
