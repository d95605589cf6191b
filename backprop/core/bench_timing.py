r"""How the benchmark measures: medians, alternation, clocks, page faults, the BLAS and the allocator.

``median_seconds`` times one function; ``alternate`` times two repeat by repeat, so a busy
machine slows both alike. ``CLOCKS``: "wall" is elapsed time; "cpu" is the process's CPU
time, which preemption by other work does not inflate (for passes of microseconds, and
for any pass with BLAS at one thread, ``blas_threads(1)``). ``keep_freed_memory`` sets
glibc to keep freed arrays in the process.
"""

from __future__ import annotations

import contextlib
import ctypes
import resource
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np


def median_seconds(fn: Callable[[], object], repeats: int = 7, target: float = 0.2) -> tuple[float, int]:
    """Median seconds per call of fn over `repeats` repeats, and the calls per repeat."""
    fn()  # warm up (caches, page faults, BLAS thread start)
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    number = max(1, int(target / once))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times), number


def blas_info() -> str:
    """The loaded BLAS: library, version, kernel (the CPU it chose code for) and threads (threadpoolctl)."""
    from threadpoolctl import threadpool_info  # noqa: PLC0415 (the app's dependency; read only here)

    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    if not pools:  # numpy built without a BLAS library threadpoolctl knows: name what numpy reports
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{config.get('name', '?')} {config.get('version', '')}".strip()
    return "; ".join(
        f"{pool['internal_api']} {pool['version']} (kernel {pool.get('architecture') or '?'}, "
        f"threads {pool['num_threads']})"
        for pool in pools
    )


def blas_threads(threads: int | None):
    """A context in which the loaded BLAS runs ``threads`` threads (None: as it was loaded)."""
    if threads is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits  # noqa: PLC0415

    return threadpool_limits(limits=threads, user_api="blas")


# glibc's mallopt parameters. glibc maps a block of 32 MiB or more on its own and unmaps it
# when freed, whatever its threshold allows (32 MiB at most): a 4096 × 1024 float64 array
# is such a block, and each pass would fault its pages in again, zeroed by the kernel.
M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4
TRIM_THRESHOLD = 1 << 30


def keep_freed_memory() -> str:
    r"""Keep up to 1 GiB of freed heap in the process instead of returning it to the system.

    Every array then comes from the heap (no block is mapped on its own), and a pass's
    freed arrays serve the next pass without page faults, at every size. Process-wide
    (glibc only; elsewhere nothing changes): a server that runs passes back to back may
    call it at start. Returns what it set.
    """
    if not sys.platform.startswith("linux"):
        return "system default"
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return "system default"
    if mallopt(M_MMAP_MAX, 0) != 1 or mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1:
        return "system default"
    return f"glibc keeps freed memory (no separate maps, trim {TRIM_THRESHOLD >> 20} MiB)"


def faults_per_call(fn: Callable[[], object], calls: int = 3) -> float:
    """Minor page faults per call of fn (the pages the system had to hand out again)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def alternate(first, second, clock: str = "wall", quick: bool = False) -> tuple[tuple[float, float], int]:
    """Median seconds per call of two functions timed in alternation repeat by repeat, and the repeats.

    A busy machine then slows both alike; the order within a pair flips every repeat.
    """
    now = CLOCKS[clock]
    first(), second()  # warm up (caches, page faults, BLAS threads)
    start = time.perf_counter()
    first()
    number = max(1, int(0.1 / max(time.perf_counter() - start, 1e-9)))  # calls per repeat, ~0.1 s
    repeats = 3 if quick else (5 if number == 1 else 31)
    times: tuple[list[float], list[float]] = ([], [])
    for repeat in range(repeats):
        for i in (0, 1) if repeat % 2 else (1, 0):
            fn = (first, second)[i]
            start = now()
            for _ in range(number):
                fn()
            times[i].append((now() - start) / number)
    return (statistics.median(times[0]), statistics.median(times[1])), repeats
