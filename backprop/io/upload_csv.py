r"""The CSV reader of uploads: one file of named blocks (# W1), or one array named by its file.

A CSV's lines, rows and cells (commas) are counted before it is parsed, so an oversized
file is refused unread; the csv module's own errors (an unclosed quote, a NUL byte, a
cell past 131,072 characters) become InvalidInput naming the file and the array.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.spec import MAX_LAYERS
from backprop.io.upload_limits import (
    MAX_BYTES,
    MAX_CSV_LINES,
    SIDE,
    bounded_text,
    check_row_width,
    member_name,
    place,
)

CSV_ALLOWED = "rows of comma-separated numbers (every quote closed, no cell longer than a number)"


def read_csv(name: str, data: bytes) -> dict[str, np.ndarray]:
    """One CSV file: blocks each headed by a line naming its array (# W1), or one array named by the file."""
    where, at = f"upload {name}", place(name)
    text = bounded_text(where, at, io.BytesIO(data), MAX_BYTES)
    lines = text.count("\n") + 1  # counted before anything is parsed
    if lines > MAX_CSV_LINES:
        raise InvalidInput(
            where,
            f"{lines} lines",
            f"at most {MAX_CSV_LINES} lines: {SIDE} rows per array, {MAX_LAYERS} layers",
            code="upload_csv_lines",
            place=at,
            count=lines,
            limit=MAX_CSV_LINES,
            rows=SIDE,
            layers=MAX_LAYERS,
        )
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        label = line.strip().lstrip("#").strip().strip(",").strip()
        header = member_name(label)
        if header is not None:
            if header in blocks:
                raise InvalidInput(
                    f"{where}, line {number}",
                    label,
                    "each array once",
                    code="upload_csv_repeat",
                    place=at,
                    line=number,
                )
            current, blocks[header] = header, []
        elif line.strip():
            if current is None:
                break  # no header first: the whole file is one array named by the file
            blocks[current].append(line)
    if not blocks:
        own = member_name(name.rsplit("/", 1)[-1])
        if own is None:
            raise InvalidInput(
                where,
                "a CSV file without array names",
                "lines like # W1 before each array",
                code="upload_csv_names",
                place=at,
            )
        return {own: csv_matrix(where, at, text)}
    return {k: csv_matrix(f"{where}, {k}", place(name, k), "\n".join(lines)) for k, lines in blocks.items()}


def csv_matrix(where: str, at: str, text: str) -> np.ndarray:
    """A CSV matrix of numbers: equal rows, every cell a number (nan and inf refused later).

    Rows (non-blank lines) and cells (commas) are counted first, so an oversized matrix is
    refused before it is parsed; the parser's own errors (a cell past the csv module's
    131,072 characters, an unclosed quote, a NUL byte) become InvalidInput.
    """
    filled = [line for line in text.splitlines() if line.strip()]
    if len(filled) > SIDE:
        raise InvalidInput(
            where,
            f"{len(filled)} rows",
            f"at most {SIDE} rows and columns",
            code="upload_rows",
            place=at,
            rows=len(filled),
            limit=SIDE,
        )
    widest = max((line.count(",") + 1 for line in filled), default=0)
    if widest > SIDE:
        raise InvalidInput(
            where,
            f"a row of {widest} cells",
            f"at most {SIDE} rows and columns",
            code="upload_columns",
            place=at,
            columns=widest,
            limit=SIDE,
        )
    try:
        rows = [
            row for row in csv.reader(io.StringIO(text), strict=True) if any(cell.strip() for cell in row)
        ]
    except csv.Error as error:
        raise InvalidInput(
            where,
            "text the CSV reader refuses",
            f"{CSV_ALLOWED}; the reader stopped at: {error}",
            code="upload_csv_syntax",
            place=at,
        ) from None
    if not rows:
        raise InvalidInput(
            where, "no numbers", "rows of comma-separated numbers", code="upload_csv_empty", place=at
        )
    width = len(rows[0])
    values = np.empty((len(rows), width))
    for i, row in enumerate(rows):
        check_row_width(where, at, i, row, width, "cells")
        for j, cell in enumerate(row):
            try:
                values[i, j] = float(cell)
            except ValueError:
                raise InvalidInput(
                    f"{where}, row {i + 1}, column {j + 1}",
                    cell[:40],
                    "a number",
                    code="upload_cell",
                    place=at,
                    row=i + 1,
                    column=j + 1,
                ) from None
    return values
