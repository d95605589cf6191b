r"""The home page starts without SymPy: a fresh interpreter runs it, and sys.modules says what it loaded.

SymPy's import is most of the app's cold start (``tests/browser/bench_cold_start.py``);
the home page and the numeric core never need it, so they import it only where it is
used (``backprop.core.deferred``). The probe runs in a subprocess, since this test
session has long imported SymPy; the same probe then opens the symbolic page, which does
need SymPy, so the check is seen to notice it when a page loads it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
from streamlit.testing.v1 import AppTest

def heavy():
    return sorted(name for name in ("sympy", "mpmath", "pandas") if name in sys.modules)

home = AppTest.from_file("app.py", default_timeout=120).run()
after_home = heavy()
symbolic = AppTest.from_file("app.py", default_timeout=120)
symbolic.switch_page("pages/3_symbolic.py")
symbolic.run()
print(json.dumps({
    "home_exceptions": [e.value for e in home.exception],
    "home_titles": [t.value for t in home.title],
    "after_home": after_home,
    "symbolic_exceptions": [e.value for e in symbolic.exception],
    "after_symbolic": heavy(),
}))
"""


def test_the_home_page_imports_neither_sympy_nor_pandas():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert not seen["home_exceptions"] and seen["home_titles"], seen  # the home page was drawn
    assert seen["after_home"] == [], f"the home page imported {seen['after_home']}"
    assert not seen["symbolic_exceptions"], seen["symbolic_exceptions"]
    assert "sympy" in seen["after_symbolic"], "the probe did not see the symbolic page import SymPy"
