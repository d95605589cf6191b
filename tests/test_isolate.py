"""backprop.core.isolate: heavy work is stopped within its budget; failures come back as outcomes."""

from __future__ import annotations

import os
import resource
import sys
import threading
import time
import types

import pytest
from isolate_targets import (
    child_limit,
    exits,
    fails,
    heavy_sympy,
    hog,
    niceness,
    one_big_allocation,
    quiet,
    scheduler,
    spin,
    spin_span,
    unpicklable,
)

from backprop.core import isolate
from backprop.core.isolate import run_isolated

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module", autouse=True)
def warm_forkserver():
    """Start the forkserver once (it imports numpy and sympy) before anything is timed."""
    assert run_isolated(abs, -1, seconds=60).value == 1


def test_result_comes_back():
    outcome = run_isolated(divmod, 17, 5)
    assert outcome.ok and outcome.value == (3, 2) and outcome.message == ""


@pytest.mark.parametrize("function", [spin, heavy_sympy], ids=["busy-loop", "sympy-expand"])
def test_heavy_request_is_stopped_within_its_budget_plus_half_a_second(function):
    start = time.monotonic()
    outcome = run_isolated(function, seconds=1.0)
    elapsed = time.monotonic() - start
    assert outcome.status == "timeout" and "1 s" in outcome.message
    assert 1.0 <= elapsed < 1.5, f"stopped after {elapsed:.3f} s"


def test_memory_hog_is_stopped():
    start = time.monotonic()
    outcome = run_isolated(hog, seconds=20, memory_mb=300)
    assert outcome.status == "memory", outcome
    assert "300 MB" in outcome.message
    assert time.monotonic() - start < 5


def test_one_huge_allocation_is_refused():
    assert run_isolated(one_big_allocation, memory_mb=200).status == "memory"


def test_the_limit_is_set_in_the_child_only():
    limit = run_isolated(child_limit, memory_mb=100).value
    assert limit != resource.RLIM_INFINITY
    assert (
        resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY
        or limit < resource.getrlimit(resource.RLIMIT_AS)[0]
    )


def test_errors_come_back_as_outcomes():
    failed = run_isolated(fails)
    assert failed.status == "error" and failed.message == "ValueError: a reason"
    assert run_isolated(unpicklable).status == "error"
    exited = run_isolated(exits)
    assert exited.status == "error" and "code 3" in exited.message


def test_the_waiting_thread_uses_no_cpu_and_calls_run_in_parallel(monkeypatch):
    monkeypatch.setattr(isolate, "_slots", threading.BoundedSemaphore(2))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    outcomes = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(run_isolated(spin_span, 0.8, seconds=10)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    used = resource.getrusage(resource.RUSAGE_SELF).ru_utime - before
    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert used < 0.3, f"the server process itself used {used:.2f} s of CPU while children worked"
    # side by side: the two children's busy spans overlap (no wall-clock budget: that flakes)
    (start_1, end_1), (start_2, end_2) = (o.value for o in outcomes)
    assert max(start_1, start_2) < min(end_1, end_2), "the two calls ran one after the other"


def test_a_call_without_a_free_slot_is_busy(monkeypatch):
    monkeypatch.setattr(isolate, "_slots", threading.BoundedSemaphore(1))
    holder = threading.Thread(target=run_isolated, args=(time.sleep, 1.5), kwargs={"seconds": 5})
    holder.start()
    time.sleep(0.2)
    outcome = run_isolated(abs, -2, seconds=0.3)
    holder.join()
    assert outcome.status == "busy"
    assert run_isolated(abs, -2, seconds=5).value == 2


def test_children_run_at_a_lower_priority():
    assert run_isolated(niceness).value >= os.nice(0) + isolate.NICENESS
    assert run_isolated(scheduler).value == os.SCHED_IDLE


def test_one_core_stays_with_the_server():
    assert isolate.MAX_CHILDREN == max(1, os.cpu_count() - 1)


def test_the_main_script_is_not_run_again_in_the_child(tmp_path, monkeypatch):
    # under `streamlit run`, __main__ is the page script: multiprocessing would re-run it
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    assert run_isolated(abs, -3).value == 3
    assert not marker.exists(), "the child ran the main script"


def test_children_log_nothing():
    logs, python_warnings = run_isolated(quiet).value
    assert not logs and python_warnings == "0 recorded"
