r"""What a backward pass produces: each layer's values, each recorded step, a refusal.

``LayerTrace`` holds one layer's forward and backward values (``network.Trace.layers``);
``Step`` is one step of ``backward_engine.backward_pass`` with its inputs and result;
``Refusal`` says why a pass with a mistaken formula could not finish.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

Array = np.ndarray


class LayerTrace(NamedTuple):
    r"""Everything one layer computed, forward and backward, named as on screen.

    A NamedTuple rather than a frozen dataclass: just as immutable, and five times
    cheaper to build, which matters when a whole pass takes microseconds.
    """

    l: int
    A_prev: Array  # (m, n_in)
    W: Array  # (n_in, n_out)
    b: Array  # (n_out,)
    Z: Array  # (m, n_out)
    A: Array  # (m, n_out)
    dA: Array  # ∂L/∂A^(l) (m, n_out)
    dZ: Array  # ∂L/∂Z^(l) (m, n_out)
    dW: Array  # ∂L/∂W^(l) (n_in, n_out)
    db: Array  # ∂L/∂b^(l) (n_out,)
    dA_prev: Array  # ∂L/∂A^(l-1) (m, n_in)


def input_label(name: str, l: int, L: int) -> tuple[str, int]:
    """The symbol and layer of a formula input read by layer l's step: "A_prev" of layer 1 is X."""
    if name == "A_prev":
        return ("X", 0) if l == 1 else ("A", l - 1)
    return ("Y", L) if name == "Y" else (name, l)


@dataclass(frozen=True, eq=False)
class Step:
    r"""One step of the backward pass: ``result`` = formula(``inputs``).

    ``name`` is the variable ("dA", "dZ", "dW", "db", "dA_prev" of layer ``l``), ``kind``
    the formula (LOSS_START, SHORTCUT, G_PRIME, SOFTMAX_JACOBIAN, DW, DB, DA_PREV);
    ``inputs`` pairs each read value's (symbol, layer) with the array itself.
    """

    name: str
    kind: str
    l: int
    inputs: tuple[tuple[tuple[str, int], Array], ...]
    result: Array
    mistake: str | None = None

    @property
    def reads(self) -> tuple[str, ...]:
        """The forward-pass values (and parameters and data) it reads: "A^(1)", "W^(2)", "X", "Y"."""
        return tuple(label(*sym) for sym, _ in self.inputs if not sym[0].startswith("d"))

    def value(self, symbol: str, l: int) -> Array:
        """The input named (symbol, l)."""
        return next(array for sym, array in self.inputs if sym == (symbol, l))


def label(symbol: str, l: int) -> str:
    """Plain-text symbol, e.g. "A^(1)", "dZ^(2)", "X"."""
    return symbol if symbol in ("X", "Y") else f"{symbol}^({l})"


@dataclass(frozen=True)
class Refusal:
    r"""Why a swapped backward pass could not finish: a product whose shapes do not multiply
    (``kind="matmul"``), or a gradient whose shape is not its variable's (``kind="shape"``)."""

    kind: str  # "matmul" or "shape"
    what: str  # e.g. "∂L/∂A^(1) = ∂L/∂Z^(2) @ W^(2)"
    left: tuple[int, ...]  # matmul: left operand; shape: the gradient's shape
    right: tuple[int, ...]  # matmul: right operand; shape: the variable's shape

    def __str__(self) -> str:
        if self.kind == "matmul":
            return f"{self.what}: shapes do not multiply: {self.left} @ {self.right}"
        return f"{self.what} has shape {self.left}, but its variable has shape {self.right}"


class BackwardPass(NamedTuple):
    """The layers 1..L (a refused pass keeps those it finished), the recorded steps, a refusal."""

    layers: tuple[LayerTrace, ...]
    steps: tuple[Step, ...]
    refusal: Refusal | None = None
