r"""W, b, X, Y from a student's file: .npz, a .zip of CSV files, .csv, or the command line's JSON.

Everything is checked before it is loaded: the file's size; for a zip (.npz is one) the
number of entries, each entry's declared size and compression ratio, and each .npy
header (dtype, shape, element count) before a byte of its data is decompressed; no
pickled objects are ever read (``np.load`` is not used at all, so ``allow_pickle`` never
comes into it); then shapes that chain layer to layer (W^(l) is n_{l-1} x n_l) and
finite values. Every refusal is an InvalidInput naming the file and the member.

Names: ``W1, b1, ..., WL, bL, X, Y`` (also ``W_1``, and ``layer1/W`` in a zip, as the
export page writes them); X and Y are optional, but come together.

>>> import io, numpy as np
>>> buffer = io.BytesIO()
>>> np.savez(buffer, W1=np.ones((3, 4)), b1=np.zeros(4), W2=np.ones((4, 2)), b2=np.zeros(2))
>>> upload = load([("mine.npz", buffer.getvalue())])
>>> upload.sizes, upload.X is None
((3, 4, 2), True)
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import InvalidInput
from .network import Params
from .spec import MAX_BATCH, MAX_LAYERS, MAX_WIDTH, NetworkSpec

MAX_BYTES = 5 * 2**20  # the server's upload limit (server.maxUploadSize = 5 MB)
MAX_ARRAY_BYTES = 64 * 2**20  # all members read, uncompressed
MAX_ENTRIES = 256  # members of a zip (the export's .npz of 8 layers has 84)
MAX_RATIO = 100  # uncompressed / compressed, for members past RATIO_FLOOR
RATIO_FLOOR = 2**20  # small members may compress well (a 100 x 100 zero matrix: 400x)
MAX_HEADER = 4096  # bytes of an .npy header
MAX_CONFIG = 64 * 2**10  # characters of an embedded configuration
NUMERIC_KINDS = "fiu"  # float, signed and unsigned integer dtypes; never object ("O")
FORMATS = "an .npz, a .zip of CSV files, a .csv or the JSON of python -m backprop run --json"

_NAME = re.compile(r"^(?:(?P<v>[Wb])_?(?P<l>[1-9])|(?P<xy>[XY])|layer(?P<dl>[1-9])/(?P<dv>[Wb]))$")


@dataclass(frozen=True, eq=False)
class Upload:
    r"""What a file gave: sizes n_0..n_L, W^(l) (n_{l-1}, n_l), b^(l) (n_l,), X (m, n_0), Y (m, n_L).

    ``config`` is the network configuration the file carried (the JSON's or the
    export's "config"), {} if none; it is untrusted until ``spec`` validates it.
    """

    sizes: tuple[int, ...]
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    X: np.ndarray | None = None
    Y: np.ndarray | None = None
    config: dict = field(default_factory=dict)
    source: str = ""

    @property
    def params(self) -> Params:
        """W and b as the core's Params."""
        return Params(self.W, self.b)

    def spec(self, base: NetworkSpec) -> NetworkSpec:
        r"""A NetworkSpec for these arrays: the file's configuration, else ``base``'s where it fits.

        Sizes come from the arrays and the batch m from X's rows. Activations, loss,
        reduction, seed and init come from the file's config if it has them, else from
        ``base`` (if base has the same number of layers), else sigmoid hidden layers, an
        identity output and mse.
        """
        L = len(self.sizes) - 1
        given = {
            k: self.config[k]
            for k in ("activations", "loss", "reduction", "seed", "init")
            if k in self.config
        }
        fitting = base.activations if len(base.activations) == L else ("sigmoid",) * (L - 1) + ("identity",)
        fields = {
            "sizes": self.sizes,
            "activations": given.get("activations", fitting),
            "loss": given.get("loss", base.loss),
            "reduction": given.get("reduction", base.reduction),
            "batch": self.X.shape[0] if self.X is not None else base.batch,
            "seed": given.get("seed", base.seed),
            "init": given.get("init", base.init),
        }
        if "loss" not in given:
            try:
                return NetworkSpec(**fields)
            except InvalidInput:
                fields["loss"] = "mse"  # base's loss needs an output layer the file does not have
        try:
            return NetworkSpec(**fields)
        except InvalidInput as error:
            raise InvalidInput(f"{self.source}: {error.field}", error.value, error.allowed) from None


def load(files: Sequence[tuple[str, bytes]]) -> Upload:
    r"""The arrays in one file, or in several CSV files each named after its array (W1.csv, X.csv).

    ``files`` are (file name, content) pairs. Raises InvalidInput naming the file, the
    member and what is allowed.
    """
    if not files:
        raise InvalidInput("upload", "no file", FORMATS)
    total = 0
    for name, data in files:
        total += len(data)
        if total > MAX_BYTES:
            raise InvalidInput(
                f"upload {name}", f"{total} bytes", f"files of at most {MAX_BYTES // 2**20} MB"
            )
        if not data:
            raise InvalidInput(f"upload {name}", "an empty file", FORMATS)
    if len(files) > 1:
        if not all(name.lower().endswith(".csv") for name, _ in files):
            raise InvalidInput(
                "upload", ", ".join(n for n, _ in files)[:80], "one file, or several .csv files"
            )
        members = {}
        for name, data in files:
            members.update(_csv_file(name, data))
        return _assembled(members, {}, "the uploaded files")
    name, data = files[0]
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("npz", "zip"):
        members, config = _zip(name, data)
    elif suffix == "csv":
        members, config = _csv_file(name, data), {}
    elif suffix == "json":
        members, config = _json(name, data)
    else:
        raise InvalidInput(
            f"upload {name}", f"a .{suffix} file" if suffix else "a file without extension", FORMATS
        )
    return _assembled(members, config, name)


def _member_name(path: str) -> str | None:
    """The canonical array name (W1, b2, X) of a member path, or None if it is none of ours."""
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    match = _NAME.match(stem)
    if match is None:
        return None
    if match["xy"]:
        return match["xy"]
    return f"{match['v']}{match['l']}" if match["v"] else f"{match['dv']}{match['dl']}"


def _zip(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
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
        array_name = _member_name(info.filename)
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
                    else:
                        members[array_name] = array
                elif info.filename.endswith(".json"):
                    config = _config(where, _bounded_text(where, stream, MAX_CONFIG))
                elif info.filename.endswith(".csv"):
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
    except (ValueError, SyntaxError, TypeError, EOFError):
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
    if len(shape) > limit or any(n > max(MAX_WIDTH, MAX_BATCH) for n in shape):
        raise InvalidInput(
            where, f"shape {shape}", f"a matrix or vector of at most {MAX_WIDTH} rows and columns"
        )
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


def _csv_file(name: str, data: bytes) -> dict[str, np.ndarray]:
    """One CSV file: blocks each headed by a line naming its array (# W1), or one array named by the file."""
    where = f"upload {name}"
    text = _bounded_text(where, io.BytesIO(data), MAX_BYTES)
    blocks: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        label = line.strip().lstrip("#").strip().strip(",").strip()
        if _member_name(label) is not None:
            current = _member_name(label)
            if current in blocks:
                raise InvalidInput(f"{where}, line {number}", label, "each array once")
            blocks[current] = []
        elif line.strip() and current is None:
            break  # no header first: the whole file is one array named by the file
        elif line.strip():
            blocks[current].append(line)
    if not blocks:
        own = _member_name(name.rsplit("/", 1)[-1])
        if own is None:
            raise InvalidInput(where, "a CSV file without array names", "lines like # W1 before each array")
        return {own: _csv_matrix(where, text)}
    return {k: _csv_matrix(f"{where}, {k}", "\n".join(lines)) for k, lines in blocks.items()}


def _csv_matrix(where: str, text: str) -> np.ndarray:
    """A CSV matrix of numbers: equal rows, every cell a number (nan and inf refused later)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise InvalidInput(where, "no numbers", "rows of comma-separated numbers")
    if len(rows) > max(MAX_WIDTH, MAX_BATCH) or any(len(r) > MAX_WIDTH for r in rows):
        raise InvalidInput(where, f"{len(rows)} rows", f"at most {MAX_WIDTH} rows and columns")
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


def _json(name: str, data: bytes) -> tuple[dict[str, np.ndarray], dict]:
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
    if not all(isinstance(r, list) and r for r in rows) or len(rows) > max(MAX_WIDTH, MAX_BATCH):
        raise InvalidInput(where, _kind(value), "a list of numbers or a list of equal lists of numbers")
    width = len(rows[0])
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


def _assembled(members: dict[str, np.ndarray], config: dict, source: str) -> Upload:
    """The members as an Upload: W1..WL and b1..bL present, shapes chaining, X and Y fitting, all finite."""
    L = 0
    while f"W{L + 1}" in members:
        L += 1
    if L == 0:
        found = ", ".join(sorted(members)) or "nothing"
        raise InvalidInput(f"upload {source}", f"arrays {found}", "W1, b1, ... (W^(l) of every layer)")
    if L > MAX_LAYERS or any(f"W{l}" in members for l in range(L + 1, MAX_LAYERS + 2)):
        raise InvalidInput(
            f"upload {source}", f"{L} layers, or a gap", f"W1 ... WL, at most {MAX_LAYERS} layers"
        )
    W, b, sizes = [], [], []
    for l in range(1, L + 1):
        W_l = _finite(source, f"W{l}", np.asarray(members[f"W{l}"], dtype=np.float64))
        if W_l.ndim != 2:
            raise InvalidInput(f"upload {source}, W{l}", f"shape {W_l.shape}", "a matrix (n_{l-1} x n_l)")
        if l == 1:
            sizes.append(W_l.shape[0])
        elif W_l.shape[0] != sizes[-1]:
            hint = (
                " (it looks transposed: the notes' W is n_{l-1} x n_l)" if W_l.shape[1] == sizes[-1] else ""
            )
            raise InvalidInput(
                f"upload {source}, W{l}",
                f"shape {W_l.shape}",
                f"{sizes[-1]} rows, the outputs of W{l - 1}{hint}",
            )
        sizes.append(W_l.shape[1])
        if f"b{l}" not in members:
            raise InvalidInput(f"upload {source}", f"no b{l}", f"b{l} with {sizes[-1]} entries")
        b_l = _finite(source, f"b{l}", np.asarray(members[f"b{l}"], dtype=np.float64))
        if b_l.size != sizes[-1] or (b_l.ndim == 2 and 1 not in b_l.shape) or b_l.ndim > 2:
            raise InvalidInput(f"upload {source}, b{l}", f"shape {b_l.shape}", f"{sizes[-1]} entries")
        W.append(W_l)
        b.append(b_l.ravel())
    if any(not 1 <= n <= MAX_WIDTH for n in sizes):
        raise InvalidInput(f"upload {source}", f"sizes {tuple(sizes)}", f"widths from 1 to {MAX_WIDTH}")
    X, Y = _inputs(members, source, sizes)
    given_sizes = config.get("sizes")
    if given_sizes is not None and given_sizes != sizes:
        raise InvalidInput(f"upload {source}, config sizes", given_sizes, f"the sizes of the arrays, {sizes}")
    return Upload(tuple(sizes), tuple(W), tuple(b), X, Y, config, source)


def _inputs(members: dict, source: str, sizes: list[int]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """X (m, n_0) and Y (m, n_L), both or neither."""
    if ("X" in members) != ("Y" in members):
        missing = "Y" if "X" in members else "X"
        raise InvalidInput(f"upload {source}", f"no {missing}", "both X and Y, or neither")
    if "X" not in members:
        return None, None
    X = _finite(source, "X", np.atleast_2d(np.asarray(members["X"], dtype=np.float64)))
    Y = _finite(source, "Y", np.asarray(members["Y"], dtype=np.float64))
    if Y.ndim == 1 and sizes[-1] == 1:
        Y = Y.reshape(-1, 1)  # one output: a column of targets
    Y = np.atleast_2d(Y)
    if X.ndim != 2 or X.shape[1] != sizes[0] or not 1 <= X.shape[0] <= MAX_BATCH:
        raise InvalidInput(
            f"upload {source}, X", f"shape {X.shape}", f"m x {sizes[0]} (m from 1 to {MAX_BATCH})"
        )
    if Y.shape != (X.shape[0], sizes[-1]):
        raise InvalidInput(
            f"upload {source}, Y", f"shape {Y.shape}", f"{X.shape[0]} x {sizes[-1]}, like X's rows"
        )
    return X, Y


def _finite(source: str, name: str, array: np.ndarray) -> np.ndarray:
    """array, if every entry is finite; else InvalidInput naming the first bad entry."""
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidInput(
            f"upload {source}, {name}{list(index)}", float(array[index]), "finite numbers only"
        )
    return array
