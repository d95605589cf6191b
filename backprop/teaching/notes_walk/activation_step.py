r"""The activation step the notes leave out, filled in and checked like their own steps.

∂L/∂Z^(l) = ∂L/∂A^(l) ⊙ g'(Z^(l)) for an elementwise g (SymPy's g' at some entries, the
numbers, finite differences, and the value used at a kink); for softmax, each sample's
Jacobian J_s = diag(a_s) - a_s a_sᵀ, with the elementwise a(1 - a) refuted.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from backprop.core.activations import activation
from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.symbolic.notes_latex import sympy_latex
from backprop.teaching.notes_walk.checks import Focus, counterexample, finite_differences, numbers, same
from backprop.teaching.notes_walk.model import Check, Evidence, Step, fmt_number

SYMPY_ENTRIES = 6  # entries of Z where SymPy's g' is evaluated
DZ, DA = nt.grad("Z", "l", True), nt.grad("A", "l", True)
J_S = nt.transpose(r"\mathbf{J}_s")  # one sample's softmax Jacobian, transposed
A_S = nt.bold("a") + "_s"  # one sample's row of A, as a column

ELEMENTWISE = nt.dZ_formula("l", bold_symbol=True)
ELEMENTWISE_RHS = nt.hadamard(DA, nt.g_prime("l", nt.sup("Z", "l", True)))
JACOBIAN = (
    f"{nt.partial(nt.bold('z') + '_s^{(l)}')} = {J_S} {nt.partial(nt.bold('a') + '_s^{(l)}')},"
    rf" \quad (\mathbf{{J}}_s)_{{jk}} = "
    + nt.partial(nt.indexed("z", "sk", "l"), of=nt.indexed("a", "sj", "l"))
    + r" = a_{sj}^{(l)}(\delta_{jk} - a_{sk}^{(l)})"
)


def unsaturated(A: np.ndarray) -> np.ndarray:
    """Outputs strictly inside (0, 1): where -y/a and (a-y)/(a(1-a)) are finite and the long path is exact."""
    return (A > 0) & (A < 1)


def mean_factor(trace: Trace) -> tuple[float, str]:
    """(1/m, r"\frac{1}{m}") under the mean reduction, else (1, "")."""
    return (1.0 / trace.spec.m, r"\frac{1}{m}") if trace.spec.reduction == "mean" else (1.0, "")


def activation_step(trace: Trace, f: Focus) -> Step:
    r"""∂L/∂Z^(l) from ∂L/∂A^(l): ⊙ g'(Z) for an elementwise g, each row's Jacobian for softmax."""
    layer = trace.layers[f.l - 1]
    act = activation(trace.spec.activations[f.l - 1])
    if act.dg is None:  # softmax: no elementwise g', each sample's Jacobian instead
        return _softmax_step(trace, f)
    g_prime = act.dg(layer.Z, layer.A)  # (m, n_out)
    predicted = layer.dA * g_prime  # ∂L/∂A ⊙ g'(Z)
    z = sp.Symbol("z")
    derivative = sp.diff(act.sym(z), z)
    kinks = act.kinks
    away = (
        index for index in np.ndindex(*layer.Z.shape) if all(abs(layer.Z[index] - k) > 1e-9 for k in kinks)
    )
    cells = list(itertools.islice(away, SYMPY_ENTRIES))
    by_sympy = np.array([float(derivative.subs(z, sp.Float(float(layer.Z[c]), 30)).evalf(20)) for c in cells])
    ok, ev = same(
        r"\frac{\mathrm{d}}{\mathrm{d}z} g(z)\ (\mathrm{SymPy})",
        r"g'(z)",
        by_sympy,
        np.array([g_prime[c] for c in cells]),
    )
    sym_evidence = (Evidence(ev.key, ev.fmt, rf"g'(z) = {sympy_latex(derivative)}", ev.data),)
    sym_check = Check("sympy", ok if cells else None, sym_evidence + _kink_convention(act, layer, g_prime))
    return Step(
        "omit.activation",
        ELEMENTWISE,
        (
            sym_check,
            numbers([(ELEMENTWISE_RHS, DZ, predicted, layer.dZ)]),
            finite_differences(trace, "Z", f.l, predicted, ELEMENTWISE_RHS),
        ),
        origin="omitted",
    )


def _kink_convention(act, layer, g_prime) -> tuple[Evidence, ...]:
    r"""Where some z sits exactly on a kink, the value of g' used there, said (relu'(0) = 0)."""
    for k in act.kinks:
        at = np.argwhere(layer.Z == k)
        if len(at):
            index = tuple(int(i) for i in at[0])
            fmt = {"count": str(len(at)), "kink": fmt_number(k), "value": fmt_number(g_prime[index])}
            data = {"kink": k, "value": float(g_prime[index]), "cells": [tuple(map(int, c)) for c in at]}
            return (
                Evidence("kink_convention", fmt, latex=rf"g'({fmt_number(k)}) := {fmt['value']}", data=data),
            )
    return ()


def _softmax_step(trace: Trace, f: Focus) -> Step:
    r"""Softmax: J_s = diag(a_s) - a_s a_sᵀ per sample; SymPy's Jacobian; ⊙ a(1-a) refuted."""
    layer = trace.layers[f.l - 1]
    act = activation(trace.spec.activations[f.l - 1])
    n = layer.Z.shape[1]
    row = layer.Z[f.sample]
    if n <= 4:  # SymPy's own Jacobian of the whole row
        zs = sp.symbols(f"z1:{n + 1}")
        outs = act.sym(list(zs))
        J_sym = sp.Matrix([[sp.diff(outs[j], zs[k]) for k in range(n)] for j in range(n)])
        J_at = np.array(
            J_sym.subs({zs[k]: sp.Float(float(row[k]), 30) for k in range(n)}).evalf(20), dtype=float
        )
    else:  # wide rows: SymPy's Jacobian of a 3-way softmax, checked against the formula symbolically
        zs3 = sp.symbols("z1:4")
        outs3 = act.sym(list(zs3))
        J3 = sp.Matrix(3, 3, lambda j, k: sp.diff(outs3[j], zs3[k]) - outs3[j] * (int(j == k) - outs3[k]))
        J_at = (
            act.jacobian(layer.A[f.sample])
            if all(sp.simplify(e) == 0 for e in J3)
            else np.full((n, n), np.nan)
        )
    ok, ev = same(
        r"\mathbf{J}_s\ (\mathrm{SymPy})",
        rf"\mathrm{{diag}}({A_S}) - {A_S} {nt.transpose(A_S)}",
        J_at,
        act.jacobian(layer.A[f.sample]),
    )
    sym_check = Check(
        "sympy",
        ok,
        (
            Evidence(
                ev.key,
                ev.fmt,
                r"a_j = \frac{e^{z_j}}{\sum_k e^{z_k}}",
                ev.data,
            ),
        ),
    )
    by_rows = np.vstack(
        [act.jacobian(a).T @ d for a, d in zip(layer.A, layer.dA, strict=True)]
    )  # J_sᵀ ∂L/∂a_s, row by row
    fair = np.repeat(unsaturated(layer.A).all(axis=1, keepdims=True), layer.A.shape[1], axis=1)
    fd = finite_differences(
        trace,
        "Z",
        f.l,
        np.where(fair, by_rows, np.nan),
        f"{J_S} {nt.partial(nt.bold('a') + '_s')}",
    )
    pitfall = counterexample(
        trace,
        "Z",
        f.l,
        layer.dA * layer.A * (1 - layer.A),
        by_rows,
        nt.hadamard(nt.hadamard(DA, nt.bold("A")), f"(1 - {nt.bold('A')})"),
    )
    if pitfall is not None:
        fd = Check(
            fd.method,
            fd.holds,
            fd.evidence + (Evidence("elementwise_pitfall", pitfall.fmt, data=pitfall.data),),
        )
    return Step(
        "omit.softmax",
        JACOBIAN,
        (
            sym_check,
            numbers(
                [
                    (
                        f"{J_S} {nt.partial(nt.bold('a') + '_s')}",
                        DZ,
                        by_rows,
                        layer.dZ,
                        fair,
                    )
                ]
            ),
            fd,
        ),
        origin="omitted",
    )
