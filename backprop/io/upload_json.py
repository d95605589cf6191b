r"""The JSON reader of uploads: the command line's ``run --json`` (config, X, Y, layers[l].W and .b).

Every array is nested lists of numbers, sized before it is converted: no strings,
booleans, NaN or Infinity, no ragged rows, at most ``SIDE`` rows and columns.
"""

from __future__ import annotations

import io
import json

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.spec import MAX_LAYERS, shape_text
from backprop.io.upload_limits import MAX_BYTES, SIDE, bounded_text, check_row_width, no_constant, place


def read_json(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and config from the command line's JSON (config, X, Y, layers[l].W, .b)."""
    where, at = f"upload {name}", place(name)
    text = bounded_text(where, at, io.BytesIO(data), MAX_BYTES)
    try:
        document = json.loads(text, parse_constant=no_constant)
    except (ValueError, RecursionError):
        raise InvalidInput(
            where,
            "text that is not JSON",
            "the JSON of python -m backprop run --json",
            code="upload_json",
            place=at,
        ) from None
    layers = document.get("layers") if isinstance(document, dict) else None
    if not isinstance(layers, list) or not layers:
        raise InvalidInput(
            where,
            "no list of layers",
            'an object with "layers": [{"W": ..., "b": ...}, ...]',
            code="upload_json_layers",
            place=at,
        )
    members = {}
    for l, layer in enumerate(layers[: MAX_LAYERS + 1], start=1):
        if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
            raise InvalidInput(
                f"{where}, layers[{l - 1}]",
                "no W and b",
                'an object with "W" and "b"',
                code="upload_json_layer",
                place=place(name, f"layers[{l - 1}]"),
            )
        for v in ("W", "b"):
            path = f"layers[{l - 1}].{v}"
            members[f"{v}{l}"] = _json_array(f"{where}, {path}", place(name, path), layer[v])
    for key in ("X", "Y"):
        if key in document:
            members[key] = _json_array(f"{where}, {key}", place(name, key), document[key])
    config = document.get("config", {})
    if not isinstance(config, dict):
        raise InvalidInput(
            f"{where}, config",
            type(config).__name__,
            "a JSON object",
            code="upload_config",
            place=place(name, "config"),
        )
    return members, config


def _json_array(where: str, at: str, value) -> np.ndarray:
    """A vector or matrix from nested JSON lists of numbers (no strings, booleans or ragged rows)."""
    rows = value if isinstance(value, list) and value and all(isinstance(r, list) for r in value) else [value]
    if not all(isinstance(r, list) and r for r in rows):
        raise InvalidInput(
            where,
            _kind(value),
            "a list of numbers or a list of equal lists of numbers",
            code="upload_json_array",
            place=at,
        )
    width = len(rows[0])
    if len(rows) > SIDE or width > SIDE:
        raise InvalidInput(
            where,
            f"{len(rows)} x {width} numbers",
            f"at most {SIDE} rows and columns",
            code="upload_json_size",
            place=at,
            shape=shape_text((len(rows), width)),
            limit=SIDE,
        )
    for i, row in enumerate(rows):
        check_row_width(where, at, i, row, width, "entries")
        for cell in row:
            if isinstance(cell, bool) or not isinstance(cell, (int, float)):
                raise InvalidInput(where, _kind(cell), "numbers", code="upload_json_number", place=at)
    try:
        array = np.array(rows, dtype=np.float64)
    except OverflowError:
        raise InvalidInput(
            where,
            "a number too large",
            "numbers within float64's range",
            code="upload_json_overflow",
            place=at,
        ) from None
    return array if rows is value else array.ravel()  # a matrix, or a vector


def _kind(value) -> str:
    return repr(value)[:40] if isinstance(value, (str, bool)) or value is None else type(value).__name__
