"""Every example in the core's docstrings runs and prints what it says."""

import doctest
import importlib
import pkgutil

import pytest

import backprop

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(backprop.__path__, "backprop.")
    if not info.name.startswith("backprop.ui") and info.name != "backprop.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
