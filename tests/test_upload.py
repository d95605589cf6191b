"""backprop.io.upload: good files load in every format; hostile ones are refused with a message."""

from __future__ import annotations

import io
import json
import os
import pickle
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from backprop import NetworkSpec, run
from backprop.core.errors import InvalidInput
from backprop.core.network import checked_inputs
from backprop.io.export.arrays import to_dict as trace_to_dict
from backprop.io.upload import load
from backprop.io.upload_arrays import Upload
from backprop.io.upload_limits import MAX_ARRAY_BYTES, MAX_BYTES, MAX_ENTRIES

SPEC = NetworkSpec(sizes=(3, 4, 2), activations=("tanh", "identity"), batch=5, seed=3)
TRACE = run(SPEC)
ARRAYS = {
    "W1": TRACE.layers[0].W,
    "b1": TRACE.layers[0].b,
    "W2": TRACE.layers[1].W,
    "b2": TRACE.layers[1].b,
    "X": TRACE.X,
    "Y": TRACE.Y,
}


def _npz(compressed: bool = False, **arrays) -> bytes:
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _csv(array: np.ndarray) -> str:
    return "\n".join(",".join(repr(float(v)) for v in row) for row in np.atleast_2d(array)) + "\n"


def _assert_same(upload: Upload) -> None:
    assert upload.sizes == (3, 4, 2)
    for l in (1, 2):
        np.testing.assert_array_equal(upload.W[l - 1], ARRAYS[f"W{l}"], err_msg=f"W{l}")
        np.testing.assert_array_equal(upload.b[l - 1], ARRAYS[f"b{l}"], err_msg=f"b{l}")
    np.testing.assert_array_equal(upload.X, ARRAYS["X"], err_msg="X")
    np.testing.assert_array_equal(upload.Y, ARRAYS["Y"], err_msg="Y")
    checked_inputs(upload.spec(SPEC), upload.params, upload.X, upload.Y)  # what set_network does


# ---- files that load -------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [False, True])
def test_npz_loads(compressed):
    _assert_same(load([("mine.npz", _npz(compressed, **ARRAYS))]))


def test_npz_with_underscored_names_float32_fortran_and_row_vector_b():
    arrays = {
        "W_1": np.asfortranarray(ARRAYS["W1"]),
        "b_1": ARRAYS["b1"].reshape(1, -1),
        "W_2": ARRAYS["W2"].astype(np.float32),
        "b_2": ARRAYS["b2"],
    }
    upload = load([("mine.npz", _npz(**arrays))])
    np.testing.assert_array_equal(upload.W[0], ARRAYS["W1"])
    np.testing.assert_array_equal(upload.b[0], ARRAYS["b1"])
    np.testing.assert_array_equal(upload.W[1], ARRAYS["W2"].astype(np.float32).astype(np.float64))
    assert upload.X is None and upload.Y is None


def test_integer_weights_load_as_floats():
    upload = load([("ints.npz", _npz(W1=np.arange(6).reshape(2, 3), b1=np.zeros(3, dtype=np.int32)))])
    assert upload.W[0].dtype == np.float64 and upload.sizes == (2, 3)


def test_the_command_line_json_loads_with_its_configuration():
    data = json.dumps(trace_to_dict(TRACE)).encode()
    upload = load([("run.json", data)])
    _assert_same(upload)
    assert upload.spec(NetworkSpec()) == SPEC  # activations, seed, ... from the file's config


def test_the_export_pages_npz_and_csv_zip_load():
    from backprop.io.export.arrays import to_csv_zip, to_npz

    for name, data in (("export.npz", to_npz(TRACE)), ("export.zip", to_csv_zip(TRACE))):
        upload = load([(name, data)])
        _assert_same(upload)
        assert upload.spec(NetworkSpec()) == SPEC, name


def test_one_csv_with_named_blocks():
    text = "".join(f"# {name}\n{_csv(array)}\n" for name, array in ARRAYS.items())
    _assert_same(load([("all.csv", text.encode())]))


def test_several_csv_files_named_after_their_arrays():
    files = [(f"{name}.csv", _csv(array).encode()) for name, array in ARRAYS.items()]
    _assert_same(load(files))


