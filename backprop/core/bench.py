r"""``python -m backprop bench``: forward + backward timings against plain matrix products.

Each dense case is timed as one forward and one backward pass (``backward(forward(...))``,
the arrays made beforehand), and beside it, in the same run, its baseline: the same
matrix products alone (per layer A_prev W, A_prevᵀ dZ and dZ Wᵀ, on arrays of the same
shapes). ``ratio_to_matmul`` is baseline time / pass time: the share of the plain
products' throughput the whole pass reaches. GFLOP/s counts those products' 6 m n_in n_out
flops per layer. The symbolic cases time the symbolic engine's cold work (caches cleared).

The engine cases (``engine-dense-3-4-2-m2``, ``engine-dense-4096-4096-4096-m1024``) time the
same pass before and after the backward pass became ``backprop.core.backward_engine`` (and
the tiny one's backward pass alone): the old backward is kept here as ``baseline_backward``
(benchmark only), the two alternate repeat by repeat in the same run, and
``ratio_to_before`` is new / old.

Timings are medians over repeats; the pass and its baseline alternate repeat by repeat
(``alternate``), so a busy spell of the machine falls on both. Every record names the
BLAS library, its kernel and threads (threadpoolctl). Each dense case is timed twice: with
BLAS at the threads it loaded with, in wall time ("wall"), and at one thread as the app's
server runs it (``threads`` 1), in the process's CPU time ("cpu"): on a machine shared
with other work two BLAS threads wait for each other and wall time swings by 2×, while
one thread's CPU time does not count the time it was preempted. The tiny case's
before/after pair and its JAX comparison (``jax-jit-dense-3-4-2-m2``, only when jax
happens to be installed) are timed in CPU time too, and so is the flat pass beside the
engine's loop it is generated from (``flat-dense-3-4-2-m2-*``, ``bench_flat``; with the
engine case ``engine-dense-3-4-2-m2``).

The benchmark first keeps freed memory in the process (``keep_freed_memory``): by default
glibc hands the freed arrays of a pass back to the system (those of 32 MiB and more, such as
a 4096 × 1024 float64 array, always), and the next pass takes page faults to get them again,
each page zeroed by the kernel: ~4 ms of a ~20 ms pass at 784-512-256-10, ~0.7 s of a ~5 s
pass at 4096 (system time, which the CPU clock counts), paid by the pass's arrays and its
baseline's alike. The dense records give the page faults per pass (``faults``).
"""

from __future__ import annotations

import json
import os
import time

import numpy as np

from backprop.core.activations import activation
from backprop.core.bench_flat import flat_records
from backprop.core.bench_timing import (
    alternate,
    blas_info,
    blas_threads,
    faults_per_call,
    keep_freed_memory,
    median_seconds,
)
from backprop.core.losses import LOSSES
from backprop.core.network import LayerTrace, Trace, backward, forward, init_params, make_data
from backprop.core.spec import NetworkSpec

DENSE_CASES = {
    "dense-3-4-2-m2": ((3, 4, 2), 2),
    "dense-784-512-256-10-m256": ((784, 512, 256, 10), 256),
    "dense-4096-4096-4096-m1024": ((4096, 4096, 4096), 1024),
}
QUICK = ("dense-3-4-2-m2", "dense-784-512-256-10-m256")
# The backward pass before and after it became the step engine, timed in the same run.
ENGINE_CASES = {f"engine-{case}": case for case in ("dense-3-4-2-m2", "dense-4096-4096-4096-m1024")}
JAX_CASE = "jax-jit-dense-3-4-2-m2"  # JAX's jit beside the tiny pass, when jax is installed


def _dense_inputs(case: str, dtype):
    """The dense case's spec (sigmoid layers, identity output, past the work limit) and its W, b, X, Y."""
    sizes, m = DENSE_CASES[case]
    activations = ("sigmoid",) * (len(sizes) - 2) + ("identity",)
    spec = NetworkSpec(
        sizes=sizes, activations=activations, batch=m, seed=0, init="xavier", max_multiply_adds=None
    )
    params = init_params(spec, dtype=dtype)
    X, Y = make_data(spec, dtype=dtype)
    return spec, params, X, Y


