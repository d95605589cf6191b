"""URL parameters <-> configuration (backprop/ui/urlparams.py, changes.py): strict parsing, round trips."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.spec import NetworkSpec
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
