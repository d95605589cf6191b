r"""Reading numbers back from the formulas a page typeset (KaTeX keeps each one's TeX source).

>>> tex_number(r"-2 \times 10^{-5}")
-2e-05
"""

from __future__ import annotations

import re

from browser_support import AppPage

_NUMBER = r"-?\d+(?:\.\d+)?(?: \\times 10\^\{-?\d+\})?"


def tex_number(text: str) -> float:
    r"""'1.5' -> 1.5; '-2 \times 10^{-5}' -> -2e-05 (the form backprop.derivation.latex.num prints)."""
    text = text.strip()
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}", text)
    return float(f"{match.group(1)}e{match.group(2)}") if match else float(text)


def _entry(tex: str) -> float:
    """One bmatrix entry, its colour (\\textcolor{#2166ac}{...}) and bold wrapper dropped."""
    match = re.search(_NUMBER, re.sub(r"\\textcolor\{[^}]*\}", "", tex))
    if match is None:
        raise AssertionError(f"no number in matrix entry {tex!r}")
    return tex_number(match.group(0))


def tex_sources(app: AppPage) -> list[str]:
    """The TeX source of every typeset formula on the page (KaTeX keeps it in a MathML annotation)."""
    return app.page.locator('.katex annotation[encoding="application/x-tex"]').all_text_contents()


_MATRIX = re.compile(r"\\underset\{([^}]*)\}\{\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}\}")


def _parse_matrix(match: re.Match) -> tuple[str, list[list[float]]]:
    shape, body = match.group(match.lastindex - 1), match.group(match.lastindex)
    return shape.strip(), [[_entry(x) for x in row.split("&")] for row in body.split(r"\\")]


def shown_matrix(sources: list[str], name: str) -> tuple[str, list[list[float]]]:
    r"""The matrix shown as ``name = \underset{shape}{\begin{bmatrix}...\end{bmatrix}}``: (shape, rows)."""
    named = re.compile(re.escape(name) + " = " + _MATRIX.pattern)
    for tex in sources:
        match = named.search(tex)
        if match:
            return _parse_matrix(match)
    raise AssertionError(f"no matrix {name} = ... on the page; formulas shown: {[s[:60] for s in sources]}")


def matrix_after(sources: list[str], head: str) -> tuple[str, list[list[float]]]:
    r"""The first unnamed ``\underset{shape}{bmatrix}`` shown after the formula that starts with ``head``."""
    for k, tex in enumerate(sources):
        if tex.startswith(head):
            for later in sources[k + 1 :]:
                match = _MATRIX.match(later.strip())
                if match:
                    return _parse_matrix(match)
    raise AssertionError(f"no matrix after {head!r}; formulas shown: {[s[:60] for s in sources]}")


def final_number(sources: list[str], head: str) -> float:
    """The final '= number' of the first formula containing ``head`` that ends in a number."""
    for tex in sources:
        if head in tex:
            numbers = re.findall(r"= (" + _NUMBER + r")\s*(?:\\end\{aligned\})?\s*$", tex.strip())
            if numbers:
                return tex_number(numbers[-1])
    raise AssertionError(
        f"no formula with {head!r} ending in a number; formulas shown: {[s[:80] for s in sources]}"
    )