def dense_records(case: str, dtype, quick: bool = False, threads: int | None = None) -> list[dict]:
    r"""The pass and its matmul baseline for one dense case and dtype, timed in alternation, as two records.

    ``threads``: the BLAS threads (None: as the library loaded; 1: as the app's server runs
    it, ``backprop/ui/blas.py``). At one thread both are timed in CPU time, which the other
    work of a shared machine does not inflate; otherwise in wall time.
    """
    sizes, m = DENSE_CASES[case]
    spec, params, X, Y = _dense_inputs(case, dtype)
    shapes = list(zip(sizes[:-1], sizes[1:]))
    flops = sum(6 * m * n_in * n_out for n_in, n_out in shapes)
    rng = np.random.default_rng(1)
    A_prevs = [rng.standard_normal((m, n_in)).astype(dtype) for n_in, _ in shapes]
    dZs = [rng.standard_normal((m, n_out)).astype(dtype) for _, n_out in shapes]

    def products():
        for A_prev, W, dZ in zip(A_prevs, params.W, dZs):
            A_prev @ W
            A_prev.T @ dZ
            dZ @ W.T

    one_pass = lambda: backward(spec, params, X, Y, forward(spec, params, X))  # noqa: E731
    clock = "cpu" if threads == 1 else "wall"
    with blas_threads(threads):
        (pass_s, base_s), repeats = alternate(one_pass, products, clock, quick)
        calls = 1 if flops > 1e10 else 3
        faults = faults_per_call(one_pass, calls), faults_per_call(products, calls)
    name, threads_used = np.dtype(dtype).name, threads or "library"
    return [
        {"case": case, "dtype": name, "median_s": pass_s, "gflops": flops / pass_s / 1e9,
         "ratio_to_matmul": base_s / pass_s, "repeats": repeats, "faults": faults[0], "clock": clock,
         "threads": threads_used},
        {"case": f"matmul-{case}", "dtype": name, "median_s": base_s, "gflops": flops / base_s / 1e9,
         "repeats": repeats, "faults": faults[1], "clock": clock, "threads": threads_used},
    ]  # fmt: skip


def baseline_backward(spec, params, X, Y, fwd) -> Trace:
    r"""BENCHMARK BASELINE ONLY: the backward pass as written before the step engine.

    Kept verbatim so ``engine_records`` can time the old and the new pass side by side;
    nothing else may call it (``backprop.core.backward_engine`` is the backward pass).
    """
    loss = LOSSES[spec.loss]
    Z, A = fwd[-1]
    losses = loss.per_sample(Z, A, Y)
    mean = spec.reduction == "mean"
    dA = loss.dA(A, Y)
    if mean:
        dA = dA / spec.m
    layers = []
    for l in range(spec.L, 0, -1):
        Z, A = fwd[l - 1]
        A_prev = fwd[l - 2][1] if l > 1 else X
        W = params.W[l - 1]
        if l == spec.L and loss.dZ_shortcut is not None:
            dZ = loss.dZ_shortcut(A, Y)
            if mean:
                dZ = dZ / spec.m
        else:
            dZ = activation(spec.activations[l - 1]).backward(Z, A, dA)
        dW = A_prev.T @ dZ
        db = dZ.sum(axis=0)
        dA_prev = dZ @ W.T
        layers.append(LayerTrace(l, A_prev, W, params.b[l - 1], Z, A, dA, dZ, dW, db, dA_prev))
        dA = dA_prev
    total = float(losses.sum()) / (spec.m if mean else 1)
    return Trace(spec, X, Y, tuple(reversed(layers)), total, losses)


def engine_records(case: str, dtype, quick: bool = False, backward_only: bool = False) -> list[dict]:
    r"""One forward and one backward pass, before and after the backward engine, as two records.

    As the dense cases time it (``backward(forward(...))``); ``backward_only`` times the
    backward pass alone over a forward pass made beforehand (case name ending "-backward").
    The two are timed in alternation, repeat by repeat, so a busy machine slows both alike;
    ``ratio_to_before`` is the new median / the old one (above 1: slower).
    """
    sizes, m = DENSE_CASES[case]
    spec, params, X, Y = _dense_inputs(case, dtype)
    if backward_only:
        fwd = forward(spec, params, X)
        before = lambda: baseline_backward(spec, params, X, Y, fwd)  # noqa: E731
        after = lambda: backward(spec, params, X, Y, fwd)  # noqa: E731
    else:
        before = lambda: baseline_backward(spec, params, X, Y, forward(spec, params, X))  # noqa: E731
        after = lambda: backward(spec, params, X, Y, forward(spec, params, X))  # noqa: E731
    clock = "cpu" if case in QUICK else "wall"  # the tiny case: CPU time (see the module docstring)
    (old, new), repeats = alternate(before, after, clock, quick)
    name, what = np.dtype(dtype).name, f"engine-{case}" + ("-backward" if backward_only else "")
    return [
        {"case": f"{what}-before", "dtype": name, "median_s": old, "gflops": None, "repeats": repeats,
         "clock": clock},
        {"case": f"{what}-after", "dtype": name, "median_s": new, "gflops": None, "repeats": repeats,
         "ratio_to_before": new / old, "clock": clock},
    ]  # fmt: skip


