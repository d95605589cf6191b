"""The shared trace cache: one read-only object for all sessions, steps cached with it, one BLAS thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop.core.network import run
from backprop.core.spec import NetworkSpec
from backprop.derivation.steps import backward_steps
from backprop.io.launch import BLAS_THREADS, server_environment
from backprop.ui import cache, results

ROOT = Path(__file__).resolve().parents[1]
SPEC = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"), batch=5, seed=11)


def _arrays_of(trace):
    yield trace.X
    yield trace.Y
    yield trace.losses
    for layer in trace.layers:
        yield from (v for v in layer if isinstance(v, np.ndarray))


def test_the_cached_trace_is_one_shared_object():
    first = cache.trace(SPEC, {})
    assert cache.trace(SPEC, {}) is first  # no unpickled copy per call
    assert cache.trace(_reseeded(12), {}) is not first


def _reseeded(seed: int) -> NetworkSpec:
    return NetworkSpec(sizes=SPEC.sizes, activations=SPEC.activations, batch=SPEC.batch, seed=seed)


def test_every_array_of_the_cached_trace_is_read_only():
    trace = cache.trace(SPEC, {})
    arrays = list(_arrays_of(trace))
    assert len(arrays) == 3 + 10 * SPEC.L  # X, Y, l_i; per layer A_prev W b Z A dA dZ dW db dA_prev
    assert not any(array.flags.writeable for array in arrays)
    with pytest.raises(ValueError, match="read-only"):
        trace.layers[0].W[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        trace.X += 1.0


def test_the_cached_trace_has_the_core_values():
    trace, reference = cache.trace(SPEC, {}), run(SPEC)
    assert trace.loss == reference.loss
    for a, b in zip(_arrays_of(trace), _arrays_of(reference), strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_users_arrays_stay_writable():
    W1 = np.full(SPEC.shape_of("W", 1), 0.5)
    trace = cache.trace(_reseeded(13), {"W1": W1})
    np.testing.assert_array_equal(trace.layers[0].W, W1)
    assert W1.flags.writeable and not trace.layers[0].W.flags.writeable
    W1[0, 0] = 2.0  # the session's own array: still its to change


def test_backward_steps_are_cached_with_the_trace_and_read_only():
    trace = cache.trace(SPEC, {})
    key, token = cache.spec_key(SPEC), cache.arrays_token({})
    steps = results.backward_steps(key, token, False, 4, trace)
    assert results.backward_steps(key, token, False, 4, trace) is steps
    direct = backward_steps(run(SPEC), 4)
    assert [(s.name, s.l) for s in steps] == [(s.name, s.l) for s in direct]
    for step, reference in zip(steps, direct, strict=True):
        np.testing.assert_array_equal(step.result, reference.result)
        assert step.result_tex == reference.result_tex
        assert not step.result.flags.writeable
    assert results.backward_steps(key, token, False, 3, trace) is not steps  # digits are part of the key


def test_the_server_environment_sets_blas_to_one_thread_unless_told_otherwise():
    assert server_environment({})["OPENBLAS_NUM_THREADS"] == "1"
    assert set(BLAS_THREADS) <= set(server_environment({}))
    assert server_environment({"OPENBLAS_NUM_THREADS": "4"})["OPENBLAS_NUM_THREADS"] == "4"


BLAS_PROBE = """
import json, sys, numpy
from threadpoolctl import threadpool_info

def threads():
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

before = threads()
if sys.argv[1] == "page":  # the home page, as the server runs it
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file("app.py", default_timeout=120).run()
    assert not at.exception, at.exception
else:
    from backprop.ui import blas
    blas.one_thread()
print(json.dumps([before, threads()]))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="BLAS starts at one thread on one core")
@pytest.mark.parametrize("how", ["call", "page"])
def test_blas_loaded_before_us_is_lowered_to_one_thread(how):
    """As under ``streamlit run app.py``: numpy (and its BLAS threads) loaded before any script of ours."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREADS}
    out = subprocess.run(
        [sys.executable, "-c", BLAS_PROBE, how], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    before, after = json.loads(out.stdout.splitlines()[-1])
    assert before and max(before) > 1  # the probe starts where a plain server would: more than one thread
    assert after == [1] * len(before)


def test_a_read_only_array_keeps_its_arrow_table():
    M = cache.read_only(np.arange(12.0).reshape(3, 4))
    table = cache.table(M)
    assert cache.table(M) is table  # built once: the array cannot change
    assert table.column_names == ["1", "2", "3", "4"]
    np.testing.assert_array_equal(np.column_stack([c.to_numpy() for c in table.columns]), M)


def test_a_writable_array_gets_a_new_table_each_time():
    M = np.arange(6.0).reshape(2, 3)
    first = cache.table(M)
    M[0, 0] = 7.0
    assert cache.table(M) is not first
    assert cache.table(M).column("1").to_pylist() == [7.0, 3.0]


def test_a_vector_is_one_column_and_exact_values_are_text():
    from fractions import Fraction  # noqa: PLC0415

    assert cache.table(np.arange(3.0)).column_names == ["1"]
    exact = np.array([[Fraction(1, 3), Fraction(2)]], dtype=object)
    assert cache.table(exact).column("1").to_pylist() == ["1/3"]
