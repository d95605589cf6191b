"""Where a rerun's server time goes: ``streamlit run app.py`` with every thread under cProfile.

Each thread (the event loop, every script run) is profiled in its own thread CPU time,
so waiting and other jobs on the machine do not count. Drive it with the load test, then
send SIGUSR1: the merged statistics are written and the server exits.

    python tests/load/profile_server.py --server.port 8600 &        # from a clean copy
    python tests/load/run_load.py --url http://127.0.0.1:8600 --pids $! --sessions 10 --no-heavy-link
    kill -USR1 %1
    python -c "import pstats; pstats.Stats('/tmp/server.prof').sort_stats('cumtime').print_stats(40)"

A maintainer's tool: the server listens on 127.0.0.1 only. Profiling makes each rerun
several times slower; read shares of the total, not seconds.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = os.environ.get("PROFILE_OUT", "/tmp/server.prof")
_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()
_thread_run = threading.Thread.run


def _profiled_run(self) -> None:
    profile = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append(profile)
    profile.enable()
    try:
        _thread_run(self)
    finally:
        profile.disable()


def _dump(*_) -> None:
    """Merge every thread's statistics into OUT and exit (the server's own shutdown is not needed)."""
    merged = None
    with _lock:
        for profile in _profiles:
            profile.disable()
            try:
                stats = pstats.Stats(profile)
            except TypeError:  # a thread that never ran a function
                continue
            merged = stats if merged is None else merged.add(stats)
    if merged is not None:
        merged.dump_stats(OUT)
    print(f"profile written to {OUT}", flush=True)
    os._exit(0)


def main(extra: list[str]) -> None:
    """``streamlit run app.py`` from the checkout with ``extra`` options, BLAS at one thread as served."""
    os.chdir(ROOT)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # before numpy loads
    threading.Thread.run = _profiled_run
    signal.signal(signal.SIGUSR1, _dump)
    main_thread = cProfile.Profile(time.thread_time)
    _profiles.append(main_thread)
    sys.argv = ["streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.headless", "true"]
    sys.argv += extra
    from streamlit.web.cli import main as streamlit_main  # noqa: PLC0415 (after the patch and the environment)

    main_thread.enable()
    streamlit_main()


if __name__ == "__main__":
    main(sys.argv[1:])
