"""``python -m backprop``: see backprop/cli.py."""

import sys

from .cli import main

sys.exit(main())
