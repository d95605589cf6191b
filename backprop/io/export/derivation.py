r"""The whole derivation of one network as LaTeX and Markdown: given values, forward, loss, backward.

The backward part is ``backprop.derivation.steps``, equation by equation, with the ledger of what
each step reads; the forward part writes Z^(l) = A^(l-1) W^(l) + 1 b^(l)T and A^(l) = g(Z^(l))
with the numbers put in. In hand-calculation mode every number is exact.

>>> from backprop import NetworkSpec, run
>>> text = derivation_markdown(run(NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=2)))
>>> text.splitlines()[0]
'# Backpropagation through a 2-2-1 network'
"""

from __future__ import annotations

import sympy as sp

from backprop.core.activations import activation
from backprop.derivation import notation as nt
from backprop.derivation.notation import sup as sym
from backprop.derivation.steps import backward_steps, matrix_tex, number_tex
from backprop.io.export.document import (
    Display,
    Heading,
    network_sentence,
    notation_sentence,
    said,
    to_latex,
    to_markdown,
    with_values,
    words,
)
from backprop.symbolic.notes_latex import sympy_latex

DIGITS = 4

G_TEX = {
    "identity": "{Z}",
    "sigmoid": r"\sigma\left({Z}\right)",
    "tanh": r"\tanh\left({Z}\right)",
    "relu": r"\max\left({Z}, 0\right)",
    "leaky_relu": r"\max\left({Z}, 0.01\,{Z}\right)",
    "softplus": r"\log\left(1 + e^{{Z}}\right)",
    "softmax": r"\operatorname{softmax}\left({Z}\right)",
}

LOSS_TEX = {
    "mse": r"\sum_{i=1}^{m} \tfrac{1}{2} \sum_{j} \left(a_{ij} - y_{ij}\right)^2",
    "bce": r"-\sum_{i=1}^{m} \sum_{j} \left[y_{ij} \log a_{ij} + (1 - y_{ij}) \log(1 - a_{ij})\right]",
    "softmax_ce": r"-\sum_{i=1}^{m} \sum_{j} y_{ij} \log a_{ij}",
}


def title(trace, lang: str = "en") -> str:
    return words(lang, "title_derivation", sizes="-".join(map(str, trace.spec.sizes)))


def g_tex(name: str, Z: str) -> str:
    r"""g(Z) in LaTeX for an activation name; a custom g is written out from its SymPy form."""
    if name in G_TEX:
        return G_TEX[name].replace("{Z}", "{" + Z + "}")
    z = sp.Symbol("z")
    return r"g\left(" + Z + r"\right),\; g(z) = " + sympy_latex(activation(name).sym(z))


def derivation_blocks(trace, digits: int = DIGITS, lang: str = "en") -> list:
    """The derivation as document blocks (see ``document``), its sentences in ``lang``."""
    spec = trace.spec
    blocks = [network_sentence(spec, lang), notation_sentence(lang), Heading(words(lang, "given"))]
    blocks.append(
        Display(
            r"X = A^{(0)} = " + matrix_tex(trace.X, digits) + r", \qquad Y = " + matrix_tex(trace.Y, digits)
        )
    )
    for layer in trace.layers:
        l = layer.l
        blocks.append(
            Display(
                sym("W", l)
                + " = "
                + matrix_tex(layer.W, digits)
                + r", \qquad "
                + sym("b", l)
                + " = "
                + matrix_tex(layer.b, digits)
            )
        )
    blocks.append(Heading(words(lang, "forward")))
    for layer in trace.layers:
        blocks += forward_blocks(spec, layer, digits, lang)
    blocks.append(Heading(words(lang, "loss")))
    mean = r"\frac{1}{m}" if spec.reduction == "mean" else ""
    blocks.append(Display(r"L = " + mean + LOSS_TEX[spec.loss] + " = " + number_tex(trace.loss, digits + 2)))
    blocks.append(Heading(words(lang, "backward")))
    blocks.append(said(lang, "backward_intro"))
    for step in backward_steps(trace, digits):
        reads = ", ".join(f"${use.tex}$" for use in step.uses)
        blocks.append(said(lang, "step", number=step.number, l=step.l, reads=reads))
        blocks.append(Display(step.equation()))
    return blocks


def forward_blocks(spec, layer, digits: int = DIGITS, lang: str = "en") -> list:
    """Z^(l) and A^(l) of one layer, each as formula = numbers = result."""
    l = layer.l
    A_prev = "X" if l == 1 else sym("A", l - 1)
    ones = nt.ones(spec.m)
    z_eq = (
        r"\begin{aligned}"
        + sym("Z", l)
        + " &= "
        + A_prev
        + " "
        + sym("W", l)
        + " + "
        + ones
        + " "
        + nt.transpose(sym("b", l))
        + r" \\ &= "
        + matrix_tex(layer.A_prev, digits)
        + " "
        + matrix_tex(layer.W, digits)
        + " + "
        + ones
        + " "
        + nt.transpose(matrix_tex(layer.b, digits))
        + r" \\ &= "
        + matrix_tex(layer.Z, digits)
        + r"\end{aligned}"
    )
    name = spec.activations[l - 1]
    a_eq = sym("A", l) + " = " + g_tex(name, sym("Z", l)) + " = " + matrix_tex(layer.A, digits)
    return [said(lang, "layer", l=l), Display(z_eq), Display(a_eq)]


def derivation_latex(trace, exact: bool = False, digits: int = DIGITS, lang: str = "en") -> str:
    """The derivation as a LaTeX document (pdflatex; xelatex in Chinese)."""
    blocks = derivation_blocks(with_values(trace, exact), digits, lang)
    return to_latex(blocks, title(trace, lang), lang)


def derivation_markdown(trace, exact: bool = False, digits: int = DIGITS, lang: str = "en") -> str:
    """The derivation as Markdown with $ math."""
    return to_markdown(derivation_blocks(with_values(trace, exact), digits, lang), title(trace, lang))
