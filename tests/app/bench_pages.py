"""Median warm rerun time of every page, server-side (AppTest): ``python tests/app/bench_pages.py``.

Not a test (pytest collects only test_*.py). Each page runs once cold in its own
session, then ``--runs`` more times with the default network. Two medians are printed
in milliseconds: ``cpu``, the CPU time of the page script's thread (what the server
computes per rerun; not inflated by other processes on a busy machine), ``script``, the
wall time of Streamlit's exec of the page, and ``AppTest``, the whole ``at.run()`` (adds
the harness's thread start and message parsing). The budget of issue 4 is 150 ms. Then the
median page's cpu, and the notes and your-own pages' cpu as ratios to it (issue 16: <= 2).

``--network large`` then runs every page on each of LARGE's networks (the largest batch the
work limit admits) and prints a second table: the default network's script CPU, each large
one's, and their ratio (issue 16 asks for at most 3).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for `import backprop`

import streamlit.runtime.scriptrunner.script_runner as script_runner  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402

from backprop.core.spec import APP_MAX_BATCH, APP_MAX_WIDTH, MAX_LAYERS, MAX_MULTIPLY_ADDS, multiply_adds  # noqa: E402
from tests.app.conftest import page_files, run_page  # noqa: E402

BUDGET_MS = 150.0
RATIO_PAGES = ("pages/7_notes.py", "pages/11_your_own.py")  # issue 16: each within 2x the median page
# Large networks, each at the largest batch the work limit admits (512-512-512-10 at m = 512
# is past it): issue 16's, MNIST's shape, and the widest and deepest the sidebar allows.
LARGE_SIZES = ((512, 512, 512, 10), (784, 512, 256, 10), (APP_MAX_WIDTH,) * (MAX_LAYERS + 1))


def _largest_batch(sizes: tuple[int, ...]) -> int:
    """The largest batch m (at most the sidebar's) whose pass stays within the work limit."""
    return min(APP_MAX_BATCH, MAX_MULTIPLY_ADDS // multiply_adds(sizes, 1))


def _label(sizes: tuple[int, ...]) -> str:
    wide = len(set(sizes)) == 1 and len(sizes) > 4
    return (f"{sizes[0]}x{len(sizes)}" if wide else "-".join(map(str, sizes))) + f" m={_largest_batch(sizes)}"


LARGE = {
    _label(sizes): {"sizes": ",".join(map(str, sizes)), "m": str(_largest_batch(sizes))}
    for sizes in LARGE_SIZES
}
LARGE_RATIO = 3.0
LARGE_TIMEOUT = 600  # s: a large network's first run (the check page's finite differences) on a busy machine
_SCRIPT_MS: list[float] = []
_SCRIPT_CPU_MS: list[float] = []
_exec = script_runner.exec_func_with_error_handling


def _timed_exec(func, ctx):
    """Streamlit's exec of a page script, timed (runs in the script thread)."""
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        return _exec(func, ctx)
    finally:
        _SCRIPT_MS.append((time.perf_counter() - start) * 1000)
        _SCRIPT_CPU_MS.append((time.thread_time() - cpu) * 1000)


script_runner.exec_func_with_error_handling = _timed_exec

# A server keeps one ScriptCache for its lifetime, so a page is compiled (and its "magic"
# rewritten) once; AppTest makes a new cache per run, which would add ~10 ms of compiling
# to every rerun measured here. Share the compiled code across runs, as the server does.
_compiled: dict[str, object] = {}
_get_bytecode = ScriptCache.get_bytecode


def _shared_bytecode(self, script_path: str):
    key = str(Path(script_path).resolve())
    if key not in _compiled:
        _compiled[key] = _get_bytecode(self, script_path)
    return _compiled[key]


ScriptCache.get_bytecode = _shared_bytecode


def warm_rerun_ms(
    page: str, runs: int, query: dict | None = None, timeout: float = 60
) -> tuple[float, float, float, str | None]:
    """Median warm (script CPU, script wall, at.run()) times of ``page`` in ms, and an exception if any."""
    at = run_page(page, query, timeout=timeout)
    _SCRIPT_MS.clear()
    _SCRIPT_CPU_MS.clear()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    error = at.exception[0].value if at.exception else None
    return statistics.median(_SCRIPT_CPU_MS), statistics.median(_SCRIPT_MS), statistics.median(times), error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("pages", nargs="*", help="page files (default: every page that exists)")
    parser.add_argument(
        "--network", choices=("default", "large"), default="default", help="large: also the LARGE networks"
    )
    args = parser.parse_args()
    print(f"median warm rerun, ms ({args.runs} runs; load average {os.getloadavg()[0]:.1f})")
    print(f"{'page':28} {'cpu':>8} {'script':>8} {'AppTest':>8}")
    cpu = {}
    for page in args.pages or page_files():
        cpu[page], script_ms, total_ms, error = warm_rerun_ms(page, args.runs)
        flag = "" if script_ms <= BUDGET_MS else f"  over the {BUDGET_MS:.0f} ms budget"
        line = f"{page:28} {cpu[page]:8.1f} {script_ms:8.1f} {total_ms:8.1f}{flag}"
        print(line + (f"  EXCEPTION: {error}" if error else ""), flush=True)
    middle = statistics.median(cpu.values())
    print(f"{'median page':28} {middle:8.1f}")
    for page in RATIO_PAGES:
        if page in cpu:
            print(f"{page} / median page (cpu): {cpu[page] / middle:.2f} (issue 16 asks <= 2)")
    if args.network == "large":
        large_table(cpu, args.runs)
    return 0


def large_table(default_cpu: dict[str, float], runs: int) -> None:
    """Each page's warm script CPU on the LARGE networks beside the default's, and the ratio."""
    print(f"\nlarge networks: median warm script CPU, ms (load average {os.getloadavg()[0]:.1f})")
    print(f"{'page':28} {'default':>8}" + "".join(f" {name:>21} {'ratio':>6}" for name in LARGE))
    for page, base in default_cpu.items():
        line, notes = f"{page:28} {base:8.1f}", []
        for name, query in LARGE.items():
            cpu_ms, _, _, error = warm_rerun_ms(page, runs, query, LARGE_TIMEOUT)
            ratio = cpu_ms / base
            line += f" {cpu_ms:21.1f} {ratio:6.1f}"
            notes += [f"over {LARGE_RATIO:.0f}x on {name}"] if ratio > LARGE_RATIO else []
            notes += [f"EXCEPTION on {name}: {error}"] if error else []
        print(line + ("  " + "; ".join(notes) if notes else ""), flush=True)


if __name__ == "__main__":
    sys.exit(main())
