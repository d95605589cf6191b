r"""A Jupyter notebook that recomputes every number of one network with plain NumPy and asserts it.

Written as nbformat 4.5 JSON with the standard library (the core needs no nbformat). The
notebook holds the given X, Y, W^(l), b^(l) and every value the app shows (Z, A, the
loss, dA, dZ, dW, db, dA_prev of each layer) as literals with full float64 precision,
then recomputes them line by line in the notes' orientation and checks each with
``np.testing.assert_allclose``. Run as exported, it passes (a test executes it).

>>> from backprop import NetworkSpec, run
>>> nb = notebook(run(NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=2)))
>>> nb["nbformat"], [c["cell_type"] for c in nb["cells"]][:3]
(4, ['markdown', 'code', 'code'])
"""

from __future__ import annotations

import functools
import json

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from backprop.core.activations import activation
from backprop.core.backward_engine import DA_PREV, DB, DW, FORMULAS, SHORTCUT
from backprop.core.errors import InvalidInput
from backprop.derivation import notation as nt
from backprop.io.export.document import NOTATION_FIELDS
from backprop.locales import translate

MAX_NUMBERS = 50_000  # literals in one notebook: past this it is megabytes of digits
RTOL, ATOL = 1e-9, 1e-12

SOFTMAX = "np.exp(Z - Z.max(axis=1, keepdims=True))"
G_CODE = {
    "identity": ("Z", "dA"),
    "sigmoid": ("1.0 / (1.0 + np.exp(-Z))", "dA * A * (1.0 - A)"),
    "tanh": ("np.tanh(Z)", "dA * (1.0 - A * A)"),
    "relu": ("np.maximum(Z, 0.0)", "dA * (Z > 0)"),
    "leaky_relu": ("np.where(Z > 0, Z, 0.01 * Z)", "dA * np.where(Z > 0, 1.0, 0.01)"),
    "softplus": ("np.logaddexp(0.0, Z)", "dA / (1.0 + np.exp(-Z))"),
    "softmax": (
        f"{SOFTMAX} / {SOFTMAX}.sum(axis=1, keepdims=True)",
        "A * (dA - (dA * A).sum(axis=1, keepdims=True))",
    ),
}

# per-sample loss l_i (from {A} and {Z}, the last layer's) and dL/dA^(L) under the sum
LOG_SOFTMAX = (
    "({Z} - {Z}.max(axis=1, keepdims=True) - np.log(np.exp({Z} - {Z}.max(axis=1, keepdims=True))"
    ".sum(axis=1, keepdims=True)))"
)
LOSS_CODE = {
    "mse": ("0.5 * (({A} - Y) ** 2).sum(axis=1)", "{A} - Y"),
    "bce": ("(np.logaddexp(0.0, {Z}) - Y * {Z}).sum(axis=1)", "({A} - Y) / ({A} * (1.0 - {A}))"),
    "softmax_ce": ("-(Y * " + LOG_SOFTMAX + ").sum(axis=1)", "-Y / {A}"),
}

# what a custom formula's printed NumPy code may call
CUSTOM_HELPERS = """import functools
import numpy

def sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))

def softplus(Z):
    return np.logaddexp(0.0, Z)
"""


def notebook_too_big(count: int) -> InvalidInput:
    """The refusal of a network with more than MAX_NUMBERS numbers to write out."""
    return InvalidInput(
        "network for the notebook",
        f"{count} numbers",
        f"at most {MAX_NUMBERS} numbers",
        code="notebook_size",
        count=count,
        limit=MAX_NUMBERS,
    )


