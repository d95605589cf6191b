"""The benchmark's records keep backprop/README.md's shape (no timing is asserted: that would flake)."""

import json
import subprocess
import sys

from backprop.core.bench import blas_info, dense_records


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
