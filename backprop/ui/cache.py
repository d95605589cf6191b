r"""The forward and backward pass of the session's network, cached on hashable keys.

``trace(spec, arrays)`` is what every page shows: the core's ``run`` on the spec and the
user's edited or uploaded arrays. The cache key is the spec as JSON and a digest of the
arrays (numpy arrays are not hashed by value by every caller, and a digest is cheap).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import streamlit as st

from backprop.core.network import Params, Trace, init_params, make_data, run
from backprop.core.spec import NetworkSpec


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
    return NetworkSpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(key).items()})


@st.cache_data(max_entries=64, show_spinner=False)
def _trace(key: str, token: str, _arrays: dict) -> Trace:
    spec = spec_from_key(key)
    params, X, Y = inputs(spec, _arrays)
    return run(spec, params, X, Y)


def trace(spec: NetworkSpec, arrays: dict[str, np.ndarray]) -> Trace:
    r"""run(spec, W, b, X, Y) with the user's arrays; raises InvalidInput if one does not fit."""
    return _trace(spec_key(spec), arrays_token(arrays), arrays)


def params_of(trace: Trace) -> Params:
    """The W^(l), b^(l) a trace was computed with."""
    return Params(tuple(layer.W for layer in trace.layers), tuple(layer.b for layer in trace.layers))
