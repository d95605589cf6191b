r"""The LaTeX a page shows, the transpose signs other than \mathrm{T}, and KaTeX's verdict on each string.

KaTeX is the renderer ``st.latex`` and Markdown's ``$...$`` use; ``validate.js`` runs the
real ``katex`` npm package (the version Streamlit bundles, pinned in package.json) under node.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")

# $$...$$ first, then $...$; a \$ is a dollar sign, not math
DISPLAY_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)

# every way to write a transpose that is not the notes' \mathrm{T}
OTHER_TRANSPOSE = re.compile(
    r"\\top(?![a-zA-Z])"  # \top
    r"|\\intercal"
    r"|\\mathsf\s*\{?\s*T"  # \mathsf T, \mathsf{T}
    r"|\\(?:text|textsf|textrm|rm|mathit|mathbf|mathrm)\s+T(?![a-zA-Z])"  # unbraced \mathrm T, {\rm T}
    r"|\\(?:text|textsf|textrm|mathit|mathbf)\s*\{\s*T\s*\}"  # \text{T}, \mathbf{T}, ...
    r"|\^\s*T(?![a-zA-Z])"  # ^T
    r"|\^\s*\{\s*T\s*\}"  # ^{T}
    r"|\^\s*\{[^{}]*\)\s*T\s*\}"  # ^{(l)T}: a T inside the layer's superscript
)


def math_in_markdown(text: str) -> list[tuple[str, bool]]:
    """Every $$...$$ (display) and $...$ (inline) formula of a Markdown string."""
    found = [(m.group(1), True) for m in DISPLAY_MATH.finditer(text)]
    rest = DISPLAY_MATH.sub(" ", text)
    return found + [(m.group(1), False) for m in INLINE_MATH.finditer(rest)]


def page_latex(at) -> list[tuple[str, bool]]:
    """Every formula an AppTest run shows: st.latex elements (display) and math in text elements."""
    formulas = [(_unwrapped(str(element.value)), True) for element in at.latex]
    for kind in TEXT_KINDS:
        for element in getattr(at, kind):
            formulas.extend(math_in_markdown(str(element.value)))
    return formulas


def _unwrapped(body: str) -> str:
    """st.latex's body without the $$ ... $$ Streamlit wraps it in."""
    body = body.strip()
    if body.startswith("$$") and body.endswith("$$"):
        return body[2:-2].strip()
    return body


def other_transposes(tex: str) -> list[str]:
    r"""The transpose signs in tex that are not \mathrm{T}: ['\\top'], ['^{T}'], ... ([] if none)."""
    return [m.group(0) for m in OTHER_TRANSPOSE.finditer(tex)]


def node_missing() -> bool:
    """Whether node is not installed (the KaTeX check is skipped locally then; CI installs it)."""
    return shutil.which("node") is None


def require_node() -> None:
    """Skip the calling test when node is missing, or fail when REQUIRE_KATEX is set (CI)."""
    if not node_missing():
        return
    reason = "node is not installed here, so KaTeX cannot check the formulas"
    if os.environ.get("REQUIRE_KATEX"):
        pytest.fail(reason + " (REQUIRE_KATEX is set: install nodejs and run npm ci in tests/katex)")
    pytest.skip(reason + " (CI installs it and sets REQUIRE_KATEX)")


def ensure_installed() -> None:
    """npm ci in tests/katex when katex is not installed yet (.ci/run does the same)."""
    if (HERE / "node_modules" / "katex" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("node is installed but npm is not: cannot install katex into tests/katex")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm ci in {HERE} failed:\n{done.stderr}")


def katex_errors(formulas: list[tuple[str, bool]]) -> tuple[str, list[dict]]:
    """KaTeX's version and its error for every formula it rejects: [{"index", "tex", "error"}]."""
    ensure_installed()
    items = [{"tex": tex, "display": display} for tex, display in formulas]
    done = subprocess.run(
        ["node", str(HERE / "validate.js")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"validate.js failed:\n{done.stderr}")
    answer = json.loads(done.stdout)
    return answer["version"], answer["errors"]
