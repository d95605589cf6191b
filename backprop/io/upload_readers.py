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
from backprop.core.spec import APP_MAX_BATCH, APP_MAX_WIDTH, MAX_LAYERS, shape_text
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
CSV_ALLOWED = "rows of comma-separated numbers (every quote closed, no cell longer than a number)"

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


def read_zip(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and config from a zip (.npz of .npy members, or CSV files), checked entry by entry."""
    if not data.startswith(b"PK"):
        raise InvalidInput(
            f"upload {name}",
            "not a zip archive",
            "an .npz or .zip file as NumPy or the export writes it",
            code="upload_not_zip",
            place=place(name),
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise InvalidInput(
            f"upload {name}",
            "a damaged or truncated zip",
            "a complete .npz or .zip file",
            code="upload_damaged",
            place=place(name),
        ) from None
    if len(infos) > MAX_ENTRIES:
        raise InvalidInput(
            f"upload {name}",
            f"{len(infos)} entries",
            f"at most {MAX_ENTRIES} entries",
            code="upload_entries",
            place=place(name),
            count=len(infos),
            limit=MAX_ENTRIES,
        )
    members, config, total = {}, {}, 0
    for info in infos:
        where = f"upload {name}, member {info.filename[:60]}"
        at = place(name, info.filename)
        array_name = member_name(info.filename)
        is_config = info.filename in ("config.npy", "config.json")
        if array_name is None and not is_config:
            continue  # other arrays of an export (Z_1, dW_1, ...) and its README: never read
        _check_entry(where, at, info)
        total += info.file_size
        if total > MAX_ARRAY_BYTES:
            raise InvalidInput(
                where,
                f"{total} bytes unpacked",
                f"at most {MAX_ARRAY_BYTES // 2**20} MB in all",
                code="upload_unpacked",
                place=at,
                limit=MAX_ARRAY_BYTES // 2**20,
            )
        try:
            with archive.open(info) as stream:
                if info.filename.endswith(".npy"):
                    array = _npy(where, at, stream, info.file_size, text=is_config)
                    if is_config:
                        config = _config(where, at, str(array[()]))
                    elif array_name is not None:  # always: a member neither named nor config was skipped
                        members[array_name] = array
                elif info.filename.endswith(".json"):
                    config = _config(where, at, _bounded_text(where, at, stream, MAX_CONFIG))
                elif info.filename.endswith(".csv") and array_name is not None:
                    text = _bounded_text(where, at, stream, MAX_BYTES * 4)
                    members[array_name] = _csv_matrix(where, at, text)
                else:
                    raise InvalidInput(
                        where,
                        "an entry of unknown type",
                        ".npy or .csv entries",
                        code="upload_entry_type",
                        place=at,
                    )
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
            raise InvalidInput(
                where, "damaged data", "a complete, unencrypted .npz or .zip", code="upload_damaged", place=at
            ) from None
    return members, config


def _check_entry(where: str, at: str, info: zipfile.ZipInfo) -> None:
    """Refuse encrypted, oddly compressed, oversized or bomb-like entries from the directory alone."""
    if info.flag_bits & 0x1:
        raise InvalidInput(
            where, "an encrypted entry", "unencrypted entries", code="upload_encrypted", place=at
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InvalidInput(
            where,
            f"compression method {info.compress_type}",
            "stored or deflated entries",
            code="upload_compression",
            place=at,
            method=info.compress_type,
        )
    if info.file_size > MAX_ARRAY_BYTES:
        raise InvalidInput(
            where,
            f"{info.file_size} bytes unpacked",
            f"at most {MAX_ARRAY_BYTES // 2**20} MB",
            code="upload_member_size",
            place=at,
            size=info.file_size,
            limit=MAX_ARRAY_BYTES // 2**20,
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise InvalidInput(
            where,
            f"a compression ratio of {ratio}",
            f"at most {MAX_RATIO} (a compression bomb?)",
            code="upload_ratio",
            place=at,
            ratio=ratio,
            limit=MAX_RATIO,
        )


def _npy(where: str, at: str, stream, declared: int, text: bool = False) -> np.ndarray:
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
        raise InvalidInput(
            where,
            "an unreadable .npy header",
            "arrays saved by numpy.savez",
            code="upload_npy_header",
            place=at,
        ) from None
    kinds = "U" if text else NUMERIC_KINDS
    if (
        dtype.kind not in kinds
        or dtype.hasobject
        or dtype.fields is not None
        or dtype.itemsize > 4 * MAX_CONFIG
    ):
        raise InvalidInput(
            where,
            f"dtype {dtype.str}",
            "numbers (float or int); no objects or pickles",
            code="upload_dtype",
            place=at,
            dtype=code_span(dtype.str),
        )
    if dtype.kind != "U" and dtype.itemsize > 8:
        raise InvalidInput(
            where,
            f"dtype {dtype.str}",
            "float64, float32 or integer numbers",
            code="upload_dtype_size",
            place=at,
            dtype=code_span(dtype.str),
        )
    limit = 0 if text else 2
    if len(shape) > limit or any(not 0 <= n <= SIDE for n in shape):
        raise InvalidInput(
            where,
            f"shape {shape}",
            f"a matrix or vector of at most {SIDE} rows and columns",
            code="upload_npy_shape",
            place=at,
            shape=shape_text(shape[:8]),
            limit=SIDE,
        )
    count = int(np.prod(shape, dtype=np.int64))
    nbytes = count * dtype.itemsize
    if stream.tell() + nbytes != declared:
        raise InvalidInput(
            where,
            "a header that disagrees with the data's length",
            "a complete, untruncated file",
            code="upload_truncated",
            place=at,
        )
    raw = stream.read(nbytes)
    if len(raw) != nbytes or stream.read(1):  # reading to the end also checks the CRC
        raise InvalidInput(
            where, "truncated data", "a complete, untruncated file", code="upload_truncated", place=at
        )
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def _bounded_text(where: str, at: str, stream, limit: int) -> str:
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


def _config(where: str, at: str, text: str) -> dict:
    """The embedded network configuration (a JSON object), unvalidated until ``Upload.spec``."""
    try:
        config = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise InvalidInput(
            where, "configuration that is not JSON", "a JSON object", code="upload_config", place=at
        ) from None
    if not isinstance(config, dict):
        raise InvalidInput(
            where,
            type(config).__name__,
            "a JSON object with sizes, activations, loss, ...",
            code="upload_config",
            place=at,
        )
    return config


def read_csv(name: str, data: bytes) -> dict[str, np.ndarray]:
    """One CSV file: blocks each headed by a line naming its array (# W1), or one array named by the file."""
    where, at = f"upload {name}", place(name)
    text = _bounded_text(where, at, io.BytesIO(data), MAX_BYTES)
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
        return {own: _csv_matrix(where, at, text)}
    return {k: _csv_matrix(f"{where}, {k}", place(name, k), "\n".join(lines)) for k, lines in blocks.items()}


def _csv_matrix(where: str, at: str, text: str) -> np.ndarray:
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
        if len(row) != width:
            raise InvalidInput(
                f"{where}, row {i + 1}",
                f"{len(row)} cells",
                f"{width} cells, as in row 1",
                code="upload_ragged",
                place=at,
                row=i + 1,
                count=len(row),
                width=width,
            )
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


def read_json(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and config from the command line's JSON (config, X, Y, layers[l].W, .b)."""
    where, at = f"upload {name}", place(name)
    text = _bounded_text(where, at, io.BytesIO(data), MAX_BYTES)
    try:
        document = json.loads(text, parse_constant=_no_constant)
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
        if len(row) != width:
            raise InvalidInput(
                f"{where}, row {i + 1}",
                f"{len(row)} entries",
                f"{width} entries, as in row 1",
                code="upload_ragged",
                place=at,
                row=i + 1,
                count=len(row),
                width=width,
            )
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


def _no_constant(name: str):
    raise ValueError(name)  # NaN, Infinity and -Infinity are not JSON numbers
