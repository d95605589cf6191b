r"""The zip reader of uploads: an .npz of .npy members, or a .zip of CSV files, checked entry by entry.

Nothing is trusted: the directory's declared sizes, compression and ratios are checked
before an entry is opened, each .npy header (dtype, shape, element count) before a byte
of its data is read, and nothing is ever unpickled (``np.load`` is not used). Members
other than the arrays (W1, b1, ..., X, Y) and the configuration are never read.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.spec import shape_text
from backprop.io.upload_csv import csv_matrix
from backprop.io.upload_limits import (
    MAX_ARRAY_BYTES,
    MAX_BYTES,
    MAX_CONFIG,
    MAX_ENTRIES,
    MAX_HEADER,
    MAX_RATIO,
    NUMERIC_KINDS,
    RATIO_FLOOR,
    SIDE,
    bounded_text,
    member_name,
    no_constant,
    place,
)
from backprop.locales import code_span


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
                    config = _config(where, at, bounded_text(where, at, stream, MAX_CONFIG))
                elif info.filename.endswith(".csv") and array_name is not None:
                    text = bounded_text(where, at, stream, MAX_BYTES * 4)
                    members[array_name] = csv_matrix(where, at, text)
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


def _config(where: str, at: str, text: str) -> dict:
    """The embedded network configuration (a JSON object), unvalidated until ``Upload.spec``."""
    try:
        config = json.loads(text, parse_constant=no_constant)
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
