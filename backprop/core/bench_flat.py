r"""The flat pass beside the engine's loop it is generated from, on the tiny network, in CPU time.

``flat_records`` times ``backward(forward(...))`` as ``network`` runs it (the flat pass of
``backprop.core.flat_pass``) against the same forward pass followed by the engine's loop
(``backward_pass``, record=False: one call per step formula, a Context, the layer loop),
alternating repeat by repeat; ``ratio_to_before`` is flat / loop (below 1: faster). Both
compute the same arrays bit for bit (tests/test_flat_pass.py).
"""

from __future__ import annotations

import numpy as np

from backprop.core.bench_timing import alternate
from backprop.core.network import _losses_and_layers, backward, forward, init_params, make_data, trace_of
from backprop.core.spec import NetworkSpec

FLAT_CASE = "flat-dense-3-4-2-m2"


def engine_loop(spec, params, X, Y, fwd):
    """``network.backward`` with the engine's loop in place of the flat pass (the same Trace)."""
    return trace_of(spec, X, Y, *_losses_and_layers(spec, params, X, Y, fwd))


def flat_records(dtype, quick: bool = False) -> list[dict]:
    """The 3-4-2 pass (sigmoid, identity, squared error, m = 2) through the loop and flat, as two records."""
    spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"), batch=2, seed=0, init="xavier")
    params = init_params(spec, dtype=dtype)
    X, Y = make_data(spec, dtype=dtype)
    loop = lambda: engine_loop(spec, params, X, Y, forward(spec, params, X))  # noqa: E731
    flat = lambda: backward(spec, params, X, Y, forward(spec, params, X))  # noqa: E731
    (old, new), repeats = alternate(loop, flat, "cpu", quick)
    name = np.dtype(dtype).name
    return [
        {"case": f"{FLAT_CASE}-engine-loop", "dtype": name, "median_s": old, "gflops": None,
         "repeats": repeats, "clock": "cpu"},
        {"case": f"{FLAT_CASE}-flat", "dtype": name, "median_s": new, "gflops": None, "repeats": repeats,
         "ratio_to_before": new / old, "clock": "cpu"},
    ]  # fmt: skip
