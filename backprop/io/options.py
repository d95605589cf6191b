r"""The command-line options that describe a network (run, check, export), and their checks.

Options are read as text and checked here, each on its own, so that a bad one is refused
with the command line's one sentence, "--sizes = '3,x' is not allowed: use ...", and exit
status 2; what only the whole network can judge (the loss's output layer, a custom
formula, the work limit) is refused by NetworkSpec and reported under its option.

>>> parser = argparse.ArgumentParser(prog="demo")
>>> add_network_options(parser)
>>> spec_from_args(parser.parse_args(["--sizes", "2,3,1"])).activations
('sigmoid', 'identity')
"""

from __future__ import annotations

import argparse

from backprop.core.activation_type import CUSTOM_PREFIX
from backprop.core.activations import NAMES as ACTIVATION_NAMES
from backprop.core.errors import InvalidInput
from backprop.core.losses import NAMES as LOSS_NAMES
from backprop.core.losses import REDUCTIONS
from backprop.core.spec import INITS, MAX_BATCH, MAX_LAYERS, MAX_SEED, MAX_WIDTH, WORK_FIELD, NetworkSpec

# NetworkSpec's field -> the option(s) that set it, for a refusal only the whole network can make
OPTION_OF = {
    "sizes": "--sizes",
    "activations": "--activations",
    "activation of layer": "--activations",
    "loss": "--loss",
    "init": "--init",
    WORK_FIELD: "--sizes and --batch",
}


def option_of(field: str) -> str:
    """The option that sets a NetworkSpec field ("activation of layer 2" -> --activations)."""
    key = "activation of layer" if field.startswith("activation of layer") else field
    return OPTION_OF.get(key, "--sizes and --batch")


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


def items(option: str, text: str, allowed: str) -> list[str]:
    """The comma-separated items of text; an empty item (3,,4 or a trailing comma) is refused."""
    parts = split_top_level(text)
    for k, part in enumerate(parts, start=1):
        if not part:
            raise InvalidInput(
                option, text, f"{allowed} (item {k} is empty)", code="option_empty", option=option, item=k
            )
    return parts


def whole_number(option: str, text: str, low: int, high: int) -> int:
    """text as a whole number from low to high (ASCII digits, at most 20), or InvalidInput."""
    digits = text.strip().removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 20) or not low <= int(text) <= high:
        allowed = f"a whole number from {low} to {high}"
        raise InvalidInput(option, text, allowed, code="option_whole", option=option, low=low, high=high)
    return int(text)


def sizes(text: str) -> tuple[int, ...]:
    """--sizes: n_0,...,n_L, 2 to MAX_LAYERS + 1 whole numbers from 1 to MAX_WIDTH."""
    allowed = f"2 to {MAX_LAYERS + 1} comma-separated whole numbers from 1 to {MAX_WIDTH}, like 3,4,2"
    out = []
    for k, part in enumerate(items("--sizes", text, allowed), start=1):
        try:
            out.append(whole_number("--sizes", part, 1, MAX_WIDTH))
        except InvalidInput:
            raise InvalidInput(
                "--sizes",
                text,
                f"{allowed} (item {k} is {part!r})",
                code="option_size",
                item=k,
                limit=MAX_WIDTH,
            ) from None
    if not 2 <= len(out) <= MAX_LAYERS + 1:
        raise InvalidInput(
            "--sizes",
            text,
            f"{allowed} (found {len(out)})",
            code="option_sizes",
            count=len(out),
            high=MAX_LAYERS + 1,
        )
    return tuple(out)


def activations(text: str, L: int) -> tuple[str, ...]:
    """--activations: L names, each built in or custom:<formula in z>."""
    allowed = (
        f"{L} comma-separated name{'s' if L > 1 else ''} (one per layer) from "
        + ", ".join(ACTIVATION_NAMES)
        + f", or {CUSTOM_PREFIX}<formula in z>"
    )
    names = items("--activations", text, allowed)
    for k, name in enumerate(names, start=1):
        if name not in ACTIVATION_NAMES and not name.startswith(CUSTOM_PREFIX):
            options = ", ".join(ACTIVATION_NAMES)
            raise InvalidInput(
                "--activations",
                text,
                f"{allowed} (not {name!r})",
                code="option_activation",
                item=k,
                options=options,
            )
    if len(names) != L:
        raise InvalidInput(
            "--activations",
            text,
            f"{allowed} (found {len(names)})",
            code="option_activations",
            count=len(names),
            layers=L,
        )
    return tuple(names)


def one_of(option: str, text: str, names: tuple[str, ...]) -> str:
    """text, if it is one of names; else InvalidInput naming the option."""
    if text not in names:
        options = ", ".join(names)
        raise InvalidInput(
            option, text, "one of " + options, code="option_choice", option=option, options=options
        )
    return text


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """The options that describe a network: --sizes, --activations, --loss, ... (run, check, export)."""
    parser.add_argument(
        "--sizes", default="3,4,2", help=f"n_0,...,n_L, widths 1 to {MAX_WIDTH} (default 3,4,2)"
    )
    parser.add_argument(
        "--activations",
        default=None,
        help=f"one per layer from {', '.join(ACTIVATION_NAMES)}, or {CUSTOM_PREFIX}<formula> "
        "(default sigmoid..., identity)",
    )
    parser.add_argument("--loss", default="mse", help=f"{', '.join(LOSS_NAMES)} (default mse)")
    parser.add_argument("--reduction", default="sum", help=f"{' or '.join(REDUCTIONS)} (default sum)")
    parser.add_argument("--batch", default="4", help=f"batch size m, 1 to {MAX_BATCH} (default 4)")
    parser.add_argument("--seed", default="0", help=f"seed of weights and data, 0 to {MAX_SEED} (default 0)")
    parser.add_argument("--init", default="uniform", help=f"{', '.join(INITS)} (default uniform)")


def spec_from_args(args: argparse.Namespace) -> NetworkSpec:
    """The NetworkSpec the options describe; hidden layers default to sigmoid, the last to identity.

    Each option is checked on its own first ("--sizes = '3,x' is not allowed: ..."); a
    refusal only the whole network can make names the option and the spec's field:
    "--activations: activation of layer 2 = ...".
    """
    n = sizes(args.sizes)
    L = len(n) - 1
    if args.activations is None:
        names = ("sigmoid",) * (L - 1) + ("identity",)
    else:
        names = activations(args.activations, L)
    loss = one_of("--loss", args.loss, LOSS_NAMES)
    reduction = one_of("--reduction", args.reduction, REDUCTIONS)
    batch = whole_number("--batch", args.batch, 1, MAX_BATCH)
    seed = whole_number("--seed", args.seed, 0, MAX_SEED)
    init = one_of("--init", args.init, INITS)
    try:
        return NetworkSpec(n, names, loss, reduction, batch, seed, init)
    except InvalidInput as error:
        option = option_of(error.field)
        value = error.value
        if error.code.startswith("formula_"):  # the command line quotes the name as typed, custom: and all
            value = names[int(str(error.fields["layer"])) - 1]
        raise InvalidInput(
            f"{option}: {error.field}", value, error.allowed, code=error.code, **error.fields
        ) from None
