r"""NetworkSpec and the checks on given arrays: every bad input raises InvalidInput whose
message names the field (never a NumPy or Python traceback from deep inside); the
edges of every range are accepted.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from backprop import InvalidInput, NetworkSpec, Params, init_params, run
from backprop.core.spec import (
    MAX_BATCH,
    MAX_LAYERS,
    MAX_MULTIPLY_ADDS,
    MAX_SEED,
    MAX_WIDTH,
    WORK_FIELD,
    multiply_adds,
)

GOOD = dict(
    sizes=(3, 4, 2), activations=("sigmoid", "identity"), loss="mse", reduction="sum", batch=4, seed=0
)


def _expect_invalid(field: str, make):
    """make() raises InvalidInput for `field`, and its sentence names the field."""
    with pytest.raises(InvalidInput) as info:
        make()
    error = info.value
    assert error.field == field, f"field {error.field!r}, expected {field!r}: {error}"
    assert field in str(error) and "is not allowed: use" in str(error), str(error)
    return error


# (field, overrides of GOOD)
BAD_SPECS = [
    ("sizes", dict(sizes=(0, 2), activations=("identity",))),
    ("sizes", dict(sizes=(3, MAX_WIDTH + 1), activations=("identity",))),
    ("sizes", dict(sizes=(-1, 2), activations=("identity",))),
    ("sizes", dict(sizes=(3,), activations=())),
    ("sizes", dict(sizes=(), activations=())),
    ("sizes", dict(sizes=(2,) * (MAX_LAYERS + 2), activations=("identity",) * (MAX_LAYERS + 1))),
    ("sizes", dict(sizes=(3, 2.5), activations=("identity",))),
    ("sizes", dict(sizes=(3, True), activations=("identity",))),
    ("sizes", dict(sizes=(3, "4"), activations=("identity",))),
    ("sizes", dict(sizes=(3, None), activations=("identity",))),
    ("sizes", dict(sizes=(3, float("nan")), activations=("identity",))),
    ("sizes", dict(sizes="3,4,2")),
    ("sizes", dict(sizes=None)),
    ("sizes", dict(sizes=3)),
    ("sizes", dict(sizes=((3,), (4,), (2,)))),
    ("activations", dict(activations=("sigmoid",))),
    ("activations", dict(activations=("sigmoid", "identity", "identity"))),
    ("activations", dict(activations="sigmoid,identity")),
    ("activations", dict(activations=None)),
    ("activations", dict(activations=5)),
    ("activations", dict(activations=iter(["sigmoid", "identity"]))),
    ("activation of layer 2", dict(activations=("sigmoid", "swish"))),
    ("activation of layer 1", dict(activations=(3, "identity"))),
    ("activation of layer 1", dict(activations=(None, "identity"))),
    ("activation of layer 1", dict(activations=("softmax", "identity"))),
    ("activation of layer 2", dict(sizes=(3, 4, 4, 2), activations=("tanh", "softmax", "softmax"))),
    ("activation of layer 2", dict(activations=("sigmoid", "Sigmoid"))),
    ("loss", dict(loss="cross_entropy")),
    ("loss", dict(loss=None)),
    ("loss", dict(loss="bce")),  # identity output
    ("loss", dict(loss="bce", activations=("sigmoid", "softmax"))),
    ("loss", dict(loss="softmax_ce", activations=("sigmoid", "sigmoid"))),
    ("loss", dict(loss="softmax_ce")),
    ("loss", dict(loss=["mse"])),
    ("loss", dict(loss={"mse": 1})),
    ("reduction", dict(reduction="avg")),
    ("reduction", dict(reduction="SUM")),
    ("reduction", dict(reduction=None)),
    ("batch", dict(batch=0)),
    ("batch", dict(batch=MAX_BATCH + 1)),
    ("batch", dict(batch=-3)),
    ("batch", dict(batch=2.5)),
    ("batch", dict(batch=True)),
    ("batch", dict(batch=np.bool_(True))),
    ("batch", dict(batch="4")),
    ("batch", dict(batch=None)),
    ("batch", dict(batch=float("nan"))),
    ("batch", dict(batch=float("inf"))),
    ("batch", dict(batch=[4])),
    ("seed", dict(seed=-1)),
    ("seed", dict(seed=MAX_SEED + 1)),
    ("seed", dict(seed=0.5)),
    ("seed", dict(seed=False)),
    ("seed", dict(seed="0")),
    ("seed", dict(seed=None)),
    ("init", dict(init="glorot")),
    ("init", dict(init="")),
    ("init", dict(init=None)),
]


@pytest.mark.parametrize("field, overrides", BAD_SPECS)
def test_bad_configuration_raises_invalid_input_naming_the_field(field, overrides):
    error = _expect_invalid(field, lambda: NetworkSpec(**(GOOD | overrides)))
    assert isinstance(error, ValueError)  # callers may catch ValueError


def test_message_names_value_and_what_is_allowed():
    error = _expect_invalid("batch", lambda: NetworkSpec(**(GOOD | dict(batch=0))))
    assert str(error) == "batch = 0 is not allowed: use a whole number from 1 to 4096."
    error = _expect_invalid(
        "activation of layer 1", lambda: NetworkSpec(**(GOOD | dict(activations=("softmax", "identity"))))
    )
    assert "'softmax'" in str(error) and "last layer" in str(error)


def test_a_huge_value_makes_a_short_message():
    error = _expect_invalid("loss", lambda: NetworkSpec(**(GOOD | dict(loss="x" * 10_000))))
    assert len(str(error)) < 250


def test_array_reduction_is_invalid_input():
    _expect_invalid("reduction", lambda: NetworkSpec(**(GOOD | dict(reduction=np.array(["sum", "mean"])))))


@pytest.mark.parametrize(
    "overrides",
    [
        dict(sizes=(1, 1), activations=("identity",)),
        dict(sizes=(MAX_WIDTH, 1), activations=("identity",)),
        dict(sizes=(1, MAX_WIDTH), activations=("softmax",), loss="softmax_ce"),
        dict(sizes=(1,) * (MAX_LAYERS + 1), activations=("tanh",) * MAX_LAYERS),
        dict(batch=1),
        dict(batch=MAX_BATCH),
        dict(seed=0),
        dict(seed=MAX_SEED),
        dict(loss="mse", activations=("relu", "softmax")),  # mse on softmax: the general path
        dict(loss="bce", activations=("leaky_relu", "sigmoid"), reduction="mean"),
        dict(init="integers"),
        dict(init="xavier"),
        dict(init="he"),
    ],
)
def test_edges_of_every_range_are_accepted(overrides):
    spec = NetworkSpec(**(GOOD | overrides))
    assert spec.L == len(spec.sizes) - 1 == len(spec.activations)


def test_numpy_integers_and_lists_are_normalised_to_python_tuples_of_int():
    spec = NetworkSpec(
        sizes=np.array([3, 4, 2]), activations=["sigmoid", "identity"], batch=np.int64(2), seed=np.uint32(7)
    )
    assert spec.sizes == (3, 4, 2) and all(type(n) is int for n in spec.sizes)
    assert spec.activations == ("sigmoid", "identity")
    assert type(spec.batch) is int and type(spec.seed) is int
    json.dumps(spec.to_dict())  # plain JSON types only


def test_whole_floats_are_accepted_as_ints():
    # current contract: 4.0 (e.g. from a URL or JSON) is read as 4; 4.5 is refused (above)
    spec = NetworkSpec(**(GOOD | dict(batch=4.0, sizes=(3.0, 4, 2))))
    assert spec.batch == 4 and type(spec.batch) is int and spec.sizes == (3, 4, 2)


def test_spec_is_immutable_and_hashable():
    spec = NetworkSpec(**GOOD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.batch = 5
    assert spec == NetworkSpec(**GOOD) and hash(spec) == hash(NetworkSpec(**GOOD))


def test_shapes_follow_the_notes_orientation():
    spec = NetworkSpec(**(GOOD | dict(batch=5)))
    assert (spec.L, spec.m) == (2, 5)
    assert spec.shape_of("W", 1) == (3, 4) and spec.shape_of("W", 2) == (4, 2)  # n_{l-1} x n_l
    assert spec.shape_of("b", 2) == (2,)
    assert spec.shape_of("Z", 1) == spec.shape_of("A", 1) == (5, 4)
    assert spec.shape_of("A_prev", 1) == (5, 3)


def test_to_dict_is_the_cli_config():
    assert NetworkSpec(**GOOD).to_dict() == {
        "sizes": [3, 4, 2], "activations": ["sigmoid", "identity"], "loss": "mse",
        "reduction": "sum", "batch": 4, "seed": 0, "init": "uniform",
    }  # fmt: skip


# given arrays ---------------------------------------------------------------------------

SPEC = NetworkSpec(**GOOD)
BCE = NetworkSpec(**(GOOD | dict(activations=("tanh", "sigmoid"), loss="bce")))
CE = NetworkSpec(**(GOOD | dict(activations=("tanh", "softmax"), loss="softmax_ce")))


def _params(W1=None, b1=None, W2=None, b2=None):
    p = init_params(SPEC)
    pick = lambda given, default: default if given is None else given  # noqa: E731
    return Params((pick(W1, p.W[0]), pick(W2, p.W[1])), (pick(b1, p.b[0]), pick(b2, p.b[1])))


def _with_entry(shape, value):
    array = np.ones(shape)
    array.flat[len(array.flat) // 2] = value
    return array


ONE_HOT = np.eye(2)[[0, 1, 1, 0]]

BAD_ARRAYS = [
    ("shape of X", SPEC, dict(X=np.ones((4, 2)))),
    ("shape of X", SPEC, dict(X=np.ones((3, 4)))),  # transposed
    ("shape of X", SPEC, dict(X=np.ones(12))),
    ("shape of X", SPEC, dict(X=1.0)),
    ("shape of X", SPEC, dict(X=np.ones((4, 3, 1)))),
    ("shape of Y", SPEC, dict(Y=np.ones((4, 3)))),
    ("shape of Y", SPEC, dict(Y=np.ones((2, 4)))),
    ("shape of W^(1)", SPEC, dict(params=_params(W1=np.ones((4, 3))))),  # PyTorch's orientation
    ("shape of W^(2)", SPEC, dict(params=_params(W2=np.ones(8)))),
    ("shape of b^(1)", SPEC, dict(params=_params(b1=np.ones((4, 1))))),  # a column
    ("shape of b^(2)", SPEC, dict(params=_params(b2=np.ones(4)))),
    ("X", SPEC, dict(X=_with_entry((4, 3), np.nan))),
    ("X", SPEC, dict(X=_with_entry((4, 3), np.inf))),
    ("Y", SPEC, dict(Y=_with_entry((4, 2), -np.inf))),
    ("Y", SPEC, dict(Y=_with_entry((4, 2), np.nan))),
    ("W^(1)", SPEC, dict(params=_params(W1=_with_entry((3, 4), np.nan)))),
    ("W^(2)", SPEC, dict(params=_params(W2=_with_entry((4, 2), -np.inf)))),
    ("b^(1)", SPEC, dict(params=_params(b1=_with_entry(4, np.inf)))),
    ("b^(2)", SPEC, dict(params=_params(b2=_with_entry(2, np.nan)))),
    ("X", SPEC, dict(X=[["a", "b", "c"]] * 4)),
    ("X", SPEC, dict(X=[[1.0, 2.0, 3.0], [1.0]] * 2)),  # ragged
    ("X", SPEC, dict(X={"a": 1})),
    ("Y", SPEC, dict(Y="targets")),
    ("Y", BCE, dict(Y=_with_entry((4, 2), 2.0))),  # a bce target of 2
    ("Y", BCE, dict(Y=np.full((4, 2), -0.5))),
    ("Y", CE, dict(Y=np.full((4, 2), 0.4))),  # rows sum to 0.8
    ("Y", CE, dict(Y=np.tile([1.5, -0.5], (4, 1)))),  # sums to 1, entries outside [0, 1]
    ("Y", CE, dict(Y=np.tile([1.0, 1.0], (4, 1)))),  # two hot
    ("number of weight matrices", SPEC, dict(params=Params((np.ones((3, 4)),), (np.ones(4),)))),
    ("number of bias vectors", SPEC, dict(params=Params(_params().W, (np.ones(4),)))),
    ("X", SPEC, dict(X=np.ones((4, 3)) * (1 + 2j))),
    ("W^(1)", SPEC, dict(params=_params(W1=np.ones((3, 4)) * 1j))),
]


@pytest.mark.parametrize("field, spec, given", BAD_ARRAYS)
def test_bad_array_raises_invalid_input_naming_the_array(field, spec, given):
    _expect_invalid(field, lambda: run(spec, **given))


def test_softmax_ce_rows_must_sum_to_one_to_1e9():
    Y = np.tile([0.500009, 0.5], (4, 1))
    _expect_invalid("Y", lambda: run(CE, Y=Y))


@pytest.mark.parametrize("field", ["X", "W^(1)"])
def test_huge_finite_values_are_refused_or_give_finite_results(field):
    given = (
        dict(X=np.full((4, 3), 1e200)) if field == "X" else dict(params=_params(W1=np.full((3, 4), 1e200)))
    )
    spec = NetworkSpec(**(GOOD | dict(activations=("identity", "identity"))))
    try:
        trace = run(spec, **given)
    except InvalidInput as error:
        assert error.field == field
        return
    assert np.isfinite(trace.loss), f"L = {trace.loss} for {field} = 1e200"


def test_good_targets_of_each_loss_are_accepted():
    run(BCE, Y=np.tile([0.0, 1.0], (4, 1)))
    run(BCE, Y=np.full((4, 2), 0.25))  # soft labels are within [0, 1]
    run(CE, Y=ONE_HOT)
    run(CE, Y=np.full((4, 2), 0.5))  # a distribution per row
    run(SPEC, Y=np.full((4, 2), -7.0))  # mse takes any real target


def test_lists_and_ints_are_accepted_and_converted_to_float64():
    trace = run(SPEC, X=[[1, 2, 3]] * 4, Y=[[0, 1]] * 4)
    assert trace.X.dtype == trace.Y.dtype == np.float64
    assert trace.layers[0].W.dtype == np.float64


# ---- the work limit: multiply-adds of one pass ---------------------------------------------


def test_the_largest_network_the_sidebar_allows_is_refused_with_the_limit_in_the_message():
    # 8 layers of width 1024, batch 1024 (the sidebar's and the URL's maxima): 8.6e9 multiply-adds
    error = _expect_invalid(
        WORK_FIELD,
        lambda: NetworkSpec(sizes=(1024,) * 9, activations=("relu",) * 7 + ("identity",), batch=1024),
    )
    assert error.value == 8 * 1024**3 == multiply_adds((1024,) * 9, 1024)
    assert f"at most {MAX_MULTIPLY_ADDS:,}" in str(error)


@pytest.mark.parametrize("sizes, m", [((1000, 200), 1000), ((784, 512, 256, 10), 256), ((4096, 1), 4096)])
def test_networks_up_to_the_limit_are_accepted(sizes, m):
    assert multiply_adds(sizes, m) <= MAX_MULTIPLY_ADDS
    NetworkSpec(sizes=sizes, activations=("identity",) * (len(sizes) - 1), batch=m)


def test_one_multiply_add_past_the_limit_is_refused():
    assert multiply_adds((1000, 200), 1000) == MAX_MULTIPLY_ADDS  # the edge itself passes (above)
    _expect_invalid(WORK_FIELD, lambda: NetworkSpec(sizes=(1000, 201), activations=("identity",), batch=1000))


def test_only_an_explicit_none_lifts_the_limit_and_it_is_not_part_of_the_configuration():
    big = dict(sizes=(4096, 4096, 4096), activations=("sigmoid", "identity"), batch=1024)
    spec = NetworkSpec(**big, max_multiply_adds=None)  # the benchmark's 4096 case
    assert spec.sizes == big["sizes"] and "max_multiply_adds" not in spec.to_dict()
    assert NetworkSpec(**GOOD) == NetworkSpec(**GOOD, max_multiply_adds=None)  # not compared
    _expect_invalid(WORK_FIELD, lambda: NetworkSpec(**big))
