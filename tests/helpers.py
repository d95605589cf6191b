"""Helpers shared by the core's tests (imported as ``from helpers import ...``).

They live here, not in conftest.py: with conftest.py files in several test folders, the
module name ``conftest`` is ambiguous to import.
"""

from __future__ import annotations

import sys
import threading

import numpy as np


def assert_close(name: str, actual, expected, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    """np.testing.assert_allclose whose failure names the quantity that diverged."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=f"{name} diverged")


def ends_with_number(tex: str, z: float) -> bool:
    """Whether a sum written out in LaTeX ends with ``= z``, z to whatever digits the sum chose."""
    from backprop.derivation import latex  # noqa: PLC0415

    return any(tex.endswith(f"= {latex.num(z, d)}") for d in range(1, 16))


def run_interleaved(threads: list[threading.Thread]) -> None:
    """Start the threads and wait for them, switching between them every microsecond.

    Python's default switch interval (5 ms) lets a short loop finish within one slice, so
    threads would take turns rather than interleave.
    """
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
