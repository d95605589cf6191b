r"""URL query parameters <-> a network configuration, checked strictly (pure functions, no streamlit).

A shared link carries the whole view: ``?sizes=3,4,2&act1=sigmoid&act2=identity&loss=mse
&reduction=sum&m=4&seed=0&init=uniform&lang=zh``, and for small networks the edited
arrays ``X``, ``Y``, ``W1``, ``b1``, ... (rows separated by ``;``, entries by ``,``).
Anything malformed or out of range (text for a number, unicode digits, NaN, a repeated
key, a 10 kB value, an unknown name, a network past ``backprop.core.spec.MAX_MULTIPLY_ADDS``)
becomes a ``ParamWarning`` naming the parameter, and the default is used instead;
nothing here raises.

>>> spec, arrays, lang, warnings = parse_config({"sizes": ["2,3,1"], "m": ["x"]})
>>> spec.sizes, spec.batch, [w.param for w in warnings]
((2, 3, 1), 4, ['m'])
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np

from backprop.core.activations import CUSTOM_PREFIX, NAMES
from backprop.core.errors import InvalidInput
from backprop.core.losses import LOSSES, REDUCTIONS
from backprop.core.spec import (
    APP_MAX_BATCH,
    APP_MAX_WIDTH,
    INITS,
    MAX_LAYERS,
    MAX_SEED,
    WORK_FIELD,
    NetworkSpec,
    check_targets,
)

MAX_TEXT = 2000  # longest parameter value read at all (a 10 kB value is refused unread)
UI_MAX_WIDTH = APP_MAX_WIDTH  # the app's limits: tighter than the core's, so a link cannot stall the server
UI_MAX_BATCH = APP_MAX_BATCH
MAX_URL_ENTRIES = 64  # arrays with more entries are not put in the URL
DEFAULT = NetworkSpec()
LANGS = ("en", "zh")

_INT = re.compile(r"[+-]?[0-9]{1,12}")  # ASCII digits only: int() would accept '３' and '٣'
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


class ParamWarning(NamedTuple):
    """A refused URL parameter: its name, the value given, and what is allowed (an i18n key + fields)."""

    param: str
    value: str
    allowed: str  # key in common.json, e.g. "common.allowed_int"
    fmt: dict

    def shown_value(self, limit: int = 40) -> str:
        """The value as quoted text, cut to ``limit`` characters."""
        text = repr(self.value)
        return text if len(text) <= limit else text[: limit - 4] + "...'"


class Refused(Exception):
    """Internal: a value refused, with the i18n key of what is allowed."""

    def __init__(self, allowed: str, **fmt):
        super().__init__(allowed)
        self.allowed, self.fmt = allowed, fmt


def parse_int(text: str, low: int, high: int) -> int:
    """An ASCII whole number in [low, high], or Refused."""
    text = text.strip()
    if not _INT.fullmatch(text) or not low <= int(text) <= high:
        raise Refused("common.allowed_int", low=low, high=high)
    return int(text)


def parse_float(text: str) -> float:
    """A finite ASCII decimal number, or Refused (no NaN, inf, unicode digits)."""
    text = text.strip()
    if not _FLOAT.fullmatch(text) or not math.isfinite(float(text)):
        raise Refused("common.allowed_float")
    return float(text)


def parse_choice(text: str, options: tuple[str, ...]) -> str:
    """One of ``options`` exactly, or Refused."""
    if text not in options:
        raise Refused("common.allowed_choice", options=", ".join(options))
    return text


def parse_activation(text: str) -> str:
    """A built-in activation name or ``custom:<formula>`` (the formula is checked by the spec)."""
    if text in NAMES or (text.startswith(CUSTOM_PREFIX) and len(text) > len(CUSTOM_PREFIX)):
        return text
    raise Refused("common.allowed_activation", options=", ".join(NAMES))


def parse_sizes(text: str) -> tuple[int, ...]:
    """'3,4,2' -> (3, 4, 2): 2 to MAX_LAYERS + 1 widths from 1 to UI_MAX_WIDTH."""
    parts = text.split(",")
    if not 2 <= len(parts) <= MAX_LAYERS + 1:
        raise Refused("common.allowed_sizes", count=MAX_LAYERS + 1, high=UI_MAX_WIDTH)
    try:
        return tuple(parse_int(p, 1, UI_MAX_WIDTH) for p in parts)
    except Refused:
        raise Refused("common.allowed_sizes", count=MAX_LAYERS + 1, high=UI_MAX_WIDTH) from None


def parse_matrix(text: str, shape: tuple[int, ...]) -> np.ndarray:
    """'1,2;3,4' -> [[1, 2], [3, 4]] of the given shape (a vector: '1,2'), finite numbers only."""
    rows = [row.split(",") for row in text.split(";")] if len(shape) == 2 else [text.split(",")]
    shown = "x".join(map(str, shape))
    try:
        values = np.array([[parse_float(v) for v in row] for row in rows], dtype=np.float64)
    except (Refused, ValueError):  # ValueError: ragged rows
        raise Refused("common.allowed_matrix", shape=shown) from None
    if values.size != math.prod(shape) or (len(shape) == 2 and values.shape != shape):
        raise Refused("common.allowed_matrix", shape=shown)
    return values.reshape(shape)


def format_matrix(array: np.ndarray) -> str:
    """The inverse of parse_matrix: shortest round-tripping decimals, ',' and ';'."""
    array = np.asarray(array, dtype=np.float64)
    rows = array.reshape(1, -1) if array.ndim == 1 else array
    return ";".join(",".join(repr(float(v)) for v in row) for row in rows)


def single(query: dict, name: str, warnings: list[ParamWarning]) -> str | None:
    """The one value of ``name``; None (and a warning) if repeated or too long; None if absent."""
    values = query.get(name)
    if not values:
        return None
    if isinstance(values, str):
        values = [values]
    if len(values) > 1:
        warnings.append(ParamWarning(name, " & ".join(values), "common.allowed_once", {}))
        return None
    if len(values[0]) > MAX_TEXT:
        warnings.append(ParamWarning(name, values[0][:40], "common.allowed_length", {"limit": MAX_TEXT}))
        return None
    return values[0]


def read(query: dict, name: str, parse, default, warnings: list[ParamWarning]):
    """parse(value of ``name``), or ``default`` with a warning naming the parameter."""
    text = single(query, name, warnings)
    if text is None:
        return default
    try:
        return parse(text)
    except Refused as refused:
        warnings.append(ParamWarning(name, text, refused.allowed, refused.fmt))
        return default


def default_activations(L: int, loss: str = "mse") -> tuple[str, ...]:
    """sigmoid in the hidden layers, and the output the loss needs (identity for mse)."""
    return ("sigmoid",) * (L - 1) + (LOSSES[loss].output or "identity",)


def parse_config(query: dict) -> tuple[NetworkSpec, dict, str | None, list[ParamWarning]]:
    r"""The spec, the arrays given (name -> ndarray), the language (or None) and every warning.

    ``query`` maps a parameter name to its list of values (as ``st.query_params.get_all``).
    """
    warnings: list[ParamWarning] = []
    lang = read(query, "lang", lambda s: parse_choice(s, LANGS), None, warnings)
    sizes = read(query, "sizes", parse_sizes, DEFAULT.sizes, warnings)
    L = len(sizes) - 1
    loss = read(query, "loss", lambda s: parse_choice(s, tuple(LOSSES)), DEFAULT.loss, warnings)
    fallback = default_activations(L, loss)
    acts = tuple(read(query, f"act{l}", parse_activation, fallback[l - 1], warnings) for l in range(1, L + 1))
    fields = {
        "sizes": sizes,
        "activations": acts,
        "loss": loss,
        "reduction": read(
            query, "reduction", lambda s: parse_choice(s, REDUCTIONS), DEFAULT.reduction, warnings
        ),
        "batch": read(query, "m", lambda s: parse_int(s, 1, UI_MAX_BATCH), DEFAULT.batch, warnings),
        "seed": read(query, "seed", lambda s: parse_int(s, 0, MAX_SEED), DEFAULT.seed, warnings),
        "init": read(query, "init", lambda s: parse_choice(s, INITS), DEFAULT.init, warnings),
    }
    spec = build_spec(fields, query, warnings)
    return spec, parse_arrays(spec, query, warnings), lang, warnings


def build_spec(fields: dict, query: dict, warnings: list[ParamWarning]) -> NetworkSpec:
    """NetworkSpec(**fields); a field the spec refuses falls back to its default, with a warning."""
    for _ in range(MAX_LAYERS + 4):
        try:
            return NetworkSpec(**fields)
        except (InvalidInput, ImportError) as error:
            param = _param_of(error, fields)
            text = _given(query, param)
            refused = error if isinstance(error, InvalidInput) else None  # else ImportError: no SymPy
            reason = "custom:<formula> (formulas are not available yet)"
            if refused is not None and refused.allowed:
                reason = refused.allowed
            if (
                refused is not None and refused.field == WORK_FIELD
            ):  # say what these sizes cost with this batch
                reason = (
                    f"{reason}; with m = {fields['batch']} these sizes need {refused.value:,} multiply-adds"
                )
            # the refusal itself too: the page writes it from its code, in the reader's language
            warnings.append(
                ParamWarning(param, text, "common.allowed_core", {"allowed": reason, "error": refused})
            )
            if param.startswith("act"):
                l = int(param[3:])
                acts = list(fields["activations"])
                acts[l - 1] = default_activations(len(acts), fields["loss"])[l - 1]
                fields["activations"] = tuple(acts)
            elif param == "loss":
                fields["loss"] = DEFAULT.loss
            else:
                return DEFAULT
    return DEFAULT


def _param_of(error: Exception, fields: dict) -> str:
    """The URL parameter behind a spec error: act<l> for an activation, else the field's own name."""
    field = error.field if isinstance(error, InvalidInput) else ""
    if field == WORK_FIELD:  # a network too heavy for the server: its sizes (with its batch m)
        return "sizes"
    match = re.fullmatch(r"activation of layer (\d+)", field)
    if match:
        return f"act{match.group(1)}"
    if isinstance(error, ImportError):  # backprop.core.formula not there yet: the first custom layer
        l = next(i for i, a in enumerate(fields["activations"], 1) if a.startswith(CUSTOM_PREFIX))
        return f"act{l}"
    return {"batch": "m", "activations": "act1"}.get(field, field)


