r"""A small document model (headings, paragraphs with inline math, display math) and two printers.

The derivation, the worksheet and its answer key are built once as a list of blocks and
printed both as a LaTeX document (compiles with pdflatex and only amsmath, amssymb and
geometry) and as Markdown with ``$...$`` / ``$$...$$`` math (GitHub, Jupyter, Obsidian).

>>> blocks = [Heading("Layer 1"), Para("The weights ", Math("W^{(1)}"), " are 3 x 4_ish.")]
>>> print(to_markdown(blocks, "Title").splitlines()[2])
## Layer 1
>>> "4\\_ish" in to_latex(blocks, "Title")
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.derivation import notation as nt
from backprop.derivation.exact import with_values  # noqa: F401 (the printers' way to hand-calculation mode)


@dataclass(frozen=True)
class Math:
    """Inline mathematics inside a paragraph."""

    tex: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


class Para:
    """A paragraph: plain text and Math pieces."""

    def __init__(self, *parts: str | Math):
        self.parts = parts


@dataclass(frozen=True)
class Display:
    """Display mathematics (one equation, possibly an aligned block)."""

    tex: str


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=1.8cm]{geometry}
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


def to_latex(blocks: list, title: str) -> str:
    """A complete LaTeX document."""
    body = [PREAMBLE, r"\begin{document}", r"\section*{" + escape_tex(title) + "}"]
    for block in blocks:
        if isinstance(block, Heading):
            command = "subsection*" if block.level <= 2 else "subsubsection*"
            body.append(f"\\{command}{{{escape_tex(block.text)}}}")
        elif isinstance(block, Para):
            body.append(
                "".join(f"${p.tex}$" if isinstance(p, Math) else escape_tex(p) for p in block.parts) + "\n"
            )
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
            body += ["".join(f"${p.tex}$" if isinstance(p, Math) else p for p in block.parts), ""]
        else:
            body += ["$$", block.tex, "$$", ""]
    return "\n".join(body)


def network_sentence(spec) -> Para:
    """One paragraph naming the network's configuration."""
    acts = ", ".join(f"g^({l}) = {name}" for l, name in enumerate(spec.activations, start=1))
    return Para(
        "Sizes ",
        Math(", ".join(f"n_{{{k}}} = {n}" for k, n in enumerate(spec.sizes))),
        f"; activations {acts}; loss {spec.loss}, reduction {spec.reduction} over a batch of ",
        Math(f"m = {spec.m}"),
        f" samples; initialisation {spec.init}, seed {spec.seed}.",
    )


def notation_sentence() -> Para:
    """The notes' conventions, stated where the numbers are."""
    return Para(
        "Notation of the lecture notes: rows are samples, ",
        Math(nt.sup("A", 0) + " = X"),
        ", ",
        Math(nt.sup("W", "l")),
        " is ",
        Math(r"n_{l-1} \times n_l"),
        ", ",
        Math(nt.forward_formula()),
        ", ",
        Math(nt.sup("A", "l") + " = " + nt.g("l", nt.sup("Z", "l"))),
        ". Gradients are in denominator layout: each has the shape of its variable.",
    )


def shape_tex(values) -> str:
    """(4 x 2) as LaTeX, for the blanks of a worksheet."""
    shape = np.shape(values)
    return (
        r"\quad ("
        + r" \times ".join(map(str, shape))
        + (r" \text{ entries}" if len(shape) == 1 else "")
        + ")"
    )