def notebook(trace, lang: str = "en") -> dict:
    """The notebook as a JSON-ready dict (nbformat 4.5), its text cells in ``lang``."""
    spec = trace.spec
    count = number_count(trace)
    if count > MAX_NUMBERS:
        raise notebook_too_big(count)
    say = functools.partial(translate, lang)
    cells = [
        _markdown(
            "# "
            + say("document.nb_title", sizes="-".join(map(str, spec.sizes)))
            + "\n\n"
            + say("document.nb_config", config=json.dumps(spec.to_dict()))
            + "\n\n"
            + say("document.nb_notation", **NOTATION_FIELDS)
        ),
        _code(_definitions(spec)),
        _code(_given(trace)),
        _code(_shown(trace)),
        _markdown(
            "## "
            + say("document.forward")
            + "\n\n"
            + say("document.nb_forward", ones=f"{nt.ones()}\\, {nt.transpose('b')}")
        ),
        _code(_forward(spec)),
        _markdown("## " + say("document.loss")),
        _code(_loss(spec)),
        _markdown(
            "## "
            + say("document.backward")
            + "\n\n"
            + say(
                "document.nb_backward",
                products=", ".join(
                    f"`{name} = {_code_of(name, A_prev='A_prev', dZ='dZ', W='W')}`"
                    for name in (DW, DB, DA_PREV)
                ),
            )
        ),
        _code(_backward(spec)),
    ]
    if not any(activation(name).kinks for name in spec.activations):
        cells += [_markdown("## " + say("document.nb_difference")), _code(_finite_difference(spec))]
    cells.append(_code('print("every value checked")'))
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"cell-{number}"
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def number_count(trace) -> int:
    """How many numbers the notebook writes out: X, Y and every array of every layer."""
    return trace.X.size + trace.Y.size + sum(sum(np.size(v) for v in layer[1:]) for layer in trace.layers)


