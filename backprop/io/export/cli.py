r"""``python -m backprop export``: every download of the export page, from the command line.

    python -m backprop export --sizes 3,4,2 --format all      # into a new temporary folder
    python -m backprop export --sizes 2,3,1 --activations relu,identity --init integers \
        --exact --format worksheet-tex,key-tex --out ~/sheets/
    python -m backprop export --format json --out -          # to standard output
    python -m backprop export --format moodle-xml --set 42 --lang zh --out set42.xml
    python -m backprop export --sizes 2,3,1 --format worksheet-md,key-md --lang zh

``--lang`` (``en`` or ``zh``) is the language of every document's sentences: the
derivation, the worksheet, its key, the notebook's text and the practice set.
``--format`` is ``all`` or a comma-separated list of the names in ``FORMATS``; ``--out``
is a file for one format, or a directory (created if missing) for several; ``-`` writes
one format to standard output. Without ``--out`` the files go into a new folder in the
system's temporary folder (``tempfile``), whose path is printed: an export never lands in
the folder the command runs in (a checkout, say) unless asked. ``moodle-xml`` and ``qti``
write the practice page's exercise set ``--set``, on its random small
network (``--practice-network random``) or on the network the options describe (``given``).
Errors exit with status 2 and a sentence naming the field.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

from backprop.core.errors import InvalidInput
from backprop.core.network import run
from backprop.core.spec import MAX_SEED
from backprop.io.export import FORMATS, Practice, export
from backprop.io.options import add_network_options, items, one_of, option_of, spec_from_args, whole_number
from backprop.locales import LANGUAGES


def register(subparsers) -> None:
    """Add the ``export`` subcommand to the command line's subparsers."""
    parser = subparsers.add_parser(
        "export",
        help="write the network's matrices, derivation, notebook or worksheet to files",
        description="Write exports of one network: " + ", ".join(FORMATS) + ".",
    )
    add_network_options(parser)
    parser.add_argument(
        "--format",
        default="all",
        help=f"all (default) or a comma-separated list of {', '.join(FORMATS)}",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="a file (one format), a directory (several), or - (stdout); "
        "default: a new folder in the system's temporary folder, printed when done",
    )
    parser.add_argument(
        "--exact",
        action="store_true",
        help="hand-calculation mode: exact numbers (needs --init integers, identity or relu layers, mse)",
    )
    parser.add_argument(
        "--set",
        default="1",
        help="moodle-xml, qti: the practice page's exercise set number (default 1)",
    )
    parser.add_argument(
        "--lang",
        default="en",
        help="language of the documents and the practice questions: en or zh (default en)",
    )
    parser.add_argument(
        "--practice-network",
        default="random",
        help="moodle-xml, qti: the set's random small network (default, as on the practice page) "
        "or the network the options above describe",
    )
    parser.set_defaults(handler=_export)


def command_line(
    spec, formats: str = "all", exact: bool = False, out: str | None = None, lang: str = "en"
) -> str:
    """The ``python -m backprop export`` command that writes these exports of a seeded network.

    Without ``out`` the command writes into a new temporary folder (it prints where).

    >>> from backprop import NetworkSpec
    >>> command_line(NetworkSpec(sizes=(2, 3, 1), activations=("relu", "identity"))).split(" --")[1:3]
    ['sizes 2,3,1', 'activations relu,identity']
    """
    words = [
        "python -m backprop export",
        f"--sizes {','.join(map(str, spec.sizes))}",
        "--activations " + shlex.quote(",".join(spec.activations)),
        f"--loss {spec.loss}",
        f"--reduction {spec.reduction}",
        f"--batch {spec.m}",
        f"--seed {spec.seed}",
        f"--init {spec.init}",
    ]
    words += ["--exact"] if exact else []
    words += [f"--lang {lang}"] if lang != "en" else []
    words.append(f"--format {formats}")
    return " ".join(words + ([f"--out {shlex.quote(out)}"] if out is not None else []))


def formats(text: str) -> list[str]:
    """--format: "all", or comma-separated names of FORMATS (no empty item)."""
    if text.strip() == "all":
        return list(FORMATS)
    allowed = "all or comma-separated names from " + ", ".join(FORMATS)
    names = items("--format", text, allowed)
    for name in names:
        if name not in FORMATS:
            raise InvalidInput("--format", name, allowed)
    return names


def _exported(trace, name: str, exact: bool, practice: Practice) -> bytes:
    """One format's bytes; a refusal names the option that asked for it and the one to change."""
    try:
        return export(trace, name, exact=exact, practice=practice, lang=practice.lang)
    except InvalidInput as error:
        asked = "--exact" if exact else f"--format {name}"
        raise InvalidInput(
            f"{asked} with {option_of(error.field)}: {error.field}", error.value, error.allowed
        ) from None


def _export(args: argparse.Namespace) -> int:
    names = formats(args.format)
    trace = run(spec_from_args(args))
    practice = Practice(
        whole_number("--set", args.set, 0, MAX_SEED),
        one_of("--lang", args.lang, LANGUAGES),
        one_of("--practice-network", args.practice_network, ("random", "given")) == "given",
    )
    files = {name: _exported(trace, name, args.exact and FORMATS[name].exact, practice) for name in names}
    if args.out is None:
        args.out = tempfile.mkdtemp(prefix="backprop-export-") + "/"
    if args.out == "-":
        if len(files) != 1:
            raise InvalidInput("--out", "-", "a directory when writing several formats")
        sys.stdout.buffer.write(next(iter(files.values())))
        sys.stdout.flush()
        return 0
    out = Path(args.out)
    to_directory = len(files) > 1 or out.is_dir() or args.out.endswith(("/", "\\"))
    try:
        if to_directory:
            out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            path = out / FORMATS[name].filename if to_directory else out
            path.write_bytes(data)
            print(f"wrote {path} ({len(data)} bytes)")
    except OSError as error:
        raise InvalidInput("--out", args.out, f"a writable file or directory ({error.strerror})") from None
    return 0
