"""Read Plotly and Graphviz elements back from an AppTest run (figures, typed arrays, DOT nodes)."""

from __future__ import annotations

import base64
import json
import re

import numpy as np

NODE = re.compile(r'^\s*"([^"]+)" \[', re.M)


def plotly_figures(at) -> list[dict]:
    """Every Plotly chart on the page as its JSON figure (data and layout)."""
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def array(value) -> np.ndarray:
    """A Plotly data array: a plain list, or the typed-array form {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = tuple(int(n) for n in str(value.get("shape", len(flat))).split(","))
        return flat.reshape(shape)
    return np.asarray(value, dtype=np.float64)


def graphviz_dots(at) -> list[str]:
    """Every Graphviz chart's DOT source on the page."""
    return [element.proto.spec for element in at.get("graphviz_chart")]


def dot_nodes(dot: str) -> set[str]:
    """The ids of the nodes a DOT string declares."""
    return set(NODE.findall(dot))
