r"""CPU load beside the browser tests: busy processes that share the cores, bounded in time.

``BROWSER_CPU_STRESS=N python -m pytest -m browser`` keeps N busy processes running while
each browser test module runs (conftest.py's ``cpu_stress_module``), as on a loaded CI
machine: the server, Chromium and the test then wait for the cores with them. Every burner

* ends by itself after its time cap (``CAP_S``, or ``seconds``), and the kernel stops it at
  the cap plus a few seconds of CPU time (RLIMIT_CPU), should its loop not end;
* ends when the test process that started it is gone (its parent id changes), so a killed
  test run leaves no load behind;
* is killed by its process id when the module (or the ``with`` block) ends.

Burners already running count: a module that asks for two while the session's two run
starts none (``cpu_stress``), so the load stays what was asked for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "BROWSER_CPU_STRESS"
CAP_S = 3600.0  # past one module's longest run seen under load (the accessibility module: 34 min at load 30)
MAX_WORKERS = 8

# Spins until its time cap or until its parent (the test process) is gone; the kernel ends it
# a few seconds of CPU time past the cap (SIGXCPU) should the loop not.
_BURN = """\
import os, resource, sys, time
cap = float(sys.argv[1])
resource.setrlimit(resource.RLIMIT_CPU, (int(cap) + 5, int(cap) + 10))
parent, end = os.getppid(), time.monotonic() + cap
while time.monotonic() < end and os.getppid() == parent:
    for _ in range(100_000):
        pass
"""

_running: list[subprocess.Popen] = []


def workers_from_env(environ: dict[str, str] = os.environ) -> int:
    """The number of burners ``BROWSER_CPU_STRESS`` asks for: unset or empty means none."""
    raw = environ.get(ENV, "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > MAX_WORKERS:
        raise ValueError(f"{ENV}={raw!r}: expected a whole number of busy processes from 0 to {MAX_WORKERS}")
    return int(raw)


def _burner(seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _BURN, str(seconds)])


def running() -> list[subprocess.Popen]:
    """The burners started here that are still spinning."""
    return [burner for burner in _running if burner.poll() is None]


@contextmanager
def cpu_stress(workers: int = 2, seconds: float = CAP_S) -> Iterator[list[subprocess.Popen]]:
    """At least ``workers`` busy processes for the block, each for at most ``seconds``.

    Yields every burner running in the block (those started by an enclosing block too); on
    exit kills, by process id, the ones this block started.
    """
    started = [_burner(seconds) for _ in range(max(0, workers - len(running())))]
    _running.extend(started)
    try:
        yield running()
    finally:
        for burner in started:
            burner.kill()
            burner.wait()
            _running.remove(burner)