def torch_record() -> dict | None:
    """PyTorch autograd on dense-3-4-2-m2 for comparison, if torch happens to be installed."""
    try:
        import torch  # noqa: PLC0415 (optional; never a dependency)
    except ImportError:
        return None
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    X = torch.randn(2, 3, generator=g, dtype=torch.float64)
    Y = torch.randn(2, 2, generator=g, dtype=torch.float64)
    W1 = torch.randn(3, 4, generator=g, dtype=torch.float64, requires_grad=True)
    b1 = torch.randn(4, generator=g, dtype=torch.float64, requires_grad=True)
    W2 = torch.randn(4, 2, generator=g, dtype=torch.float64, requires_grad=True)
    b2 = torch.randn(2, generator=g, dtype=torch.float64, requires_grad=True)

    def step():
        A1 = torch.sigmoid(X @ W1 + b1)
        loss = 0.5 * ((A1 @ W2 + b2 - Y) ** 2).sum()
        loss.backward()

    seconds, number = median_seconds(step)
    return {"case": "torch-autograd-dense-3-4-2-m2", "dtype": "float64", "median_s": seconds,
            "gflops": 6 * 2 * (3 * 4 + 4 * 2) / seconds / 1e9, "repeats": 7, "number": number}  # fmt: skip


def jax_records(quick: bool = False) -> list[dict]:
    r"""``jax.jit`` of the loss and its gradients on dense-3-4-2-m2 beside this pass, if jax is installed.

    The same network as the tiny case (sigmoid then identity, squared error, float64):
    ``jax.value_and_grad`` of L = ½ Σ (A^(2) - Y)², compiled once, timed in alternation
    with ``backward(forward(...))`` in CPU time; ``ratio_to_jax`` is this pass / JAX's.
    """
    try:
        import jax  # noqa: PLC0415 (optional; never a dependency)
    except ImportError:
        return []
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"), batch=2, seed=0, init="xavier")
    params, (X, Y) = init_params(spec), make_data(spec)

    def loss(W1, b1, W2, b2, X, Y):
        A1 = jax.nn.sigmoid(X @ W1 + b1)  # (m, 4)
        return 0.5 * jnp.sum((A1 @ W2 + b2 - Y) ** 2)  # L = ½ Σ (A^(2) - Y)²

    gradients = jax.jit(jax.value_and_grad(loss, argnums=(0, 1, 2, 3, 4)))
    arrays = [jnp.asarray(a) for a in (*params.W[:1], *params.b[:1], params.W[1], params.b[1], X, Y)]
    ours = lambda: backward(spec, params, X, Y, forward(spec, params, X))  # noqa: E731
    theirs = lambda: jax.block_until_ready(gradients(*arrays))  # noqa: E731
    trace, (value, (dW1, db1, dW2, db2, dX)) = ours(), theirs()
    mine = (
        trace.layers[0].dW,
        trace.layers[0].db,
        trace.layers[1].dW,
        trace.layers[1].db,
        trace.layers[0].dA_prev,
    )
    same = bool(np.isclose(trace.loss, float(value), rtol=1e-12)) and all(
        np.allclose(a, np.asarray(b), rtol=1e-12, atol=1e-15) for a, b in zip(mine, (dW1, db1, dW2, db2, dX))
    )  # the two compute the same L and gradients, or the comparison says so
    (ours_s, jax_s), repeats = alternate(ours, theirs, "cpu", quick)
    flops = 6 * 2 * (3 * 4 + 4 * 2)
    return [
        {"case": JAX_CASE, "dtype": "float64", "median_s": jax_s,
         "gflops": flops / jax_s / 1e9, "repeats": repeats, "clock": "cpu", "version": jax.__version__},
        {"case": "dense-3-4-2-m2-beside-jax", "dtype": "float64", "median_s": ours_s,
         "gflops": flops / ours_s / 1e9, "repeats": repeats, "clock": "cpu", "ratio_to_jax": ours_s / jax_s,
         "same_result": same},
    ]  # fmt: skip


