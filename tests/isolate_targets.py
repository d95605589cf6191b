"""Functions that tests/test_isolate.py runs in child processes (cheap to import: no pytest)."""

from __future__ import annotations

import os
import resource
import time


def spin(seconds: float = 1e9) -> int:
    """A busy loop (holds a CPU and, in-process, the GIL)."""
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


def spin_span(seconds: float) -> tuple[float, float]:
    """A busy loop of `seconds`; when it started and ended (CLOCK_MONOTONIC, shared by processes)."""
    start = time.monotonic()
    spin(seconds)
    return start, time.monotonic()


def heavy_sympy() -> int:
    """A SymPy request that takes minutes: expanding (a+b+c+d+e)^60."""
    import sympy as sp

    a, b, c, d, e = sp.symbols("a b c d e")
    return len(sp.expand((a + b + c + d + e) ** 60).args)


def hog(step_mb: int = 64) -> int:
    """Allocate and touch memory until something stops us."""
    chunks = []
    while True:
        chunks.append(bytearray(step_mb * 2**20))


def one_big_allocation() -> int:
    return len(bytearray(8 * 2**30))


def fails() -> None:
    raise ValueError("a reason")


def unpicklable():
    return lambda: 0


def exits() -> None:
    os._exit(3)


def child_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_AS)[0]


def niceness() -> int:
    return os.nice(0)


def scheduler() -> int:
    return os.sched_getscheduler(0)


def quiet() -> tuple[bool, str]:
    """Whether a warning would be logged in the child, and what happens to a Python warning there."""
    import logging
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("noise", RuntimeWarning, stacklevel=1)
    return logging.getLogger("streamlit").isEnabledFor(logging.WARNING), f"{len(caught)} recorded"


def priority() -> tuple[int, int, int]:
    """(the scheduling policy in /proc/self/stat, os.sched_getscheduler's, the niceness) in the child."""
    fields = open("/proc/self/stat").read().rsplit(")", 1)[1].split()
    return int(fields[38]), os.sched_getscheduler(0), os.nice(0)  # field 41: policy


def priority_without_sched_idle() -> tuple[str, int]:
    """_lower_priority where SCHED_IDLE is refused: what it chose, and the niceness."""
    from backprop.core import isolate

    def refuse(*args):
        raise PermissionError("not allowed here")

    os.sched_setscheduler = refuse
    return isolate._lower_priority(), os.nice(0)


def blas_threads() -> list[int]:
    """Threads of each BLAS or OpenMP pool loaded in the child."""
    import numpy  # noqa: F401 (loads OpenBLAS)
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info()]


def spin_telling_pid(path: str, seconds: float = 1e9) -> int:
    """Write this process's id to ``path``, then spin."""
    with open(path + ".tmp", "w") as out:
        out.write(str(os.getpid()))
    os.replace(path + ".tmp", path)
    return spin(seconds)
