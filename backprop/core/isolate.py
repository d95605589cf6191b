r"""Run expensive work in a child process with a time and memory budget, killed past it.

A SymPy derivation can take minutes or gigabytes, and while it runs in the server's
own process it holds the interpreter lock every other session needs. In a child
process it holds nothing of ours: the calling thread waits on a pipe (without the
lock), and past ``seconds`` the child is killed (SIGKILL), so a heavy request costs
its own session a refusal and no one else anything.

The child comes from a "forkserver" (a small server process started once, which
imports numpy, sympy and backprop once and forks a child per call in milliseconds).
Its address space is limited with ``resource.setrlimit(RLIMIT_AS)`` to what it had at
the start plus ``memory_mb``, so a memory hog gets MemoryError in the child, not the
machine's OOM killer in the server.

A child only takes CPU time the interactive sessions leave idle: it runs under Linux's
SCHED_IDLE policy (nice 19 where refused), so any runnable thread of the server or of
any other process comes first, and its BLAS runs at one thread. Its budget is wall time
all the same: on a busy machine a heavy request runs out of time, and no one waits for
it. When ``cancelled()`` turns true (the browser left) the child is killed within
POLL_SECONDS, its memory freed at once; the waiting thread wakes only that often, as
each wake takes the interpreter lock, briefly, from whatever rerun is running. At most
``MAX_CHILDREN`` children run at once (one core less than the machine has); a call that
gets no slot within its budget returns "busy".

The function and its arguments must be picklable: a module-level function of an
importable module (the main script is not run again in the child).

>>> run_isolated(pow, 2, 10, seconds=60).value
1024
>>> run_isolated(pow, 2, -1, seconds=60).status
'ok'
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import spawn
from typing import Any

MAX_CHILDREN = max(1, (os.cpu_count() or 2) - 1)  # one core at least stays with the server
DEFAULT_SECONDS = 10.0
DEFAULT_MEMORY_MB = 1024
PRELOAD = ["numpy", "sympy", "backprop"]
NICENESS = 19  # where SCHED_IDLE is not allowed, the lowest priority nice gives
POLL_SECONDS = 0.25  # how often the waiting thread asks whether the request was left
CHILD_NAME = "backprop-isolated"  # multiprocessing's name of the children started here

_slots = threading.BoundedSemaphore(MAX_CHILDREN)
_context_lock = threading.Lock()
_context = None


@dataclass(frozen=True)
class Outcome:
    r"""What became of an isolated call: status "ok", "timeout", "memory", "busy" or "error".

    ``value`` is the function's result when ok; ``message`` says what went wrong
    otherwise (the exception's type and text for "error"); ``seconds`` is wall time;
    ``pid`` the child's process id (None if none was started).
    """

    status: str
    value: Any = None
    message: str = ""
    seconds: float = 0.0
    pid: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def run_isolated(
    function: Callable,
    *args,
    seconds: float = DEFAULT_SECONDS,
    memory_mb: int = DEFAULT_MEMORY_MB,
    cancelled: Callable[[], bool] | None = None,
    **kwargs,
) -> Outcome:
    r"""function(*args, **kwargs) in a child process, killed after ``seconds``, with ``memory_mb`` to spare.

    ``cancelled()`` (polled every POLL_SECONDS) true: the child is killed, status "cancelled".
    Never raises for the function's sake: its exceptions, a timeout, running out of
    memory or a crash of the child come back as an Outcome.
    """
    start = time.monotonic()
    deadline = start + seconds
    while not _slots.acquire(timeout=min(POLL_SECONDS, max(0.0, deadline - time.monotonic()))):
        if cancelled is not None and cancelled():
            return Outcome("cancelled", message="the request was left", seconds=time.monotonic() - start)
        if time.monotonic() >= deadline:
            message = f"{MAX_CHILDREN} heavy requests are already running"
            return Outcome("busy", message=message, seconds=seconds)
    try:
        return _run(function, args, kwargs, memory_mb, start, deadline, cancelled)
    finally:
        _slots.release()


def _run(function, args, kwargs, memory_mb: int, start, deadline, cancelled) -> Outcome:
    context = _forkserver()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(send, memory_mb, function, args, kwargs), name=CHILD_NAME, daemon=True
    )
    child.start()
    send.close()  # the child holds the only writing end: EOF on receive means it died
    try:
        status, value = _wait(receive, deadline, cancelled), None
        message = "the request was left" if status == "cancelled" else f"stopped after {deadline - start:g} s"
        if status == "answered":
            try:
                status, value, message = receive.recv()
            except (EOFError, OSError):
                status, value, message = _died(child)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    return Outcome(status, value, message, time.monotonic() - start, child.pid)


def _wait(receive, deadline: float, cancelled) -> str:
    """Wait for the child's answer: "answered", "cancelled" or "timeout" (polls the pipe without the GIL)."""
    while (left := deadline - time.monotonic()) > 0:
        if receive.poll(min(POLL_SECONDS, left) if cancelled is not None else left):
            return "answered"
        if cancelled is not None and cancelled():
            return "cancelled"
    return "timeout"


def _died(child) -> tuple[str, None, str]:
    """The outcome of a child that closed its pipe without an answer."""
    child.join()
    code = child.exitcode
    if code is not None and code < 0:
        return "memory" if code == -9 else "error", None, f"the child process was killed by signal {-code}"
    return "error", None, f"the child process exited with code {code}"


def _forkserver():
    """The forkserver context, its server preloading numpy, sympy and backprop (started once)."""
    global _context
    with _context_lock:
        if _context is None:
            _leave_main_alone()
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def _leave_main_alone() -> None:
    """Children named CHILD_NAME skip multiprocessing's re-run of the main script.

    multiprocessing runs the parent's ``__main__`` again in every child, as
    ``__mp_main__``, so that functions defined there can be unpickled. Under
    ``streamlit run``, ``sys.modules["__main__"]`` is the page script that is running
    (Streamlit executes each page as ``__main__``): every child drew the whole page
    again, outside any session, logging Streamlit's "missing ScriptRunContext" warning
    for each element (hundreds of lines per page view) and importing the UI. The
    functions run here are module-level functions of importable modules, so the child
    needs the parent's sys.path and working directory but never its main script.
    ``spawn.get_preparation_data`` is where multiprocessing decides what a child
    prepares; it is wrapped once, and only processes named CHILD_NAME are affected.
    """
    if not isinstance(spawn.get_preparation_data, _LeavesMainAlone):
        spawn.get_preparation_data = _LeavesMainAlone(spawn.get_preparation_data)


class _LeavesMainAlone:
    """multiprocessing's get_preparation_data without the main script for CHILD_NAME's children."""

    def __init__(self, original: Callable[[str], dict]):
        self.original = original

    def __call__(self, name: str) -> dict:
        data = self.original(name)
        if name == CHILD_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data


def _child(send, memory_mb: int, function, args, kwargs) -> None:
    """In the child: cap the address space, run, send (status, value, message) back."""
    _quiet()
    try:
        _lower_priority()
        _one_blas_thread()
        _limit_memory(memory_mb)
        result = ("ok", function(*args, **kwargs), "")
    except MemoryError:
        result = ("memory", None, f"needed more than {memory_mb} MB")
    except BaseException as error:  # noqa: BLE001 (anything the function raises is the caller's answer)
        result = ("error", None, f"{type(error).__name__}: {error}"[:500])
    try:
        send.send(result)
    except Exception as error:  # noqa: BLE001 (e.g. an unpicklable result)
        send.send(("error", None, f"the result could not be sent back: {type(error).__name__}"))
    finally:
        send.close()


def _quiet() -> None:
    """No log records or warnings from the child: its one answer goes through the pipe.

    The child's stderr is the server's log; a numeric warning of a finite-difference
    step or a library's deprecation notice there would be noise on every page view.
    """
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _lower_priority() -> str:
    """SCHED_IDLE ("idle": only CPU time no other process wants), else nice 19 ("nice").

    nice 19 is set either way; SCHED_IDLE may be refused (not Linux, a sandbox).
    """
    os.nice(NICENESS - os.nice(0))
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        return "nice"
    return "idle"


def _one_blas_thread() -> None:
    """BLAS at one thread in the child: a second BLAS thread would take the core the server keeps."""
    try:
        from threadpoolctl import threadpool_limits  # noqa: PLC0415
    except ImportError:  # the app's dependency; the core alone may lack it
        return
    threadpool_limits(limits=1)


def _limit_memory(memory_mb: int) -> None:
    """RLIMIT_AS = the address space in use now + memory_mb (shared libraries count too)."""
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = in_use + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