def notebook_json(trace, lang: str = "en") -> bytes:
    """The .ipynb file's bytes."""
    return (json.dumps(notebook(trace, lang), indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def _code(text: str) -> dict:
    lines = text.strip("\n").splitlines(keepends=True)
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines}


def _literal(values) -> str:
    return f"np.array({np.asarray(values, dtype=np.float64).tolist()!r})"


def _g_code(name: str) -> tuple[str, str]:
    """g(Z) and dA * g'(Z) as NumPy code; a custom g is printed from its SymPy form."""
    if name in G_CODE:
        return G_CODE[name]
    z = sp.Symbol("z")
    expr = activation(name).sym(z)
    printer = NumPyPrinter({"allow_unknown_functions": True})
    g = printer.doprint(expr.subs(z, sp.Symbol("Z")))
    dg = printer.doprint(sp.diff(expr, z).subs(z, sp.Symbol("Z")))
    return f"({g}) + 0.0 * Z", f"dA * (({dg}) + 0.0 * Z)"


def _definitions(spec) -> str:
    lines = ["import numpy as np", ""]
    if any(name not in G_CODE for name in spec.activations):
        lines += CUSTOM_HELPERS.splitlines() + [""]
    for l, name in enumerate(spec.activations, start=1):
        g, backward = _g_code(name)
        lines += [f"def g{l}(Z):  # {name}", f"    return {g}", ""]
        lines += [f"def g{l}_backward(Z, A, dA):  # dL/dZ from dL/dA", f"    return {backward}", ""]
    lines += [
        "def check(name, got, shown):",
        f"    np.testing.assert_allclose(got, shown, rtol={RTOL}, atol={ATOL}, err_msg=name)",
        '    print(f"{name:8} ok {np.shape(got)}")',
    ]
    return "\n".join(lines)


def _given(trace) -> str:
    lines = [f"m = {trace.spec.m}", f"X = {_literal(trace.X)}", f"Y = {_literal(trace.Y)}", "W, b = {}, {}"]
    for layer in trace.layers:
        lines += [f"W[{layer.l}] = {_literal(layer.W)}", f"b[{layer.l}] = {_literal(layer.b)}"]
    return "\n".join(lines)


def _shown(trace) -> str:
    lines = [
        "# the values the app showed",
        "shown = {}",
        f"shown['L'] = {trace.loss!r}",
        f"shown['losses'] = {_literal(trace.losses)}",
    ]
    for layer in trace.layers:
        l = layer.l
        for name in ("Z", "A", "dA", "dZ", "dW", "db"):
            lines.append(f"shown['{name}{l}'] = {_literal(getattr(layer, name))}")
        lines.append(f"shown['dA{l - 1}'] = {_literal(layer.dA_prev)}")
    return "\n".join(lines)


def _forward(spec) -> str:
    lines = ["A0 = X"]
    for l in range(1, spec.L + 1):
        n_out = spec.sizes[l]
        lines += [
            f"Z{l} = A{l - 1} @ W[{l}] + b[{l}]  # (m, {n_out})",
            f"A{l} = g{l}(Z{l})  # (m, {n_out})",
            f"check('Z{l}', Z{l}, shown['Z{l}'])",
            f"check('A{l}', A{l}, shown['A{l}'])",
        ]
    return "\n".join(lines)


def _loss(spec) -> str:
    per_sample = LOSS_CODE[spec.loss][0].format(A=f"A{spec.L}", Z=f"Z{spec.L}")
    total = "losses.mean()" if spec.reduction == "mean" else "losses.sum()"
    return "\n".join(
        [
            f"losses = {per_sample}  # l_i, one per sample",
            f"L = {total}",
            "check('losses', losses, shown['losses'])",
            "check('L', L, shown['L'])",
        ]
    )


def _backward(spec) -> str:
    L = spec.L
    scale = " / m" if spec.reduction == "mean" else ""
    dA_code = LOSS_CODE[spec.loss][1].format(A=f"A{L}")
    lines = [
        f"dA{L} = ({dA_code}){scale}  # dL/dA^({L}) from the loss",
        f"check('dA{L}', dA{L}, shown['dA{L}'])",
    ]
    for l in range(L, 0, -1):
        if l == L and spec.loss != "mse":
            shortcut = _code_of(SHORTCUT, A=f"A{l}", Y="Y")
            lines.append(f"dZ{l} = ({shortcut}){scale}  # the {spec.loss} shortcut: dL/dZ = A - Y")
        else:
            lines.append(f"dZ{l} = g{l}_backward(Z{l}, A{l}, dA{l})  # chain rule through g")
        lines += [
            f"dW{l} = {_code_of(DW, A_prev=f'A{l - 1}', dZ=f'dZ{l}')}"
            f"  # ({spec.sizes[l - 1]}, {spec.sizes[l]})",
            f"db{l} = {_code_of(DB, dZ=f'dZ{l}')}  # ({spec.sizes[l]},)",
            f"dA{l - 1} = {_code_of(DA_PREV, dZ=f'dZ{l}', W=f'W[{l}]')}  # (m, {spec.sizes[l - 1]})",
        ]
        lines += [
            f"check('{name}{k}', {name}{k}, shown['{name}{k}'])"
            for name, k in (("dZ", l), ("dW", l), ("db", l), ("dA", l - 1))
        ]
    return "\n".join(lines)


def _code_of(kind: str, **names: str) -> str:
    """The backward engine's NumPy line for a step kind, with the notebook's variable names."""
    return FORMULAS[kind].code.format(**names)


def _finite_difference(spec) -> str:
    L = spec.L
    total = "losses.mean()" if spec.reduction == "mean" else "losses.sum()"
    per_sample = LOSS_CODE[spec.loss][0].format(A="A", Z="Z")
    gs = ", ".join(f"g{l}" for l in range(1, L + 1))
    return "\n".join(
        [
            "def loss_of(W, b):",
            "    A = X",
            f"    for l, g in enumerate(({gs},), start=1):",
            "        Z = A @ W[l] + b[l]",
            "        A = g(Z)",
            f"    losses = {per_sample}",
            f"    return {total}",
            "",
            "h = 1e-5",
            "Wp = {l: w.copy() for l, w in W.items()}; Wp[1][0, 0] += h",
            "Wm = {l: w.copy() for l, w in W.items()}; Wm[1][0, 0] -= h",
            "estimate = (loss_of(Wp, b) - loss_of(Wm, b)) / (2 * h)",
            "print('dL/dw^(1)_11: backprop', dW1[0, 0], 'central difference', estimate)",
            "assert abs(estimate - dW1[0, 0]) <= 1e-6 * max(1.0, abs(L), abs(dW1[0, 0]))",
        ]
    )
