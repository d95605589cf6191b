r"""The notes' figures, drawn for the user's own network as Graphviz DOT strings.

No streamlit here: a page passes the string to ``st.graphviz_chart``. Every function
takes a ``Trace`` (``backprop.core.network.run``) and draws its actual sizes and numbers.
Nodes, edges and labels come from ``backprop.ui.dot``: escaped text, so any value or
activation name is safe DOT, and numbers with 3 significant digits.
Indices follow the notes: 1-based, ``w_ji`` links input j to unit i (W[j-1, i-1]).

- ``fp_single_dense(trace, l, sample=0)``: figure fp-single-dense, one layer forward for
  one sample: inputs a_1..a_n of A^(l-1), edges labelled w_ji, units that sum with b_i to
  z_i, then g to a_i. Wide layers show the first ``MAX_UNITS`` units and a "more" node.
- ``bp_single_dense(trace, l)``: figure bp-single-dense, one layer backward: ∂L/∂A^(l)
  and g'(Z^(l)) in (or the loss's shortcut A − Y), ∂L/∂Z^(l), then ∂L/∂W^(l),
  ∂L/∂b^(l), ∂L/∂A^(l-1) out, each with its formula, shape and (small) values.
- ``bp_full(trace)``: figure bp-full, the whole network: X → (W, b) → Z → g → A → ... →
  loss ← Y on the forward row, and the gradients flowing back from the loss beneath
  them. Node ids are ``quantity_nodes(spec)``: one per layer quantity.
- ``neurons(trace, sample=0)``: every neuron (only for ``fits_neurons(spec)``, widths up
  to ``NEURON_LIMIT``); each edge shows w_ji and ∂L/∂w_ji, each unit its a, b and ∂L/∂b.

Matrices up to ``MAX_CELLS`` rows and columns are printed in their node; larger ones
show their shape and Frobenius norm (the layer-level drawing of a wide network).
Text is 11 points at natural size (14.7 px, legible on a projector); ``zoomed(dot, zoom)``
scales a drawing's type and spacing.

>>> from backprop import NetworkSpec, run
>>> dot = bp_full(run(NetworkSpec()))
>>> dot.startswith("digraph") and '"dW1"' in dot
True
"""

from __future__ import annotations

from functools import partial

from backprop.core.network import Trace
from backprop.core.spec import NetworkSpec
from backprop.derivation import notation as nt
from backprop.ui.dot import (
    MAX_CELLS,
    dot_edge,
    dot_graph,
    dot_node,
    esc_quoted,
    num,
    same_rank,
)
from backprop.ui.i18n import t

MAX_UNITS = 8  # units drawn per layer in fp_single_dense
NEURON_LIMIT = 6  # widest layer the neuron-level drawing accepts
NEURON_MAX_LAYERS = 4
LABELLED_EDGES = 12  # fp_single_dense labels every edge up to this many, else only the chosen unit's
QUIET_EDGE = "#b7b7b7"  # the unlabelled edges: present, but not competing with the labelled ones

FORWARD = "#cfe2f3"  # light blue: values
BACKWARD = "#fce5cd"  # light orange: gradients (blue/orange: colour-blind safe)
POSITIVE, NEGATIVE = "#2166ac", "#b35806"


def _g_name(spec: NetworkSpec, l: int) -> str:
    name = spec.activations[l - 1]
    return name if len(name) <= 24 else name[:21] + "..."


