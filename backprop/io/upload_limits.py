r"""What an upload may hold, checked before anything is parsed: its limits, array names and places.

The limits are the app's (``APP_MAX_WIDTH``, ``APP_MAX_BATCH``): no array may have more
than ``SIDE`` rows or columns, a file is at most ``MAX_BYTES`` (the server's own limit) and
all the arrays of a zip at most ``MAX_ARRAY_BYTES`` unpacked. Every reader
(``upload_zip``, ``upload_csv``, ``upload_json``) refuses through these, naming the file
and the member with ``place``, so that the same limit reads the same in every format.
"""

from __future__ import annotations

import re

from backprop.core.errors import InvalidInput
from backprop.core.spec import APP_MAX_BATCH, APP_MAX_WIDTH, MAX_LAYERS
from backprop.locales import code_span

MAX_BYTES = 5 * 2**20  # the server's upload limit (server.maxUploadSize = 5 MB)
MAX_ARRAY_BYTES = 64 * 2**20  # all members read, uncompressed
MAX_ENTRIES = 256  # members of a zip (the export's .npz of 8 layers has 84)
MAX_RATIO = 100  # uncompressed / compressed, for members past RATIO_FLOOR
RATIO_FLOOR = 2**20  # small members may compress well (a 100 x 100 zero matrix: 400x)
MAX_HEADER = 4096  # bytes of an .npy header
MAX_CONFIG = 64 * 2**10  # characters of an embedded configuration
NUMERIC_KINDS = "fiu"  # float, signed and unsigned integer dtypes; never object ("O")
SIDE = max(APP_MAX_WIDTH, APP_MAX_BATCH)  # rows or columns of any array: a width or a batch
# A CSV holds at most W1..W8, b1..b8, X and Y, each under its own header line
MAX_CSV_LINES = (2 * MAX_LAYERS + 2) * (SIDE + 1)

_NAME = re.compile(r"^(?:(?P<v>[Wb])_?(?P<l>[1-9])|(?P<xy>[XY])|layer(?P<dl>[1-9])/(?P<dv>[Wb]))$")


def place(name: str, member: str = "") -> str:
    """Where in an upload a refusal is, for its sentence: a code span of the file (and member) as named.

    >>> place("mine.npz", "W1.npy")
    '`mine.npz › W1.npy`'
    """
    text = " ".join(f"{name[:60]} › {member[:60]}".split()) if member else " ".join(name[:60].split())
    return code_span(text)


def member_name(path: str) -> str | None:
    """The canonical array name (W1, b2, X) of a member path, or None if it is none of ours."""
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    match = _NAME.match(stem)
    if match is None:
        return None
    if match["xy"]:
        return match["xy"]
    return f"{match['v']}{match['l']}" if match["v"] else f"{match['dv']}{match['dl']}"


def bounded_text(where: str, at: str, stream, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8 text from a stream (more is refused, not read)."""
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise InvalidInput(
            where,
            f"more than {limit} bytes",
            f"at most {limit} bytes",
            code="upload_text_size",
            place=at,
            limit=limit,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            where, "bytes that are not UTF-8 text", "UTF-8 text", code="upload_utf8", place=at
        ) from None


def check_row_width(where: str, at: str, i: int, row: list, width: int, unit: str) -> None:
    """Refuse row i (from 0) of a matrix unless it has ``width`` ``unit`` (cells, entries), as row 1 has.

    CSV and JSON matrices refuse a ragged row alike, row by row as they are read, so a bad
    cell above the ragged row is still the refusal a student sees first.
    """
    if len(row) != width:
        raise InvalidInput(
            f"{where}, row {i + 1}",
            f"{len(row)} {unit}",
            f"{width} {unit}, as in row 1",
            code="upload_ragged",
            place=at,
            row=i + 1,
            count=len(row),
            width=width,
        )


def no_constant(name: str):
    """json.loads's hook for NaN, Infinity and -Infinity: refused, as they are not JSON numbers."""
    raise ValueError(name)