def _given(query: dict, param: str) -> str:
    values = query.get(param) or [""]
    return values if isinstance(values, str) else values[-1]


def array_names(spec: NetworkSpec) -> list[str]:
    """X, Y, W1, b1, ..., WL, bL: the arrays a user may edit or put in the URL."""
    return ["X", "Y"] + [f"{v}{l}" for l in range(1, spec.L + 1) for v in ("W", "b")]


def array_shape(spec: NetworkSpec, name: str) -> tuple[int, ...]:
    """The shape an array named as in ``array_names`` must have."""
    if name == "X":
        return (spec.m, spec.sizes[0])
    if name == "Y":
        return (spec.m, spec.sizes[-1])
    return spec.shape_of(name[0], int(name[1:]))


def parse_arrays(spec: NetworkSpec, query: dict, warnings: list[ParamWarning]) -> dict:
    """The arrays given in the URL that fit the spec (Y also fits the loss's targets)."""
    arrays = {}
    for name in array_names(spec):
        shape = array_shape(spec, name)
        array = read(query, name, lambda s, shape=shape: parse_matrix(s, shape), None, warnings)
        if array is None:
            continue
        if name == "Y":
            try:
                check_targets(spec, array)
            except InvalidInput as error:
                warnings.append(
                    ParamWarning(
                        "Y",
                        _given(query, "Y"),
                        "common.allowed_core",
                        {"allowed": error.allowed, "error": error},
                    )
                )
                continue
        arrays[name] = array
    return arrays


