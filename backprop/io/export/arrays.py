r"""All matrices of one network as files: JSON (the command line's object), CSV in a zip, NumPy .npz.

Every array keeps the notes' orientation (rows are samples, W^(l) is n_{l-1} x n_l) and
its full float64 precision (``repr`` of each float, which reads back to the same bits).

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=2))
>>> [name for name in arrays_of(trace)][:6]
['X', 'Y', 'losses', 'loss', 'A_prev_1', 'W_1']
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import numpy as np

from backprop.core.network import LayerTrace, Trace

LAYER_FIELDS = tuple(name for name in LayerTrace._fields if name != "l")
README = """Every matrix of one forward and backward pass of a dense network.

Notation of the lecture notes: rows are samples. A^(0) = X (m x n_0); for layer l,
W^(l) is n_(l-1) x n_l, b^(l) has n_l entries, Z^(l) = A^(l-1) W^(l) + 1 b^(l)T and
A^(l) = g^(l)(Z^(l)), both m x n_l. dA, dZ, dW, db, dA_prev are dL/dA^(l), dL/dZ^(l),
dL/dW^(l), dL/db^(l) and dL/dA^(l-1); each has the shape of its variable.

Files: config.json (the network, the loss L and each sample's l_i), X.csv, Y.csv, and
layer<l>/<name>.csv for every layer. Numbers are written with full float64 precision;
a vector (b, db) is one row.
"""


def to_dict(trace: Trace) -> dict:
    """The command line's ``run --json`` object: config, X, Y, loss, losses, and every layer."""
    return {
        "config": trace.spec.to_dict(),
        "X": trace.X.tolist(),
        "Y": trace.Y.tolist(),
        "loss": trace.loss,
        "losses": trace.losses.tolist(),
        "layers": [
            {"l": layer.l} | {name: getattr(layer, name).tolist() for name in LAYER_FIELDS}
            for layer in trace.layers
        ],
    }


def to_json(trace: Trace) -> bytes:
    """The JSON object of ``python -m backprop run --json``, as UTF-8 bytes."""
    return json.dumps(to_dict(trace)).encode("utf-8")


def arrays_of(trace: Trace) -> dict[str, np.ndarray | np.float64]:
    """Every array by name: X, Y, losses, loss, and <field>_<l> (W_1, dZ_2, dA_prev_1, ...)."""
    out: dict[str, np.ndarray | np.float64] = {
        "X": trace.X, "Y": trace.Y, "losses": trace.losses, "loss": np.float64(trace.loss)
    }  # fmt: skip
    for layer in trace.layers:
        for name in LAYER_FIELDS:
            out[f"{name}_{layer.l}"] = getattr(layer, name)
    return out


def to_npz(trace: Trace) -> bytes:
    """``arrays_of(trace)`` and the configuration (a JSON string under "config") as an .npz file."""
    buffer = io.BytesIO()
    config = json.dumps(trace.spec.to_dict())
    # no object arrays, so no pickles (and mypy then matches no array against allow_pickle)
    np.savez(buffer, allow_pickle=False, config=np.array(config), **arrays_of(trace))
    return buffer.getvalue()


def to_csv_zip(trace: Trace) -> bytes:
    """A zip of CSV files: X.csv, Y.csv, layer<l>/<name>.csv, config.json and README.txt."""
    buffer = io.BytesIO()
    config = trace.spec.to_dict() | {"loss_value": trace.loss, "losses": trace.losses.tolist()}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("config.json", json.dumps(config, indent=1))
        archive.writestr("X.csv", csv_text(trace.X))
        archive.writestr("Y.csv", csv_text(trace.Y))
        for layer in trace.layers:
            for name in LAYER_FIELDS:
                archive.writestr(f"layer{layer.l}/{name}.csv", csv_text(getattr(layer, name)))
    return buffer.getvalue()


def csv_text(values: np.ndarray) -> str:
    """A matrix as CSV, one row per line (a vector is one row), every float with ``repr``."""
    values = np.atleast_2d(values)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in values:
        writer.writerow([repr(float(v)) for v in row])
    return out.getvalue()


def read_csv(text: str) -> np.ndarray:
    """The inverse of ``csv_text``: a 2-D float64 array."""
    return np.array([[float(v) for v in row] for row in csv.reader(io.StringIO(text))], dtype=np.float64)