def fp_single_dense(trace: Trace, l: int, sample: int = 0, unit: int = 0) -> str:
    r"""Figure fp-single-dense: layer l forward for one sample, z_i = Σ_j a_j w_ji + b_i, a_i = g(z_i).

    ``sample`` is a 0-based row of the batch, ``unit`` a 0-based unit of layer l. With more
    than ``LABELLED_EDGES`` edges drawn, only the edges into ``unit`` carry their w_ji (the
    others are thin and grey), so the drawing stays legible. Returns a DOT string.
    """
    layer = trace.layers[l - 1]
    g = _g_name(trace.spec, l)
    a_in, z, a_out = layer.A_prev[sample], layer.Z[sample], layer.A[sample]
    n_in, n_out = layer.W.shape
    shown_in, shown_out = min(n_in, MAX_UNITS), min(n_out, MAX_UNITS)
    label_all = shown_in * shown_out <= LABELLED_EDGES
    body = []
    for j in range(shown_in):
        body.append(
            _unit(
                f"in{j}", f"a{nt.sub_text(j + 1)}{nt.layer_text(l - 1)} = {num(a_in[j])}", FORWARD, "ellipse"
            )
        )
    for i in range(shown_out):
        sum_label = (
            f"Σ + b{nt.sub_text(i + 1)} ({num(layer.b[i])})\n"
            f"z{nt.sub_text(i + 1)}{nt.layer_text(l)} = {num(z[i])}"
        )
        body.append(_unit(f"sum{i}", sum_label, "white", "box"))
        body.append(
            _unit(f"out{i}", f"a{nt.sub_text(i + 1)}{nt.layer_text(l)} = {num(a_out[i])}", FORWARD, "ellipse")
        )
        body.append(dot_edge(f"sum{i}", f"out{i}", g))
        for j in range(shown_in):
            weight = f"w{nt.sub_text(j + 1, i + 1)} = {num(layer.W[j, i])}"
            if label_all or i == unit:
                body.append(dot_edge(f"in{j}", f"sum{i}", weight))
            else:
                body.append(dot_edge(f"in{j}", f"sum{i}", color=QUIET_EDGE, penwidth="0.5", tooltip=weight))
    if n_in > shown_in:
        body.append(_unit("in_more", t("diagrams.more", n=n_in - shown_in), "white", "plaintext"))
    if n_out > shown_out:
        body.append(_unit("out_more", t("diagrams.more", n=n_out - shown_out), "white", "plaintext"))
    body.append(_unit("caption", t("diagrams.sample", s=sample + 1), "white", "plaintext"))
    body.append(same_rank([f"in{j}" for j in range(shown_in)] + (["in_more"] if n_in > shown_in else [])))
    body.append(same_rank([f"sum{i}" for i in range(shown_out)]))
    body.append(
        same_rank([f"out{i}" for i in range(shown_out)] + (["out_more"] if n_out > shown_out else []))
    )
    return dot_graph(body)


def _unit(node_id: str, label: str, fill: str, shape: str) -> str:
    """A plain-text node (one neuron or sum)."""
    return f'  "{node_id}" [label="{esc_quoted(label)}", shape={shape}, fillcolor="{fill}"];'


def bp_single_dense(trace: Trace, l: int, max_cols: int = MAX_CELLS) -> str:
    r"""Figure bp-single-dense: layer l backward, ∂L/∂Z^(l) in; ∂L/∂W^(l), ∂L/∂b^(l), ∂L/∂A^(l-1) out.

    ∂L/∂Z = ∂L/∂A ⊙ g'(Z) (softmax: its Jacobian; with the loss's shortcut, A − Y);
    ∂L/∂W = A^(l-1)ᵀ ∂L/∂Z, ∂L/∂b = column sums of ∂L/∂Z, ∂L/∂A^(l-1) = ∂L/∂Z W^(l)ᵀ.
    Matrices wider than ``max_cols`` show their shape and norm (``dot.COLUMN_CELLS`` in a page's column).
    """
    layer = trace.layers[l - 1]
    s, p = nt.layer_text(l), nt.layer_text(l - 1)
    node = partial(dot_node, max_cols=max_cols)
    body = [
        node("dA", nt.grad_text("A", l), layer.dA, BACKWARD),
        node("dZ", nt.grad_text("Z", l), layer.dZ, BACKWARD, _dz_note(trace, l)),
        node("A_prev", f"A{p}", layer.A_prev, FORWARD),
        node("W", f"W{s}", layer.W, FORWARD),
        node(
            "dW",
            nt.grad_text("W", l),
            layer.dW,
            BACKWARD,
            f"{nt.transpose_text('A' + p)} · {nt.grad_text('Z', l)}",
        ),
        node(
            "db",
            nt.grad_text("b", l),
            layer.db,
            BACKWARD,
            t("diagrams.column_sums", name=nt.grad_text("Z", l)),
        ),
        node(
            "dA_prev",
            nt.grad_text("A", l - 1),
            layer.dA_prev,
            BACKWARD,
            f"{nt.grad_text('Z', l)} · {nt.transpose_text('W' + s)}",
        ),
        dot_edge("dA", "dZ", _dz_edge(trace, l)),
        dot_edge("dZ", "dW"),
        dot_edge("dZ", "db"),
        dot_edge("dZ", "dA_prev"),
        dot_edge("A_prev", "dW", style="dotted"),
        dot_edge("W", "dA_prev", style="dotted"),
        "  { rank=same; A_prev; W; dZ; }",
    ]
    return dot_graph(body)


