r"""The reader of each upload format, chosen by the file's suffix, with a net under the parsers.

Each reader (``upload_zip``, ``upload_csv``, ``upload_json``) returns ``(members,
config)``: arrays by canonical name (W1, b1, ..., X, Y) and the configuration the file
carried. ``read`` turns a parser error that no reader foresaw into an InvalidInput naming
the file, so that an upload ends in a refusal, never in a traceback.
"""

from __future__ import annotations

import csv
import struct
import zipfile
import zlib

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.io.upload_csv import read_csv
from backprop.io.upload_json import read_json
from backprop.io.upload_limits import place
from backprop.io.upload_zip import read_zip

FORMATS = "an .npz, a .zip of CSV files, a .csv or the JSON of python -m backprop run --json"


# What parsing untrusted bytes may raise, caught around each reader as a last net
PARSER_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    EOFError,
    OSError,
    OverflowError,
    RecursionError,
    MemoryError,
    UnicodeError,
    zlib.error,
    csv.Error,
    struct.error,
    zipfile.BadZipFile,
)


def _csv_only(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """A CSV file's arrays, with no configuration (a CSV carries none)."""
    return read_csv(name, data), {}


READERS = {"npz": read_zip, "zip": read_zip, "csv": _csv_only, "json": read_json}


def read(suffix: str, name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """The reader of ``suffix`` on (name, data); a parser error it did not foresee becomes an InvalidInput."""
    reader = READERS[suffix]
    try:
        return reader(name, data)
    except InvalidInput:
        raise
    except PARSER_ERRORS as error:  # a net under the readers' own refusals (the tests find none)
        why = f"a file its reader cannot parse ({type(error).__name__})"
        raise InvalidInput(
            f"upload {name}", why, FORMATS, code="upload_unparsed", place=place(name)
        ) from None
