r"""Exports of one network, for download on the pages and from ``python -m backprop export``.

``FORMATS`` names every format once (file name, MIME type, maker); pages and the command
line both read it. Each maker takes a Trace and returns the file's bytes.

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(2, 2, 1), activations=("relu", "identity"), batch=2, init="integers"))
>>> sorted(FORMATS)[:3]
['csv', 'derivation-md', 'derivation-tex']
>>> export(trace, "json")[:1]
b'{'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InvalidInput
from .arrays import arrays_of, read_csv, to_csv_zip, to_dict, to_json, to_npz
from .derivation import derivation_latex, derivation_markdown
from .notebook import notebook, notebook_json
from .worksheet import worksheet_latex, worksheet_markdown


@dataclass(frozen=True)
class Format:
    """One export: its name, the file it makes, its MIME type, and the maker (trace, exact) -> bytes."""

    name: str
    filename: str
    mime: str
    make: Callable
    exact: bool = False  # whether hand-calculation mode changes it (exact numbers)


def _text(function, **options):
    return lambda trace, exact=False: function(trace, exact=exact, **options).encode("utf-8")


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "network.json", "application/json", lambda trace, exact=False: to_json(trace)),
        Format("csv", "network-csv.zip", "application/zip", lambda trace, exact=False: to_csv_zip(trace)),
        Format("npz", "network.npz", "application/octet-stream", lambda trace, exact=False: to_npz(trace)),
        Format("derivation-tex", "derivation.tex", "application/x-tex", _text(derivation_latex), True),
        Format("derivation-md", "derivation.md", "text/markdown", _text(derivation_markdown), True),
        Format(
            "notebook",
            "recompute.ipynb",
            "application/x-ipynb+json",
            lambda trace, exact=False: notebook_json(trace),
        ),
        Format("worksheet-tex", "worksheet.tex", "application/x-tex", _text(worksheet_latex), True),
        Format("worksheet-md", "worksheet.md", "text/markdown", _text(worksheet_markdown), True),
        Format("key-tex", "answer-key.tex", "application/x-tex", _text(worksheet_latex, key=True), True),
        Format("key-md", "answer-key.md", "text/markdown", _text(worksheet_markdown, key=True), True),
    )
}


def export(trace, name: str, exact: bool = False) -> bytes:
    """The bytes of export ``name`` of a trace; InvalidInput for an unknown name or a network too big."""
    if name not in FORMATS:
        raise InvalidInput("format", name, "one of " + ", ".join(FORMATS))
    return FORMATS[name].make(trace, exact=exact)


__all__ = [
    "FORMATS",
    "Format",
    "arrays_of",
    "derivation_latex",
    "derivation_markdown",
    "export",
    "notebook",
    "notebook_json",
    "read_csv",
    "to_csv_zip",
    "to_dict",
    "to_json",
    "to_npz",
    "worksheet_latex",
    "worksheet_markdown",
]
