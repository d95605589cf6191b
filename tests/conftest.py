"""Test settings shared by the whole suite (helpers to import are in helpers.py)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Derandomized: every run draws the same examples, so a run passes or fails on the code, never on
# which random networks it happened to draw; the database is off so a run does not replay the
# examples an earlier run stored. HYPOTHESIS_PROFILE=explore searches afresh (more, random examples).
COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "database": None}
settings.register_profile("default", max_examples=40, derandomize=True, **COMMON)
settings.register_profile("ci", max_examples=60, derandomize=True, **COMMON)
settings.register_profile("explore", max_examples=400, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))

