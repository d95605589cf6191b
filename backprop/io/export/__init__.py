r"""Exports of one network, for download on the pages and from ``python -m backprop export``.

``FORMATS`` names every format once (file name, MIME type, maker); pages and the command
line both read it. Each maker takes a Trace and returns the file's bytes. The practice-set
formats (Moodle XML, QTI 2.1) write the practice page's exercise set ``Practice.seed``, on
its random small network or (``Practice.current``) on the trace's network.

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

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.derivation import notation as nt
from backprop.derivation.exact import exact_problem, not_whole
from backprop.io.export.arrays import arrays_of, read_csv, to_csv_zip, to_dict, to_json, to_npz
from backprop.io.export.derivation import derivation_latex, derivation_markdown
from backprop.io.export.moodle import moodle_xml
from backprop.io.export.notebook import MAX_NUMBERS, notebook, notebook_json, notebook_too_big, number_count
from backprop.io.export.practice_set import Practice, practice_problem
from backprop.io.export.qti import qti_zip
from backprop.io.export.worksheet import check_size, worksheet_latex, worksheet_markdown


@dataclass(frozen=True)
class Format:
    """One export: its name, file, MIME type, and maker ``(trace, exact, forward_given, lang) -> bytes``.

    ``exact``: hand-calculation mode changes it (exact numbers); ``sheet``: a worksheet or
    answer key (limited to small networks, and ``forward_given`` fills in the forward pass);
    ``practice``: a practice set for an LMS, made by ``(trace, practice: Practice) -> bytes``
    (in the practice's own language). ``lang`` writes a document's sentences in English or
    Chinese; the arrays carry no sentences.
    """

    name: str
    filename: str
    mime: str
    make: Callable
    exact: bool = False
    sheet: bool = False
    practice: bool = False


def _data(function):
    return lambda trace, exact=False, forward_given=False, lang="en": function(trace)


def _notebook(trace, exact=False, forward_given=False, lang="en") -> bytes:
    return notebook_json(trace, lang)


def _text(function):
    def make(trace, exact=False, forward_given=False, lang="en") -> bytes:
        return function(trace, exact=exact, lang=lang).encode("utf-8")

    return make


def _sheet(function, key: bool):
    def make(trace, exact=False, forward_given=False, lang="en") -> bytes:
        return function(trace, key=key, exact=exact, forward_given=forward_given, lang=lang).encode("utf-8")

    return make


def _practice(function):
    def make(trace, practice: Practice) -> bytes:
        return function(practice.seed, practice.lang, trace=trace if practice.current else None)

    return make


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "network.json", "application/json", _data(to_json)),
        Format("csv", "network-csv.zip", "application/zip", _data(to_csv_zip)),
        Format("npz", "network.npz", "application/octet-stream", _data(to_npz)),
        Format("derivation-tex", "derivation.tex", "application/x-tex", _text(derivation_latex), True),
        Format("derivation-md", "derivation.md", "text/markdown", _text(derivation_markdown), True),
        Format("notebook", "recompute.ipynb", "application/x-ipynb+json", _notebook),
        Format(
            "worksheet-tex", "worksheet.tex", "application/x-tex", _sheet(worksheet_latex, False), True, True
        ),
        Format(
            "worksheet-md", "worksheet.md", "text/markdown", _sheet(worksheet_markdown, False), True, True
        ),
        Format("key-tex", "answer-key.tex", "application/x-tex", _sheet(worksheet_latex, True), True, True),
        Format("key-md", "answer-key.md", "text/markdown", _sheet(worksheet_markdown, True), True, True),
        Format("moodle-xml", "practice-moodle.xml", "application/xml", _practice(moodle_xml), practice=True),
        Format("qti", "practice-qti.zip", "application/zip", _practice(qti_zip), practice=True),
    )
}


def export(
    trace,
    name: str,
    exact: bool = False,
    forward_given: bool = False,
    practice: Practice | None = None,
    lang: str = "en",
) -> bytes:
    """The bytes of export ``name`` of a trace; InvalidInput for an unknown name or a network too big.

    ``practice`` chooses the practice set of the LMS formats (default: set 1 on its random
    network, in English); the other formats ignore it. ``lang`` ("en" or "zh") is the
    language of the derivation, worksheet, key and notebook text.
    """
    if name not in FORMATS:
        raise InvalidInput("format", name, "one of " + ", ".join(FORMATS))
    if FORMATS[name].practice:
        return FORMATS[name].make(trace, practice=Practice() if practice is None else practice)
    return FORMATS[name].make(trace, exact=exact, forward_given=forward_given, lang=lang)


def problem(trace, name: str, exact: bool = False, practice: Practice | None = None) -> InvalidInput | None:
    """Why ``export(trace, name, exact, practice=practice)`` would be refused (an InvalidInput), or None."""
    if name not in FORMATS:
        return InvalidInput("format", name, "one of " + ", ".join(FORMATS))
    spec, fmt = trace.spec, FORMATS[name]
    if fmt.practice:
        return practice_problem(spec, Practice() if practice is None else practice)
    if exact and fmt.exact:
        refused = exact_problem(spec) or _not_whole(trace)
        if refused is not None:
            return refused
    if fmt.sheet:
        try:
            check_size(spec)
        except InvalidInput as error:
            return error
    if name == "notebook" and number_count(trace) > MAX_NUMBERS:
        return notebook_too_big(number_count(trace))
    return None


def _not_whole(trace) -> InvalidInput | None:
    arrays = [("X", trace.X), ("Y", trace.Y)] + [
        (nt.sup(name, layer.l), getattr(layer, name)) for layer in trace.layers for name in ("W", "b")
    ]
    for field, values in arrays:
        if not np.all(values == np.round(values)):
            return not_whole(field)
    return None


__all__ = [
    "FORMATS",
    "Format",
    "Practice",
    "arrays_of",
    "derivation_latex",
    "derivation_markdown",
    "export",
    "moodle_xml",
    "notebook",
    "notebook_json",
    "practice_problem",
    "problem",
    "qti_zip",
    "read_csv",
    "to_csv_zip",
    "to_dict",
    "to_json",
    "to_npz",
    "worksheet_latex",
    "worksheet_markdown",
]