def test_spec_takes_base_activations_when_the_layer_count_fits_else_defaults():
    upload = load([("mine.npz", _npz(**ARRAYS))])
    assert upload.spec(NetworkSpec(activations=("relu", "identity"))).activations == ("relu", "identity")
    base = NetworkSpec(sizes=(2, 2, 2, 2), activations=("tanh", "tanh", "identity"), batch=2)
    spec = upload.spec(base)
    assert spec.activations == ("sigmoid", "identity") and spec.batch == 5 and spec.sizes == (3, 4, 2)
    softmax = NetworkSpec(sizes=(3, 3, 3), activations=("tanh", "softmax"), loss="softmax_ce")
    assert upload.spec(softmax).loss == "softmax_ce"
    three = load(
        [
            (
                "three.npz",
                _npz(
                    W1=np.ones((2, 2)),
                    b1=np.ones(2),
                    W2=np.ones((2, 3)),
                    b2=np.ones(3),
                    W3=np.ones((3, 2)),
                    b3=np.ones(2),
                ),
            )
        ]
    )
    assert three.spec(softmax).loss == "mse"  # softmax_ce needs a softmax output the defaults lack


# ---- files that are refused ----------------------------------------------------------------


def _refused(files, *fragments: str) -> InvalidInput:
    start = time.perf_counter()
    with pytest.raises(InvalidInput) as caught:
        load(files)
    assert time.perf_counter() - start < 2.0
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return caught.value


@pytest.mark.parametrize("name", ["w.npz", "w.zip", "w.csv", "w.json"])
def test_empty_file(name):
    _refused([(name, b"")], name, "empty")


def test_no_file_unknown_extension_and_too_large():
    _refused([], "no file")
    _refused([("weights.pkl", pickle.dumps(ARRAYS))], "weights.pkl", ".npz")
    _refused([("weights", b"123")], "without extension")
    _refused([("big.npz", b"PK" + bytes(MAX_BYTES))], "big.npz", "at most 5 MB")