def symbolic_records(cases: list[str] | None) -> list[dict]:
    """The symbolic engine's cases, cold (its caches cleared before every call)."""
    from backprop.symbolic import bench_cases  # noqa: PLC0415

    records = []
    for case, fn in bench_cases.CASES.items():
        if cases and case not in cases:
            continue

        def cold(fn=fn):
            bench_cases.clear_caches()
            return fn()

        seconds, number = median_seconds(cold, repeats=3, target=0)
        records.append({"case": case, "dtype": "sympy", "median_s": seconds, "gflops": None,
                        "repeats": 3, "number": number})  # fmt: skip
    # the naive way the reverse mode replaces, once (one sp.diff of the expanded loss per parameter)
    naive = "symbolic-network-3-4-2-m2-naive"
    if not cases or naive in cases:
        spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"), batch=2, seed=0)
        bench_cases.clear_caches()
        start = time.perf_counter()
        bench_cases.naive_network_gradients(spec)
        records.append({"case": naive, "dtype": "sympy", "median_s": time.perf_counter() - start,
                        "gflops": None, "repeats": 1, "number": 1})  # fmt: skip
    return records


def run_benchmarks(quick: bool = False, cases: list[str] | None = None) -> list[dict]:
    """Every record of the benchmark (see the module docstring)."""
    blas, allocator = blas_info(), keep_freed_memory()
    records = []
    for case in DENSE_CASES:
        if (cases and case not in cases) or (quick and case not in QUICK):
            continue
        for dtype in (np.float64, np.float32):
            records.extend(dense_records(case, dtype, quick))
            records.extend(dense_records(case, dtype, quick, threads=1))
    for engine_case, case in ENGINE_CASES.items():
        if (cases and engine_case not in cases) or (quick and case not in QUICK):
            continue
        for dtype in (np.float64, np.float32):
            records.extend(engine_records(case, dtype, quick))
            if case in QUICK:  # the tiny case: the backward pass alone, and the flat pass beside the loop
                records.extend(engine_records(case, dtype, quick, backward_only=True))
                records.extend(flat_records(dtype, quick))
    if not cases or any(c.startswith("jax") for c in cases):
        records.extend(jax_records(quick))
    if not cases or any(c.startswith("torch") for c in cases):
        record = torch_record()
        if record is not None:
            records.append(record)
    if not cases or any(c.startswith("symbolic") for c in cases):
        records.extend(symbolic_records(cases))
    for record in records:
        record["blas"], record["allocator"] = blas, allocator
    return records


def main(args) -> int:
    records = run_benchmarks(quick=args.quick, cases=args.cases)
    if args.json:
        print(json.dumps(records, indent=1))
        return 0
    print(f"BLAS: {records[0]['blas'] if records else blas_info()}; load average {os.getloadavg()[0]:.1f}")
    if records:
        print(f"allocator: {records[0]['allocator']}")
    print(f"{'case':<44} {'dtype':<8} {'BLAS':<7} {'clock':<5} {'median':>12} {'GFLOP/s':>9} "
          f"{'vs matmul':>9} {'vs before':>9} {'vs jax':>7} {'faults':>7}")  # fmt: skip
    for r in records:
        median = f"{r['median_s'] * 1e6:.1f} µs" if r["median_s"] < 1e-2 else f"{r['median_s']:.3f} s"
        gflops = f"{r['gflops']:.2f}" if r.get("gflops") else ""
        ratio = f"{r['ratio_to_matmul']:.0%}" if "ratio_to_matmul" in r else ""
        before = f"{r['ratio_to_before']:.1%}" if "ratio_to_before" in r else ""
        jax = f"{r['ratio_to_jax']:.2f}" if "ratio_to_jax" in r else ""
        faults = f"{r['faults']:.0f}" if "faults" in r else ""
        threads, clock = r.get("threads", ""), r.get("clock", "wall")
        print(f"{r['case']:<44} {r['dtype']:<8} {threads:<7} {clock:<5} {median:>12} {gflops:>9} "
              f"{ratio:>9} {before:>9} {jax:>7} {faults:>7}")  # fmt: skip
    return 0
