r"""A small document model (headings, paragraphs with inline math and code, display math) and two printers.

The derivation, the worksheet and its answer key are built once as a list of blocks and
printed both as a LaTeX document and as Markdown with ``$...$`` / ``$$...$$`` math
(GitHub, Jupyter, Obsidian). The English document compiles with pdflatex and only
amsmath, amssymb and geometry; the Chinese one (``lang="zh"``) is a ``ctexart`` document
for xelatex. Every sentence comes from the catalogues (``document.*``), written with
``$...$`` math and `` `code` `` that ``para`` splits into parts.

>>> blocks = [Heading("Layer 1"), Para("The weights ", Math("W^{(1)}"), " are 3 x 4_ish.")]
>>> print(to_markdown(blocks, "Title").splitlines()[2])
## Layer 1
>>> "4\\_ish" in to_latex(blocks, "Title")
True
>>> [type(part).__name__ for part in para("use $m = 2$ and `relu`.").parts]
['str', 'Math', 'str', 'Code', 'str']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from backprop.derivation import notation as nt
from backprop.derivation.exact import with_values  # noqa: F401 (the printers' way to hand-calculation mode)
from backprop.locales import option_name, translate


@dataclass(frozen=True)
class Math:
    """Inline mathematics inside a paragraph."""

    tex: str


@dataclass(frozen=True)
class Code:
    """A name written as code inside a paragraph (an activation, a loss, an option)."""

    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


class Para:
    """A paragraph: plain text and Math pieces."""

    def __init__(self, *parts: str | Math | Code):
        self.parts = parts


_PIECES = re.compile(r"\$([^$]+)\$|`([^`]+)`")


def para(text: str) -> Para:
    """A paragraph from a catalogue sentence: its ``$...$`` become Math, its `` `...` `` Code."""
    parts: list[str | Math | Code] = []
    at = 0
    for match in _PIECES.finditer(text):
        if match.start() > at:
            parts.append(text[at : match.start()])
        parts.append(Math(match.group(1)) if match.group(1) is not None else Code(match.group(2)))
        at = match.end()
    if at < len(text):
        parts.append(text[at:])
    return Para(*parts)


def said(lang: str, key: str, **fmt) -> Para:
    """The paragraph of catalogue sentence ``document.<key>`` in ``lang``."""
    return para(translate(lang, f"document.{key}", **fmt))


def words(lang: str, key: str, **fmt) -> str:
    """The plain text of catalogue entry ``document.<key>`` in ``lang`` (a heading, a title)."""
    return translate(lang, f"document.{key}", **fmt)


@dataclass(frozen=True)
class Display:
    """Display mathematics (one equation, possibly an aligned block)."""

    tex: str


CLASS = {
    "en": "\\documentclass[11pt]{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n",
    "zh": "% compile with xelatex\n\\documentclass[11pt]{ctexart}\n",
}
PREAMBLE = r"""\usepackage[margin=1.8cm]{geometry}
\usepackage{amsmath,amssymb}
\setcounter{MaxMatrixCols}{20}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def escape_tex(text: str) -> str:
    """Plain text made safe for LaTeX (underscores in names such as leaky_relu, and the rest)."""
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


def _part_tex(part: str | Math | Code) -> str:
    if isinstance(part, Math):
        return f"${part.tex}$"
    if isinstance(part, Code):
        return r"\texttt{" + escape_tex(part.text) + "}"
    return escape_tex(part)


def _part_markdown(part: str | Math | Code) -> str:
    if isinstance(part, Math):
        return f"${part.tex}$"
    if isinstance(part, Code):
        return f"`{part.text}`"
    return part


def to_latex(blocks: list, title: str, lang: str = "en") -> str:
    """A complete LaTeX document (pdflatex in English, xelatex with ctex in Chinese)."""
    head = CLASS.get(lang, CLASS["en"]) + PREAMBLE
    body = [head, r"\begin{document}", r"\section*{" + escape_tex(title) + "}"]
    for block in blocks:
        if isinstance(block, Heading):
            command = "subsection*" if block.level <= 2 else "subsubsection*"
            body.append(f"\\{command}{{{escape_tex(block.text)}}}")
        elif isinstance(block, Para):
            body.append("".join(map(_part_tex, block.parts)) + "\n")
        else:
            body.append(r"\[" + "\n" + block.tex + "\n" + r"\]")
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def to_markdown(blocks: list, title: str) -> str:
    """The same document as Markdown with $ math."""
    body = [f"# {title}", ""]
    for block in blocks:
        if isinstance(block, Heading):
            body += ["#" * min(block.level, 6) + " " + block.text, ""]
        elif isinstance(block, Para):
            body += ["".join(map(_part_markdown, block.parts)), ""]
        else:
            body += ["$$", block.tex, "$$", ""]
    return "\n".join(body)


def network_sentence(spec, lang: str = "en") -> Para:
    """One paragraph naming the network's configuration; each activation by its name or its formula."""
    acts = words(lang, "separator").join(
        _activation(l, name, lang) for l, name in enumerate(spec.activations, start=1)
    )
    return said(
        lang,
        "network",
        sizes=", ".join(f"n_{{{k}}} = {n}" for k, n in enumerate(spec.sizes)),
        acts=acts,
        loss=option_name(lang, "loss", spec.loss),
        reduction=option_name(lang, "reduction", spec.reduction),
        m=spec.m,
        init=option_name(lang, "init", spec.init),
        seed=spec.seed,
    )


def _activation(l: int, name: str, lang: str) -> str:
    """$g^{(l)}$ = ReLU (as the sidebar names it), or $g^{(l)}(z) = ...$ for a custom formula."""
    shown = nt.activation_shown(name)
    if shown.startswith("$g(z)"):
        return "$" + nt.g(l) + shown[2:]
    return f"${nt.g(l)}$ = {option_name(lang, 'act', name)}"


# the formulas of the notation sentences (document.notation, document.nb_notation)
NOTATION_FIELDS = {
    "a0": nt.sup("A", 0) + " = X",
    "w": nt.sup("W", "l"),
    "shape": r"n_{l-1} \times n_l",
    "forward": nt.forward_formula(),
    "act": nt.sup("A", "l") + " = " + nt.g("l", nt.sup("Z", "l")),
}


def notation_sentence(lang: str = "en") -> Para:
    """The notes' conventions, stated where the numbers are."""
    return said(lang, "notation", **NOTATION_FIELDS)


def shape_tex(values, lang: str = "en") -> str:
    """(4 x 2) as LaTeX, for the blanks of a worksheet."""
    shape = np.shape(values)
    entries = r"\text{ " + words(lang, "entries") + "}" if len(shape) == 1 else ""
    return r"\quad (" + r" \times ".join(map(str, shape)) + entries + ")"
