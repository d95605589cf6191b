"""``python -m backprop``: see backprop/io/cli.py."""

import sys

from backprop.io.cli import main

sys.exit(main())
