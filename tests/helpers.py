"""Helpers shared by the core's tests (imported as ``from helpers import ...``).

They live here, not in conftest.py: with conftest.py files in several test folders, the
module name ``conftest`` is ambiguous to import.
"""

from __future__ import annotations

import numpy as np


def assert_close(name: str, actual, expected, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    """np.testing.assert_allclose whose failure names the quantity that diverged."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=f"{name} diverged")
