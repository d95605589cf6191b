"""backprop.core.isolate: heavy work is stopped within its budget; failures come back as outcomes."""

from __future__ import annotations

import functools
import os
import resource
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from isolate_targets import (
    blas_threads,
    child_limit,
    exits,
    fails,
    heavy_sympy,
    hog,
    one_big_allocation,
    priority,
    priority_without_sched_idle,
    quiet,
    spin,
    spin_span,
    spin_telling_pid,
    unpicklable,
)

from backprop.core import isolate

# the budget of calls expected to answer: an idle-priority child on a loaded machine waits
# for CPU time, and these tests wait for the answer, not for a clock
ANSWER_SECONDS = 120
run_isolated = functools.partial(isolate.run_isolated, seconds=ANSWER_SECONDS)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module", autouse=True)
def warm_forkserver():
    """Start the forkserver once (it imports numpy and sympy) before anything is timed."""
    assert run_isolated(abs, -1).value == 1


def test_result_comes_back():
    outcome = run_isolated(divmod, 17, 5)
    assert outcome.ok and outcome.value == (3, 2) and outcome.message == ""


@pytest.mark.parametrize("function", [spin, heavy_sympy], ids=["busy-loop", "sympy-expand"])
def test_heavy_request_is_stopped_at_its_budget(function):
    start = time.monotonic()
    outcome = run_isolated(function, seconds=1.0)
    assert outcome.status == "timeout" and "1 s" in outcome.message
    assert time.monotonic() - start >= 1.0


def _pid_when_written(path) -> int | None:
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return None


def _gone(pid: int) -> bool:
    """The process no longer exists (killed and reaped), or is a zombie awaiting its reaper."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_the_child_is_killed_at_its_budget():
    outcome = run_isolated(spin, seconds=1.0)
    assert outcome.status == "timeout"
    assert _gone(outcome.pid), "the child still runs after its budget"


def test_a_request_left_by_its_browser_is_killed_at_once(tmp_path):
    pid_file = tmp_path / "pid"
    outcome = run_isolated(
        spin_telling_pid,
        str(pid_file),
        seconds=120,
        cancelled=lambda: _pid_when_written(pid_file) is not None,
    )
    assert outcome.status == "cancelled"  # long before its budget
    assert _gone(int(pid_file.read_text()))


def test_memory_hog_is_stopped():
    outcome = run_isolated(hog, memory_mb=300)  # "memory", not "timeout": the limit stopped it
    assert outcome.status == "memory", outcome
    assert "300 MB" in outcome.message


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
        threading.Thread(target=lambda: outcomes.append(run_isolated(spin_span, 0.8))) for _ in range(2)
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
    assert run_isolated(abs, -2).value == 2


def test_children_run_at_idle_priority():
    policy_in_proc, policy, nice = run_isolated(priority).value
    assert policy_in_proc == policy == os.SCHED_IDLE
    assert nice == isolate.NICENESS == 19


def test_nice_19_where_sched_idle_is_refused():
    assert run_isolated(priority_without_sched_idle).value == ("nice", 19)


def test_blas_runs_at_one_thread_in_the_child():
    threads = run_isolated(blas_threads).value
    assert threads and set(threads) == {1}, threads


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


def test_a_page_stops_waiting_when_its_browser_leaves(tmp_path, monkeypatch):
    from streamlit import runtime
    from streamlit.runtime import scriptrunner

    from backprop.ui import isolated

    pid_file = tmp_path / "pid"

    class Server:
        def is_active_session(self, session_id: str) -> bool:
            assert session_id == "s1"
            return _pid_when_written(pid_file) is None  # the browser leaves once the child runs

    monkeypatch.setattr(runtime, "exists", lambda: True)
    monkeypatch.setattr(runtime, "get_instance", Server)
    monkeypatch.setattr(
        scriptrunner, "get_script_run_ctx", lambda **_: types.SimpleNamespace(session_id="s1")
    )
    with pytest.raises(isolated.Failed) as failed:  # outside a script run st.stop() returns
        isolated.run(spin_telling_pid, str(pid_file), seconds=120)
    assert failed.value.status == "cancelled"
    assert _gone(int(pid_file.read_text()))
