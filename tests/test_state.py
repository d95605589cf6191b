"""URL parameters <-> configuration (backprop/ui/urlparams.py, changes.py): strict parsing, round trips."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.core.spec import NetworkSpec
from backprop.ui.changes import apply_change
from backprop.ui.urlparams import (
    DEFAULT,
    config_query,
    format_matrix,
    parse_config,
    parse_matrix,
    resized,
)


def q(**params) -> dict:
    """A query as st.query_params.get_all gives it: name -> list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def test_empty_url_gives_the_default_network():
    spec, arrays, lang, warnings = parse_config({})
    assert (spec, arrays, lang, warnings) == (DEFAULT, {}, None, [])


def test_config_round_trips_through_the_url():
    spec = NetworkSpec((2, 5, 3, 4), ("tanh", "relu", "softmax"), "softmax_ce", "mean", 7, 11, "he")
    W1 = np.arange(10.0).reshape(2, 5) / 3
    query = config_query(spec, {"W1": W1}, "zh")
    back, arrays, lang, warnings = parse_config(q(**query))
    assert back == spec and lang == "zh" and warnings == []
    np.testing.assert_array_equal(arrays["W1"], W1)  # repr() of a float round-trips exactly


def test_matrix_text_round_trips():
    A = np.array([[1.5, -2e-7], [3.0, 1e300]])
    np.testing.assert_array_equal(parse_matrix(format_matrix(A), (2, 2)), A)


@pytest.mark.parametrize(
    "L, sizes, acts",
    [(1, (3, 2), ("identity",)), (3, (3, 4, 4, 2), ("sigmoid", "sigmoid", "identity"))],
)
def test_resizing_keeps_input_and_output(L, sizes, acts):
    assert resized(DEFAULT, L) == (sizes, acts)


def test_choosing_softmax_ce_sets_a_softmax_output():
    new, note = apply_change(DEFAULT, "loss", "softmax_ce")
    assert new.activations[-1] == "softmax" and note == "common.output_switched"
    back, note = apply_change(new, "act2", "tanh")
    assert back.loss == "mse" and note == "common.loss_switched"


# --- hostile parameters, parsed without streamlit: each gives a warning naming it and the default

HOSTILE = [
    ("m", {"m": "x"}),
    ("m", {"m": "-3"}),
    ("m", {"m": "99999999"}),
    ("m", {"m": "３"}),  # fullwidth digit: int() would accept it
    ("m", {"m": "٣"}),  # Arabic-Indic digit
    ("m", {"m": "NaN"}),
    ("m", {"m": ""}),
    ("m", {"m": "1.5"}),
    ("m", {"m": ["1", "2"]}),  # repeated key
    ("seed", {"seed": "9" * 10_000}),  # 10 kB
    ("seed", {"seed": "-1"}),
    ("seed", {"seed": "1e3"}),
    ("sizes", {"sizes": "3,abc,2"}),
    ("sizes", {"sizes": "3"}),
    ("sizes", {"sizes": "3,0,2"}),
    ("sizes", {"sizes": ",".join(["2"] * 12)}),
    ("sizes", {"sizes": "5000,4,2"}),
    ("sizes", {"sizes": "3,\x00,2"}),
    ("act1", {"act1": "swish"}),
    ("act1", {"act1": "softmax"}),  # softmax on a hidden layer
    ("act1", {"act1": "custom:"}),
    ("loss", {"loss": "hinge"}),
    ("loss", {"loss": "softmax_ce", "act2": "sigmoid"}),
    ("reduction", {"reduction": "median"}),
    ("init", {"init": "zeros"}),
    ("lang", {"lang": "fr"}),
    ("lang", {"lang": ["zh", "en"]}),
    ("X", {"X": "1,2,3"}),
    ("W1", {"W1": ";".join([",".join(["nan"] * 4)] * 3)}),
    ("W2", {"W2": "1,2;3"}),
    ("Y", {"loss": "bce", "act2": "sigmoid", "Y": "5,5;5,5;5,5;5,5"}),
]


@pytest.mark.parametrize("param, given", HOSTILE, ids=[f"{p}-{i}" for i, (p, _) in enumerate(HOSTILE)])
def test_hostile_parameter_warns_by_name_and_falls_back(param, given):
    spec, arrays, lang, warnings = parse_config(q(**given))
    assert param in [w.param for w in warnings]
    assert param not in arrays and lang in (None, "zh", "en")
    field = {"m": "batch", "act1": "activations", "act2": "activations"}.get(param, param)
    if hasattr(DEFAULT, field) and field != "activations" and param != "loss":
        assert getattr(spec, field) == getattr(DEFAULT, field)
    for warning in warnings:
        assert len(warning.shown_value()) <= 40  # a 10 kB value is never echoed in full


def test_warning_text_names_parameter_value_and_what_is_allowed():
    from backprop.ui.i18n import translate

    _, _, _, (warning,) = parse_config(q(m="-3"))
    text = translate(
        "en",
        "common.bad_param",
        param=warning.param,
        value=warning.shown_value(),
        allowed=translate("en", warning.allowed, **warning.fmt),
    )
    assert (
        text == "URL parameter m = '-3' is not allowed (use a whole number from 1 to 1024, in ASCII digits); "
        "the default is used."
    )


def test_a_valid_custom_activation_or_a_clear_refusal():
    spec, _, _, warnings = parse_config(q(act1="custom:z**2/2"))
    if warnings:  # backprop.core.formula not there, or refusing: the warning names act1
        assert [w.param for w in warnings] == ["act1"] and spec.activations[0] == "sigmoid"
    else:
        assert spec.activations[0] == "custom:z**2/2"


# --- edited cells

from backprop.ui.editing import CellRefused, apply_edits  # noqa: E402


def test_edits_are_applied_one_based_columns():
    new = apply_edits("W1", np.zeros((2, 3)), {0: {"3": 1.5}, 1: {"1": "-2"}})
    assert new.tolist() == [[0, 0, 1.5], [-2, 0, 0]]
    assert apply_edits("b1", np.zeros(3), {0: {"2": 4}}).tolist() == [0, 4, 0]


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), "abc", "３", "", True])
def test_a_bad_cell_is_refused_by_name(value):
    original = np.ones((2, 2))
    with pytest.raises(CellRefused) as refused:
        apply_edits("X", original, {1: {"2": value}})
    assert refused.value.cell == "X[2,2]"
    assert original.tolist() == [[1, 1], [1, 1]]  # the previous values are untouched
