r"""The command line: run, check, bench, export and app (the contract in backprop/README.md).

``python -m backprop run --sizes 3,4,2 --activations sigmoid,identity --json`` prints one
JSON object whose keys are a stable interface: keys may be added, never renamed or dropped.
Every bad argument exits with status 2 and a sentence naming the option, the value and
what is allowed (see ``backprop.io.options``).
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.network import run
from backprop.core.spec import NetworkSpec
from backprop.io.export.arrays import to_dict as trace_to_dict
from backprop.io.export.cli import register as register_export
from backprop.io.launch import register as register_app
from backprop.io.options import add_network_options, items, spec_from_args


def _run(args) -> int:
    trace = run(spec_from_args(args))
    if args.json:
        print(json.dumps(trace_to_dict(trace)))
        return 0
    with np.printoptions(precision=4, suppress=True):  # local: callers' print options stay theirs
        print(f"L = {trace.loss:.6g}   (l_i = {trace.losses})")
        for layer in trace.layers:
            for name in ("W", "b", "Z", "A", "dZ", "dW", "db"):
                value = getattr(layer, name)
                print(f"{name}^({layer.l}) {value.shape}:\n{value}")
    return 0


def _check(args) -> int:
    from backprop.derivation.three_way import three_way  # noqa: PLC0415 (kept lazy: it pulls in SymPy's engine)

    spec = spec_from_args(args)
    result = three_way(spec)
    if args.json:
        print(json.dumps(check_to_dict(spec, result)))
    else:
        print(result.summary())
    return 0 if result.passed else 1


def check_to_dict(spec: NetworkSpec, result) -> dict:
    """The check's JSON object: verdict, worst errors with tolerances, and every entry's record."""
    from backprop.derivation.three_way import PAIRS  # noqa: PLC0415

    return {
        "config": spec.to_dict(),
        "passed": result.passed,
        "summary": result.summary(),
        "tolerances": PAIRS,
        "worst": {pair: result.worst(pair) for pair in PAIRS},
        "symbolic_skipped": result.symbolic_skipped,
        "kink_note": result.kink_note,
        "entries": [record | {"index": list(record["index"])} for record in result.records()],
    }


def bench_case_names() -> tuple[str, ...]:
    """Every case ``bench --cases`` can name: the dense ones, the engine's, JAX's, PyTorch's and SymPy's."""
    from backprop.core.bench import DENSE_CASES, ENGINE_CASES, JAX_CASE  # noqa: PLC0415 (only for bench)
    from backprop.symbolic.bench_cases import CASES  # noqa: PLC0415 (SymPy's engine, only for bench)

    return (
        *DENSE_CASES, *ENGINE_CASES, JAX_CASE, "torch-autograd-dense-3-4-2-m2", *CASES,
        "symbolic-network-3-4-2-m2-naive",
    )  # fmt: skip


def bench_cases(text: str | None) -> list[str] | None:
    """--cases: comma-separated names of bench_case_names() (None: every case)."""
    if text is None:
        return None
    names = bench_case_names()
    allowed = "comma-separated case names from " + ", ".join(names)
    chosen = items("--cases", text, allowed)
    for name in chosen:
        if name not in names:
            raise InvalidInput("--cases", text, f"{allowed} (not {name!r})")
    return chosen


def _bench(args) -> int:
    from backprop.core.bench import main as bench_main  # noqa: PLC0415

    args.cases = bench_cases(args.cases)
    return bench_main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m backprop",
        description="Forward and backward passes of a dense network in the notes' notation.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_p = commands.add_parser("run", help="one forward and backward pass; every matrix")
    add_network_options(run_p)
    run_p.add_argument("--json", action="store_true", help="print the stable JSON object")
    run_p.set_defaults(handler=_run)
    check_p = commands.add_parser(
        "check", help="symbolic vs backprop vs finite differences; exit 1 on any disagreement"
    )
    add_network_options(check_p)
    check_p.add_argument("--json", action="store_true", help="print the verdict and every entry as JSON")
    check_p.set_defaults(handler=_check)
    bench_p = commands.add_parser("bench", help="timings of forward + backward against plain matmul")
    bench_p.add_argument("--json", action="store_true", help="print a list of JSON records")
    bench_p.add_argument("--quick", action="store_true", help="small cases only, few repeats")
    bench_p.add_argument(
        "--cases", default=None, help="only these cases, comma-separated names (the table's first column)"
    )
    bench_p.set_defaults(handler=_bench)
    register_export(commands)
    register_app(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.handler(args)
    except InvalidInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
