r"""``backprop app``: start the app with ``streamlit run``, from a checkout or an installed package.

In a checkout the app is the top-level ``app.py`` with ``pages/`` beside it (``streamlit run
app.py`` works as before). An installed wheel has no checkout: its build (setup.py) copies
``app.py``, ``pages/`` and ``.streamlit/config.toml`` into ``backprop/_app/``, and Streamlit
reads a ``.streamlit/config.toml`` beside the main script, so the classroom settings hold
whatever folder the command is started from.

    backprop app                              # http://localhost:8501
    backprop app --port 8600 --address 0.0.0.0
    backprop app -- --server.maxUploadSize 20 # after --: any option of `streamlit run`

The server runs BLAS at one thread (BLAS_THREADS, unless the environment already says
otherwise): it serves many sessions on few cores, and OpenBLAS's own threads competing
with them collapsed under overload (0.6 s of wall time for a 6.6 ms pass). The app also
lowers the limit at run time (``backprop.ui.blas``) for a plain ``streamlit run app.py``.

>>> (app_root() / "app.py").is_file() and (app_root() / "pages").is_dir()
True
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import subprocess
import sys
from pathlib import Path

from backprop.core.errors import InvalidInput
from backprop.io.options import whole_number

PACKAGE = Path(__file__).resolve().parents[1]  # backprop/
HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*")
INSTALLED = PACKAGE / "_app"  # where the wheel puts the app's scripts
CHECKOUT = PACKAGE.parent  # a source checkout: app.py beside backprop/
BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def server_environment(environ=None) -> dict[str, str]:
    """The server's environment: ``environ`` (default os.environ), BLAS at one thread unless it says."""
    return {**BLAS_THREADS, **(os.environ if environ is None else environ)}


def app_root() -> Path:
    """The folder holding app.py and pages/: the installed copy if there is one, else the checkout."""
    for root in (INSTALLED, CHECKOUT):
        if (root / "app.py").is_file():
            return root
    raise FileNotFoundError(
        f"app.py is neither in {INSTALLED} (an installed package) nor in {CHECKOUT} (a checkout); "
        "reinstall with `pip install .` from the source folder"
    )


def command(streamlit_args: list[str] | tuple[str, ...] = (), port=None, address=None) -> list[str]:
    """The ``python -m streamlit run <root>/app.py ...`` command line that starts the app."""
    args = list(streamlit_args)
    if args[:1] == ["--"]:  # argparse keeps the separator of `backprop app -- --server.x y`
        args = args[1:]
    args = (["--server.port", str(port)] if port is not None else []) + args
    args = (["--server.address", address] if address is not None else []) + args
    return [sys.executable, "-m", "streamlit", "run", str(app_root() / "app.py"), *args]


def register(subparsers) -> None:
    """Add the ``app`` subcommand to the command line's subparsers."""
    parser = subparsers.add_parser(
        "app",
        help="start the app in the browser (streamlit run app.py)",
        description="Start the app with `streamlit run`. Options after -- go to streamlit as they are "
        "(e.g. -- --server.headless true).",
    )
    parser.add_argument("--port", default=None, help="the port to serve on, 1 to 65535 (default 8501)")
    parser.add_argument("--address", default=None, help="the address to serve on (default: all)")
    parser.add_argument(
        "--print-command", action="store_true", help="print the streamlit command instead of running it"
    )
    parser.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="-- then options for streamlit run")
    parser.set_defaults(handler=_app)


def address(text: str) -> str:
    """--address: an IP address or a host name (letters, digits, dots, hyphens), or InvalidInput."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not HOST_NAME.fullmatch(text):
        raise InvalidInput("--address", text, "an IP address like 127.0.0.1 or a host name like localhost")
    return text


def _app(args: argparse.Namespace) -> int:
    port = None if args.port is None else whole_number("--port", args.port, 1, 65535)
    host = None if args.address is None else address(args.address)
    line = command(args.streamlit_args, port, host)
    if args.print_command:
        print(" ".join(line))
        return 0
    sys.stdout.flush()
    if os.name == "posix":  # streamlit replaces this process: Ctrl-C and kill reach the server itself
        os.execve(line[0], line, server_environment())
    return subprocess.call(
        line, env=server_environment()
    )  # pragma: no cover (Windows: exec would detach the server)
