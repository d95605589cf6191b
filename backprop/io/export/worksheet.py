r"""A worksheet (the network, the given values, blank matrices to fill in) and its answer key.

The forward values Z^(l), A^(l) and the loss are blanks too unless ``forward_given``; the
backward pass is one blank per step of ``backprop.derivation.steps``, in the order backprop fills
them, with the formula beside each and its shape. The answer key is the same sheet with
every box filled. Both print as LaTeX (pdflatex) and Markdown.

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(2, 2, 1), activations=("relu", "identity"), batch=2, init="integers"))
>>> r"\boxed" in worksheet_markdown(trace), r"\boxed" in worksheet_markdown(trace, key=True)
(True, False)
"""

from __future__ import annotations

from backprop.core.errors import InvalidInput
from backprop.derivation import notation as nt
from backprop.derivation.notation import sup as sym
from backprop.derivation.steps import backward_steps, matrix_tex, number_tex
from backprop.io.export.derivation import LOSS_TEX, g_tex
from backprop.io.export.document import (
    Display,
    Heading,
    Para,
    network_sentence,
    notation_sentence,
    shape_tex,
    to_latex,
    to_markdown,
    with_values,
)

LIMIT = 8  # widths and batch of a network a worksheet can hold
DIGITS = 4
BLANK = r"\boxed{\phantom{-0.000}}"


def check_size(spec) -> None:
    """InvalidInput unless every width and the batch fit on a sheet."""
    if spec.m > LIMIT or max(spec.sizes) > LIMIT:
        raise InvalidInput(
            "network for a worksheet",
            f"sizes {list(spec.sizes)}, batch {spec.m}",
            f"widths and a batch of at most {LIMIT}",
        )


def worksheet_blocks(trace, key: bool = False, forward_given: bool = False, digits: int = DIGITS) -> list:
    """The sheet (``key`` False) or its answer key as document blocks."""
    spec = trace.spec
    check_size(spec)

    def cell(values, fill: bool) -> str:
        return matrix_tex(values, digits) if fill else matrix_tex(values, blank=True) + shape_tex(values)

    blocks: list[Heading | Para | Display] = [network_sentence(spec), notation_sentence()]
    if not key:
        blocks.append(
            Para(
                "Fill in every box, top to bottom. Keep full precision in your working and round answers to "
                f"{digits} significant digits."
                if trace.X.dtype != object
                else "Fill in every box, top to bottom. Every value is a whole number or a fraction."
            )
        )
    blocks += [
        Heading("Given"),
        Display(
            r"X = A^{(0)} = " + matrix_tex(trace.X, digits) + r", \qquad Y = " + matrix_tex(trace.Y, digits)
        ),
    ]
    for layer in trace.layers:
        blocks.append(
            Display(
                sym("W", layer.l)
                + " = "
                + matrix_tex(layer.W, digits)
                + r", \qquad "
                + sym("b", layer.l)
                + " = "
                + matrix_tex(layer.b, digits)
            )
        )
    blocks.append(Heading("Forward pass"))
    fill = key or forward_given
    for layer in trace.layers:
        l = layer.l
        A_prev = "X" if l == 1 else sym("A", l - 1)
        blocks.append(
            Display(
                sym("Z", l)
                + " = "
                + A_prev
                + " "
                + sym("W", l)
                + " + "
                + nt.ones(spec.m)
                + " "
                + nt.transpose(sym("b", l))
                + " = "
                + cell(layer.Z, fill)
            )
        )
        blocks.append(
            Display(
                sym("A", l)
                + " = "
                + g_tex(spec.activations[l - 1], sym("Z", l))
                + " = "
                + cell(layer.A, fill)
            )
        )
    mean = r"\frac{1}{m}" if spec.reduction == "mean" else ""
    loss = number_tex(trace.loss, digits + 2) if fill else BLANK
    blocks.append(Display(r"L = " + mean + LOSS_TEX[spec.loss] + " = " + loss))
    blocks.append(Heading("Backward pass"))
    blocks.append(Para("Denominator layout: each gradient has the shape of its variable."))
    for step in backward_steps(trace, digits):
        blocks.append(Display(step.lhs + " = " + step.formula + " = " + cell(step.result, key)))
    return blocks


def _title(trace, key: bool) -> str:
    kind = "Answer key" if key else "Worksheet"
    return f"{kind}: backpropagation through a " + "-".join(map(str, trace.spec.sizes)) + " network"


def worksheet_latex(trace, key: bool = False, exact: bool = False, forward_given: bool = False) -> str:
    """The worksheet (or, with ``key``, its answer key) as a LaTeX document."""
    return to_latex(worksheet_blocks(with_values(trace, exact), key, forward_given), _title(trace, key))


def worksheet_markdown(trace, key: bool = False, exact: bool = False, forward_given: bool = False) -> str:
    """The worksheet (or its answer key) as Markdown with $ math."""
    return to_markdown(worksheet_blocks(with_values(trace, exact), key, forward_given), _title(trace, key))
