"""The notes' figures as DOT: every quantity has its node, numbers are the trace's, labels are safe."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from backprop import NetworkSpec, run
from backprop.derivation import notation as nt
from backprop.ui import diagrams
from backprop.ui import dot as dot_module
from backprop.ui.dot import FONT_PT, dot_edge, esc, esc_quoted, zoomed

SPECS = [
    NetworkSpec(),
    NetworkSpec(sizes=(2, 3), activations=("tanh",), batch=1),
    NetworkSpec(sizes=(3, 5, 4, 3), activations=("relu", "tanh", "softmax"), loss="softmax_ce", batch=2),
    NetworkSpec(sizes=(20, 30, 2), activations=("sigmoid", "identity"), batch=10, seed=3),
    NetworkSpec(sizes=(2, 2), activations=("leaky_relu",), batch=3),
]

NODE = re.compile(r'^\s*"([^"]+)" \[', re.M)
EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)"', re.M)


def nodes(dot: str) -> set[str]:
    return set(NODE.findall(dot))


def all_dots(spec: NetworkSpec) -> list[str]:
    trace = run(spec)
    dots = [diagrams.bp_full(trace)]
    for l in range(1, spec.L + 1):
        dots += [diagrams.fp_single_dense(trace, l, sample=spec.m - 1), diagrams.bp_single_dense(trace, l)]
    if diagrams.fits_neurons(spec):
        dots.append(diagrams.neurons(trace, sample=0))
    return dots


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.sizes)))
def test_bp_full_has_a_node_for_every_layer_quantity(spec):
    dot = diagrams.bp_full(run(spec))
    present = nodes(dot)
    expected = diagrams.quantity_nodes(spec)
    # every LayerTrace field of every layer, except l itself
    fields = {"A_prev", "W", "b", "Z", "A", "dA", "dZ", "dW", "db", "dA_prev"}
    assert {f for f, _ in expected} == fields
    assert {l for _, l in expected} == set(range(1, spec.L + 1))
    missing = set(expected.values()) - present
    assert not missing, f"no node for {sorted(missing)}"
    assert {"Y", "loss"} <= present
    # every edge joins declared nodes
    for a, b in EDGE.findall(dot):
        assert a in present and b in present, (a, b)


def test_bp_full_shows_the_trace_values():
    trace = run(NetworkSpec())
    dot = diagrams.bp_full(trace)
    block = dot.split('"dW2" [', 1)[1].split("\n", 1)[0]
    for x in trace.layers[1].dW.ravel():
        assert f">{diagrams.num(x)}<" in block
    assert diagrams.num(trace.loss) in dot


def test_fp_single_dense_edges_are_w_ji():
    trace = run(NetworkSpec(sizes=(3, 2), activations=("sigmoid",), batch=2))
    dot = diagrams.fp_single_dense(trace, 1, sample=1)
    layer = trace.layers[0]
    for j in range(3):
        for i in range(2):
            # w_ji links input j to unit i: edge in{j} -> sum{i}
            edge = re.search(rf'"in{j}" -> "sum{i}" \[label="([^"]+)"', dot).group(1)
            assert edge == f"w{nt.sub_text(j + 1, i + 1)} = {diagrams.num(layer.W[j, i])}"
    assert diagrams.num(layer.Z[1, 0]) in dot and diagrams.num(layer.A[1, 1]) in dot


def test_fp_single_dense_wide_layer_is_cut():
    trace = run(NetworkSpec(sizes=(20, 30, 2), activations=("sigmoid", "identity")))
    present = nodes(diagrams.fp_single_dense(trace, 1))
    assert {"in_more", "out_more"} <= present
    assert f"in{diagrams.MAX_UNITS - 1}" in present and f"in{diagrams.MAX_UNITS}" not in present


@pytest.mark.parametrize("unit", [0, 5, 7])
def test_fp_single_dense_many_edges_label_only_the_chosen_units(unit):
    trace = run(NetworkSpec(sizes=(5, 8, 3), activations=("sigmoid", "identity"), batch=4))
    dot = diagrams.fp_single_dense(trace, 1, sample=2, unit=unit)
    W = trace.layers[0].W
    edges = re.findall(r'"in(\d)" -> "sum(\d)" \[([^\]]+)\]', dot)
    assert len(edges) == 5 * 8  # every edge is still drawn
    for j, i, attrs in map(lambda e: (int(e[0]), int(e[1]), e[2]), edges):
        weight = f"w{nt.sub_text(j + 1, i + 1)} = {diagrams.num(W[j, i])}"
        if i == unit:
            assert attrs.startswith(f'label="{weight}"'), (j, i, attrs)
        else:  # quiet and unlabelled; its weight only on hover
            assert "label=" not in attrs.replace("tooltip=", "")
            assert f'color="{diagrams.QUIET_EDGE}"' in attrs and f'tooltip="{weight}"' in attrs


def test_bp_single_dense_in_a_column_prints_only_narrow_matrices():
    trace = run(NetworkSpec(sizes=(5, 8, 8, 3), activations=("sigmoid", "sigmoid", "identity"), batch=4))
    wide = diagrams.bp_single_dense(trace, 2, max_cols=dot_module.COLUMN_CELLS)
    full = diagrams.bp_single_dense(trace, 2)
    for node_id, M in [("dA", trace.layers[1].dA), ("W", trace.layers[1].W), ("dW", trace.layers[1].dW)]:
        block = wide.split(f'"{node_id}" [', 1)[1].split("\n", 1)[0]
        assert M.shape[1] > dot_module.COLUMN_CELLS
        assert f"‖·‖ = {diagrams.num(float(np.linalg.norm(M)))}" in block and 'CELLSPACING="3"' not in block
        full_block = full.split(f'"{node_id}" [', 1)[1].split("\n", 1)[0]
        assert f">{diagrams.num(M[0, 0])}<" in full_block  # the graph page (with zoom) prints them
    narrow = diagrams.bp_single_dense(run(NetworkSpec()), 1, max_cols=dot_module.COLUMN_CELLS)
    dZ = run(NetworkSpec()).layers[0].dZ
    assert all(f">{diagrams.num(x)}<" in narrow for x in dZ.ravel())


def test_bp_single_dense_outputs_and_shortcut():
    spec = NetworkSpec(sizes=(3, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce")
    trace = run(spec)
    last, first = diagrams.bp_single_dense(trace, 2), diagrams.bp_single_dense(trace, 1)
    assert {"dA", "dZ", "dW", "db", "dA_prev", "A_prev", "W"} <= nodes(last)
    assert "A − Y" in last and "A − Y" not in first
    assert "tanh" in first


def test_neurons_edge_shows_weight_and_gradient():
    trace = run(NetworkSpec())
    dot = diagrams.neurons(trace)
    layer = trace.layers[1]
    label = re.search(r'"n1_3" -> "n2_1" \[label="([^"]+)"', dot).group(1)
    assert (
        label
        == f"w{nt.sub_text(4, 2)} = {diagrams.num(layer.W[3, 1])}\\n∂L/∂w = {diagrams.num(layer.dW[3, 1])}"
    )


def test_neurons_refuses_wide_networks():
    spec = NetworkSpec(sizes=(20, 30, 2), activations=("sigmoid", "identity"))
    assert not diagrams.fits_neurons(spec)
    with pytest.raises(ValueError):
        diagrams.neurons(run(spec))


def test_labels_are_escaped():
    assert esc('<a & "b">') == "&lt;a &amp; &quot;b&quot;&gt;"
    assert esc_quoted('say "hi"\\') == 'say \\"hi\\"\\\\'
    assert dot_edge("a", "b", 'g "x"') == '  "a" -> "b" [label="g \\"x\\""];'


def test_num_is_short():
    assert diagrams.num(-0.0) == "0"
    assert diagrams.num(1234567.0) == "1.23e+06"
    assert diagrams.num(np.float64(0.000123456)) == "0.000123"
    assert nt.sub_text(12, 3) == "₁₂,₃" and nt.layer_text(2) == "⁽²⁾"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.sizes)))
def test_graphviz_accepts_every_drawing(spec):
    for dot in all_dots(spec):
        done = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, timeout=30)
        assert done.returncode == 0 and not done.stderr, done.stderr.decode()


def test_zoom_scales_type_and_spacing_only():
    dot = diagrams.bp_full(run(NetworkSpec()))
    big = zoomed(dot, 2.0)
    assert f"fontsize={2 * FONT_PT}" in big and "ranksep=1;" in big
    assert big.split("\n")[4:] == dot.split("\n")[4:]  # the nodes and edges are the same
    assert zoomed(dot, 1.0) == dot
    with pytest.raises(ValueError, match="zoomed"):
        zoomed("digraph G {\n  rankdir=LR;\n}", 2.0)


def test_widths_up_to_eight_show_their_values_and_wider_their_norm():
    trace = run(NetworkSpec(sizes=(8, 8, 2), activations=("tanh", "identity"), batch=8))
    dot = diagrams.bp_full(trace)
    block = dot.split('"dW1" [', 1)[1].split("\n", 1)[0]
    assert all(f">{diagrams.num(x)}<" in block for x in trace.layers[0].dW.ravel())
    wide = diagrams.bp_full(run(NetworkSpec(sizes=(9, 2), activations=("tanh",))))
    assert "‖·‖" in wide.split('"W1" [', 1)[1].split("\n", 1)[0]
