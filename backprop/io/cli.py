r"""The command line: run, check and bench without a browser (the contract in backprop/README.md).

``python -m backprop run --sizes 3,4,2 --activations sigmoid,identity --json`` prints one
JSON object whose keys are a stable interface: keys may be added, never renamed or dropped.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from backprop.core.activations import NAMES as ACTIVATION_NAMES
from backprop.core.errors import InvalidInput
from backprop.core.losses import NAMES as LOSS_NAMES
from backprop.core.losses import REDUCTIONS
from backprop.core.network import Trace, run
from backprop.core.spec import INITS, NetworkSpec


def trace_to_dict(trace: Trace) -> dict:
    """The command line's JSON object for a trace: config, X, Y, loss, and every layer."""
    return {
        "config": trace.spec.to_dict(),
        "X": trace.X.tolist(),
        "Y": trace.Y.tolist(),
        "loss": trace.loss,
        "losses": trace.losses.tolist(),
        "layers": [
            {"l": layer.l}
            | {name: getattr(layer, name).tolist() for name in layer._fields if name != "l"}
            for layer in trace.layers
        ],
    }


def _csv(kind):
    return lambda text: [kind(part) for part in split_top_level(text) if part.strip() != ""]


def split_top_level(text: str) -> list[str]:
    """text split at the commas outside parentheses, so "relu,custom:max(z, 0.1*z)" is two names.

    >>> split_top_level("sigmoid,custom:max(z, 0.1*z)")
    ['sigmoid', 'custom:max(z, 0.1*z)']
    """
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """The options that describe a network: --sizes, --activations, --loss, ... (run, check, export)."""
    parser.add_argument("--sizes", type=_csv(int), default=[3, 4, 2], help="n_0,...,n_L (default 3,4,2)")
    parser.add_argument(
        "--activations",
        type=_csv(str),
        default=None,
        help=f"one per layer from {', '.join(ACTIVATION_NAMES)} (default sigmoid..., identity)",
    )
    parser.add_argument("--loss", default="mse", help=f"{', '.join(LOSS_NAMES)} (default mse)")
    parser.add_argument("--reduction", default="sum", help=f"{' or '.join(REDUCTIONS)} (default sum)")
    parser.add_argument("--batch", type=int, default=4, help="batch size m (default 4)")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights and data (default 0)")
    parser.add_argument("--init", default="uniform", help=f"{', '.join(INITS)} (default uniform)")


def spec_from_args(args: argparse.Namespace) -> NetworkSpec:
    """The NetworkSpec the options describe; hidden layers default to sigmoid, the last to identity."""
    activations = args.activations
    if activations is None:
        activations = ["sigmoid"] * (len(args.sizes) - 2) + ["identity"]
    return NetworkSpec(
        sizes=tuple(args.sizes),
        activations=tuple(activations),
        loss=args.loss,
        reduction=args.reduction,
        batch=args.batch,
        seed=args.seed,
        init=args.init,
    )


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
        "entries": [
            record | {"index": list(record["index"])} for record in result.records()
        ],
    }


def _bench(args) -> int:
    from backprop.core.bench import main as bench_main  # noqa: PLC0415

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
    bench_p.add_argument("--cases", type=_csv(str), default=None, help="only these cases")
    bench_p.set_defaults(handler=_bench)
    from backprop.io.export.cli import register as register_export  # noqa: PLC0415 (the export package imports this module)

    register_export(commands)
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
