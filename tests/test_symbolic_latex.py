"""The engine's LaTeX for a fixed small case, pinned by a snapshot, and the notes' symbol names.

Regenerate the snapshot after a deliberate change with UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import sympy as sp

from backprop import NetworkSpec, run
from backprop.symbolic import (
    activation_derivation,
    element_sum,
    generic_derivation,
    matrix_derivation,
    network_entry,
    softmax_ce_shortcut,
    softmax_jacobian,
)
from backprop.symbolic.symbols import entry_latex, index_text, info, layer_symbols, relabel, symbol, z_entry

SNAPSHOT = Path(__file__).parent / "snapshots" / "symbolic_latex.json"


def current() -> dict:
    trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"), batch=4, seed=0))
    out = {}
    for variable, l, index in (("W", 1, (2, 1)), ("A_prev", 2, (1, 3)), ("b", 2, (1,))):
        es = element_sum(trace, l, variable, index, network=False)
        out[f"element_sum {variable}^({l}){index}"] = es.latex | {"expanded_6": es.expanded_latex(6)}
    small = run(NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=1, seed=0))
    entry = network_entry(small, "W", 1, (0, 0))
    out["network_entry W^(1)(0, 0)"] = {
        "latex": entry.latex, "steps": list(entry.steps_latex), "expanded": entry.expanded_latex,
    }  # fmt: skip
    out["generic W"] = list(generic_derivation().steps["W"])
    out["matrix"] = list(matrix_derivation().steps)
    out["activations"] = {n: list(activation_derivation(n).latex) for n in ("sigmoid", "relu", "leaky_relu")}
    out["softmax_jacobian 2"] = list(softmax_jacobian(2).latex)
    out["softmax_ce_shortcut 2"] = list(softmax_ce_shortcut(2).latex)
    return out


def test_latex_snapshot():
    got = current()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    for key in expected:
        assert got[key] == expected[key], f"LaTeX of {key} changed"
    assert set(got) == set(expected)


def test_symbols_print_as_the_notes_write_them():
    assert sp.latex(symbol("a", 1, 0, 2)) == "a_{13}^{(1)}"
    assert sp.latex(symbol("w", 2, 9, 0)) == "w_{10,1}^{(2)}"
    assert sp.latex(symbol("b", 3, 4)) == "b_{5}^{(3)}"
    assert sp.latex(symbol("z", 1, 1, 1)) == "z_{22}^{(1)}"
    assert sp.latex(symbol("dz", 2, 0, 1)) == r"\frac{\partial L}{\partial z_{12}^{(2)}}"
    assert entry_latex("y", 0, 0, 0) == "y_{11}" and index_text((8, 9)) == "9,10"


def test_layer_symbol_matrices():
    layer = layer_symbols(2, 3, 4, 2)
    assert layer.A_prev.shape == (3, 4) and layer.W.shape == (4, 2) and layer.b.shape == (2, 1)
    assert layer.Z.shape == layer.dZ.shape == (3, 2)
    assert sp.latex(layer.A_prev[2, 3]) == "a_{34}^{(1)}" and sp.latex(layer.b[1]) == "b_{2}^{(2)}"
    assert sp.latex(layer.dZ[0, 1]) == r"\frac{\partial L}{\partial z_{12}^{(2)}}"
    Z = layer.A_prev * layer.W + sp.ones(3, 1) * layer.b.T  # the notes' Z = A W + 1 bᵀ
    assert Z[1, 0] == z_entry(2, 1, 0, 4)


def test_relabel_renames_rows_and_output_units_only():
    w, a = symbol("w", 1, 2, 0), symbol("a", 0, 0, 2)
    assert relabel(w * a, {0: 3, 3: 0}, {0: 1, 1: 0}) == symbol("w", 1, 2, 1) * symbol("a", 0, 3, 2)
    assert info(relabel(symbol("b", 1, 0), {}, {0: 4, 4: 0})).indices == (4,)
    assert relabel(sp.Integer(1), {0: 1}, {0: 1}) == 1
