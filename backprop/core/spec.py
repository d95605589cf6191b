r"""The network's configuration, validated once at the edge, and checks for given arrays.

>>> spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"))
>>> spec.L, spec.shape_of("W", 2)
(2, (4, 2))
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np

from backprop.core.activations import ACTIVATIONS, CUSTOM_PREFIX, activation, display_name
from backprop.core.errors import InvalidInput
from backprop.core.losses import LOSSES, REDUCTIONS

MAX_WIDTH = 4096
MAX_LAYERS = 8
MAX_BATCH = 4096
# The app's limits (sidebar, links, uploads): tighter than the core's, so that no request
# can ask for a 4096-wide layer; the command line keeps the core's.
APP_MAX_WIDTH = 1024
APP_MAX_BATCH = 1024
# The work one network may cost: m Σ_l n_(l-1) n_l multiply-adds per forward pass (the
# backward pass does about twice as many). Measured on the 2-core machine the tests run
# on, busy with other jobs (load 12 to 16), one forward and backward pass at 2e8 took,
# median of 5 with one BLAS thread: 0.12 s (1024-1024-1024, m = 95), 0.22 s (eight
# 512-wide layers, m = 95) and 0.31 s (eight 1024-wide layers, m = 23, where the
# parameter-sized work dW adds to the products); 784-512-256-10 with m = 256 (1.4e8)
# passes. With two BLAS threads on that busy machine the same passes took 0.5 to 3 s
# (the threads wait on each other), so the limit is not set higher. The sidebar's largest
# network (8 layers of 1024, m = 1024: 8.6e9) is refused with this limit in the message.
MAX_MULTIPLY_ADDS = 200_000_000
MAX_SEED = 2**32 - 1
INITS = ("uniform", "xavier", "he", "integers")
# Entries of given arrays stay within ±1e6: eight identity layers of width 4096 then
# still cannot overflow float64, and no teaching example needs more.
MAX_MAGNITUDE = 1e6


@dataclass(frozen=True)
class NetworkSpec:
    r"""A dense network: sizes n_0..n_L, g^(l) per layer, loss, reduction, batch m, seed, init.

    Layer l maps A^(l-1) (m, n_{l-1}) to A^(l) = g^(l)(A^(l-1) W^(l) + 1 b^(l)T) (m, n_l).
    Construction validates everything and raises InvalidInput naming the field.
    """

    sizes: tuple[int, ...] = (3, 4, 2)
    activations: tuple[str, ...] = ("sigmoid", "identity")
    loss: str = "mse"
    reduction: str = "sum"
    batch: int = 4
    seed: int = 0
    init: str = "uniform"
    # None only for the benchmark, which times a 4096-wide case on purpose; no edge sets it
    max_multiply_adds: int | None = field(default=MAX_MULTIPLY_ADDS, kw_only=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        sizes = _int_tuple("sizes", self.sizes)
        if not 2 <= len(sizes) <= MAX_LAYERS + 1:
            raise InvalidInput(
                "sizes",
                self.sizes,
                f"from 2 to {MAX_LAYERS + 1} sizes (1 to {MAX_LAYERS} layers)",
                code="spec_layers",
                count=len(sizes),
                high=MAX_LAYERS + 1,
                layers=MAX_LAYERS,
            )
        for n in sizes:
            if not 1 <= n <= MAX_WIDTH:
                raise InvalidInput(
                    "sizes", self.sizes, f"widths from 1 to {MAX_WIDTH}", code="spec_width", limit=MAX_WIDTH
                )
        object.__setattr__(self, "sizes", sizes)
        acts = self.activations
        acts = tuple(acts) if isinstance(acts, (tuple, list)) else None
        if acts is None or len(acts) != len(sizes) - 1:
            raise InvalidInput(
                "activations",
                self.activations,
                f"one activation per layer ({len(sizes) - 1})",
                code="spec_activation_count",
                layers=len(sizes) - 1,
            )
        for l, name in enumerate(acts, start=1):
            field = f"activation of layer {l}"
            if not isinstance(name, str) or not (name in ACTIVATIONS or name.startswith(CUSTOM_PREFIX)):
                allowed = "one of " + ", ".join(ACTIVATIONS) + f", or {CUSTOM_PREFIX}<formula in z>"
                options = ", ".join(ACTIVATIONS)
                raise InvalidInput(field, name, allowed, code="spec_activation", layer=l, options=options)
            try:
                act = activation(name)  # parses and checks a custom formula
            except InvalidInput as error:  # the formula's own refusal, shown by its formula
                formula = name.removeprefix(CUSTOM_PREFIX)
                raise InvalidInput(
                    field, formula, error.allowed, code=error.code, layer=l, **error.fields
                ) from None
            if act.last_layer_only and l != len(acts):
                raise InvalidInput(
                    field,
                    name,
                    "softmax on the last layer only",
                    code="spec_last_only",
                    layer=l,
                    last=len(acts),
                )
        object.__setattr__(self, "activations", acts)
        if not isinstance(self.loss, str) or self.loss not in LOSSES:
            options = ", ".join(LOSSES)
            raise InvalidInput("loss", self.loss, "one of " + options, code="spec_loss", options=options)
        needed = LOSSES[self.loss].output
        if needed is not None and acts[-1] != needed:
            raise InvalidInput(
                "loss",
                self.loss,
                f"{self.loss} with a {needed} output layer (the last layer is {acts[-1]})",
                code="spec_loss_output",
                loss=self.loss,
                needed=needed,
                last=display_name(acts[-1]),
                layer=len(acts),
            )
        if not isinstance(self.reduction, str) or self.reduction not in REDUCTIONS:
            raise InvalidInput("reduction", self.reduction, "sum or mean", code="spec_reduction")
        object.__setattr__(self, "batch", _bounded_int("batch", self.batch, 1, MAX_BATCH, code="spec_batch"))
        object.__setattr__(self, "seed", _bounded_int("seed", self.seed, 0, MAX_SEED, code="spec_seed"))
        if not isinstance(self.init, str) or self.init not in INITS:
            options = ", ".join(INITS)
            raise InvalidInput("init", self.init, "one of " + options, code="spec_init", options=options)
        check_work(sizes, self.batch, self.max_multiply_adds)

    @property
    def L(self) -> int:
        """Number of layers (the input X = A^(0) is not a layer)."""
        return len(self.sizes) - 1

    @property
    def m(self) -> int:
        """Batch size: rows of X are samples."""
        return self.batch

    def shape_of(self, name: str, l: int) -> tuple[int, ...]:
        r"""Shape of W, b, Z, A or A_prev of layer l: W^(l) is (n_{l-1}, n_l), b^(l) is (n_l,)."""
        n_in, n_out = self.sizes[l - 1], self.sizes[l]
        return {
            "W": (n_in, n_out),
            "b": (n_out,),
            "Z": (self.m, n_out),
            "A": (self.m, n_out),
            "A_prev": (self.m, n_in),
        }[name]

    def to_dict(self) -> dict:
        """The configuration as plain JSON types (the command line's "config")."""
        return {
            "sizes": list(self.sizes),
            "activations": list(self.activations),
            "loss": self.loss,
            "reduction": self.reduction,
            "batch": self.batch,
            "seed": self.seed,
            "init": self.init,
        }


def multiply_adds(sizes: tuple[int, ...], m: int) -> int:
    r"""Multiply-adds of one forward pass: m Σ_l n_(l-1) n_l (the backward pass costs twice this).

    >>> multiply_adds((3, 4, 2), 4)
    80
    """
    return m * sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def check_work(sizes: tuple[int, ...], m: int, limit: int | None = MAX_MULTIPLY_ADDS) -> None:
    r"""Refuse a network whose forward pass costs more than ``limit`` multiply-adds (InvalidInput).

    >>> check_work((1024,) * 9, 1024)
    Traceback (most recent call last):
    ...
    backprop.core.errors.InvalidInput: multiply-adds per pass, m × Σ n_(l-1) n_l = 8589934592 is not
    allowed: use at most 200,000,000 (a smaller batch or narrower layers: a forward and backward pass
    then stays under about 0.5 s).
    """
    work = multiply_adds(sizes, m)
    if limit is not None and work > limit:
        raise InvalidInput(
            WORK_FIELD,
            work,
            f"at most {limit:,} (a smaller batch or narrower layers: a forward and backward pass "
            "then stays under about 0.5 s)",
            code="spec_work",
            work=f"{work:,}",
            limit=f"{limit:,}",
            m=m,
        )


WORK_FIELD = "multiply-adds per pass, m × Σ n_(l-1) n_l"


def _int_tuple(field: str, value: object) -> tuple[int, ...]:
    """value as a tuple of ints, or InvalidInput."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidInput(field, value, "a list of whole numbers", code="spec_sizes", high=MAX_LAYERS + 1)
    items = tuple(value)
    if len(items) > MAX_LAYERS + 1:
        raise InvalidInput(
            field,
            value,
            f"from 2 to {MAX_LAYERS + 1} sizes",
            code="spec_layers",
            count=len(items),
            high=MAX_LAYERS + 1,
            layers=MAX_LAYERS,
        )
    return tuple(_bounded_int(field, v, -math.inf, math.inf, shown=value, code="spec_sizes") for v in items)


def _bounded_int(
    field: str, value: object, low: float, high: float, shown: object = None, *, code: str
) -> int:
    """value as an int in [low, high], or InvalidInput naming the field (its sentence ``errors.<code>``)."""
    shown = value if shown is None else shown
    allowed = f"a whole number from {low} to {high}" if low > -math.inf else "whole numbers"
    if (
        isinstance(value, bool)
        or not isinstance(value, (numbers.Integral, float, np.floating))
        or (isinstance(value, (float, np.floating)) and not float(value).is_integer())
        or not low <= int(value) <= high
    ):
        raise InvalidInput(
            field, shown, allowed, code=code, low=low, high=high if high < math.inf else MAX_WIDTH
        )
    return int(value)


def check_array(field: str, value: object, shape: tuple[int, ...]) -> np.ndarray:
    r"""value as a float64 array of the given shape with finite entries, or InvalidInput."""
    allowed = f"real numbers in an array of shape {shape}"
    math_name = _latex_name(field)
    try:
        raw = np.asarray(value)
        if raw.dtype.kind == "c":
            raise InvalidInput(field, "complex numbers", allowed, code="array_real", array=math_name)
        array = raw.astype(np.float64)
    except (TypeError, ValueError):
        raise InvalidInput(field, value, allowed, code="array_real", array=math_name) from None
    if array.shape != shape:
        raise InvalidInput(
            f"shape of {field}",
            array.shape,
            f"shape {shape}",
            code="array_shape",
            array=math_name,
            shape=shape_text(array.shape),
            needed=shape_text(shape),
        )
    if not np.isfinite(array).all():
        raise InvalidInput(
            field, "a NaN or infinite entry", "finite numbers only", code="array_finite", array=math_name
        )
    if array.size and np.abs(array).max() > MAX_MAGNITUDE:
        raise InvalidInput(
            field,
            float(np.abs(array).max()),
            f"numbers with |x| ≤ {MAX_MAGNITUDE:g}",
            code="array_magnitude",
            array=math_name,
            limit=f"{MAX_MAGNITUDE:,.0f}",
        )
    return array


def _latex_name(field: str) -> str:
    r"""An array's name as KaTeX: ``W^(2)`` -> ``W^{(2)}``; X, Y as they are."""
    return re.sub(r"\^\((\d+)\)", r"^{(\1)}", field)


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as the notes write it: (4, 3) -> 4 × 3."""
    return " × ".join(str(n) for n in shape) or "1"


def check_targets(spec: NetworkSpec, Y: np.ndarray) -> None:
    """Refuse targets outside what the loss allows (InvalidInput naming Y)."""
    if spec.loss in ("bce", "softmax_ce") and ((Y < 0).any() or (Y > 1).any()):
        raise InvalidInput(
            "Y", "an entry outside [0, 1]", LOSSES[spec.loss].targets, code="targets_range", loss=spec.loss
        )
    if spec.loss == "softmax_ce" and not np.allclose(Y.sum(axis=1), 1.0, rtol=0.0, atol=1e-9):
        raise InvalidInput(
            "Y",
            "a row that does not sum to 1",
            LOSSES[spec.loss].targets,
            code="targets_rows",
            loss=spec.loss,
        )
