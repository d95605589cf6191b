"""The benchmark's records keep backprop/README.md's shape (no timing is asserted: that would flake)."""

import json
import subprocess
import sys

import numpy as np

from backprop import NetworkSpec, run
from backprop.core.bench import baseline_backward, blas_info, dense_records, engine_records
from backprop.core.network import forward, init_params, make_data


def test_dense_records_pair_the_pass_with_its_matmul_baseline():
    records = dense_records("dense-3-4-2-m2", "float64", quick=True)
    assert [r["case"] for r in records] == ["dense-3-4-2-m2", "matmul-dense-3-4-2-m2"]
    for record in records:
        assert record["dtype"] == "float64"
        assert record["median_s"] > 0 and record["gflops"] > 0
    assert records[0]["ratio_to_matmul"] == records[1]["median_s"] / records[0]["median_s"]


def test_blas_info_names_the_library():
    assert "blas" in blas_info().lower()


def test_command_line_prints_json_records():
    out = subprocess.run(
        [sys.executable, "-m", "backprop", "bench", "--json", "--quick", "--cases", "dense-3-4-2-m2"],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    records = json.loads(out)
    assert {r["case"] for r in records} == {"dense-3-4-2-m2", "matmul-dense-3-4-2-m2"}
    assert {r["dtype"] for r in records} == {"float64", "float32"}
    assert all({"case", "dtype", "median_s", "gflops", "blas"} <= set(r) for r in records)


def test_engine_records_pair_the_old_backward_with_the_new():
    for backward_only, suffix in ((False, ""), (True, "-backward")):
        records = engine_records("dense-3-4-2-m2", np.float64, quick=True, backward_only=backward_only)
        case = "engine-dense-3-4-2-m2" + suffix
        assert [r["case"] for r in records] == [f"{case}-before", f"{case}-after"]
        assert all(r["median_s"] > 0 for r in records)
        assert records[1]["ratio_to_before"] == records[1]["median_s"] / records[0]["median_s"]


def test_the_benchmarks_baseline_computes_what_the_engine_does():
    spec = NetworkSpec((3, 4, 2), ("tanh", "softmax"), "softmax_ce", "mean", batch=3)
    params = init_params(spec)
    X, Y = make_data(spec)
    old, new = baseline_backward(spec, params, X, Y, forward(spec, params, X)), run(spec)
    assert old.loss == new.loss
    for a, b in zip(old.layers, new.layers, strict=True):
        for name in a._fields[1:]:
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
