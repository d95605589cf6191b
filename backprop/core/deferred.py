r"""SymPy imported on first use: ``from backprop.core.deferred import sympy as sp``.

Importing SymPy takes about 0.6 s of an idle machine, most of the app's cold start, and
the home page and the numeric pages never use it. A module that calls SymPy only inside
its functions (or in lambdas of a registry) imports this stand-in instead: the first
attribute read (``sp.exp``) imports SymPy, and the attribute is then kept on the
stand-in, so later reads are plain attribute reads. Module-level uses (``sp.Symbol("z")``
at the top of a file) import SymPy at once, as before.

>>> from backprop.core.deferred import sympy as sp
>>> sp.Rational(1, 2) + sp.Rational(1, 3)
5/6
"""

from __future__ import annotations

import importlib


class Deferred:
    """The module ``name``, imported when one of its attributes is first read."""

    def __init__(self, name: str):
        self.__dict__["module_name"] = name

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):  # copy, pickle and doctest probe dunders: not the module's
            raise AttributeError(attribute)
        value = getattr(importlib.import_module(self.module_name), attribute)
        self.__dict__[attribute] = value  # found directly from now on
        return value

    def __repr__(self) -> str:
        return f"<module {self.module_name!r}, imported on first use>"


sympy = Deferred("sympy")
