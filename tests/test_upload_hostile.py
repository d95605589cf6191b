r"""Hostile uploads through the real loader (backprop/io/upload*.py): every
reader's parser errors become InvalidInput, and the app's limits (1024 rows and columns,
8 layers, MAX_MULTIPLY_ADDS) are enforced from headers and counts before anything is parsed.

Every hostile file is built here, in the test.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import numpy as np
import pytest

import backprop.io.upload_csv as upload_csv
import backprop.io.upload_readers as readers
from backprop.core.errors import InvalidInput
from backprop.core.spec import APP_MAX_BATCH, APP_MAX_WIDTH, MAX_MULTIPLY_ADDS, NetworkSpec
from backprop.io.upload import load
from backprop.io.upload_limits import MAX_BYTES, MAX_HEADER

SIDE = max(APP_MAX_WIDTH, APP_MAX_BATCH)
GOOD = {"W1": np.ones((2, 3)), "b1": np.zeros(3), "W2": np.ones((3, 1)), "b2": np.zeros(1)}


def _npz(compressed: bool = False, **arrays) -> bytes:
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes | str], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _csv(array) -> str:
    """array as CSV: integers as they are (a 1024 x 1024 matrix of 0 is 2 MB), floats with repr."""
    array = np.atleast_2d(array)
    cell = str if array.dtype.kind in "iu" else lambda v: repr(float(v))
    return "\n".join(",".join(map(cell, row)) for row in array) + "\n"


def _csv_blocks(arrays: dict) -> str:
    return "".join(f"# {name}\n{_csv(value)}" for name, value in arrays.items())


def _json(arrays: dict) -> str:
    layers = [{"W": arrays[f"W{l}"], "b": arrays[f"b{l}"]} for l in (1, 2)]
    document = {"layers": layers} | {k: arrays[k] for k in ("X", "Y") if k in arrays}
    return json.dumps(document, default=lambda a: np.asarray(a).tolist())


def _npy_with_header(header: bytes) -> bytes:
    """An .npy member: the version 1.0 magic, then ``header`` as its header (padded)."""
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def _refused(files, *fragments: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        load(files)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# ---- the reported files --------------------------------------------------------------------


@pytest.mark.parametrize("where", ["csv", "zip"])
@pytest.mark.parametrize(
    "text, why",
    [
        ("1," + "1" * 200_000 + "\n", "field larger than field limit (131072)"),
        ('1,"' + "2" * 200_000 + '"\n', "field larger than field limit (131072)"),
        ('1,2\n3,"4\n', "unexpected end of data"),
        ('1,"2"x\n', "',' expected after '\"'"),
    ],
    ids=["long cell", "long quoted cell", "unclosed quote", "text after a quote"],
)
def test_csv_parser_errors_become_invalid_input_naming_the_file(where, text, why):
    if where == "csv":
        files = [("W1.csv", text.encode())]
    else:
        files = [("mine.zip", _zip({"layer1/W.csv": text, "layer1/b.csv": "0\n"}))]
    message = _refused(
        files, "upload W1.csv" if where == "csv" else "upload mine.zip, member layer1/W.csv", why
    )
    assert "is not allowed: use rows of comma-separated numbers" in message


def test_npz_of_three_4096_square_matrices_is_refused_from_its_headers_before_any_data(monkeypatch):
    rng = np.random.default_rng(0)
    arrays = {}
    for name in ("W1", "W2", "W3"):
        W = np.zeros((4096, 4096), np.uint8)
        W.flat[rng.integers(0, W.size, W.size // 50)] = 7  # compresses about 30:1, under the bomb limit
        arrays[name] = W
    data = _npz(compressed=True, **arrays)
    assert 1_200_000 < len(data) < 2_500_000  # the reported file: 1.6 MB
    read = []
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, n=-1: read.append(n) or real_read(self, n))
    _refused([("big.npz", data)], "member W1.npy", "shape (4096, 4096)", f"at most {SIDE} rows and columns")
    assert all(0 <= n <= MAX_HEADER for n in read) and sum(read) < 200, read  # magic and header only


def test_csv_of_a_million_rows_is_refused_from_a_line_count_before_parsing(monkeypatch):
    monkeypatch.setattr(upload_csv.csv, "reader", lambda *a, **k: pytest.fail("the CSV was parsed"))
    data = b"1\n" * 1_000_000
    assert len(data) == 2_000_000
    _refused([("X.csv", data)], "upload X.csv", "1000001 lines", f"{SIDE} rows per array")


# ---- the class: each reader x each kind of error -------------------------------------------

ROWS = np.zeros((SIDE + 1, 2))  # one row past the limit
COLUMNS = np.zeros((2, SIDE + 1))
WIDE = {"W1": np.zeros((2, SIDE + 1)), "b1": np.zeros(SIDE + 1)}
# 1024 -> 1024 with m = 256: 2.7e8 multiply-adds, past the limit, every array within 1024
HEAVY = {
    "W1": np.zeros((SIDE, SIDE), np.uint8),
    "b1": np.zeros(SIDE, np.uint8),
    "X": np.zeros((256, SIDE), np.uint8),
    "Y": np.zeros((256, SIDE), np.uint8),
}
HEAVY_JSON = {"layers": [{"W": HEAVY["W1"], "b": HEAVY["b1"]}], "X": HEAVY["X"], "Y": HEAVY["Y"]}
WORK = f"multiply-adds per pass, m × Σ n_(l-1) n_l = {256 * SIDE * SIDE}"
LIMIT = f"at most {MAX_MULTIPLY_ADDS:,}"
GOOD_ZIP = _npz(**GOOD)

HEADER = b"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"


def _bad_npy(header: bytes) -> bytes:
    """A zip with one .npy member W1 whose header is ``header``."""
    return _zip({"W1.npy": _npy_with_header(header)})


CLASS = {
    # .npz: .npy members in a zip
    ("npz", "parser"): ("a.npz", _bad_npy(b"{'descr': '<f8', 'shape': (2,"), "an unreadable .npy header"),
    ("npz", "parser, bad dtype"): ("a.npz", _bad_npy(HEADER.replace(b"<f8", b"no such type")),
                                   "an unreadable .npy header"),
    ("npz", "parser, negative shape"): ("a.npz", _bad_npy(HEADER.replace(b"(2, 3)", b"(-2, 3)")),
                                        "shape (-2, 3)"),
    ("npz", "rows"): ("a.npz", _npz(W1=ROWS), f"shape ({SIDE + 1}, 2)"),
    ("npz", "columns"): ("a.npz", _npz(**WIDE), f"shape (2, {SIDE + 1})"),
    ("npz", "truncated"): ("a.npz", GOOD_ZIP[: len(GOOD_ZIP) // 2], "a damaged or truncated zip"),
    ("npz", "work"): ("a.npz", _npz(**HEAVY), WORK),
    # .zip of CSV files
    ("csv zip", "parser"): ("a.zip", _zip({"W1.csv": '1,"2\n', "b1.csv": "0\n"}), "unexpected end of data"),
    ("csv zip", "rows"): ("a.zip", _zip({"W1.csv": _csv(ROWS)}), f"{SIDE + 1} rows"),
    ("csv zip", "columns"): ("a.zip", _zip({"W1.csv": _csv(COLUMNS)}), f"a row of {SIDE + 1} cells"),
    ("csv zip", "truncated"): ("a.zip", _zip({"W1.csv": _csv(GOOD["W1"])})[:-30],
                               "a damaged or truncated zip"),
    ("csv zip", "work"): ("a.zip", _zip({f"{k}.csv": _csv(v) for k, v in HEAVY.items()}, zipfile.ZIP_STORED),
                          WORK),
    # one .csv file
    ("csv", "parser"): ("a.csv", b'# W1\n1,"2\n', "unexpected end of data"),
    ("csv", "rows"): ("W1.csv", _csv(ROWS).encode(), f"{SIDE + 1} rows"),
    ("csv", "columns"): ("W1.csv", _csv(COLUMNS).encode(), f"a row of {SIDE + 1} cells"),
    ("csv", "truncated"): ("a.csv", b"# W1\n1,1,1\n1,1", "row 2 = '2 cells' is not allowed: use 3 cells"),
    ("csv", "not UTF-8"): ("a.csv", b"# W1\n1,\xff\n", "bytes that are not UTF-8 text"),
    ("csv", "work"): ("a.csv", _csv_blocks(HEAVY).encode(), WORK),
    # the command line's JSON
    ("json", "parser"): ("a.json", b'{"layers": [{"W": [[1, 2]], "b": [0, 0]}', "text that is not JSON"),
    ("json", "parser, deep"): ("a.json", b"[" * 100_000 + b"]" * 100_000, "text that is not JSON"),
    ("json", "parser, NaN"): ("a.json", b'{"layers": [{"W": [[NaN]], "b": [0]}]}', "text that is not JSON"),
    ("json", "rows"): ("a.json", _json(GOOD | {"W1": ROWS}).encode(), f"{SIDE + 1} x 2 numbers"),
    ("json", "columns"): ("a.json", _json(GOOD | {"W1": COLUMNS}).encode(), f"2 x {SIDE + 1} numbers"),
    ("json", "truncated"): ("a.json", _json(GOOD).encode()[:-5], "text that is not JSON"),
    ("json", "work"): ("a.json", json.dumps(HEAVY_JSON, default=lambda a: a.tolist()).encode(), WORK),
}  # fmt: skip


def test_the_class_covers_every_reader_and_every_kind():
    kinds = {"parser", "rows", "columns", "truncated", "work"}
    for reader in ("npz", "csv zip", "csv", "json"):
        assert kinds <= {kind for r, kind in CLASS if r == reader}, reader


@pytest.mark.parametrize("key", CLASS, ids=[" ".join(k) for k in CLASS])
def test_each_reader_refuses_each_kind_of_hostile_file_with_a_sentence(key):
    name, data, fragment = CLASS[key]
    assert len(data) <= MAX_BYTES  # within the server's 5 MB
    message = _refused([(name, data)], f"upload {name}", fragment, "is not allowed: use")
    if key[1] == "work":
        assert LIMIT in message


def test_a_file_without_x_is_refused_by_the_spec_when_the_batch_makes_it_too_heavy():
    upload = load([("w.npz", _npz(W1=np.zeros((SIDE, SIDE), np.uint8), b1=np.zeros(SIDE)))])
    assert upload.sizes == (SIDE, SIDE)
    with pytest.raises(InvalidInput) as caught:
        upload.spec(NetworkSpec(batch=1024))
    assert "w.npz: multiply-adds per pass" in str(caught.value) and LIMIT in str(caught.value)
    assert upload.spec(NetworkSpec(batch=190)).batch == 190  # 1.99e8: within the limit


def test_the_parser_net_turns_an_unforeseen_parser_error_into_invalid_input(monkeypatch):
    def broken(name, data):
        raise csv.Error("a parser error no reader foresaw")

    monkeypatch.setitem(readers.READERS, "json", broken)
    _refused([("a.json", b"{}")], "upload a.json", "a file its reader cannot parse (Error)")


@pytest.mark.parametrize(
    "files",
    [
        [("W1.csv", b"1,2\n"), ("b1.csv", b'1,"2\n')],
        [("W1.csv", b"1,2\n"), ("b1.csv", b"1," + b"2" * 200_000 + b"\n")],
    ],
)
def test_several_csv_files_refuse_a_parser_error_in_any_of_them(files):
    _refused(files, "upload b1.csv", "the CSV reader refuses")


def test_the_upload_limits_are_the_sidebars_and_the_links():
    from backprop.ui import urlparams  # noqa: PLC0415 (the app's side of the same limits)

    assert (urlparams.UI_MAX_WIDTH, urlparams.UI_MAX_BATCH) == (APP_MAX_WIDTH, APP_MAX_BATCH)