def config_query(spec: NetworkSpec, arrays: dict, lang: str) -> dict[str, str]:
    """The parameters that describe a configuration (the inverse of parse_config)."""
    query = {"sizes": ",".join(map(str, spec.sizes))}
    query.update({f"act{l}": a for l, a in enumerate(spec.activations, 1)})
    query.update(loss=spec.loss, reduction=spec.reduction, m=str(spec.batch), seed=str(spec.seed))
    query.update(init=spec.init, lang=lang)
    for name, array in arrays.items():
        if np.size(array) <= MAX_URL_ENTRIES:
            query[name] = format_matrix(array)
    return query


def is_config_param(name: str) -> bool:
    """Whether a parameter belongs to the shared configuration (pages' own parameters do not)."""
    return name in ("sizes", "loss", "reduction", "m", "seed", "init", "lang", "X", "Y") or bool(
        re.fullmatch(r"(act|W|b)[1-9][0-9]?", name)
    )


def resized(spec: NetworkSpec, L: int) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Sizes and activations for L layers: input and output stay, hidden ones are cut or added."""
    hidden_sizes = (spec.sizes[1:-1] + (4,) * L)[: L - 1]
    hidden_acts = (spec.activations[:-1] + ("sigmoid",) * L)[: L - 1]
    return (spec.sizes[0], *hidden_sizes, spec.sizes[-1]), (*hidden_acts, spec.activations[-1])