def _dz_note(trace: Trace, l: int) -> str:
    """How ∂L/∂Z^(l) is made from ∂L/∂A^(l)."""
    s = nt.layer_text(l)
    if _uses_shortcut(trace, l):
        return t("diagrams.shortcut", loss=trace.spec.loss)
    if trace.spec.activations[l - 1] == "softmax":
        return t("diagrams.softmax_jacobian")
    return f"{nt.grad_text('A', l)} {nt.HADAMARD_TEXT} g′(Z{s})"


def _dz_edge(trace: Trace, l: int) -> str:
    if _uses_shortcut(trace, l):
        return "A − Y"
    return f"{nt.HADAMARD_TEXT} {_g_name(trace.spec, l)}′(Z{nt.layer_text(l)})"


def _uses_shortcut(trace: Trace, l: int) -> bool:
    from backprop.core.losses import LOSSES  # noqa: PLC0415 (keeps this module's imports to the spec)

    return l == trace.spec.L and LOSSES[trace.spec.loss].dZ_shortcut is not None


def quantity_nodes(spec: NetworkSpec) -> dict[tuple[str, int], str]:
    r"""The node id of every layer quantity in ``bp_full``: (LayerTrace field, l) -> id.

    A_prev of layer 1 is "X" and its gradient dA_prev is "dX"; otherwise A_prev of layer
    l is A^(l-1) ("A{l-1}") and dA_prev is ∂L/∂A^(l-1) ("dA{l-1}").

    >>> quantity_nodes(NetworkSpec())[("dW", 2)]
    'dW2'
    """
    ids = {}
    for l in range(1, spec.L + 1):
        ids[("A_prev", l)] = "X" if l == 1 else f"A{l - 1}"
        ids[("dA_prev", l)] = "dX" if l == 1 else f"dA{l - 1}"
        for field in ("W", "b", "Z", "A", "dA", "dZ", "dW", "db"):
            ids[(field, l)] = f"{field}{l}"
    return ids