def test_truncated_npz():
    data = _npz(**ARRAYS)
    _refused([("cut.npz", data[: len(data) // 2])], "cut.npz", "damaged or truncated")


def test_member_whose_header_promises_more_data_than_it_has():
    header = _npy(np.zeros((100, 100)))[:128]  # the header of a 100 x 100 array, no data
    _refused([("short.npz", _zip({"W1.npy": header + bytes(80)}))], "W1.npy", "disagrees")


def test_corrupted_member_data_fails_its_crc():
    data = bytearray(_npz(**ARRAYS))  # stored: the data bytes lie in the file as they are
    at = data.index(ARRAYS["W1"].tobytes()[:8])
    data[at] ^= 0xFF
    _refused([("flipped.npz", bytes(data))], "flipped.npz", "damaged")


def test_not_a_zip_at_all():
    _refused([("fake.npz", b"\x93NUMPY not really a zip")], "fake.npz", "not a zip")


def test_pickled_object_array_is_refused_and_never_unpickled(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    payload = _npy(np.array([Exploit()], dtype=object))
    _refused([("evil.npz", _zip({"W1.npy": payload, "b1.npy": _npy(np.zeros(1))}))], "W1.npy", "no objects")
    assert not marker.exists()
    # numpy's own writer pickles an object array too: also refused by its header
    _refused([("objects.npz", _npz(W1=np.array([[{"a": 1}]], dtype=object), b1=np.zeros(1)))], "dtype |O")


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((2, 2), dtype=np.complex128),
        np.zeros((2, 2), dtype="U3"),
        np.zeros((2, 2), dtype=bool),
        np.zeros(2, dtype=[("a", "<f8"), ("b", "<f8")]),
        np.zeros((2, 2), dtype=np.longdouble),
    ],
    ids=["complex", "text", "bool", "structured", "longdouble"],
)
def test_non_numeric_dtypes_are_refused(array):
    _refused([("odd.npz", _npz(W1=array, b1=np.zeros(2)))], "W1.npy", "dtype")


def test_compression_bomb_is_refused_before_it_is_expanded():
    zeros = bytes(60 * 2**20)  # 60 MiB of zeros deflate to about 60 kB
    header = _npy(np.zeros((1, 1)))[:128]
    bomb = _zip({"W1.npy": header + zeros, "b1.npy": _npy(np.zeros(1))})
    assert len(bomb) < 200_000
    del zeros
    tracemalloc.start()
    _refused([("bomb.npz", bomb)], "bomb.npz", "compression ratio")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * 2**20, f"{peak} bytes allocated while refusing a bomb"


def test_member_declaring_more_than_the_unpacked_limit():
    big = bytes(MAX_ARRAY_BYTES + 1)
    _refused([("huge.npz", _zip({"X.npy": big}))], "X.npy", "at most 64 MB")


def test_header_promising_a_huge_array_is_refused_from_the_header():
    header = bytearray(_npy(np.zeros((1, 1))))[:128]
    fake = bytes(header).replace(b"(1, 1)", b"(9999999, 9)")
    _refused([("liar.npz", _zip({"W1.npy": fake}))], "W1.npy", "shape")


def test_too_many_entries():
    entries = {f"junk{i}.txt": b"x" for i in range(MAX_ENTRIES + 1)}
    _refused([("many.zip", _zip(entries))], "entries")


def test_unsupported_compression_and_encryption_flag():
    data = _zip({"W1.npy": _npy(np.ones((2, 2))), "b1.npy": _npy(np.ones(2))}, method=zipfile.ZIP_BZIP2)
    _refused([("bz.npz", data)], "compression method")
    locked = bytearray(_zip({"W1.npy": _npy(np.ones((2, 2)))}))
    local, central = locked.index(b"PK\x03\x04"), locked.index(b"PK\x01\x02")
    locked[local + 6] |= 0x1  # the "encrypted" bit of the general purpose flags, in both headers
    locked[central + 8] |= 0x1
    _refused([("locked.npz", bytes(locked))], "encrypted")


@pytest.mark.parametrize(
    ("arrays", "fragments"),
    [
        (
            {"W1": np.ones((3, 4)), "b1": np.ones(4), "W2": np.ones((2, 4)), "b2": np.ones(2)},
            ["W2", "transposed"],
        ),
        ({"W1": np.ones((3, 4)), "b1": np.ones(3)}, ["b1", "4 entries"]),
        ({"W1": np.ones((3, 4))}, ["no b1"]),
        ({"b1": np.ones(4)}, ["W1, b1"]),
        ({"W1": np.ones((3, 4)), "b1": np.ones(4), "W3": np.ones((4, 2)), "b3": np.ones(2)}, ["gap"]),
        ({"W1": np.ones((3, 4, 2)), "b1": np.ones(4)}, ["W1.npy", "shape"]),
        ({"W1": np.ones(3), "b1": np.ones(3)}, ["W1", "a matrix"]),
        (
            {"W1": np.ones((3, 4)), "b1": np.ones(4), "X": np.ones((5, 2)), "Y": np.ones((5, 4))},
            ["X", "m x 3"],
        ),
        (
            {"W1": np.ones((3, 4)), "b1": np.ones(4), "X": np.ones((5, 3)), "Y": np.ones((4, 4))},
            ["Y", "5 x 4"],
        ),
        ({"W1": np.ones((3, 4)), "b1": np.ones(4), "X": np.ones((5, 3))}, ["no Y"]),
        ({"W1": np.ones((3, 0)), "b1": np.ones(0)}, ["widths from 1"]),
    ],
    ids=[
        "transposed",
        "b-length",
        "no-b",
        "no-W",
        "gap",
        "3d",
        "vector-W",
        "X-cols",
        "Y-rows",
        "X-alone",
        "zero",
    ],
)
def test_wrong_shapes(arrays, fragments):
    _refused([("shapes.npz", _npz(**arrays))], "shapes.npz", *fragments)


def test_nine_layers_is_too_many():
    arrays = {}
    for l in range(1, 10):
        arrays[f"W{l}"], arrays[f"b{l}"] = np.ones((2, 2)), np.ones(2)
    _refused([("deep.npz", _npz(**arrays))], "at most 8 layers")


@pytest.mark.parametrize("name", ["W1", "b1", "X", "Y"])
def test_nan_and_inf_are_refused_naming_the_entry(name):
    arrays = {k: v.copy() for k, v in ARRAYS.items() if k in ("W1", "b1", "X", "Y")}
    arrays |= {"W2": ARRAYS["W2"], "b2": ARRAYS["b2"]}
    arrays[name].flat[1] = np.nan if name != "X" else np.inf
    _refused([("nan.npz", _npz(**arrays))], f"{name}[", "finite numbers only")


def test_csv_refusals():
    _refused([("W1.csv", b"1,2\n3,abc\n")], "W1.csv", "row 2, column 2", "'abc'", "a number")
    _refused([("W1.csv", b"1,2\n3\n")], "row 2", "2 cells")
    _refused([("W1.csv", b"1,2\n,3\n")], "row 2, column 1")
    _refused([("b1.csv", b"1,nan\n"), ("W1.csv", b"1,2\n")], "b1[0, 1]", "finite")
    _refused([("weights.csv", b"1,2\n3,4\n")], "weights.csv", "# W1")
    _refused([("all.csv", b"# W1\n1,2\n# W1\n3,4\n")], "line 3", "each array once")
    _refused([("bad.csv", b"\xff\xfe\x00W\x001")], "bad.csv", "UTF-8")
    _refused([("a.csv", b"1"), ("b.npz", b"PK")], "several .csv files")


def test_json_refusals():
    good = trace_to_dict(TRACE)
    _refused([("x.json", b"{not json")], "x.json", "not JSON")
    _refused([("x.json", b"[" * 100_000)], "x.json", "not JSON")
    _refused([("x.json", b"[1, 2]")], "no list of layers")
    _refused([("x.json", json.dumps({"layers": [{"W": [[1]]}]}).encode())], "layers[0]", "W", "b")
    text_cell = json.loads(json.dumps(good))
    text_cell["layers"][0]["W"][0][0] = "1.0"
    _refused([("x.json", json.dumps(text_cell).encode())], "layers[0].W", "'1.0'", "numbers")
    boolean = json.loads(json.dumps(good))
    boolean["X"][1][1] = True
    _refused([("x.json", json.dumps(boolean).encode())], "X", "True")
    ragged = json.loads(json.dumps(good))
    ragged["X"][2] = ragged["X"][2][:-1]
    _refused([("x.json", json.dumps(ragged).encode())], "X, row 3")
    _refused([("x.json", json.dumps(good).replace("0.", "NaN*0.", 1).encode())], "not JSON")
    nan = json.dumps(good).replace('"b": [', '"b": [NaN, ', 1).encode()
    _refused([("x.json", nan)], "not JSON")
    overflow = json.dumps(good).replace('"b": [', '"b": [1e400, ', 1).encode()
    _refused([("x.json", overflow)], "b1", "finite")
    huge_int = json.dumps(good).replace('"b": [', '"b": [' + "9" * 400 + ", ", 1).encode()
    _refused([("x.json", huge_int)], "float64")
    sized = json.loads(json.dumps(good))
    sized["config"]["sizes"] = [3, 5, 2]
    _refused([("x.json", json.dumps(sized).encode())], "config sizes")


def test_untrusted_configuration_is_refused_when_made_into_a_spec():
    bad = trace_to_dict(TRACE)
    bad["config"]["activations"] = ["custom:__import__('os')", "identity"]
    upload = load([("x.json", json.dumps(bad).encode())])
    with pytest.raises(InvalidInput, match="x.json: activation of layer 1"):
        upload.spec(NetworkSpec())


# ---- fuzzing: anything at all gives an Upload or an InvalidInput ---------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_GOOD = {
    "npz": _npz(**ARRAYS),
    "zip": __import__("backprop.io.export.arrays", fromlist=["to_csv_zip"]).to_csv_zip(TRACE),
    "json": json.dumps(trace_to_dict(TRACE)).encode(),
    "csv": "".join(f"# {name}\n{_csv(array)}" for name, array in ARRAYS.items()).encode(),
}


def _loaded_or_refused(name: str, data: bytes) -> None:
    try:
        upload = load([(name, data)])
    except InvalidInput:
        return
    assert all(np.isfinite(W).all() for W in upload.W)


@given(st.sampled_from(sorted(_GOOD)), st.binary(max_size=2000))
def test_random_bytes_give_an_upload_or_invalid_input(suffix, data):
    _loaded_or_refused(f"f.{suffix}", data)


@given(st.sampled_from(sorted(_GOOD)), st.data())
def test_mutated_good_files_give_an_upload_or_invalid_input(suffix, draw):
    data = bytearray(_GOOD[suffix])
    for _ in range(draw.draw(st.integers(1, 6))):
        at = draw.draw(st.integers(0, len(data) - 1))
        data[at] = draw.draw(st.integers(0, 255))
    cut = draw.draw(st.integers(1, len(data)))
    _loaded_or_refused(f"f.{suffix}", bytes(data[:cut]))
