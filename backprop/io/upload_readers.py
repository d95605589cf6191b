r"""Readers of each upload format: a zip (.npz of .npy members, or CSV files), CSV, the command line's JSON.

Each returns ``(members, config)``: arrays by canonical name (W1, b1, ..., X, Y) and the
configuration the file carried. Nothing is trusted: sizes are checked before reading,
.npy headers before their data, a CSV's lines and commas are counted before it is parsed,
and every refusal, a parser's own error included, is an InvalidInput naming the file and
the member. The limits are the app's (``APP_MAX_WIDTH``, ``APP_MAX_BATCH``): no array may
have more than ``SIDE`` rows or columns. ``backprop.io.upload`` checks that the arrays
fit together.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.spec import APP_MAX_BATCH, APP_MAX_WIDTH, MAX_LAYERS

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
CSV_ALLOWED = "rows of comma-separated numbers (every quote closed, no cell longer than a number)"

_NAME = re.compile(r"^(?:(?P<v>[Wb])_?(?P<l>[1-9])|(?P<xy>[XY])|layer(?P<dl>[1-9])/(?P<dv>[Wb]))$")


def member_name(path: str) -> str | None:
    """The canonical array name (W1, b2, X) of a member path, or None if it is none of ours."""
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    match = _NAME.match(stem)
    if match is None:
        return None
    if match["xy"]:
        return match["xy"]
    return f"{match['v']}{match['l']}" if match["v"] else f"{match['dv']}{match['dl']}"


def read_zip(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and config from a zip (.npz of .npy members, or CSV files), checked entry by entry."""
    if not data.startswith(b"PK"):
        raise InvalidInput(
            f"upload {name}", "not a zip archive", "an .npz or .zip file as NumPy or the export writes it"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise InvalidInput(
            f"upload {name}", "a damaged or truncated zip", "a complete .npz or .zip file"
        ) from None
    if len(infos) > MAX_ENTRIES:
        raise InvalidInput(f"upload {name}", f"{len(infos)} entries", f"at most {MAX_ENTRIES} entries")
    members, config, total = {}, {}, 0
    for info in infos:
        where = f"upload {name}, member {info.filename[:60]}"
        array_name = member_name(info.filename)
        is_config = info.filename in ("config.npy", "config.json")
        if array_name is None and not is_config:
            continue  # other arrays of an export (Z_1, dW_1, ...) and its README: never read
        _check_entry(where, info)
        total += info.file_size
        if total > MAX_ARRAY_BYTES:
            raise InvalidInput(
                where, f"{total} bytes unpacked", f"at most {MAX_ARRAY_BYTES // 2**20} MB in all"
            )
        try:
            with archive.open(info) as stream:
                if info.filename.endswith(".npy"):
                    array = _npy(where, stream, info.file_size, text=is_config)
                    if is_config:
                        config = _config(where, str(array[()]))
                    elif array_name is not None:  # always: a member neither named nor config was skipped
                        members[array_name] = array
                elif info.filename.endswith(".json"):
                    config = _config(where, _bounded_text(where, stream, MAX_CONFIG))
                elif info.filename.endswith(".csv") and array_name is not None:
                    members[array_name] = _csv_matrix(where, _bounded_text(where, stream, MAX_BYTES * 4))
                else:
                    raise InvalidInput(where, "an entry of unknown type", ".npy or .csv entries")
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            if isinstance(error, InvalidInput):
                raise
            raise InvalidInput(where, "damaged data", "a complete, unencrypted .npz or .zip") from None
    return members, config


def _check_entry(where: str, info: zipfile.ZipInfo) -> None:
    """Refuse encrypted, oddly compressed, oversized or bomb-like entries from the directory alone."""
    if info.flag_bits & 0x1:
        raise InvalidInput(where, "an encrypted entry", "unencrypted entries")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InvalidInput(where, f"compression method {info.compress_type}", "stored or deflated entries")
    if info.file_size > MAX_ARRAY_BYTES:
        raise InvalidInput(
            where, f"{info.file_size} bytes unpacked", f"at most {MAX_ARRAY_BYTES // 2**20} MB"
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise InvalidInput(
            where, f"a compression ratio of {ratio}", f"at most {MAX_RATIO} (a compression bomb?)"
        )


def _npy(where: str, stream, declared: int, text: bool = False) -> np.ndarray:
    """One .npy member: header checked (dtype, shape, size) before its data is read, never unpickled."""
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream, max_header_size=MAX_HEADER)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream, max_header_size=MAX_HEADER)
        else:
            raise ValueError(version)
    except (zipfile.BadZipFile, zlib.error):
        raise  # the member's stream itself is damaged (a failed CRC): read_zip says so
    except Exception:  # noqa: BLE001 (numpy's header parser raises many kinds: ValueError, TokenError, ...)
        raise InvalidInput(where, "an unreadable .npy header", "arrays saved by numpy.savez") from None
    kinds = "U" if text else NUMERIC_KINDS
    if (
        dtype.kind not in kinds
        or dtype.hasobject
        or dtype.fields is not None
        or dtype.itemsize > 4 * MAX_CONFIG
    ):
        raise InvalidInput(where, f"dtype {dtype.str}", "numbers (float or int); no objects or pickles")
    if dtype.kind != "U" and dtype.itemsize > 8:
        raise InvalidInput(where, f"dtype {dtype.str}", "float64, float32 or integer numbers")
    limit = 0 if text else 2
    if len(shape) > limit or any(not 0 <= n <= SIDE for n in shape):
        raise InvalidInput(where, f"shape {shape}", f"a matrix or vector of at most {SIDE} rows and columns")
    count = int(np.prod(shape, dtype=np.int64))
    nbytes = count * dtype.itemsize
    if stream.tell() + nbytes != declared:
        raise InvalidInput(
            where, "a header that disagrees with the data's length", "a complete, untruncated file"
        )
    raw = stream.read(nbytes)
    if len(raw) != nbytes or stream.read(1):  # reading to the end also checks the CRC
        raise InvalidInput(where, "truncated data", "a complete, untruncated file")
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def _bounded_text(where: str, stream, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8 text from a stream (more is refused, not read)."""
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise InvalidInput(where, f"more than {limit} bytes", f"at most {limit} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(where, "bytes that are not UTF-8 text", "UTF-8 text") from None


def _config(where: str, text: str) -> dict:
    """The embedded network configuration (a JSON object), unvalidated until ``Upload.spec``."""
    try:
        config = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise InvalidInput(where, "configuration that is not JSON", "a JSON object") from None
    if not isinstance(config, dict):
        raise InvalidInput(where, type(config).__name__, "a JSON object with sizes, activations, loss, ...")
    return config


def read_csv(name: str, data: bytes) -> dict[str, np.ndarray]:
    """One CSV file: blocks each headed by a line naming its array (# W1), or one array named by the file."""
    where = f"upload {name}"
    text = _bounded_text(where, io.BytesIO(data), MAX_BYTES)
    lines = text.count("\n") + 1  # counted before anything is parsed
    if lines > MAX_CSV_LINES:
        raise InvalidInput(
            where,
            f"{lines} lines",
            f"at most {MAX_CSV_LINES} lines: {SIDE} rows per array, {MAX_LAYERS} layers",
        )
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        label = line.strip().lstrip("#").strip().strip(",").strip()
        header = member_name(label)
        if header is not None:
            if header in blocks:
                raise InvalidInput(f"{where}, line {number}", label, "each array once")
            current, blocks[header] = header, []
        elif line.strip():
            if current is None:
                break  # no header first: the whole file is one array named by the file
            blocks[current].append(line)
    if not blocks:
        own = member_name(name.rsplit("/", 1)[-1])
        if own is None:
            raise InvalidInput(where, "a CSV file without array names", "lines like # W1 before each array")
        return {own: _csv_matrix(where, text)}
    return {k: _csv_matrix(f"{where}, {k}", "\n".join(lines)) for k, lines in blocks.items()}


def _csv_matrix(where: str, text: str) -> np.ndarray:
    """A CSV matrix of numbers: equal rows, every cell a number (nan and inf refused later).

    Rows (non-blank lines) and cells (commas) are counted first, so an oversized matrix is
    refused before it is parsed; the parser's own errors (a cell past the csv module's
    131,072 characters, an unclosed quote, a NUL byte) become InvalidInput.
    """
    filled = [line for line in text.splitlines() if line.strip()]
    if len(filled) > SIDE:
        raise InvalidInput(where, f"{len(filled)} rows", f"at most {SIDE} rows and columns")
    widest = max((line.count(",") + 1 for line in filled), default=0)
    if widest > SIDE:
        raise InvalidInput(where, f"a row of {widest} cells", f"at most {SIDE} rows and columns")
    try:
        rows = [
            row for row in csv.reader(io.StringIO(text), strict=True) if any(cell.strip() for cell in row)
        ]
    except csv.Error as error:
        raise InvalidInput(
            where, "text the CSV reader refuses", f"{CSV_ALLOWED}; the reader stopped at: {error}"
        ) from None
    if not rows:
        raise InvalidInput(where, "no numbers", "rows of comma-separated numbers")
    width = len(rows[0])
    values = np.empty((len(rows), width))
    for i, row in enumerate(rows):
        if len(row) != width:
            raise InvalidInput(f"{where}, row {i + 1}", f"{len(row)} cells", f"{width} cells, as in row 1")
        for j, cell in enumerate(row):
            try:
                values[i, j] = float(cell)
            except ValueError:
                raise InvalidInput(f"{where}, row {i + 1}, column {j + 1}", cell[:40], "a number") from None
    return values


def read_json(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and config from the command line's JSON (config, X, Y, layers[l].W, .b)."""
    where = f"upload {name}"
    text = _bounded_text(where, io.BytesIO(data), MAX_BYTES)
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise InvalidInput(
            where, "text that is not JSON", "the JSON of python -m backprop run --json"
        ) from None
    layers = document.get("layers") if isinstance(document, dict) else None
    if not isinstance(layers, list) or not layers:
        raise InvalidInput(where, "no list of layers", 'an object with "layers": [{"W": ..., "b": ...}, ...]')
    members = {}
    for l, layer in enumerate(layers[: MAX_LAYERS + 1], start=1):
        if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
            raise InvalidInput(f"{where}, layers[{l - 1}]", "no W and b", 'an object with "W" and "b"')
        members[f"W{l}"] = _json_array(f"{where}, layers[{l - 1}].W", layer["W"])
        members[f"b{l}"] = _json_array(f"{where}, layers[{l - 1}].b", layer["b"])
    for key in ("X", "Y"):
        if key in document:
            members[key] = _json_array(f"{where}, {key}", document[key])
    config = document.get("config", {})
    if not isinstance(config, dict):
        raise InvalidInput(f"{where}, config", type(config).__name__, "a JSON object")
    return members, config


def _json_array(where: str, value) -> np.ndarray:
    """A vector or matrix from nested JSON lists of numbers (no strings, booleans or ragged rows)."""
    rows = value if isinstance(value, list) and value and all(isinstance(r, list) for r in value) else [value]
    if not all(isinstance(r, list) and r for r in rows):
        raise InvalidInput(where, _kind(value), "a list of numbers or a list of equal lists of numbers")
    width = len(rows[0])
    if len(rows) > SIDE or width > SIDE:
        raise InvalidInput(where, f"{len(rows)} x {width} numbers", f"at most {SIDE} rows and columns")
    for i, row in enumerate(rows):
        if len(row) != width:
            raise InvalidInput(
                f"{where}, row {i + 1}", f"{len(row)} entries", f"{width} entries, as in row 1"
            )
        for cell in row:
            if isinstance(cell, bool) or not isinstance(cell, (int, float)):
                raise InvalidInput(where, _kind(cell), "numbers")
    try:
        array = np.array(rows, dtype=np.float64)
    except OverflowError:
        raise InvalidInput(where, "a number too large", "numbers within float64's range") from None
    return array if rows is value else array.ravel()  # a matrix, or a vector


def _kind(value) -> str:
    return repr(value)[:40] if isinstance(value, (str, bool)) or value is None else type(value).__name__


def _no_constant(name: str):
    raise ValueError(name)  # NaN, Infinity and -Infinity are not JSON numbers