def bp_full(trace: Trace, max_cols: int = MAX_CELLS) -> str:
    r"""Figure bp-full: X → (W, b) → Z → g → A → ... → loss ← Y, gradients flowing back.

    Forward values fill the blue nodes; the orange nodes beneath hold the gradients,
    joined by dashed edges that run from the loss back to ∂L/∂X. Matrices wider than
    ``max_cols`` show their shape and norm (``dot.COLUMN_CELLS`` in a page's column).
    """
    spec = trace.spec
    node = partial(dot_node, max_cols=max_cols)
    body = [
        node("X", "X = A⁽⁰⁾", trace.X, FORWARD),
        node("dX", nt.grad_text("X"), trace.layers[0].dA_prev, BACKWARD),
        node("Y", "Y", trace.Y, FORWARD),
        node("loss", f"{t('diagrams.loss')} L = {num(trace.loss)}", None, "#d9d2e9"),
    ]
    for layer in trace.layers:
        l, s = layer.l, nt.layer_text(layer.l)
        prev = "X" if l == 1 else f"A{l - 1}"
        dprev = "dX" if l == 1 else f"dA{l - 1}"
        body += [
            node(f"W{l}", f"W{s}", layer.W, FORWARD),
            node(f"b{l}", f"b{s}", layer.b, FORWARD),
            node(f"Z{l}", f"Z{s}", layer.Z, FORWARD),
            node(f"A{l}", f"A{s}", layer.A, FORWARD),
            node(f"dW{l}", nt.grad_text("W", l), layer.dW, BACKWARD),
            node(f"db{l}", nt.grad_text("b", l), layer.db, BACKWARD),
            node(f"dZ{l}", nt.grad_text("Z", l), layer.dZ, BACKWARD),
            node(f"dA{l}", nt.grad_text("A", l), layer.dA, BACKWARD),
            dot_edge(prev, f"Z{l}"),
            dot_edge(f"W{l}", f"Z{l}"),
            dot_edge(f"b{l}", f"Z{l}"),
            dot_edge(f"Z{l}", f"A{l}", _g_name(spec, l)),
            # gradients: written left to right with dir=back so they sit beneath their values
            dot_edge(f"dZ{l}", f"dA{l}", _dz_edge(trace, l), back=True),
            dot_edge(f"dW{l}", f"dZ{l}", back=True),
            dot_edge(f"db{l}", f"dZ{l}", back=True),
            dot_edge(dprev, f"dZ{l}", back=True),
            # each column top to bottom: values, then their gradients beneath
            same_rank([f"W{l}", prev, f"b{l}", f"dW{l}", dprev, f"db{l}"]),
            same_rank([f"Z{l}", f"dZ{l}"]),
        ]
    L = spec.L
    body += [
        dot_edge(f"A{L}", "loss"),
        dot_edge("Y", "loss"),
        dot_edge(f"dA{L}", "loss", back=True),
        same_rank(["Y", f"A{L}", f"dA{L}"]),
    ]
    return dot_graph(body)


def fits_neurons(spec: NetworkSpec) -> bool:
    """Whether the neuron drawing is readable: widths ≤ NEURON_LIMIT, at most NEURON_MAX_LAYERS layers."""
    return max(spec.sizes) <= NEURON_LIMIT and spec.L <= NEURON_MAX_LAYERS


def neurons(trace: Trace, sample: int = 0) -> str:
    r"""Every neuron for one sample; edge j→i of layer l shows w_ji and ∂L/∂w_ji (batch gradient).

    Unit i of layer l shows a_i^(l) for the sample, b_i and ∂L/∂b_i. Edge colour is the
    sign of w_ji (blue +, orange −) and its width grows with |w_ji|. Raises ValueError
    when not ``fits_neurons(spec)``; pages check that first.
    """
    spec = trace.spec
    if not fits_neurons(spec):
        raise ValueError(f"neurons() draws widths up to {NEURON_LIMIT} and {NEURON_MAX_LAYERS} layers")
    body = []
    for j in range(spec.sizes[0]):
        body.append(
            _unit(f"n0_{j}", f"x{nt.sub_text(j + 1)} = {num(trace.X[sample, j])}", FORWARD, "ellipse")
        )
    for layer in trace.layers:
        l = layer.l
        for i in range(layer.W.shape[1]):
            label = (
                f"a{nt.sub_text(i + 1)}{nt.layer_text(l)} = {num(layer.A[sample, i])}\n"
                f"b = {num(layer.b[i])}\n∂L/∂b = {num(layer.db[i])}"
            )
            body.append(_unit(f"n{l}_{i}", label, FORWARD, "ellipse"))
            for j in range(layer.W.shape[0]):
                w, dw = layer.W[j, i], layer.dW[j, i]
                body.append(
                    dot_edge(
                        f"n{l - 1}_{j}",
                        f"n{l}_{i}",
                        f"w{nt.sub_text(j + 1, i + 1)} = {num(w)}\n∂L/∂w = {num(dw)}",
                        color=POSITIVE if w >= 0 else NEGATIVE,
                        penwidth=f"{0.6 + 2.4 * min(abs(w), 2.0) / 2.0:.2f}",
                    )
                )
    for l, n in enumerate(spec.sizes):
        body.append(same_rank([f"n{l}_{i}" for i in range(n)]))
    body.append(_unit("caption", t("diagrams.sample", s=sample + 1), "white", "plaintext"))
    return dot_graph(body)
