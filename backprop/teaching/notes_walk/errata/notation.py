r"""Mistakes 1, 2 and 6: the notes' notation read as written (a column of W, superscripts, ∂L/a_ij)."""

from __future__ import annotations

import numpy as np

from backprop.core.activations import activation
from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.teaching.notes_walk.checks import EXACT, Focus, finite_differences, numbers
from backprop.teaching.notes_walk.model import Check, Evidence, Mistake, fmt_index, fmt_number
from backprop.teaching.notes_walk.statements import (
    NO_PARTIAL,
    NO_PARTIAL_FIXED,
    TYPOS,
    TYPOS_FIXED,
    W_COLUMN,
    W_COLUMN_FIXED,
)


def _layers_from(trace: Trace, l: int) -> list[int]:
    """Layer l first, then the others: where to look for a counterexample."""
    return [l] + [k for k in range(1, trace.spec.L + 1) if k != l]


def column_length(trace: Trace, f: Focus) -> Mistake:
    r"""1. Column i of W^(l) has n_{l-1} entries, not n_l."""
    sizes = trace.spec.sizes
    found = next((k for k in _layers_from(trace, f.l) if sizes[k - 1] != sizes[k]), None)
    evidence = []
    if sizes[f.l - 1] == sizes[f.l]:
        evidence.append(
            Evidence("square_layer", {"layer": str(f.l), "n": str(sizes[f.l])}, data={"layer": f.l})
        )
    if found is None:
        evidence.append(Evidence("all_square", {}, data={"layer": None}))
    else:
        W = trace.layers[found - 1].W
        fmt = {"layer": str(found), "rows": str(W.shape[0]), "n_out": str(sizes[found])}
        evidence.append(
            Evidence("column_length", fmt, data={"layer": found, "rows": W.shape[0], "n_out": sizes[found]})
        )
    refutation = Check("shapes", False, tuple(evidence))
    layer = trace.layers[f.l - 1]
    lengths = {k: trace.layers[k - 1].W[:, 0].shape[0] for k in range(1, trace.spec.L + 1)}
    ok_len = all(lengths[k] == sizes[k - 1] for k in lengths)
    fmt = {"layer": str(f.l), "rows": str(lengths[f.l])}
    fixed = Check("shapes", ok_len, (Evidence("column_is_input", fmt, data={"lengths": lengths}),))
    a = layer.A_prev[f.sample]
    z_cols = np.array([a @ layer.W[:, i] + layer.b[i] for i in range(layer.W.shape[1])])
    used = numbers(
        [
            (
                f"{nt.paren_transpose(nt.sup('a', 'l-1', True), '')} {nt.sup(nt.bold('w_i'), 'l')}"
                f" + {nt.indexed('b', 'i', 'l')}",
                r"z_i^{(l)}",
                z_cols,
                layer.Z[f.sample],
            )
        ]
    )
    return Mistake(1, "column_length", W_COLUMN, refutation, W_COLUMN_FIXED, (fixed, used))


def superscripts(trace: Trace, f: Focus) -> Mistake:
    r"""2. ^{l} and ^{l-1} without parentheses read as powers; the notes mean the layer index."""
    evidence = [Evidence("power_notation", {})]
    for k in _layers_from(trace, f.l):
        layer = trace.layers[k - 1]
        act = activation(trace.spec.activations[k - 1])
        # read literally: (a^{l-1})ᵀ w_i is Σ_j a_j^(l-1) w_ji with a raised to the power l-1
        Z_power = layer.A_prev ** (k - 1) @ layer.W + layer.b  # (m, n_out)
        ok, _, where = _agree(Z_power, layer.Z)
        if not ok:
            literal = _read_as_power(k, k - 1, "a", where, Z_power[where], layer.Z[where])
            evidence.append(Evidence("power_reading", **literal))
            break
        if layer.Z.shape[1] >= 2 and act.elementwise:
            g2_power = layer.A[:, 1] ** k  # g_2^{l} read as the l-th power of g_2
            ok, _, where = _agree(g2_power, layer.A[:, 1])
            if not ok:
                index = (where[0], 1)
                literal = _read_as_power(k, k, "g", index, g2_power[where], layer.A[index])
                evidence.append(Evidence("power_reading_g", **literal))
                break
    refutation = Check("reading", False, tuple(evidence))
    layer = trace.layers[f.l - 1]
    act = activation(trace.spec.activations[f.l - 1])
    fixed = numbers(
        [
            (
                nt.forward_sum("l", bold_symbol=True),
                r"\mathbf{Z}^{(l)}",
                layer.A_prev @ layer.W + layer.b,
                layer.Z,
            ),
            (r"g^{(l)}(\mathbf{Z}^{(l)})", r"\mathbf{A}^{(l)}", act.g(layer.Z), layer.A),
        ]
    )
    return Mistake(2, "superscripts", TYPOS, refutation, TYPOS_FIXED, (fixed,))


def _read_as_power(k: int, power: int, which: str, index: tuple, literal, actual) -> dict:
    """The fmt and data of an Evidence: ``which`` ("a" or "g") of layer k raised to ``power`` at ``index``."""
    fmt = {
        "layer": str(k),
        "power": str(power),
        "entry": fmt_index(index),
        "literal": fmt_number(literal),
        "actual": fmt_number(actual),
    }
    return {"fmt": fmt, "data": {"layer": k, "index": index, "which": which, "literal": float(literal)}}


def _agree(X, Y):
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    diff = np.abs(X - Y)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
    scale = max(1.0, float(np.abs(X).max()), float(np.abs(Y).max()))
    return bool(diff[where] <= EXACT * scale), float(diff[where]), where


def missing_partial(trace: Trace, f: Focus) -> Mistake:
    r"""6. ∂L/a_ij divides by the number a_ij; the derivative is ∂L/∂a_ij."""
    layer, (i, j) = trace.layers[f.l - 1], f.a_entry
    value = float(layer.A_prev[i, j])
    fmt = {"entry": fmt_index((i, j)), "value": fmt_number(value)}
    refutation = Check("reading", False, (Evidence("missing_partial", fmt, data={"value": value}),))

    def double_sum(index) -> float:
        r, c = index
        local = np.zeros_like(layer.Z)
        local[r, :] = layer.W[c, :]  # ∂z_st/∂a_rc: w_ct on row r
        return float((layer.dZ * local).sum())

    fixed = finite_differences(
        trace,
        "A_prev",
        f.l,
        double_sum,
        r"\sum_{s,t} " + nt.partial("z_{st}") + " " + nt.partial("a_{ij}", of="z_{st}"),
        first=(i, j),
    )
    return Mistake(6, "missing_partial", NO_PARTIAL, refutation, NO_PARTIAL_FIXED, (fixed,))
