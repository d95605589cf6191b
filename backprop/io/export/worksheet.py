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
    said,
    shape_tex,
    to_latex,
    to_markdown,
    with_values,
    words,
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
            code="sheet_size",
            sizes="-".join(map(str, spec.sizes)),
            m=spec.m,
            limit=LIMIT,
        )


def worksheet_blocks(
    trace, key: bool = False, forward_given: bool = False, digits: int = DIGITS, lang: str = "en"
) -> list:
    """The sheet (``key`` False) or its answer key as document blocks, its sentences in ``lang``."""
    spec = trace.spec
    check_size(spec)

    def cell(values, fill: bool) -> str:
        return (
            matrix_tex(values, digits) if fill else matrix_tex(values, blank=True) + shape_tex(values, lang)
        )

    blocks: list[Heading | Para | Display] = [network_sentence(spec, lang), notation_sentence(lang)]
    if not key:
        exact = trace.X.dtype == object
        blocks.append(said(lang, "fill_exact") if exact else said(lang, "fill_digits", digits=digits))
    blocks += [
        Heading(words(lang, "given")),
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
    blocks.append(Heading(words(lang, "forward")))
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
    blocks.append(Heading(words(lang, "backward")))
    blocks.append(said(lang, "denominator"))
    for step in backward_steps(trace, digits):
        blocks.append(Display(step.lhs + " = " + step.formula + " = " + cell(step.result, key)))
    return blocks


def _title(trace, key: bool, lang: str) -> str:
    return words(lang, "title_key" if key else "title_worksheet", sizes="-".join(map(str, trace.spec.sizes)))


def worksheet_latex(
    trace, key: bool = False, exact: bool = False, forward_given: bool = False, lang: str = "en"
) -> str:
    """The worksheet (or, with ``key``, its answer key) as a LaTeX document."""
    blocks = worksheet_blocks(with_values(trace, exact), key, forward_given, lang=lang)
    return to_latex(blocks, _title(trace, key, lang), lang)


def worksheet_markdown(
    trace, key: bool = False, exact: bool = False, forward_given: bool = False, lang: str = "en"
) -> str:
    """The worksheet (or its answer key) as Markdown with $ math."""
    blocks = worksheet_blocks(with_values(trace, exact), key, forward_given, lang=lang)
    return to_markdown(blocks, _title(trace, key, lang))
