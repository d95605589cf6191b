r"""The forward and backward pass of the session's network, cached on hashable keys.

``trace(spec, arrays)`` is what every page shows: the core's ``run`` on the spec and the
user's edited or uploaded arrays. The cache key is the spec as JSON and a digest of the
arrays (numpy arrays are not hashed by value by every caller, and a digest is cheap).

The trace is kept with ``st.cache_resource``: every session and rerun gets the same
object, not an unpickled copy (a copy of a large network's trace cost a second of CPU
per rerun). Sharing is safe because every array in it is made read-only: a caller that
tries to write into one gets numpy's "assignment destination is read-only" instead of
changing another session's numbers.

Memory is bounded by entry counts and an idle time: at most TRACE_ENTRIES traces (the
largest the work limit admits hold about 50 MB, e.g. 9 layers of 156 at batch 1024; a
784-512-256-10 batch 373 one 23 MB; a default one a few kB), as many cached step lists
(``results.backward_steps``, about half a trace each, beyond the arrays they share with
it), and TABLE_ENTRIES Arrow tables (at most 8 MB each). Worst case about 1.5 GB per
server process; entries unused for TRACE_TTL seconds are dropped.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections import OrderedDict

import numpy as np
import streamlit as st

from backprop.core.network import LayerTrace, Params, Trace, init_params, make_data, run
from backprop.core.spec import NetworkSpec
from backprop.ui import blas

TRACE_ENTRIES = 16  # traces kept, shared by all sessions (at most ~50 MB each)
TRACE_TTL = 30 * 60  # seconds an unused trace is kept
TABLE_ENTRIES = 32  # Arrow tables kept for read-only arrays (a copy each, at most 1024 × 1024 floats)


def arrays_token(arrays: dict[str, np.ndarray]) -> str:
    """A digest of named arrays (names, shapes and float64 bytes)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name], dtype=np.float64)
        digest.update(f"{name}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def spec_key(spec: NetworkSpec) -> str:
    """The spec as canonical JSON (hashable, and the same for equal specs)."""
    return json.dumps(spec.to_dict(), sort_keys=True)


def inputs(spec: NetworkSpec, arrays: dict[str, np.ndarray]) -> tuple[Params, np.ndarray, np.ndarray]:
    """W, b, X, Y: the seeded ones, each replaced by the user's array of that name if given."""
    params = init_params(spec)
    X, Y = make_data(spec)
    W = tuple(arrays.get(f"W{l}", W) for l, W in enumerate(params.W, 1))
    b = tuple(arrays.get(f"b{l}", b) for l, b in enumerate(params.b, 1))
    return Params(W, b), arrays.get("X", X), arrays.get("Y", Y)


def spec_from_key(key: str) -> NetworkSpec:
    """The inverse of spec_key."""
    fields = json.loads(key)
    return NetworkSpec(
        sizes=tuple(fields["sizes"]),
        activations=tuple(fields["activations"]),
        loss=fields["loss"],
        reduction=fields["reduction"],
        batch=fields["batch"],
        seed=fields["seed"],
        init=fields["init"],
    )


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` itself, no longer writable (a view of a caller's array, so the caller's stays writable)."""
    view = array.view()
    view.setflags(write=False)
    return view


def frozen(trace: Trace) -> Trace:
    """The trace with every array read-only, safe to share between sessions."""
    r = read_only
    layers = tuple(
        LayerTrace(
            x.l, r(x.A_prev), r(x.W), r(x.b), r(x.Z), r(x.A), r(x.dA), r(x.dZ), r(x.dW), r(x.db), r(x.dA_prev)
        )
        for x in trace.layers
    )
    return Trace(
        trace.spec, read_only(trace.X), read_only(trace.Y), layers, trace.loss, read_only(trace.losses)
    )


@st.cache_resource(max_entries=TRACE_ENTRIES, ttl=TRACE_TTL, show_spinner=False)
def _trace(key: str, token: str, _arrays: dict) -> Trace:
    spec = spec_from_key(key)
    params, X, Y = inputs(spec, _arrays)
    return frozen(run(spec, params, X, Y))


def trace(spec: NetworkSpec, arrays: dict[str, np.ndarray]) -> Trace:
    r"""run(spec, W, b, X, Y) with the user's arrays, read-only; raises InvalidInput if one does not fit."""
    blas.one_thread()  # the first page a server process runs sets it, before any pass
    return _trace(spec_key(spec), arrays_token(arrays), arrays)


def params_of(trace: Trace) -> Params:
    """The W^(l), b^(l) a trace was computed with."""
    return Params(tuple(layer.W for layer in trace.layers), tuple(layer.b for layer in trace.layers))


_tables: OrderedDict[int, tuple[weakref.ref, object]] = OrderedDict()
_tables_lock = threading.Lock()


def table(M: np.ndarray):
    r"""M (m, n) as an Arrow table with columns "1".."n" (a vector (n,) as one column), for st.dataframe.

    Streamlit sends an Arrow table as it is, where a DataFrame costs a conversion per
    column per rerun (0.1 s for a 505 × 512 matrix). A read-only array (a shared trace's)
    cannot change, so its table is kept, by the array's identity, while the array lives.
    """
    import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415 (Streamlit's; only for a table)

    if M.flags.writeable:
        return _arrow(pa, M)
    with _tables_lock:
        kept = _tables.get(id(M))
        if kept is not None and kept[0]() is M:
            _tables.move_to_end(id(M))
            return kept[1]
    built = _arrow(pa, M)
    with _tables_lock:
        _tables[id(M)] = (weakref.ref(M), built)
        while len(_tables) > TABLE_ENTRIES:
            _tables.popitem(last=False)
    return built


def _arrow(pa, M: np.ndarray):
    grid = M.reshape(-1, 1) if M.ndim == 1 else M
    if grid.dtype == object:  # exact values (Fractions): shown as text, as a DataFrame showed them
        grid = grid.astype(str)
    return pa.Table.from_arrays(
        [pa.array(grid[:, j]) for j in range(grid.shape[1])],
        names=[str(j) for j in range(1, grid.shape[1] + 1)],
    )
