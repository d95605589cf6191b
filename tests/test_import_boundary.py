r"""The core imports numpy, sympy and the standard library only: `import backprop` (and
every core module, backprop.ui aside) must never pull in streamlit or plotly. Checked in
a fresh interpreter, where nothing else has imported them first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib, json, pkgutil, sys
before = set(sys.modules)
import backprop, backprop.core.gradcheck, backprop.derivation.three_way, backprop.io.cli
named = sorted(set(sys.modules) - before)
failed = {}
for info in pkgutil.walk_packages(backprop.__path__, "backprop."):
    if info.name.startswith("backprop.ui") or info.name == "backprop.__main__":
        continue
    try:
        importlib.import_module(info.name)
    except Exception as error:  # reported by name, not hidden
        failed[info.name] = f"{type(error).__name__}: {error}"
every = sorted(set(sys.modules) - before)
print(json.dumps({"named": named, "every": every, "failed": failed,
                  "stdlib": sorted(sys.stdlib_module_names)}))
"""

FORBIDDEN = ("streamlit", "plotly")
# numpy, sympy, and what they bring themselves: mpmath (SymPy's arithmetic) and the
# cython_runtime entry that numpy.random's Cython extensions register in sys.modules
ALLOWED_THIRD_PARTY = {"numpy", "sympy", "mpmath", "cython_runtime", "backprop"}


@pytest.fixture(scope="module")
def probe() -> dict:
    """What a fresh interpreter imports for the core (one subprocess for all the tests here)."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _forbidden(names):
    return [name for name in names if name.split(".")[0] in FORBIDDEN]


def test_import_backprop_and_its_entry_points_imports_neither_streamlit_nor_plotly(probe):
    assert "backprop.io.cli" in probe["named"] and "numpy" in probe["named"]  # the probe saw the imports
    assert not _forbidden(probe["named"]), f"import backprop pulled in {_forbidden(probe['named'])[:5]}"


def test_every_core_module_imports_neither_streamlit_nor_plotly(probe):
    assert not _forbidden(probe["every"]), f"a core module pulled in {_forbidden(probe['every'])[:5]}"


def test_every_core_module_imports_only_numpy_sympy_and_the_standard_library(probe):
    top_level = {name.split(".")[0] for name in probe["every"]}
    stray = top_level - set(probe["stdlib"]) - ALLOWED_THIRD_PARTY - {"__main__"}
    stray = {name for name in stray if not name.startswith("_")}  # C helpers of the stdlib
    assert not stray, f"the core imports beyond numpy, sympy and the standard library: {sorted(stray)}"


def test_every_core_module_imports_at_all(probe):
    assert not probe["failed"], f"core modules that do not import: {probe['failed']}"
