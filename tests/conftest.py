"""Shared test helpers and settings."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")


def assert_close(name: str, actual, expected, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    """np.testing.assert_allclose whose failure names the quantity that diverged."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=f"{name} diverged")
