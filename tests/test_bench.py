"""The benchmark's records keep backprop/README.md's shape (no timing is asserted: that would flake)."""

import json
import resource
import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from backprop import NetworkSpec, run
from backprop.core.bench import baseline_backward, dense_records, engine_records, jax_records
from backprop.core.bench_flat import FLAT_CASE, engine_loop, flat_records
from backprop.core.bench_timing import alternate, blas_info, blas_threads, faults_per_call, keep_freed_memory
from backprop.core.network import forward, init_params, make_data


def test_dense_records_pair_the_pass_with_its_matmul_baseline():
    records = dense_records("dense-3-4-2-m2", "float64", quick=True)
    assert [r["case"] for r in records] == ["dense-3-4-2-m2", "matmul-dense-3-4-2-m2"]
    for record in records:
        assert record["dtype"] == "float64"
        assert record["median_s"] > 0 and record["gflops"] > 0
    assert records[0]["ratio_to_matmul"] == records[1]["median_s"] / records[0]["median_s"]
    assert all(r["faults"] >= 0 and r["clock"] == "wall" and r["threads"] == "library" for r in records)


def test_at_one_blas_thread_the_pass_and_its_baseline_are_timed_in_cpu_time():
    records = dense_records("dense-3-4-2-m2", "float32", quick=True, threads=1)
    assert [(r["clock"], r["threads"], r["dtype"]) for r in records] == [("cpu", 1, "float32")] * 2
    assert records[0]["ratio_to_matmul"] == records[1]["median_s"] / records[0]["median_s"]


def test_blas_threads_limits_the_loaded_blas_and_restores_it():
    def threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = threads()
    with blas_threads(1):
        assert set(threads()) <= {1}
    assert threads() == before
    with blas_threads(None):  # None: as the library loaded
        assert threads() == before


def test_blas_info_names_the_library_and_its_kernel():
    info = blas_info()
    assert "blas" in info.lower()
    if any(pool["user_api"] == "blas" for pool in threadpool_info()):
        assert "kernel" in info and "threads" in info


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


def test_flat_records_pair_the_engines_loop_with_the_flat_pass():
    records = flat_records(np.float32, quick=True)
    assert [r["case"] for r in records] == [f"{FLAT_CASE}-engine-loop", f"{FLAT_CASE}-flat"]
    assert all(r["median_s"] > 0 and r["clock"] == "cpu" and r["dtype"] == "float32" for r in records)
    assert records[1]["ratio_to_before"] == records[1]["median_s"] / records[0]["median_s"]


def test_the_engine_loop_timed_beside_the_flat_pass_gives_its_trace():
    spec = NetworkSpec((3, 4, 2), ("sigmoid", "identity"), "mse", "mean", batch=3)
    params = init_params(spec)
    X, Y = make_data(spec)
    fwd = forward(spec, params, X)
    loop, flat = engine_loop(spec, params, X, Y, fwd), run(spec, params, X, Y)
    assert loop.loss == flat.loss
    for a, b in zip(loop.layers, flat.layers, strict=True):
        for name in a._fields[1:]:
            assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_the_benchmarks_baseline_computes_what_the_engine_does():
    spec = NetworkSpec((3, 4, 2), ("tanh", "softmax"), "softmax_ce", "mean", batch=3)
    params = init_params(spec)
    X, Y = make_data(spec)
    old, new = baseline_backward(spec, params, X, Y, forward(spec, params, X)), run(spec)
    assert old.loss == new.loss
    for a, b in zip(old.layers, new.layers, strict=True):
        for name in a._fields[1:]:
            assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_alternate_times_both_functions_in_either_clock():
    calls = {"a": 0, "b": 0}

    def counter(key):
        return lambda: calls.__setitem__(key, calls[key] + np.ones(64).size)

    for clock in ("cpu", "wall"):
        (a, b), repeats = alternate(counter("a"), counter("b"), clock, quick=True)
        assert a > 0 and b > 0 and repeats == 3
    assert calls["a"] > 6 * 64 and calls["b"] > 6 * 64  # warm-up and three repeats each, twice


def test_the_tiny_engine_case_is_timed_in_cpu_time():
    records = engine_records("dense-3-4-2-m2", np.float32, quick=True)
    assert [r["clock"] for r in records] == ["cpu", "cpu"] and all(r["dtype"] == "float32" for r in records)


def test_page_faults_are_counted_and_freed_memory_kept():
    assert keep_freed_memory().startswith(("glibc", "system default"))
    assert faults_per_call(lambda: np.ones(1 << 20).sum(), calls=2) >= 0


def test_kept_memory_serves_arrays_above_glibcs_separate_map_size_without_faults():
    # 40 MiB: glibc maps such a block on its own (and unmaps it when freed) unless told not to
    if not keep_freed_memory().startswith("glibc"):
        pytest.skip("the allocator is not glibc: nothing was set")
    big = lambda: np.ones(5 << 20)  # noqa: E731
    big()  # the heap grows once
    pages = (5 << 20) * 8 // resource.getpagesize()
    assert faults_per_call(big, calls=3) < pages / 100, "the freed 40 MiB came back through page faults"


def test_jax_comparison_is_optional_and_checks_the_same_gradients(monkeypatch):
    try:
        import jax  # noqa: F401, PLC0415
    except ImportError:
        assert jax_records(quick=True) == []  # no jax: no column, no error
        return
    jaxed, ours = jax_records(quick=True)
    assert jaxed["case"] == "jax-jit-dense-3-4-2-m2" and ours["case"] == "dense-3-4-2-m2-beside-jax"
    assert ours["same_result"] is True  # JAX's autodiff, an independent oracle, agrees with the pass
    assert ours["ratio_to_jax"] == ours["median_s"] / jaxed["median_s"]
    monkeypatch.setitem(sys.modules, "jax", None)  # as if jax were not installed
    assert jax_records(quick=True) == []
